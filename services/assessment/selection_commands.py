"""评选: the annual selections the plan names (社会治理先进村（社区）, 优秀基层治理工作者, 基层治理创新成果). Townships and
villages nominate with material; the county reviews, with each nominee's area's assessment shown beside it; the
shortlist goes on public notice (公示) where objections are recorded and decided; once the notice has passed with
no objection pending, the shortlisted are awarded. Every change is kept in the record's history."""
from datetime import timedelta

from shared import clock
from shared.errors import Conflict, NotFound, ValidationFailed, parse

from .api.codes import NOMINATION_STATUS, SELECTION_KINDS, SELECTION_STATUS
from .api.events import SelectionAwarded
from .api.rpc import NominationDecisionIn, NominationIn, NoticeIn, ObjectionDecisionIn, ObjectionIn, SelectionIn
from .scheme_commands import _entry, _moved, require_county


def save_selection(work, payload: dict) -> dict:
    require_county(work)
    command = parse(SelectionIn, payload)
    selection_id = f"SL{command.year}-{command.kind}"
    if work.store.get("selections", selection_id) is None:
        work.transaction(lambda tx: work.store.insert("selections", {
            "_id": selection_id, **command.model_dump(), "status": "nominating", "noticed_on": None,
            "notice_until": None, "history": [_entry(work, "open")]}, tx.session))
    return get_selection(work, selection_id)


def _selection(work, selection_id: str) -> dict:
    found = work.store.get("selections", str(selection_id))
    if found is None:
        raise NotFound("没有此评选", field="selection_id", code="selection.not_found")
    return found


def _nomination(work, nomination_id: str) -> dict:
    found = work.store.get("nominations", str(nomination_id))
    if found is None or not work.scope.allows([found["area_code"][:n] for n in (6, 9, 12)
                                               if n <= len(found["area_code"])]):
        raise NotFound("没有此推荐", field="nomination_id", code="nomination.not_found")
    return found


def nominate(work, selection_id: str, payload: dict) -> dict:
    command = parse(NominationIn, payload)
    work.scope.require(command.area_code, "area_code")
    selection = _selection(work, selection_id)
    if selection["status"] != "nominating":
        raise Conflict("推荐已截止", field="selection_id", code="selection.closed")
    if selection["kind"] == "advanced_village" and len(command.area_code) != 12:
        raise ValidationFailed("先进村（社区）应推荐到村（社区）", field="area_code")
    doc = {"_id": f"NM{selection_id[2:]}-{command.area_code}-{clock.now().strftime('%H%M%S%f')}",
           "selection_id": selection["_id"], **command.model_dump(), "status": "nominated", "objections": [],
           "history": [_entry(work, "nominate")]}
    work.transaction(lambda tx: work.store.insert("nominations", doc, tx.session))
    return present_nomination(work, work.store.get("nominations", doc["_id"]))


def decide_nomination(work, nomination_id: str, payload: dict) -> dict:
    require_county(work)
    command = parse(NominationDecisionIn, payload)
    found = _nomination(work, nomination_id)
    if _selection(work, found["selection_id"])["status"] != "nominating" or found["status"] not in (
            "nominated", "shortlisted", "rejected"):
        raise Conflict("评选已进入公示，不能再改定", field="nomination_id", code="selection.closed")
    moved = work.transaction(lambda tx: _moved(work.store.move("nominations", found, {
        "status": command.decision, "review_note": command.note}, _entry(work, command.decision, command.note),
        tx.session)))
    return present_nomination(work, moved)


def start_notice(work, selection_id: str, payload: dict) -> dict:
    require_county(work)
    on = parse(NoticeIn, payload or {}).noticed_on or clock.today()
    selection = _selection(work, selection_id)
    if selection["status"] != "nominating":
        raise Conflict("已公示", field="selection_id", code="selection.in_notice")
    if not work.store.find("nominations", {"selection_id": selection["_id"], "status": "shortlisted"}):
        raise Conflict("尚无拟表彰对象", field="selection_id", code="selection.empty")
    if on > clock.today() or on < clock.today() - timedelta(days=60):
        raise ValidationFailed("公示日期应在最近60天内、不晚于今天", field="noticed_on")
    until = on + timedelta(days=selection["notice_days"])
    work.transaction(lambda tx: _moved(work.store.move("selections", selection, {
        "status": "in_notice", "noticed_on": on.isoformat(), "notice_until": until.isoformat()},
        _entry(work, "notice", f"公示至{until.isoformat()}"), tx.session)))
    return get_selection(work, selection_id)


def object_to(work, nomination_id: str, payload: dict) -> dict:
    """An objection received during the notice (by any means: staff record it)."""
    command = parse(ObjectionIn, payload)
    found = _nomination(work, nomination_id)
    selection = _selection(work, found["selection_id"])
    if selection["status"] != "in_notice" or found["status"] != "shortlisted":
        raise Conflict("只能对公示中的拟表彰对象提出异议", field="nomination_id", code="selection.not_in_notice")
    if clock.today().isoformat() > selection["notice_until"]:
        raise Conflict(f"公示期已于{selection['notice_until']}结束", field="nomination_id", code="selection.notice_over")
    objection = {"objection_id": f"OB{len(found['objections']) + 1}", "reason": command.reason, "status": "pending",
                 "at": clock.now()}
    moved = work.transaction(lambda tx: _moved(work.store.move("nominations", found, {
        "objections": [*found["objections"], objection]}, _entry(work, "object"), tx.session)))
    return present_nomination(work, moved)


def decide_objection(work, nomination_id: str, objection_id: str, payload: dict) -> dict:
    require_county(work)
    command = parse(ObjectionDecisionIn, payload)
    found = _nomination(work, nomination_id)
    objection = next((o for o in found["objections"] if o["objection_id"] == objection_id), None)
    if objection is None or objection["status"] != "pending":
        raise NotFound("没有待处理的此项异议", field="objection_id", code="objection.not_found")
    objections = [{**o, "status": "upheld" if command.upheld else "rejected", "note": command.note}
                  if o["objection_id"] == objection_id else o for o in found["objections"]]
    changes = {"objections": objections, **({"status": "withdrawn"} if command.upheld else {})}
    moved = work.transaction(lambda tx: _moved(work.store.move("nominations", found, changes, _entry(
        work, "objection_upheld" if command.upheld else "objection_rejected", command.note), tx.session)))
    return present_nomination(work, moved)


def award(work, selection_id: str) -> dict:
    require_county(work)
    selection = _selection(work, selection_id)
    if selection["status"] != "in_notice":
        raise Conflict("只能表彰公示期满的评选", field="selection_id", code="selection.not_in_notice")
    if clock.today().isoformat() <= selection["notice_until"]:
        raise Conflict(f"公示期至{selection['notice_until']}，期满后表彰", field="selection_id",
                       code="selection.in_notice")
    shortlisted = work.store.find("nominations", {"selection_id": selection["_id"], "status": "shortlisted"})
    if any(o["status"] == "pending" for n in shortlisted for o in n["objections"]):
        raise Conflict("尚有未处理的异议", field="selection_id", code="selection.objections_pending")

    def save(tx):
        for nomination in shortlisted:
            _moved(work.store.move("nominations", nomination, {"status": "awarded"}, _entry(work, "award"), tx.session))
            tx.emit(SelectionAwarded(selection_id=selection["_id"], kind=selection["kind"], year=selection["year"],
                                     nomination_id=nomination["_id"], area_code=nomination["area_code"]),
                    area_code=nomination["area_code"])
        _moved(work.store.move("selections", selection, {"status": "awarded"}, _entry(work, "award"), tx.session))

    work.transaction(save)
    return get_selection(work, selection_id)


def present_nomination(work, doc: dict, published: dict | None = None) -> dict:
    out = {"nomination_id": doc["_id"], "selection_id": doc["selection_id"], "area_code": doc["area_code"],
           "nominee": doc["nominee"], "material": doc["material"], "status": doc["status"],
           "status_label": NOMINATION_STATUS[doc["status"]], "review_note": doc.get("review_note"),
           "objections": [{"objection_id": o["objection_id"], "reason": o["reason"], "status": o["status"],
                           "note": o.get("note")} for o in doc["objections"]]}
    if published is not None:
        out["assessment"] = published.get(doc["area_code"]) or published.get(doc["area_code"][:9])
    return out


def _published_results(work) -> dict:
    """The latest published result of every area, for the reviewers."""
    latest: dict = {}
    for found in work.store.find("rounds", {"status": "published"}, ("period", 1)):
        for r in found["results"]:
            latest[r["area_code"]] = {"period": found["period"], "total": r["total"], "rank": r["rank"],
                                      "of": len(found["results"])}
    return latest


def get_selection(work, selection_id: str) -> dict:
    found = _selection(work, selection_id)
    published = _published_results(work)
    nominations = [present_nomination(work, n, published) for n in work.store.find(
        "nominations", {"selection_id": found["_id"]}) if work.scope.allows(
        [n["area_code"][:k] for k in (6, 9, 12) if k <= len(n["area_code"])])]
    return {"selection_id": found["_id"], "year": found["year"], "kind": found["kind"],
            "kind_label": SELECTION_KINDS[found["kind"]], "title": found["title"], "status": found["status"],
            "status_label": SELECTION_STATUS[found["status"]], "noticed_on": found["noticed_on"],
            "notice_until": found["notice_until"], "nominations": nominations}


def list_selections(work) -> dict:
    return {"items": [{k: v for k, v in get_selection(work, s["_id"]).items() if k != "nominations"}
                      for s in work.store.find("selections", {}, ("year", -1))]}
