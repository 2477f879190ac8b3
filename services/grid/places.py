"""The places the plan's targets count: 综治中心 (`governance_centre`) of the county, every township and every
village, each village's 综合服务设施 (`service_facility`), and the 公共安全重点区域 (`key_area`) with their 视频点位
(`video_point`, 雪亮工程). Code tables, request bodies, and the rules that turn checklists, inspections and video
checks into the derived state the targets count. Plain Python on pydantic models; no I/O.

- A centre is 规范化建成 (`standardised`) and a facility 达标 (`up_to_standard`) when the latest inspection under
  the current checklist version passed every required item that applies to it. A new checklist version means
  every place is inspected again against it: until then it counts as not standardised.
- A key area is covered when at least one of its active video points is online and was checked within the
  freshness window; coverage = covered key areas ÷ key areas.
"""
from datetime import datetime, timedelta, timezone

from shared.errors import ValidationFailed

from .api.codes import AreaKind
from .api.places import (  # noqa: F401
    CLOCK_SKEW,
    KEY_AREA_KIND_LABELS,
    LEVEL_LABELS,
    SUBJECT_LABELS,
    CentreIn,
    ChecklistIn,
    FacilityIn,
    InspectionIn,
    ItemResultIn,
    KeyAreaChange,
    KeyAreaIn,
    KeyAreaKind,
    Level,
    PlaceChange,
    Subject,
    VideoCheckIn,
    VideoChecksIn,
    VideoPointChange,
    VideoPointIn,
)

AREA_LEVEL = {AreaKind.county: Level.county, AreaKind.town: Level.township, AreaKind.township: Level.township,
              AreaKind.street: Level.township, AreaKind.village: Level.village, AreaKind.community: Level.village}
# The name a place gets when nobody gives it one: the area's name and this.
DEFAULT_SUFFIX = {Subject.governance_centre: "综治中心", Subject.service_facility: "便民服务中心"}


def centre_id(area_code: str) -> str:
    """One centre per area, so its id follows from the area's code (a repeated registration finds it)."""
    return f"GC{area_code}"


def facility_id(village_code: str) -> str:
    return f"SF{village_code}"


def place_id(subject: Subject, area_code: str) -> str:
    return centre_id(area_code) if subject == Subject.governance_centre else facility_id(area_code)


def area_fields(path: list[str]) -> dict:
    """The township and village codes of an area path (None above them)."""
    return {"township_code": path[1] if len(path) > 1 else None, "village_code": path[2] if len(path) > 2 else None}


# checklists ---------------------------------------------------------------------------------------------------------
def applicable(items: list[dict], level: str | None) -> list[dict]:
    """The items that apply to a place of this level (an item without levels applies to all)."""
    return [i for i in items if not i.get("levels") or level is None or level in i["levels"]]


def judge(items: list[dict], level: str | None, results: list[ItemResultIn]) -> dict:
    """An inspection's outcome against the checklist: every applicable item judged exactly once, nothing else."""
    wanted = {i["code"]: i for i in applicable(items, level)}
    given: dict[str, ItemResultIn] = {}
    for position, result in enumerate(results):
        if result.code not in wanted:
            raise ValidationFailed(f"检查项不在当前清单内：{result.code}", field=f"results.{position}.code",
                                   code="inspection.unknown_item")
        if result.code in given:
            raise ValidationFailed(f"检查项重复：{wanted[result.code]['label']}", field=f"results.{position}.code",
                                   code="inspection.duplicate_item")
        given[result.code] = result
    missing = [i for code, i in wanted.items() if code not in given]
    if missing:
        raise ValidationFailed(f"还有检查项未判定：{'、'.join(i['label'] for i in missing[:3])}"
                               + ("等" if len(missing) > 3 else ""), field="results", code="inspection.item_missing")
    rows = [{"code": code, "label": item["label"], "required": item.get("required", True),
             "passed": given[code].passed, "note": given[code].note} for code, item in wanted.items()]
    return {"results": rows, **outcome(rows)}


def outcome(rows: list[dict]) -> dict:
    return {"passed": all(r["passed"] for r in rows if r["required"]), "items_total": len(rows),
            "items_passed": sum(1 for r in rows if r["passed"])}


def place_state(checklist: dict, level: str | None, latest: dict | None, active: bool) -> dict:
    """The derived state of a centre or facility: judged by the latest inspection under the current checklist
    version only (`latest` is that inspection, or None). An older version's inspection no longer counts."""
    items = applicable(checklist["items"], level)
    state = {"ok": False, "checklist_version": checklist["version"], "items_total": len(items), "items_passed": 0,
             "inspected_at": None, "inspection_id": None, "active": active}
    if latest is None or latest["checklist_version"] != checklist["version"]:
        return state
    judged = {r["code"]: r["passed"] for r in latest["results"]}
    result = outcome([{"required": i.get("required", True), "passed": judged.get(i["code"], False)} for i in items])
    return {**state, "ok": result["passed"], "items_passed": result["items_passed"],
            "inspected_at": latest["inspected_at"], "inspection_id": latest["_id"]}


# video coverage (雪亮工程) -------------------------------------------------------------------------------------------
def fresh(point: dict, now: datetime, window: timedelta) -> bool:
    """Online at its last check, and that check within the window."""
    checked = point.get("checked_at")
    return bool(point.get("active", True) and point.get("online") and checked is not None
                and checked >= now - window)


def coverage(points: list[dict], now: datetime, window: timedelta, active: bool = True) -> dict:
    """A key area's derived state from its video points; `changes_at` is when it will change with no new check
    (the first online point's check going stale), for the sweep that publishes that change."""
    live = [p for p in points if p.get("active", True)]
    online = [p for p in live if fresh(p, now, window)]
    return {"covered": bool(online), "video_points_total": len(live), "video_points_online": len(online),
            "active": active, "changes_at": min((p["checked_at"] + window for p in online), default=None)}


def utc_ms(moment: datetime) -> datetime:
    """UTC to the millisecond, as BSON keeps it: a time stored and read back then compares equal to itself."""
    moment = moment.astimezone(timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def changed(old: dict | None, new: dict, keys) -> bool:
    return old is None or any(old.get(k) != new.get(k) for k in keys)


# What the published events carry: a change of any of these is an `*.upserted` event, nothing else is.
PLACE_STATE_KEYS = ("ok", "checklist_version", "items_total", "items_passed", "inspected_at", "active")
KEY_AREA_STATE_KEYS = ("kind", "covered", "video_points_total", "video_points_online", "active")
