"""一约: village rules (村规民约), residents' compacts (居民公约) and compound rules (小区守则) as versions with clauses.

A version is drafted, adopted by a villagers' or representatives' meeting that has its quorum (domain.py), filed
with the township (备案: submitted → reviewed → filed, or returned with the reason) and only then published; the
version it replaces is superseded. A returned version stays as it was: the village drafts a new version, which goes
to the meeting again. Plain rules; no I/O.
"""
from shared.errors import Conflict
from shared.workflow import Transition

from .api.codes import RULES_KIND_AREA, RULES_KINDS, RULES_STATUS, RULES_WORKFLOW

WORKFLOW = RULES_WORKFLOW
# A version still on its way: one at a time per area and kind.
UNDER_WAY = ("draft", "adopted", "submitted", "reviewed", "filed")
# The actions staff take (a version is superseded only by the next one being published).
ACTIONS = [a for a in WORKFLOW.transitions if a != "supersede"]


def step(status: str, action: str, given: dict) -> Transition:
    """The transition of a rules version; publishing before the township has filed it is refused first, in words
    that say so."""
    if action == "publish" and status in ("draft", "adopted", "submitted", "reviewed"):
        raise Conflict(f"须经乡镇备案后才能公布施行（当前：{RULES_STATUS[status]}）", field="action",
                       code="village_rules.not_filed")
    return WORKFLOW.step(status, action, given)


def actions_for(duty: str) -> list[str]:
    return [a for a in ACTIONS if WORKFLOW.transitions[a].duty == duty]


def area_problem(kind: str, area_kind: str | None) -> str | None:
    """The rules' kind must fit the area: a village's compact, a community's compact, a compound's rules."""
    wanted = RULES_KIND_AREA[kind]
    if area_kind == wanted:
        return None
    where = {"village": "村", "community": "社区", "grid": "小区（网格）"}[wanted]
    return f"{RULES_KINDS[kind]}应由{where}制定"


def conduct_clause(version: dict, clause_no: int) -> dict | None:
    """The clause a good deed or breach is recorded under: it must exist and be linked to a points rule."""
    clause = next((c for c in version["clauses"] if c["no"] == clause_no), None)
    if clause is None or not clause.get("points_rule_code"):
        return None
    return clause


def changed_clauses(old: list[dict], new: list[dict]) -> int:
    """How many clauses a new version changes, adds or drops against the one it replaces (for the history)."""
    before = {c["no"]: c["text"] for c in old}
    after = {c["no"]: c["text"] for c in new}
    return sum(1 for n in before.keys() | after.keys() if before.get(n) != after.get(n))
