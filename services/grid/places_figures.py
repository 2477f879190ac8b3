"""The plan's three place targets for an area and the areas right below it, with their definitions and the counts
behind them (the same definitions the published events let any consumer compute):

- 综治中心规范化建成率 = standardised centres ÷ active centres (county, township and village levels), target 100%;
- 村（社区）综合服务设施达标率 = villages whose facility is up to standard ÷ villages, target ≥ 90% (a village without
  a registered facility counts against it);
- 公共安全重点区域视频监控覆盖率 = covered key areas ÷ active key areas, target 100%.
"""
from prometheus_client import Gauge

from shared.errors import NotFound

from .api.codes import COUNTY_CODE, AreaKind

TARGETS = [
    ("governance_centre", "综治中心规范化建成率", 1.0, "已规范化建成的综治中心数 ÷ 在用的县、乡、村三级综治中心数"),
    ("service_facility", "村（社区）综合服务设施达标率", 0.9, "综合服务设施达标的村（社区）数 ÷ 村（社区）数"),
    ("video_coverage", "公共安全重点区域视频监控覆盖率", 1.0, "视频监控覆盖的重点区域数 ÷ 在用的重点区域数"),
]
COUNTY_TARGETS = Gauge("xz_grid_place_target", "The county's place targets: 规范化建成率, 达标率, 视频监控覆盖率",
                       ["target"])
CENTRE_AREA_KINDS = (AreaKind.county, AreaKind.town, AreaKind.township, AreaKind.street, AreaKind.village,
                     AreaKind.community)


def ratio(numerator: int, denominator: int) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "value": round(numerator / denominator, 4) if denominator else None}


def counts(centres: list[dict], facilities: list[dict], key_areas: list[dict], villages: list[str]) -> dict:
    """The three ratios over these rows (each row has `active` and `state`; facilities have `area_code`)."""
    active_centres = [c for c in centres if c["active"]]
    up_to_standard = {f["area_code"] for f in facilities if f["active"] and (f.get("state") or {}).get("ok")}
    active_areas = [a for a in key_areas if a["active"]]
    return {
        "governance_centre": ratio(sum(1 for c in active_centres if (c.get("state") or {}).get("ok")),
                                   len(active_centres)),
        "service_facility": ratio(len(up_to_standard & set(villages)), len(villages)),
        "video_coverage": ratio(sum(1 for a in active_areas if (a.get("state") or {}).get("covered")),
                                len(active_areas)),
    }


def compute(centres, facilities, key_areas, villages: list[str], centre_areas: list[str], level: int,
            names: dict[str, str]) -> dict:
    """The targets over everything given, the gaps, and the same ratios per area one level down (`level` is the
    depth of the area asked about: its children are path[level])."""
    total = counts(centres, facilities, key_areas, villages)
    targets = [{"key": key, "label": label, "target": target, **total[key],
                "met": None if total[key]["value"] is None else total[key]["value"] >= target, "definition": text}
               for key, label, target, text in TARGETS]
    with_centre = {c["area_code"] for c in centres if c["active"]}
    with_facility = {f["area_code"] for f in facilities if f["active"]}
    gaps = {"areas_without_centre": sorted(set(centre_areas) - with_centre),
            "villages_without_facility": sorted(set(villages) - with_facility),
            "key_areas_without_online_point": sum(1 for a in key_areas if a["active"] and not (
                a.get("state") or {}).get("covered"))}

    def below(rows, code, key="area_path"):
        return [r for r in rows if len(r[key]) > level and r[key][level] == code]

    children = []
    for code in sorted(names):
        share = counts(below(centres, code), below(facilities, code), below(key_areas, code),
                       [v for v in villages if v.startswith(code)])
        children.append({"area_code": code, "area_name": names[code], **share})
    return {"targets": targets, "gaps": gaps, "children": children}


def figures(work, area_code: str | None = None) -> dict:
    """The place targets of an area in the caller's scope (their own area by default)."""
    code = area_code or (work.scope.codes[0] if work.scope.codes else COUNTY_CODE)
    area = work.store.get_area(code)
    if area is None or area.kind not in CENTRE_AREA_KINDS or not work.scope.allows(area.path):
        raise NotFound("区划不存在或不在辖区内", field="area_code", code="area.not_found")
    scope = work.scope.within(area.code)
    fields = ["area_code", "area_path", "active", "state"]
    store = work.store.places
    centres = store.for_figures("governance_centres", scope, fields)
    facilities = store.for_figures("service_facilities", scope, fields)
    key_areas = store.for_figures("key_areas", scope, fields)
    below = {"area_path": area.code}
    villages = sorted(work.store.codes_of_kind(AreaKind.village, below)
                      + work.store.codes_of_kind(AreaKind.community, below))
    centre_areas = [area.code] + [c for kind in CENTRE_AREA_KINDS[1:] for c in work.store.codes_of_kind(kind, below)
                                  if c != area.code]
    level = len(area.path)
    child_codes = {c[:6 + 3 * level] for c in centre_areas if len(c) > len(area.code)}
    names = {c: a.name for c, a in work.store.areas_by_code(child_codes).items()}
    result = compute(centres, facilities, key_areas, villages, centre_areas, level, names)
    if area.code == COUNTY_CODE:
        for target in result["targets"]:
            COUNTY_TARGETS.labels(target["key"]).set(float("nan") if target["value"] is None else target["value"])
    return {"area_code": area.code, "area_name": area.name, **result}


def refresh_gauges(work) -> None:
    """The county's three targets on the metrics page (nothing to show before the county is registered)."""
    if work.store.get_area(COUNTY_CODE) is not None:
        figures(work, COUNTY_CODE)
