"""What the grid registry tells the emergency service when an area is activated, and the grid worker's phone
during the response: the households of the areas with the ids of residents listed for assisted evacuation, and for
a visit the household's number, address and masked names. Special-group status and health stay here: only the
fact "needs help to evacuate" leaves, as a resident id, never the reason."""
from shared import pii
from shared.errors import ValidationFailed

from .domain import AreaKind

# Listed for assisted evacuation (转移安置名单) when the special group or the health field says so.
ASSISTED = ("独居", "空巢", "残疾", "卧床", "失能", "瘫痪")
ACTIVATED_KINDS = {AreaKind.town, AreaKind.township, AreaKind.street, AreaKind.village, AreaKind.community}
MAX_AREAS, MAX_VISITS = 30, 2000


def needs_assistance(resident: dict) -> bool:
    text = f"{resident.get('special_group') or ''} {resident.get('health') or ''}"
    return any(word in text for word in ASSISTED)


def roster(work, area_codes: list[str]) -> dict:
    """The grids of the areas (with their workers' ids and names) and every household in them with its resident
    count and the ids of residents listed for assisted evacuation. Within the caller's scope."""
    if not isinstance(area_codes, list) or not 1 <= len(area_codes) <= MAX_AREAS:
        raise ValidationFailed(f"应给出1到{MAX_AREAS}个区划", field="area_codes")
    areas = work.store.areas_by_code(area_codes)
    for i, code in enumerate(area_codes):
        area = areas.get(code)
        if area is None or area.kind not in ACTIVATED_KINDS or not work.scope.allows(area.path):
            raise ValidationFailed("区划不存在或不在辖区内", field=f"area_codes.{i}", code="area.unknown")
    grids = work.store.areas_of_kind_under(area_codes, AreaKind.grid.value)
    workers = work.store.workers_of_grids([g["code"] for g in grids])
    households = work.store.households_under(area_codes)
    residents = work.store.resident_flags_under(area_codes)
    counted: dict[str, int] = {}
    listed: dict[str, list[str]] = {}
    for r in residents:
        counted[r["household_id"]] = counted.get(r["household_id"], 0) + 1
        if needs_assistance(r):
            listed.setdefault(r["household_id"], []).append(r["resident_id"])
    return {
        "grids": [{"grid_code": g["code"], "village_code": g["path"][2], "township_code": g["path"][1],
                   "name": g["name"], "workers": [{"worker_id": w["worker_id"], "name": w["name"]}
                                                  for w in workers if g["code"] in w["grid_codes"]]}
                  for g in grids],
        "households": [{"household_id": h["_id"], "grid_code": h["area_path"][3], "village_code": h["area_path"][2],
                        "township_code": h["area_path"][1], "micro_grid_code": h["area_path"][-1],
                        "resident_count": counted.get(h["_id"], 0),
                        "vulnerable": [{"resident_id": rid} for rid in listed.get(h["_id"], [])]}
                       for h in households if len(h["area_path"]) >= 4],
    }


def visit_list(work, household_ids: list[str]) -> dict:
    """For the grid worker at the door: number, address, the head's masked name and the masked names of those to
    help out, for the households of the caller's grids (others are left out)."""
    if not isinstance(household_ids, list) or len(household_ids) > MAX_VISITS:
        raise ValidationFailed(f"一次最多{MAX_VISITS}户", field="household_ids")
    households = work.store.households_by_ids([str(i) for i in household_ids], work.scope.query())
    residents = work.store.resident_flags_of([h["_id"] for h in households])
    by_household: dict[str, list[dict]] = {}
    for r in residents:
        by_household.setdefault(r["household_id"], []).append(r)
    items = []
    for h in households:
        people = by_household.get(h["_id"], [])
        head = next((r for r in people if r["relation"] == "head"), people[0] if people else None)
        items.append({"household_id": h["_id"], "household_number": h["household_number"], "address": h["address"],
                      "head": pii.mask_name(head["name"]) if head else None, "residents": len(people),
                      "assist": [{"resident_id": r["resident_id"], "name": pii.mask_name(r["name"])}
                                 for r in people if needs_assistance(r)]})
    return {"items": items}
