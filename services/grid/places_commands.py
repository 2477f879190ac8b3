"""The service layer of governance centres and service facilities: registration, the county's checklists and
their versions, inspections with their photos. Each command loads what it needs within the caller's scope, applies
the rules of places.py, and saves the change with its events in one transaction; a place's `*.upserted` event is
emitted exactly when its derived state changed.
"""
import base64

from pymongo.errors import DuplicateKeyError

from shared import clock, files
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, parse
from shared.paging import page_request

from . import checklists, places
from .api.codes import COUNTY_CODE, AreaKind
from .api.events import GovernanceCentreUpserted, InspectionRecorded, ServiceFacilityUpserted
from .places import (
    AREA_LEVEL,
    DEFAULT_SUFFIX,
    LEVEL_LABELS,
    SUBJECT_LABELS,
    CentreIn,
    ChecklistIn,
    FacilityIn,
    InspectionIn,
    PlaceChange,
    Subject,
)
from .store import new_id
from .video_coverage import window

MAX_PHOTOS = 20
PLACE_KINDS = {Subject.governance_centre: set(AREA_LEVEL), Subject.service_facility: {AreaKind.village,
                                                                                      AreaKind.community}}
STATE_LABELS = {Subject.governance_centre: ("已规范化建成", "未规范化建成"), Subject.service_facility: ("达标", "未达标")}


def subject_of(value) -> Subject:
    if value not in Subject.__members__:
        raise NotFound("没有此类场所", field="subject", code="place.unknown_subject")
    return Subject(value)


def reference() -> dict:
    return {"subjects": {s.value: label for s, label in SUBJECT_LABELS.items()},
            "levels": {lv.value: label for lv, label in LEVEL_LABELS.items()},
            "key_area_kinds": {k.value: label for k, label in places.KEY_AREA_KIND_LABELS.items()},
            "video_check_days": window().total_seconds() / 86400}


# registration --------------------------------------------------------------------------------------------------
def register(work, subject: Subject, payload: dict) -> dict:
    """Register the centre of an area (or the facility of a village); the same area again changes it."""
    entry = parse(CentreIn if subject == Subject.governance_centre else FacilityIn, payload)
    return save_places(work, subject, [entry])[0]


def entry_area(entry) -> str:
    return entry.area_code if hasattr(entry, "area_code") else entry.village_code


def save_places(work, subject: Subject, entries: list) -> list[dict]:
    """Create or change places, one per area, in one transaction; unchanged ones are left alone."""
    codes = [entry_area(e) for e in entries]
    areas = work.store.areas_by_code(codes)
    for position, code in enumerate(codes):
        area = areas.get(code)
        if area is None or area.kind not in PLACE_KINDS[subject] or not work.scope.allows(area.path):
            where = "area_code" if subject == Subject.governance_centre else "village_code"
            raise ValidationFailed(f"区划不存在、不在辖区内或不能设{SUBJECT_LABELS[subject]}：{code}",
                                   field=where if len(entries) == 1 else f"{position}.{where}", code="area.unknown")

    def save(tx):
        store = work.store.places
        known = store.places_by_id(subject, [places.place_id(subject, c) for c in codes], tx.session)
        touched = []
        for entry, code in zip(entries, codes, strict=True):
            area, current = areas[code], known.get(places.place_id(subject, code)) or {}
            # A name or address left out keeps the one on record (a sheet without them renames nothing).
            doc = {"_id": places.place_id(subject, code), "area_code": code, "area_path": area.path,
                   "level": AREA_LEVEL[area.kind].value,
                   "name": entry.name or current.get("name") or area.name + DEFAULT_SUFFIX[subject],
                   "address": entry.address or current.get("address"),
                   "active": current.get("active", True) if entry.active is None else entry.active}
            if current and all(current.get(k) == v for k, v in doc.items()):
                continue
            store.save_place(subject, doc, tx.session)
            touched.append(doc["_id"])
        refresh(work, tx, subject, touched)
        return [places.place_id(subject, c) for c in codes]

    ids = work.transaction(save)
    found = work.store.places.places_by_id(subject, ids)
    return [present(subject, found[i]) for i in ids]


def change(work, subject: Subject, place_id: str, payload: dict) -> dict:
    changes = parse(PlaceChange, payload)
    place = _in_scope(work, subject, place_id)
    fields = {k: v for k, v in changes.model_dump(exclude_unset=True).items() if v is not None}
    if not fields:
        raise ValidationFailed("没有要修改的内容", field="body", code="place.no_change")

    def save(tx):
        work.store.places.save_place(subject, {"_id": place["_id"], **fields}, tx.session)
        refresh(work, tx, subject, [place["_id"]])

    work.transaction(save)
    return get(work, subject, place_id)


def refresh(work, tx, subject: Subject, ids: list[str], checklist: dict | None = None) -> int:
    """Recompute the places' derived state in this transaction and emit the event of each that changed."""
    if not ids:
        return 0
    store = work.store.places
    checklist = checklist or store.current_checklist(subject, tx.session)
    docs = store.places_by_id(subject, ids, tx.session)
    latest = store.latest_inspections(list(docs), checklist["version"], tx.session)
    emitted = 0
    for place_id_, doc in docs.items():
        state = places.place_state(checklist, doc["level"] if subject == Subject.governance_centre else None,
                                   latest.get(place_id_), doc["active"])
        if not places.changed(doc.get("state"), state, places.PLACE_STATE_KEYS):
            continue
        store.set_place_state(subject, place_id_, state, tx.session)
        tx.emit(upserted(subject, doc, state), area_code=doc["area_code"])
        emitted += 1
    return emitted


def upserted(subject: Subject, doc: dict, state: dict):
    where = places.area_fields(doc["area_path"])
    common = {"checklist_version": state["checklist_version"], "items_total": state["items_total"],
              "items_passed": state["items_passed"], "inspected_at": state["inspected_at"], "active": state["active"]}
    if subject == Subject.governance_centre:
        return GovernanceCentreUpserted(centre_id=doc["_id"], level=doc["level"], area_code=doc["area_code"],
                                        standardised=state["ok"], **where, **common)
    return ServiceFacilityUpserted(facility_id=doc["_id"], village_code=where["village_code"],
                                   township_code=where["township_code"], up_to_standard=state["ok"], **common)


def _in_scope(work, subject: Subject, place_id: str) -> dict:
    place = work.store.places.get_place(subject, str(place_id or ""), work.scope.query())
    if place is None:
        raise NotFound(f"{SUBJECT_LABELS[subject]}不存在或不在辖区内", field="place_id", code="place.not_found")
    return place


def get(work, subject: Subject, place_id: str) -> dict:
    place = _in_scope(work, subject, place_id)
    checklist = work.store.places.current_checklist(subject)
    level = place["level"] if subject == Subject.governance_centre else None
    return {**present(subject, place), "checklist": {
        "version": checklist["version"], "items": places.applicable(checklist["items"], level)},
        "inspections": [present_inspection(i) for i in work.store.places.inspections_of(place["_id"])]}


def list_places(work, subject: Subject, area_code=None, level=None, status=None, active=None, page=1,
                page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    if level:
        if level not in places.Level.__members__ or subject != Subject.governance_centre:
            raise ValidationFailed("层级应为 county、township 或 village", field="level")
        query["level"] = level
    if status:
        if status not in ("ok", "not_ok"):
            raise ValidationFailed("状态应为 ok（已建成/达标）或 not_ok", field="status")
        query["state.ok"] = status == "ok"
    if active is not None:
        query["active"] = bool(active)
    result = work.store.places.list_places(subject, query, paging.page, paging.page_size)
    result["items"] = [present(subject, p) for p in result["items"]]
    return result


def present(subject: Subject, place: dict) -> dict:
    state = place.get("state") or {}
    ok = bool(state.get("ok"))
    key = "standardised" if subject == Subject.governance_centre else "up_to_standard"
    return {"place_id": place["_id"], "subject": subject.value, "subject_label": SUBJECT_LABELS[subject],
            "level": place["level"], "level_label": LEVEL_LABELS[places.Level(place["level"])],
            "area_code": place["area_code"], **places.area_fields(place["area_path"]), "name": place["name"],
            "address": place.get("address"), "active": place["active"], key: ok, "meets_standard": ok,
            "status_label": STATE_LABELS[subject][0 if ok else 1] if place["active"] else "已停用",
            "checklist_version": state.get("checklist_version"), "items_total": state.get("items_total", 0),
            "items_passed": state.get("items_passed", 0), "inspected_at": clock.iso(state.get("inspected_at")),
            "inspection_id": state.get("inspection_id")}


# checklists (the county's) ---------------------------------------------------------------------------------------
def get_checklist(work, subject: Subject) -> dict:
    versions = work.store.places.checklist_versions(subject)
    return {"subject": subject.value, "subject_label": SUBJECT_LABELS[subject],
            "current": checklists.present(versions[0]) if versions else None,
            "versions": [checklists.present(v) for v in versions]}


def save_checklist(work, subject: Subject, payload: dict) -> dict:
    """A new version of the checklist; every place is judged against it from now on, so each needs an inspection
    under it to count again. The same items again change nothing."""
    if not work.scope.allows([COUNTY_CODE]):
        raise Forbidden("检查清单由县级统一制定", code="checklist.county_only")
    checklist = parse(ChecklistIn, payload)
    if subject == Subject.service_facility and any(i.levels for i in checklist.items):
        raise ValidationFailed("综合服务设施清单不分层级", field="items", code="checklist.levels")
    current = work.store.places.current_checklist(subject)
    if current and checklists.same_items(current, checklist):
        return checklists.present(current)
    doc = checklists.version_doc(subject, checklist, current["version"] + 1 if current else 1, clock.now(),
                                 (work.actor_ref() or {}).get("name"))

    def save(tx):
        work.store.places.add_checklist_version(doc, tx.session)
        refresh(work, tx, subject, work.store.places.place_ids(subject), checklist=doc)

    try:
        work.transaction(save)
    except DuplicateKeyError:
        raise Conflict("清单刚被他人修改，请刷新后重试", field="items", code="checklist.changed") from None
    return checklists.present(doc)


# inspections ---------------------------------------------------------------------------------------------------
def record_inspection(work, subject: Subject, place_id: str, payload: dict) -> dict:
    """One inspection under the current checklist, every applicable item judged; the inspector is the caller."""
    inspection_in = parse(InspectionIn, payload)
    place = _in_scope(work, subject, place_id)
    if inspection_in.client_ref:
        known = work.store.places.inspection_by_client_ref(inspection_in.client_ref)
        if known:
            return _same_submission(known, place)
    if not place["active"]:
        raise Conflict(f"该{SUBJECT_LABELS[subject]}已停用，不能记录检查", field="place_id", code="place.inactive")
    checklist = work.store.places.current_checklist(subject)
    level = place["level"] if subject == Subject.governance_centre else None
    judged = places.judge(checklist["items"], level, inspection_in.results)
    now = clock.now()
    actor = work.actor_ref() or {"id": "system", "role": None, "name": "系统"}
    doc = {"_id": new_id("IN"), "subject": subject.value, "subject_id": place["_id"], "area_code": place["area_code"],
           "area_path": place["area_path"], "level": place["level"], "checklist_version": checklist["version"],
           "inspected_at": places.utc_ms(inspection_in.inspected_at or now),
           "inspector": {"id": actor["id"], "name": actor["name"]}, **judged, "notes": inspection_in.notes,
           "photos": [], "recorded_at": places.utc_ms(now)}
    if inspection_in.client_ref:
        doc["client_ref"] = inspection_in.client_ref

    def save(tx):
        work.store.places.insert_inspection(doc, tx.session)
        tx.emit(InspectionRecorded(inspection_id=doc["_id"], subject_kind=subject.value, subject_id=place["_id"],
                                   area_code=place["area_code"], **places.area_fields(place["area_path"]),
                                   passed=doc["passed"], items_total=doc["items_total"],
                                   items_passed=doc["items_passed"], inspected_at=doc["inspected_at"]),
                area_code=place["area_code"])
        refresh(work, tx, subject, [place["_id"]], checklist)

    try:
        work.transaction(save)
    except DuplicateKeyError:  # the same submission racing itself: the first one stands
        return _same_submission(work.store.places.inspection_by_client_ref(inspection_in.client_ref), place)
    return present_inspection(doc)


def _same_submission(known: dict, place: dict) -> dict:
    """The inspection a repeated client reference names, if it is one of this place's; a reference used for
    another place is refused rather than answered with that place's inspection."""
    if known["subject_id"] != place["_id"]:
        raise Conflict("该提交编号已用于另一场所的检查", field="client_ref", code="inspection.client_ref_used")
    return present_inspection(known)


def _inspection_in_scope(work, inspection_id: str) -> dict:
    inspection = work.store.places.get_inspection(str(inspection_id or ""), work.scope.query())
    if inspection is None:
        raise NotFound("检查记录不存在或不在辖区内", field="inspection_id", code="inspection.not_found")
    return inspection


def get_inspection(work, inspection_id: str) -> dict:
    return present_inspection(_inspection_in_scope(work, inspection_id))


def list_inspections(work, area_code=None, subject=None, passed=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    if subject:
        query["subject"] = subject_of(subject).value
    if passed is not None:
        query["passed"] = bool(passed)
    result = work.store.places.list_inspections(query, paging.page, paging.page_size)
    result["items"] = [present_inspection(i) for i in result["items"]]
    return result


def present_inspection(doc: dict) -> dict:
    return {"inspection_id": doc["_id"], "subject": doc["subject"], "subject_label": SUBJECT_LABELS[Subject(
        doc["subject"])], "subject_id": doc["subject_id"], "area_code": doc["area_code"],
        "checklist_version": doc["checklist_version"], "inspected_at": clock.iso(doc["inspected_at"]),
        "recorded_at": clock.iso(doc["recorded_at"]), "inspector": doc["inspector"], "passed": doc["passed"],
        "items_total": doc["items_total"], "items_passed": doc["items_passed"], "results": doc["results"],
        "notes": doc.get("notes"), "photos": [{**p, "at": clock.iso(p["at"])} for p in doc.get("photos", [])]}


def attach_photo(work, inspection_id: str, item_code: str | None, filename: str, content_base64: str) -> dict:
    """Photo evidence kept with the inspection in GridFS (JPEG, PNG or PDF by its first bytes), optionally of one
    item."""
    inspection = _inspection_in_scope(work, inspection_id)
    if item_code and item_code not in {r["code"] for r in inspection["results"]}:
        raise ValidationFailed("该检查项不在这次检查内", field="item_code", code="inspection.unknown_item")
    if len(inspection.get("photos", [])) >= MAX_PHOTOS:
        raise ValidationFailed(f"每次检查最多{MAX_PHOTOS}张照片", field="file", code="inspection.too_many_photos")
    name, content, kind = files.checked_upload(filename, content_base64)
    actor = work.actor_ref()
    file_id = work.store.places.put_file(content, name, kind, {"inspection_id": inspection["_id"]})
    photo = {"file_id": file_id, "item_code": item_code or None, "filename": name, "content_type": kind,
             "size": len(content), "at": clock.now(), "by": actor["name"] if actor else "系统"}
    if not work.store.places.add_photo(inspection["_id"], photo, MAX_PHOTOS):
        raise ValidationFailed(f"每次检查最多{MAX_PHOTOS}张照片", field="file", code="inspection.too_many_photos")
    return {**photo, "at": clock.iso(photo["at"])}


def read_photo(work, inspection_id: str, file_id: str) -> dict:
    inspection = _inspection_in_scope(work, inspection_id)
    found = work.store.places.get_file(file_id) if any(
        p["file_id"] == file_id for p in inspection.get("photos", [])) else None
    if found is None:
        raise NotFound("照片不存在", field="file_id", code="file.not_found")
    content, meta = found
    return {"filename": meta["filename"], "content_type": meta["content_type"],
            "content_base64": base64.b64encode(content).decode()}
