"""What an activation hands out: one task per household (入户排查, with 转移安置 where the grid registry lists
residents for assisted evacuation), the grids' and villages' own tasks from the plan's templates, the counters the
board reads, and one assignment batch per grid (the `task.assigned` event). Plain data; no I/O.

`roster` is what the grid service answered for the areas: their grids with their workers and their households with
the ids of residents listed for assisted evacuation (ids only: who they are stays in the grid registry).
"""
import uuid
from datetime import datetime, timedelta

from shared.scope import area_path

from .api import HouseholdStatus, TaskKind, TaskScope
from .domain import COUNTER_SHARDS


def new_task_id() -> str:
    return f"ET{uuid.uuid4().hex[:16]}"


def _due(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


def household_tasks(activation: dict, templates: list[dict], roster: dict, assignees: dict[str, list[str]],
                    start: datetime) -> list[dict]:
    """One task per household of the roster: checked by `start` + the check's time, evacuated first where the
    plan's evacuation template applies and someone is listed."""
    check = min((t["due_minutes"] for t in templates if t["kind"] == TaskKind.household_check), default=None)
    evacuate = min((t["due_minutes"] for t in templates if t["kind"] == TaskKind.evacuation), default=None)
    out = []
    for h in roster["households"]:
        vulnerable = [v["resident_id"] for v in h["vulnerable"]]
        out.append({
            "_id": f"{activation['_id']}:{h['household_id']}", "activation_id": activation["_id"],
            "household_id": h["household_id"], "grid_code": h["grid_code"], "village_code": h["village_code"],
            "township_code": h["township_code"], "area_path": area_path(h["grid_code"]),
            "status": HouseholdStatus.pending.value, "revision": 0, "resident_count": h["resident_count"],
            "vulnerable_resident_ids": vulnerable, "evacuate": bool(vulnerable) and evacuate is not None,
            "due_at": _due(start, check if check is not None else 60),
            "evacuate_due_at": _due(start, evacuate) if vulnerable and evacuate is not None else None,
            "assignees": assignees.get(h["grid_code"], []), "shelter_id": None, "people": 0,
            "drill": activation["drill"]})
    return out


def area_tasks(activation: dict, templates: list[dict], grids: list[dict], assignees: dict[str, list[str]],
               start: datetime) -> list[dict]:
    """The grids' and villages' own tasks (closing a road, hourly reports, watch …), one per template and area."""
    villages = sorted({g["village_code"] for g in grids})
    out = []
    for t in templates:
        if t["scope"] == TaskScope.household:
            continue
        codes = [g["grid_code"] for g in grids] if t["scope"] == TaskScope.grid else villages
        for code in codes:
            out.append({"_id": new_task_id(), "activation_id": activation["_id"], "kind": t["kind"],
                        "title": t["title"], "scope": t["scope"], "area_code": code, "area_path": area_path(code),
                        "grid_code": code if len(code) == 15 else None, "village_code": code[:12],
                        "township_code": code[:9], "assignee_role": t["assignee_role"],
                        "assignees": assignees.get(code, []) if len(code) == 15 else [],
                        "due_at": _due(start, t["due_minutes"]), "repeat_minutes": t.get("repeat_minutes"),
                        "status": "open", "done_at": None, "done_note": None, "drill": activation["drill"]})
    return out


def counter_shards(activation_id: str, grids: list[dict], households: list[dict]) -> list[dict]:
    """COUNTER_SHARDS documents per grid, all zero but the first, which starts with the grid's households pending
    and its vulnerable residents; reports add their deltas to any one of them."""
    per_grid: dict[str, list[dict]] = {g["grid_code"]: [] for g in grids}
    for h in households:
        per_grid.setdefault(h["grid_code"], []).append(h)
    out = []
    for grid_code, found in per_grid.items():
        for shard in range(COUNTER_SHARDS):
            first = shard == 0
            out.append({"_id": f"{activation_id}:{grid_code}:{shard}", "activation_id": activation_id,
                        "grid_code": grid_code, "village_code": grid_code[:12], "township_code": grid_code[:9],
                        "area_path": area_path(grid_code), "shard": shard, "frozen": False,
                        "households": len(found) if first else 0,
                        "vulnerable": sum(len(h["vulnerable_resident_ids"]) for h in found) if first else 0,
                        "counts": {s.value: (len(found) if first and s == HouseholdStatus.pending else 0)
                                   for s in HouseholdStatus},
                        "vulnerable_accounted": 0, "evacuated_people": 0, "shelters": {}, "reports": 0})
    return out


def batches(grids: list[dict], households: list[dict], tasks: list[dict],
            assignees: dict[str, list[str]]) -> list[dict]:
    """One assignment batch per grid: what the `task.assigned` event of that grid says."""
    out = []
    for g in grids:
        code = g["grid_code"]
        mine = [h for h in households if h["grid_code"] == code]
        own = [t for t in tasks if t["grid_code"] == code or (t["grid_code"] is None and t["village_code"] ==
                                                              g["village_code"] and t["scope"] == TaskScope.village)]
        dues = [h["due_at"] for h in mine] + [t["due_at"] for t in own]
        if not mine and not own:
            continue
        out.append({"grid_code": code, "village_code": g["village_code"], "township_code": g["township_code"],
                    "worker_ids": assignees.get(code, []), "household_tasks": len(mine),
                    "evacuations": sum(1 for h in mine if h["evacuate"]), "task_ids": [t["_id"] for t in own],
                    "task_kinds": sorted({t["kind"] for t in own}), "first_due_at": min(dues) if dues else None})
    return out
