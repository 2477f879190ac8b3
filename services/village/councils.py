"""四会: the four councils of a village (红白理事会, 村民议事会, 道德评议会, 禁毒禁赌会): members by resident reference,
terms, meetings with minutes and decisions; the 红白理事会's reports of weddings and funerals (婚丧事宜报备) and
its check afterwards. Plain rules; no I/O.

A simple wedding or funeral (婚事新办、丧事简办) is the council's finding at the check, never more tables than the
council's own standard; that finding is what the credit service's points rule awards from, through its approval.
"""
from datetime import date, timedelta

from .api.codes import COUNCIL_KINDS, FAMILY_EVENT_KINDS, FAMILY_EVENT_WORKFLOW

WEDDING_FUNERAL, ETHICS = "wedding_funeral_council", "ethics_council"
# A wedding is reported before the day; a funeral, which no one plans, within three days of it.
WEDDING_AHEAD_DAYS, FUNERAL_AFTER_DAYS, FUNERAL_AHEAD_DAYS = 365, 3, 15

FAMILY_EVENT = FAMILY_EVENT_WORKFLOW


def default_name(village_name: str, kind: str) -> str:
    return f"{village_name}{COUNCIL_KINDS[kind]}"


def in_term(council: dict, day: date) -> bool:
    return date.fromisoformat(council["term_start"]) <= day <= date.fromisoformat(council["term_end"])


def member_problem(members: list[dict], residents: dict[str, dict | None], village_code: str) -> tuple[str, str] | None:
    """(field, message) when a member is not a registered resident of the council's village."""
    for i, member in enumerate(members):
        found = residents.get(member["resident_id"])
        if found is None or village_code not in (found.get("area_path") or []):
            return f"members.{i}.resident_id", "不是本村（社区）登记的居民"
    return None


def report_problem(kind: str, event_date: date, today: date) -> tuple[str, str] | None:
    if kind == "wedding" and not (today <= event_date <= today + timedelta(days=WEDDING_AHEAD_DAYS)):
        return "event_date", "婚事应在办理之前报备（一年以内）"
    if kind == "funeral" and not (today - timedelta(days=FUNERAL_AFTER_DAYS) <= event_date
                                  <= today + timedelta(days=FUNERAL_AHEAD_DAYS)):
        return "event_date", f"丧事应在{FUNERAL_AFTER_DAYS}日内报备"
    return None


def check_problem(report: dict, body: dict, max_tables: int, today: date) -> tuple[str, str] | None:
    """(field, message) of what keeps a check from standing, or None."""
    for name in ("checked_on", "actual_tables", "actual_guests", "simple", "findings"):
        if body.get(name) is None:
            return name, "事后核查须填写此项"
    event_date = date.fromisoformat(report["event_date"])
    if not (event_date <= body["checked_on"] <= today):
        return "checked_on", f"核查日期应在{FAMILY_EVENT_KINDS[report['kind']]}办理之后、今天之前"
    if body["simple"] and body["actual_tables"] > max_tables:
        return "simple", f"实际{body['actual_tables']}桌，超过本村红白理事会简办标准（{max_tables}桌），不能认定为简办"
    return None


def met_in(meetings: list[dict], since: date, until: date) -> bool:
    """Active in a period: the council met at least once in it."""
    return any(since <= date.fromisoformat(m["held_on"]) < until for m in meetings)
