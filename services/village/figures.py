"""The village self-governance figures of an area for a period [since, until): rules adopted, filed and in force,
councils active, matters decided through all six steps in time or with a late step, resolutions refused, sessions
held and their matters resolved. Plain functions over the stored records; no I/O. The definitions are what the
console and docs/village.md show."""
from datetime import date

DEFINITIONS = {
    "rules_adopted": "期内经村民会议或村民代表会议表决通过的村规民约（居民公约、小区守则）版本数",
    "rules_filed": "期内经乡镇备案的版本数",
    "rules_in_force": "期末公布施行中的版本数（每个村、社区或小区每类至多一个）",
    "villages_with_rules": "期末有村规民约或居民公约施行的村（社区）数",
    "councils": "期内在任期内的四会数",
    "councils_active": "其中期内开过会的（四会活跃）",
    "matters_completed": "期内完成第六步“实施结果公开”的四议两公开事项数",
    "matters_completed_in_time": "其中每一步都在时限内完成、从未被督办的",
    "matters_late": "期内有步骤超过时限（记录时相隔超时，或等待超时被督办）的事项数；跳步在系统中不能发生",
    "matters_open": "期末尚未完成、也未撤回的事项数",
    "resolutions_refused": "期内因未达法定人数或未获过半数而未成立的决议会议数",
    "sessions_held": "期内召开的村民说事、民情恳谈、百姓议事次数",
    "session_matters": "这些会上群众提出的事项数",
    "session_matters_resolved": "其中已当场解决或经网格、调解办结的",
    "family_events_reported": "期内向红白理事会报备的婚丧事宜数",
    "family_events_simple": "其中经核查认定简办的",
}
COUNTS = tuple(DEFINITIONS)


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _in(value, since: date, until: date) -> bool:
    day = _day(value)
    return day is not None and since <= day < until


def rules_in_force(version: dict, until: date) -> bool:
    published, superseded = _day(version.get("published_on")), _day(version.get("superseded_on"))
    return published is not None and published < until and (superseded is None or superseded >= until)


def matter_late_in(matter: dict, since: date, until: date) -> bool:
    return (any(s.get("late") and _in(s["held_on"], since, until) for s in matter.get("steps", []))
            or any(_in(f["flagged_on"], since, until) for f in matter.get("flags", [])))


def matter_ever_late(matter: dict) -> bool:
    return any(s.get("late") for s in matter.get("steps", [])) or bool(matter.get("flags"))


def completed_on(matter: dict) -> date | None:
    last = matter.get("steps", [])[-1:] or [None]
    return _day(last[0]["held_on"]) if last[0] and last[0]["step"] == "publish_result" else None


def open_at(matter: dict, until: date) -> bool:
    if matter["status"] == "withdrawn" or _day(matter["registered_on"]) >= until:
        return False
    done = completed_on(matter)
    return done is None or done >= until


def count(records: dict, since: date, until: date) -> dict:
    """The figures of one area from its records: {rules, councils, meetings, matters, sessions, reports}."""
    councils = [c for c in records["councils"] if _day(c["term_start"]) < until and _day(c["term_end"]) >= since]
    met = {m["council_id"] for m in records["meetings"] if _in(m["held_on"], since, until)}
    completed = [m for m in records["matters"] if _in(completed_on(m), since, until)]
    sessions = [s for s in records["sessions"] if _in(s["held_on"], since, until)]
    raised = [m for s in sessions for m in s.get("matters", [])]
    reports = [r for r in records["reports"] if _in(r["reported_on"], since, until)]
    in_force = [v for v in records["rules"] if rules_in_force(v, until)]
    return {
        "rules_adopted": sum(1 for v in records["rules"] if _in((v.get("adoption") or {}).get("held_on"), since, until)),
        "rules_filed": sum(1 for v in records["rules"] if _in((v.get("filing") or {}).get("filed_on"), since, until)),
        "rules_in_force": len(in_force),
        "villages_with_rules": len({v["area_code"] for v in in_force if v["kind"] != "compound_rules"}),
        "councils": len(councils),
        "councils_active": sum(1 for c in councils if c["_id"] in met),
        "matters_completed": len(completed),
        "matters_completed_in_time": sum(1 for m in completed if not matter_ever_late(m)),
        "matters_late": sum(1 for m in records["matters"] if matter_late_in(m, since, until)),
        "matters_open": sum(1 for m in records["matters"] if open_at(m, until)),
        "resolutions_refused": sum(1 for m in records["matters"] for r in m.get("refusals", [])
                                   if _in(r["held_on"], since, until)),
        "sessions_held": len(sessions),
        "session_matters": len(raised),
        "session_matters_resolved": sum(1 for m in raised if m["status"] in ("settled", "resolved")),
        "family_events_reported": len(reports),
        "family_events_simple": sum(1 for r in reports if (r.get("check") or {}).get("simple")),
    }


def rates(figures: dict) -> dict:
    share = lambda part, whole: round(part / whole, 4) if whole else None  # noqa: E731
    return {"councils_active_rate": share(figures["councils_active"], figures["councils"]),
            "matters_in_time_rate": share(figures["matters_completed_in_time"], figures["matters_completed"]),
            "session_matters_resolved_rate": share(figures["session_matters_resolved"], figures["session_matters"])}


def group(records: dict, level: int) -> dict[str, dict]:
    """The records split by the area at `level` digits that each lies in (a township's villages, the county's
    townships)."""
    out: dict[str, dict] = {}
    for kind, items in records.items():
        for item in items:
            code = next((c for c in item["area_path"] if len(c) == level), None)
            if code:
                out.setdefault(code, {k: [] for k in records})[kind].append(item)
    return out


def compute(area_code: str, records: dict, since: date, until: date, names: dict[str, str]) -> dict:
    totals = count(records, since, until)
    by_area = []
    if len(area_code) < 12:
        level = len(area_code) + 3
        groups = group(records, level)
        for code in sorted(set(groups) | {c for c in names if len(c) == level}):
            part = count(groups.get(code, {k: [] for k in records}), since, until)
            by_area.append({"area_code": code, "area_name": names.get(code, code), **part, **rates(part)})
    return {"area_code": area_code, "area_name": names.get(area_code, area_code), "since": since.isoformat(),
            "until": until.isoformat(), **totals, **rates(totals), "by_area": by_area, "definitions": DEFINITIONS}
