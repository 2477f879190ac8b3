"""The rules of an activation (平→战 … 战→平) and of the household reports under it, as plain data: the two
transition tables, what a report does to the counters, and which areas an activation may take. No I/O.

An activation is `active` until it is deactivated; while active its level may change and it may be extended to
more areas. A household under an activation starts `pending` and moves by the grid worker's reports; each report
changes the activation's counters by the delta `counter_delta` gives, applied as one atomic `$inc` in the same
transaction as the household's own conditional update (so the board's counts are exact under concurrency).
"""
from shared.scope import area_path
from shared.workflow import Transition, Workflow

from .api import ACCOUNTED, ACTIVATION_STATUS_LABELS, HOUSEHOLD_STATUS_LABELS, P_COMMAND, P_REPORT, SEVERITY, Level
from .api import ActivationStatus as A
from .api import HouseholdStatus as H

ACTIVATION = Workflow("activation", {str(k): v for k, v in ACTIVATION_STATUS_LABELS.items()}, [
    Transition("change_level", frozenset({A.active}), A.active, P_COMMAND, "调整响应等级", ("reason",)),
    Transition("extend", frozenset({A.active}), A.active, P_COMMAND, "扩大响应区域", ("reason",)),
    Transition("deactivate", frozenset({A.active}), A.deactivated, P_COMMAND, "解除响应", ("reason",)),
])

# A household's status moves by reports; the action is named by the status it reports. Once people are known to
# be safe nobody is marked "not reached" again, and an evacuated household stays evacuated (to another shelter,
# or needing help there) until the response ends.
HOUSEHOLD = Workflow("household_check", {str(k): v for k, v in HOUSEHOLD_STATUS_LABELS.items()}, [
    Transition(H.checked, frozenset({H.pending, H.checked, H.not_reached, H.needs_help}), H.checked, P_REPORT,
               "标记已核查"),
    Transition(H.not_reached, frozenset({H.pending, H.not_reached}), H.not_reached, P_REPORT, "标记未联系上"),
    Transition(H.evacuated, frozenset({H.pending, H.checked, H.not_reached, H.needs_help, H.evacuated}),
               H.evacuated, P_REPORT, "标记已转移", ("shelter_id",)),
    Transition(H.needs_help, frozenset({H.pending, H.checked, H.not_reached, H.needs_help, H.evacuated}),
               H.needs_help, P_REPORT, "标记需要帮助"),
])

COUNTER_SHARDS = 4  # counter documents per grid: concurrent reports in one grid rarely touch the same one


def graver(level: Level, than: Level) -> bool:
    return SEVERITY[Level(level)] > SEVERITY[Level(than)]


def applies(template_level: str, level: str) -> bool:
    """A template of `template_level` applies at that level and every graver one."""
    return SEVERITY[Level(level)] >= SEVERITY[Level(template_level)]


def counter_delta(before: dict, after: dict) -> dict[str, int]:
    """The `$inc` one report makes on the counters: `before` and `after` are the household's
    {status, vulnerable, people, shelter_id} (people: how many were moved to the shelter, when evacuated)."""
    delta: dict[str, int] = {"reports": 1}

    def add(key: str, n: int) -> None:
        if n:
            delta[key] = delta.get(key, 0) + n

    if before["status"] != after["status"]:
        add(f"counts.{before['status']}", -1)
        add(f"counts.{after['status']}", 1)
    was, now = H(before["status"]) in ACCOUNTED, H(after["status"]) in ACCOUNTED
    if was != now:
        add("vulnerable_accounted", after["vulnerable"] if now else -before["vulnerable"])
    if before["status"] == H.evacuated:
        add("evacuated_people", -before["people"])
        add(f"shelters.{before['shelter_id']}", -before["people"])
    if after["status"] == H.evacuated:
        add("evacuated_people", after["people"])
        add(f"shelters.{after['shelter_id']}", after["people"])
    return {k: v for k, v in delta.items() if v}


def overlap(activated: list[str], wanted: list[str]) -> list[str]:
    """The wanted areas that lie inside, or contain, an area already activated (codes nest by prefix)."""
    return [w for w in wanted if any(w.startswith(a) or a.startswith(w) for a in activated)]


def within_plan(plan_area: str, areas: list[str]) -> list[str]:
    """The areas outside the plan's own area (a township's plan covers that township's villages only)."""
    return [a for a in areas if not a.startswith(plan_area)]


def paths(areas: list[str]) -> list[str]:
    """Every code on the way down to each area: the key by which callers above or inside find an activation."""
    return sorted({code for a in areas for code in area_path(a)})


def visible_query(scope_codes: tuple[str, ...] | None, paths_field: str = "area_paths",
                  codes_field: str = "area_codes") -> dict:
    """Records a caller may see that concern whole areas (activations, plans): those over one of the caller's
    areas or inside it, and those over an area above it (a township's plan is its villages' plan too)."""
    if scope_codes is None:
        return {}
    above = sorted({code for s in scope_codes for code in area_path(s)})
    return {"$or": [{paths_field: {"$in": list(scope_codes)}}, {codes_field: {"$in": above}}]}
