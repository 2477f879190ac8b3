"""村务自治: the rules of the village service that every part shares, and the two at its heart: the order of the
six steps of 四议两公开 (one transition table, no step skipped or taken twice) and the quorum of a villagers'
meeting or a representatives' meeting under 《中华人民共和国村民委员会组织法》.

- Art. 22: a villagers' meeting (村民会议) needs more than half of the village's villagers aged 18 or over, or the
  representatives of two thirds or more of its households; its decisions need more than half of those present.
- Art. 26: a representatives' meeting (村民代表会议) needs two thirds or more of its members; its decisions need
  more than half of those present.
"以上" includes the number itself (民法典 第1259条); "过半数" is strictly more than half.

Plain rules over plain data; no I/O. The other concepts have modules of their own: village_rules.py (一约 and its
filing), councils.py (四会), sessions.py (村民说事), figures.py.
"""
import os
from datetime import date

from shared import clock
from shared.errors import ValidationFailed
from shared.workflow import Transition

from .api.codes import MATTER_STEPS, MATTER_WORKFLOW, MEETING_KINDS

COUNTY_CODE = "500229"
LEVEL_NAMES = {6: "县", 9: "乡镇（街道）", 12: "村（社区）", 15: "网格"}


def step_limit_days() -> int:
    """How long a matter may wait at one step before the township is told (calendar days)."""
    return int(os.environ.get("VILLAGE_STEP_LIMIT_DAYS", "30"))


def not_after_today(day: date, field: str, today: date | None = None) -> None:
    if day > (today or clock.today()):
        raise ValidationFailed("日期不能晚于今天", field=field)


# quorum (村民委员会组织法 第二十二条、第二十六条) ----------------------------------------------------------------------
def least_over_half(n: int) -> int:
    """The smallest count that is more than half of n (过半数)."""
    return n // 2 + 1


def least_two_thirds(n: int) -> int:
    """The smallest count that is two thirds of n or more (三分之二以上, the number itself included)."""
    return (2 * n + 2) // 3


def villagers_meeting_quorate(attendees: int, households_represented: int | None, adults: int,
                              households: int) -> bool:
    by_villagers = adults > 0 and attendees >= least_over_half(adults)
    by_households = households > 0 and (households_represented or 0) >= least_two_thirds(households)
    return by_villagers or by_households


def representatives_meeting_quorate(attendees: int, members: int) -> bool:
    return members > 0 and attendees >= least_two_thirds(members)


def decision_passes(votes_for: int, attendees: int) -> bool:
    return attendees > 0 and votes_for >= least_over_half(attendees)


def meeting_problem(meeting_kind: str, attendees: int, households_represented: int | None, votes_for: int,
                    basis: dict) -> tuple[str, int, str] | None:
    """Why a meeting's vote does not stand in law, as (reason, the count it needed, the message), or None.
    `basis` is what the law counts against: {adults, households} of the village (from the grid) for a villagers'
    meeting, {representatives} (the members of the representatives' meeting) for a representatives' meeting."""
    if meeting_kind == "villagers_meeting":
        adults, households = basis["adults"], basis["households"]
        if not villagers_meeting_quorate(attendees, households_represented, adults, households):
            held = f"本次到会{attendees}人" + (f"、代表{households_represented}户" if households_represented else "")
            return ("quorum", least_over_half(adults),
                    f"村民会议须有本村18周岁以上村民过半数（本村{adults}人，至少{least_over_half(adults)}人）"
                    f"或三分之二以上的户的代表（本村{households}户，至少{least_two_thirds(households)}户）参加，{held}，"
                    f"未达法定人数")
    else:
        members = basis["representatives"]
        if not representatives_meeting_quorate(attendees, members):
            return ("quorum", least_two_thirds(members),
                    f"村民代表会议须有三分之二以上的组成人员参加（组成人员{members}人，至少{least_two_thirds(members)}人），"
                    f"本次到会{attendees}人，未达法定人数")
    if not decision_passes(votes_for, attendees):
        return ("majority", least_over_half(attendees),
                f"所作决定须经到会人员过半数通过（到会{attendees}人，至少{least_over_half(attendees)}票赞成），"
                f"本次赞成{votes_for}票，未获通过")
    return None


def attendance_problem(meeting_kind: str, attendees: int, households_represented: int | None,
                       basis: dict) -> tuple[str, str] | None:
    """(field, message) when the counts cannot be true of the village: more people present than it has."""
    if meeting_kind == "villagers_meeting":
        if basis["adults"] <= 0 and basis["households"] <= 0:
            return "meeting_kind", "网格登记中本村尚无村民和户，无法核定村民会议的法定人数"
        if households_represented is not None and households_represented > basis["households"]:
            return "households_represented", f"到会户数超过本村登记的户数（{basis['households']}户）"
        if attendees > basis["residents"]:
            return "attendees", f"到会人数超过本村登记的村民人数（{basis['residents']}人）"
        return None
    if basis["representatives"] <= 0:
        return "meeting_kind", "本村尚未登记村民代表会议组成人员，请先登记或改用村民会议"
    if attendees > basis["representatives"]:
        return "attendees", f"到会人数超过村民代表会议组成人员数（{basis['representatives']}人）"
    return None


def meeting_label(kind: str) -> str:
    return MEETING_KINDS[kind]


# 四议两公开: the six steps in one table -------------------------------------------------------------------------
STEPS = list(MATTER_STEPS)
DELIBERATIONS = ("propose", "consult", "review", "resolve")
PUBLICATIONS = ("publish_resolution", "publish_result")
OPEN = ("registered", "proposed", "consulted", "reviewed", "resolved", "resolution_published")
MATTER = MATTER_WORKFLOW


def next_step(status: str) -> str | None:
    """The step a matter at `status` waits for (None once completed or withdrawn)."""
    return next((s for s in STEPS if status in MATTER.transitions[s].sources), None)


def check_step(status: str, step: str) -> Transition:
    """The step's transition, when it is the one the matter waits for; otherwise 400 saying which step comes
    first (a step may be neither skipped nor taken again)."""
    if step not in MATTER_STEPS:
        raise ValidationFailed(f"步骤应为以下之一：{'、'.join(MATTER_STEPS.values())}", field="step",
                               code="village_matter.unknown_step")
    wanted = next_step(status)
    if wanted is None:
        done = "六个步骤均已完成" if status == "completed" else "事项已撤回"
        raise ValidationFailed(f"{done}，不能再记录「{MATTER_STEPS[step]}」", field="step", code="village_matter.closed")
    if step == wanted:
        return MATTER.get(step)
    if STEPS.index(step) < STEPS.index(wanted):
        raise ValidationFailed(f"「{MATTER_STEPS[step]}」已经完成，下一步是「{MATTER_STEPS[wanted]}」", field="step",
                               code="village_matter.step_done")
    skipped = "」「".join(MATTER_STEPS[s] for s in STEPS[STEPS.index(wanted):STEPS.index(step)])
    raise ValidationFailed(f"不能跳过「{skipped}」：须先完成「{MATTER_STEPS[wanted]}」，才能{MATTER_STEPS[step]}",
                           field="step", code="village_matter.step_skipped")


# What each step must carry, beyond its date.
STEP_NEEDS = {
    "propose": ("expected", "present", "votes_for", "votes_against", "minutes"),
    "consult": ("expected", "present", "votes_for", "votes_against", "minutes"),
    "review": ("expected", "present", "votes_for", "votes_against", "minutes"),
    "resolve": ("meeting_kind", "present", "votes_for", "votes_against", "minutes"),
    "publish_resolution": ("channel", "content"),
    "publish_result": ("channel", "content"),
}
STEP_FIELDS = {step: ("held_on", *needs, *(("abstentions",) if step in DELIBERATIONS else ()),
                      *(("households_represented",) if step == "resolve" else ()))
               for step, needs in STEP_NEEDS.items()}


def step_problem(step: str, body: dict, previous_on: date | None, today: date) -> tuple[str, str] | None:
    """(field, message) of what keeps a step's record from standing, or None; the quorum of `resolve` is checked
    apart, against the village's numbers (meeting_problem)."""
    label = MATTER_STEPS[step]
    if body["held_on"] > today:
        return "held_on", "日期不能晚于今天"
    if previous_on and body["held_on"] < previous_on:
        return "held_on", f"不能早于上一步的日期（{previous_on.isoformat()}）"
    for name in STEP_NEEDS[step]:
        if body.get(name) is None:
            return name, f"{label}须填写此项"
    if step in PUBLICATIONS:
        return None
    present, votes = body["present"], body["votes_for"] + body["votes_against"] + (body.get("abstentions") or 0)
    if step != "resolve":
        if body["expected"] < 1:
            return "expected", "应到人数至少为1"
        if present > body["expected"]:
            return "present", "实到人数不能超过应到人数"
    if body.get("households_represented") is not None and body["meeting_kind"] != "villagers_meeting":
        return "households_represented", "到会户数只用于村民会议"
    if votes > present:
        return "votes_for", "赞成、反对、弃权票数之和不能超过实到人数"
    if step != "resolve" and not decision_passes(body["votes_for"], present):
        return "votes_for", (f"{label}须经到会人员过半数同意（到会{present}人，至少{least_over_half(present)}票），"
                             f"本次赞成{body['votes_for']}票")
    return None


def is_late(previous_on: date | None, held_on: date, limit: int) -> bool:
    """A step taken longer than the limit after the one before it (or after the matter was registered)."""
    return previous_on is not None and (held_on - previous_on).days > limit


def waiting_days(since: date, today: date) -> int:
    return (today - since).days
