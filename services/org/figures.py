"""The party-building figures of an area, and of each area one level below it. Plain rules over plain rows; the
service layer reads the rows (the grid read model, organisations, members, cadre assignments, rosters) and hands
them over. Definitions (also in docs/org.md and on the console):
"""
from .domain import GRID_KINDS, both_registered, required_roles, roster_complete

DEFINITIONS = {
    "branch_coverage": "网格党组织覆盖率 = 建有党支部或党小组的网格数 ÷ 网格总数",
    "double_registration_rate": "双报到率 = 网格报到和居住地社区报到都已完成的在册党员数 ÷ 在册党员数",
    "cadres_per_grid": "每网格下沉干部数 = 在岗的下沉干部人次 ÷ 网格总数",
    "roster_completeness": "名册完整率 = 已配齐的名册岗位数 ÷ 应配岗位数（每个村、社区：一村一警、一村一法律顾问；"
                           "每个社区另加两代表一委员，须人大代表、党代表、政协委员各至少一名；"
                           "每个乡镇、街道：一街镇一法官、一乡一检察官）",
}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _within(rows: list[dict], code: str, field: str = "area_path") -> list[dict]:
    return [r for r in rows if code in r[field]]


def _counts(areas: list[dict], orgs: list[dict], members: list[dict], cadres: list[dict],
            rosters: dict[tuple[str, str], list[dict]]) -> dict:
    grids = [a for a in areas if a["kind"] == "grid"]
    covered = {o["area_code"] for o in orgs if o.get("active", True) and o["kind"] in GRID_KINDS}
    grids_covered = sum(1 for g in grids if g["code"] in covered)
    active = [m for m in members if m["status"] == "active"]
    at_grid = sum(1 for m in active if "grid" in (m.get("registrations") or {}))
    at_community = sum(1 for m in active if "community" in (m.get("registrations") or {}))
    both = sum(1 for m in active if both_registered(m.get("registrations")))
    on_duty = [c for c in cadres if c["status"] == "active"]
    grids_with_cadre = len({c["grid_code"] for c in on_duty} & {g["code"] for g in grids})
    slots = [(a["code"], role.value) for a in areas for role in required_roles(a["kind"])]
    filled = sum(1 for key in slots if roster_complete(key[1], rosters.get(key, [])))
    return {
        "grids": len(grids), "grids_covered": grids_covered, "grids_uncovered": len(grids) - grids_covered,
        "branch_coverage": _rate(grids_covered, len(grids)),
        "members": len(active), "registered_at_grid": at_grid, "registered_at_community": at_community,
        "registered_both": both, "double_registration_rate": _rate(both, len(active)),
        "cadres": len(on_duty), "grids_with_cadre": grids_with_cadre,
        "cadres_per_grid": round(len(on_duty) / len(grids), 2) if grids else None,
        "roster_slots": len(slots), "roster_filled": filled, "roster_completeness": _rate(filled, len(slots)),
    }


def compute(area_code: str, areas: list[dict], orgs: list[dict], members: list[dict], cadres: list[dict],
            rosters: list[dict]) -> dict:
    """Figures for `area_code` and each area one level below it. Rows are those under the area: `areas` from the
    read model ({code, kind, path}: townships, villages, communities and grids), `orgs` ({area_code, kind,
    active}), `members` ({area_path, status, registrations}), `cadres` ({grid_code, area_path, status}) and
    `rosters` ({area_code, role, people})."""
    by_slot = {(r["area_code"], r["role"]): r["people"] for r in rosters}
    depth = len(area_code)
    children = sorted((a for a in areas if len(a["code"]) == depth + 3 and a["code"].startswith(area_code)),
                      key=lambda a: a["code"])
    by_area = []
    for child in children:
        code = child["code"]
        by_area.append({"area_code": code, "area_name": child.get("name"), "kind": child["kind"], **_counts(
            _within(areas, code, "path"), [o for o in orgs if o["area_code"].startswith(code)],
            _within(members, code), _within(cadres, code), by_slot)})
    return {"area_code": area_code, **_counts(areas, orgs, members, cadres, by_slot), "by_area": by_area,
            "definitions": DEFINITIONS}
