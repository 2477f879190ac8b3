"""The service layer of the key public-safety areas (公共安全重点区域) and their video points (雪亮工程): registration,
checks of a point's online state (from an inspector or the video platform), and the sweep that publishes a key
area's coverage lapsing when no point has been checked online within the window.

Each command saves its change and its events in one transaction; a key area's `key_area.upserted` is emitted
exactly when its derived state changed, a point's `video_point.state_changed` when its first check is recorded or
its online state flips.
"""
import os
import uuid
from datetime import timedelta

from shared import clock, config
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, parse
from shared.paging import page_request

from . import places
from .api.codes import AreaKind
from .api.events import KeyAreaUpserted, VideoPointStateChanged
from .places import (
    KEY_AREA_KIND_LABELS,
    KeyAreaChange,
    KeyAreaIn,
    KeyAreaKind,
    VideoCheckIn,
    VideoChecksIn,
    VideoPointChange,
    VideoPointIn,
)
from .store import new_id

KEY_AREA_AREA_KINDS = {AreaKind.town, AreaKind.township, AreaKind.street, AreaKind.village, AreaKind.community}


def window() -> timedelta:
    """How recent a point's online check must be for it to count (VIDEO_CHECK_DAYS, a week by default: the
    platform's weekly inspection report)."""
    return timedelta(days=float(os.environ.get("VIDEO_CHECK_DAYS", "7")))


def key_area_id(area_code: str, name: str) -> str:
    # Stable for the same (area, name), so two registrations racing each other make one key area.
    return "KA" + uuid.uuid5(uuid.NAMESPACE_URL, f"xiangzhi:key_area:{area_code}:{name}").hex[:16]


# key areas ---------------------------------------------------------------------------------------------------
def register_key_area(work, payload: dict) -> dict:
    """Register a key area; the same name in the same area again changes it."""
    return save_key_areas(work, [parse(KeyAreaIn, payload)])[0]


def save_key_areas(work, entries: list[KeyAreaIn]) -> list[dict]:
    areas = work.store.areas_by_code({e.area_code for e in entries})
    for position, entry in enumerate(entries):
        area = areas.get(entry.area_code)
        if area is None or area.kind not in KEY_AREA_AREA_KINDS or not work.scope.allows(area.path):
            raise ValidationFailed(f"乡镇或村（社区）不存在或不在辖区内：{entry.area_code}",
                                   field="area_code" if len(entries) == 1 else f"{position}.area_code",
                                   code="area.unknown")

    def save(tx):
        store = work.store.places
        known = store.key_areas_by_name({(e.area_code, e.name) for e in entries}, tx.session)
        ids, touched = [], []
        for entry in entries:
            current = known.get((entry.area_code, entry.name)) or {}
            doc = {"_id": current.get("_id") or key_area_id(entry.area_code, entry.name),
                   "area_code": entry.area_code, "area_path": areas[entry.area_code].path, "kind": entry.kind.value,
                   "name": entry.name, "address": entry.address or current.get("address"),
                   "active": current.get("active", True) if entry.active is None else entry.active}
            ids.append(doc["_id"])
            if current and all(current.get(k) == v for k, v in doc.items()):
                continue
            store.save_key_area(doc, tx.session)
            touched.append(doc["_id"])
        refresh(work, tx, touched)
        return ids

    ids = work.transaction(save)
    return [present_key_area(work.store.places.get_key_area(i)) for i in ids]


def change_key_area(work, key_area_id_: str, payload: dict) -> dict:
    changes = parse(KeyAreaChange, payload)
    area = _key_area_in_scope(work, key_area_id_)
    fields = {k: (v.value if isinstance(v, KeyAreaKind) else v)
              for k, v in changes.model_dump(exclude_unset=True).items() if v is not None}
    if not fields:
        raise ValidationFailed("没有要修改的内容", field="body", code="key_area.no_change")
    if fields.get("name") and fields["name"] != area["name"] and work.store.places.key_areas_by_name(
            [(area["area_code"], fields["name"])]):
        raise Conflict("本区划已有同名重点区域", field="name", code="key_area.duplicate")

    def save(tx):
        work.store.places.save_key_area({"_id": area["_id"], **fields}, tx.session)
        refresh(work, tx, [area["_id"]])

    work.transaction(save)
    return get_key_area(work, area["_id"])


def refresh(work, tx, ids, now=None) -> int:
    """Recompute the key areas' coverage in this transaction and emit the event of each that changed."""
    ids = list(dict.fromkeys(i for i in ids if i))
    if not ids:
        return 0
    now = now or clock.now()
    store = work.store.places
    points: dict[str, list[dict]] = {}
    for point in store.points_of(ids, tx.session):
        points.setdefault(point["key_area_id"], []).append(point)
    emitted = 0
    for key_area_id_ in ids:
        area = store.get_key_area(key_area_id_, session=tx.session)
        if area is None:
            continue
        state = {**places.coverage(points.get(key_area_id_, []), now, window(), area["active"]), "kind": area["kind"]}
        old = area.get("state")
        if not places.changed(old, state, places.KEY_AREA_STATE_KEYS):
            if old is None or old.get("changes_at") != state["changes_at"]:
                store.save_key_area({"_id": key_area_id_, "state": state}, tx.session)
            continue
        store.save_key_area({"_id": key_area_id_, "state": state}, tx.session)
        where = places.area_fields(area["area_path"])
        tx.emit(KeyAreaUpserted(key_area_id=key_area_id_, kind=area["kind"], area_code=area["area_code"],
                                township_code=where["township_code"], village_code=where["village_code"],
                                covered=state["covered"], video_points_total=state["video_points_total"],
                                video_points_online=state["video_points_online"], active=area["active"]),
                area_code=area["area_code"])
        emitted += 1
    return emitted


def _key_area_in_scope(work, key_area_id_: str) -> dict:
    area = work.store.places.get_key_area(str(key_area_id_ or ""), work.scope.query())
    if area is None:
        raise NotFound("重点区域不存在或不在辖区内", field="key_area_id", code="key_area.not_found")
    return area


def get_key_area(work, key_area_id_: str) -> dict:
    area = _key_area_in_scope(work, key_area_id_)
    return {**present_key_area(area),
            "video_points": [present_point(p) for p in work.store.places.points_of([area["_id"]])]}


def list_key_areas(work, area_code=None, kind=None, covered=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    if kind:
        if kind not in KeyAreaKind.__members__:
            raise ValidationFailed("重点区域类别不在可选范围内", field="kind")
        query["kind"] = kind
    if covered is not None:
        query["state.covered"] = bool(covered)
    result = work.store.places.list_key_areas(query, paging.page, paging.page_size)
    result["items"] = [present_key_area(a) for a in result["items"]]
    return result


def present_key_area(area: dict) -> dict:
    state = area.get("state") or {}
    return {"key_area_id": area["_id"], "kind": area["kind"], "kind_label": KEY_AREA_KIND_LABELS[area["kind"]],
            "name": area["name"], "address": area.get("address"), "area_code": area["area_code"],
            **places.area_fields(area["area_path"]), "active": area["active"], "covered": bool(state.get("covered")),
            "status_label": ("已覆盖" if state.get("covered") else "未覆盖") if area["active"] else "已停用",
            "video_points_total": state.get("video_points_total", 0),
            "video_points_online": state.get("video_points_online", 0)}


# video points ------------------------------------------------------------------------------------------------
def register_video_point(work, key_area_id_: str, payload: dict) -> dict:
    point_in = parse(VideoPointIn, payload)
    area = _key_area_in_scope(work, key_area_id_)
    return save_points(work, [(area, point_in)])[0]


def save_points(work, entries: list[tuple[dict, VideoPointIn]]) -> list[dict]:
    """Create or change points by their code (a known code on another key area moves there), each with the check
    it came with, in one transaction."""
    now = clock.now()

    def save(tx):
        store = work.store.places
        known = store.points_by_code([p.code for _, p in entries], tx.session)
        touched, ids = [], []
        for area, point_in in entries:
            current = known.get(point_in.code)
            if current and not work.scope.allows(current["area_path"]):
                raise Conflict(f"点位编号已在其他辖区登记：{point_in.code}", field="code", code="video_point.elsewhere")
            doc = {"_id": current["_id"] if current else new_id("VP"), "code": point_in.code, "name": point_in.name,
                   "key_area_id": area["_id"], "area_code": area["area_code"], "area_path": area["area_path"],
                   "active": (current or {}).get("active", True) if point_in.active is None else point_in.active}
            if current is None:
                doc.update(online=None, checked_at=None)
            ids.append(doc["_id"])
            if not current or any(current.get(k) != v for k, v in doc.items()):
                store.save_point(doc, tx.session)
                touched += [area["_id"], current["key_area_id"] if current else None]
            if point_in.online is not None:
                check = VideoCheckIn(online=point_in.online, checked_at=point_in.checked_at)
                if _apply_check(tx, {**(current or {}), **doc}, check, now):
                    touched.append(area["_id"])
        refresh(work, tx, touched, now)
        return ids

    ids = work.transaction(save)
    return [present_point(work.store.places.get_point(i)) for i in ids]


def _apply_check(tx, point: dict, check: VideoCheckIn, now) -> bool:
    """Record a check on the point unless a later one is already known (reports arrive out of order)."""
    checked_at = places.utc_ms(check.checked_at or now)
    if point.get("checked_at") is not None and point["checked_at"] >= checked_at:
        return False
    tx.work.store.places.save_point({"_id": point["_id"], "online": check.online, "checked_at": checked_at},
                                    tx.session)
    if point.get("online") is None or point["online"] != check.online:
        tx.emit(VideoPointStateChanged(video_point_id=point["_id"], key_area_id=point["key_area_id"],
                                       area_code=point["area_code"], online=check.online, checked_at=checked_at),
                area_code=point["area_code"])
    return True


def change_video_point(work, point_id: str, payload: dict) -> dict:
    changes = parse(VideoPointChange, payload)
    point = _point_in_scope(work, point_id)
    fields = {k: v for k, v in changes.model_dump(exclude_unset=True).items() if v is not None}
    if not fields:
        raise ValidationFailed("没有要修改的内容", field="body", code="video_point.no_change")
    if "key_area_id" in fields:
        target = work.store.places.get_key_area(fields["key_area_id"], work.scope.query())
        if target is None:
            raise ValidationFailed("重点区域不存在或不在辖区内", field="key_area_id", code="key_area.not_found")
        fields.update(area_code=target["area_code"], area_path=target["area_path"])

    def save(tx):
        work.store.places.save_point({"_id": point["_id"], **fields}, tx.session)
        refresh(work, tx, [point["key_area_id"], fields.get("key_area_id")])

    work.transaction(save)
    return present_point(work.store.places.get_point(point["_id"]))


def record_check(work, point_id: str, payload: dict) -> dict:
    check = parse(VideoCheckIn, payload)
    point = _point_in_scope(work, point_id)

    def save(tx):
        current = work.store.places.get_point(point["_id"], session=tx.session)  # as of this transaction
        if _apply_check(tx, current, check, clock.now()):
            refresh(work, tx, [current["key_area_id"]])

    work.transaction(save)
    return present_point(work.store.places.get_point(point["_id"]))


def record_checks(work, payload: dict) -> dict:
    """The video platform's report of many points by code; every code must be known in the caller's scope."""
    report = parse(VideoChecksIn, payload)
    known = work.store.places.points_by_code([c.code for c in report.checks])
    for position, check in enumerate(report.checks):
        point = known.get(check.code)
        if point is None or not work.scope.allows(point["area_path"]):
            raise ValidationFailed(f"点位编号不存在或不在辖区内：{check.code}", field=f"checks.{position}.code",
                                   code="video_point.not_found")
    now = clock.now()

    def save(tx):
        applied, areas = 0, []
        for check in sorted(report.checks, key=lambda c: c.checked_at or now):
            point = work.store.places.get_point(known[check.code]["_id"], session=tx.session)
            if _apply_check(tx, point, check, now):
                applied += 1
                areas.append(point["key_area_id"])
        refresh(work, tx, areas, now)
        return applied

    applied = work.transaction(save)
    return {"received": len(report.checks), "applied": applied, "ignored_as_older": len(report.checks) - applied}


def _point_in_scope(work, point_id: str) -> dict:
    point = work.store.places.get_point(str(point_id or ""), work.scope.query())
    if point is None:
        raise NotFound("视频点位不存在或不在辖区内", field="video_point_id", code="video_point.not_found")
    return point


def list_points(work, area_code=None, online=None, page=1, page_size=50) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    if online is not None:
        query["online"] = bool(online)
    result = work.store.places.list_points(query, paging.page, paging.page_size)
    result["items"] = [present_point(p) for p in result["items"]]
    return result


def present_point(point: dict) -> dict:
    now = clock.now()
    return {"video_point_id": point["_id"], "code": point["code"], "name": point["name"],
            "key_area_id": point["key_area_id"], "area_code": point["area_code"], "active": point["active"],
            "online": point.get("online"), "checked_at": clock.iso(point.get("checked_at")),
            "counts": places.fresh(point, now, window()),
            "state_label": ("待巡检" if point.get("online") is None else "在线" if point["online"] else "离线")
            if point["active"] else "已停用"}


# the sweep ---------------------------------------------------------------------------------------------------
def sweep(work, as_of: str | None = None) -> dict:
    """Publish the coverage of every key area whose last online check has gone stale since it was computed.
    `as_of` moves the clock forward for tests; production refuses it."""
    now = clock.now()
    if as_of is not None:
        if config.is_production():
            raise Forbidden("生产环境不能指定时间", field="as_of", code="sweep.as_of_forbidden")
        now = clock.parse_local(as_of, "as_of", need_offset=True)
    changed = 0
    ids = work.store.places.key_areas_changing(now)
    for start in range(0, len(ids), 100):
        changed += work.transaction(lambda tx, batch=ids[start:start + 100]: refresh(work, tx, batch, now))
    return {"checked": len(ids), "changed": changed}
