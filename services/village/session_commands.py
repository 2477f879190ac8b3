"""村民说事 / 民情恳谈 / 百姓议事 in the service layer: a session with its participants and the matters raised, each
settled on the spot or sent with one action to the grid (a case, opened and reported to the township by RPC with a
reference that makes a retry the same case) or to mediation (an event the mediation service opens a dispute from).
The outcomes come back through intake.py."""
from pymongo.errors import DuplicateKeyError

from shared import clock, pii
from shared.errors import Conflict, NotFound, ValidationFailed, parse
from shared.paging import page_request

from . import councils, sessions
from .api import codes
from .api.events import (
    SessionHeld,
    SessionMatterConcluded,
    SessionMatterReferredToGrid,
    SessionMatterReferredToMediation,
)
from .api.rpc import SessionIn, SessionMatterActionIn
from .commands import VILLAGE_KINDS, actor, area_in_scope, in_scope, new_id, view_area
from .domain import not_after_today


def _session(work, session_id: str) -> dict:
    return in_scope(work, "sessions", session_id, "说事记录不存在或不在辖区内", "session.not_found")


def _grid_of(work, village: dict, code: str | None, field: str) -> str | None:
    if code is None:
        return None
    grid = work.store.get_area(code)
    if grid is None or grid["kind"] != "grid" or village["_id"] not in grid["path"]:
        raise ValidationFailed("不是本村（社区）的网格", field=field, code="area.not_in_village")
    return code


def record_session(work, payload: dict, lookups) -> dict:
    body = parse(SessionIn, payload)
    if body.client_ref and (known := work.store.by_ref("sessions", body.client_ref)):
        return present_session(known)
    village = area_in_scope(work, body.village_code, "village_code", VILLAGE_KINDS)
    not_after_today(body.held_on, "held_on")
    found = lookups.residents([*body.participant_ids, *(r for m in body.matters for r in m.party_resident_ids)])
    problem = councils.member_problem([{"resident_id": r} for r in body.participant_ids], found, village["_id"])
    if problem:
        raise ValidationFailed(problem[1], field=problem[0].replace("members", "participant_ids").replace(
            ".resident_id", ""), code="resident.not_in_village")
    matters = []
    for i, raised in enumerate(body.matters):
        parties = councils.member_problem([{"resident_id": r} for r in raised.party_resident_ids], found,
                                          village["_id"])
        if parties:
            raise ValidationFailed(parties[1], field=f"matters.{i}.party_resident_ids", code="resident.not_in_village")
        matters.append({"matter_id": new_id("SM"), "no": i + 1, "summary": raised.summary, "topic": raised.topic,
                        "party_resident_ids": raised.party_resident_ids,
                        "grid_code": _grid_of(work, village, raised.grid_code, f"matters.{i}.grid_code"),
                        "status": "raised", "case_id": None, "dispute_id": None, "note": None, "outcome_at": None,
                        "moves": []})
    doc = {"_id": new_id("VS"), "village_code": village["_id"], "township_code": village["path"][1],
           "area_path": village["path"], **body.model_dump(mode="json", exclude={"village_code", "matters",
                                                                                "client_ref"}),
           "matters": matters, "recorded_by": actor(work)}
    if body.client_ref:
        doc["client_ref"] = body.client_ref

    def save(tx):
        work.store.insert("sessions", doc, tx.session)
        tx.emit(SessionHeld(session_id=doc["_id"], kind=body.kind, held_on=body.held_on,
                            participants=body.participants, matters=len(matters), village_code=village["_id"],
                            township_code=village["path"][1]), area_code=village["_id"])

    try:
        work.transaction(save)
    except DuplicateKeyError:
        return present_session(work.store.by_ref("sessions", body.client_ref))
    return present_session(work.store.get("sessions", doc["_id"]))


def act_on_matter(work, session_id: str, matter_id: str, payload: dict, lookups) -> dict:
    """refer_to_grid {item_code, grid_code?}, refer_to_mediation, or settle {note}."""
    command = parse(SessionMatterActionIn, payload)
    session = _session(work, session_id)
    matter = next((m for m in session["matters"] if m["matter_id"] == matter_id), None)
    if matter is None:
        raise NotFound("该事项不在这次说事记录中", field="matter_id", code="session_matter.not_found")
    if command.action not in sessions.STAFF_ACTIONS:
        raise ValidationFailed(f"操作应为以下之一：{'、'.join(codes.SESSION_MATTER_ROUTES.values())}", field="action",
                               code="session_matter.unknown_action")
    transition = sessions.WORKFLOW.step(matter["status"], command.action, command.model_dump())
    fields = {"session_id": session["_id"], "matter_id": matter_id, "village_code": session["village_code"],
              "township_code": session["township_code"]}
    changes: dict = {"status": transition.target, "moves": [*matter["moves"], _move(work, command.action)]}
    if command.action == "refer_to_grid":
        village = work.store.get_area(session["village_code"])
        grid = _grid_of(work, village, command.grid_code or matter["grid_code"], "grid_code")
        if grid is None:
            raise ValidationFailed("请选择事发网格", field="grid_code")
        case = lookups.open_case({
            "grid_code": grid, "item_code": command.item_code, "source": "resident",
            "title": f"{codes.SESSION_KINDS[session['kind']]}：{codes.TOPICS[matter['topic']]}",
            "description": f"{session['held_on']}{codes.SESSION_KINDS[session['kind']]}（{session['place']}）群众提出："
                           f"{matter['summary']}", "party_resident_ids": matter["party_resident_ids"],
            "client_ref": f"VS-{matter_id}"})
        changes.update(case_id=case["case_id"], case_status=case["status"], grid_code=grid)
        event = SessionMatterReferredToGrid(**fields, case_id=case["case_id"])
    elif command.action == "refer_to_mediation":
        event = SessionMatterReferredToMediation(**fields, area_code=matter["grid_code"] or session["village_code"],
                                                 topic=matter["topic"], party_resident_ids=matter["party_resident_ids"])
    else:
        changes["note"] = command.note
        event = SessionMatterConcluded(**fields, outcome="settled", by="session")

    def save(tx):
        # Read again inside the transaction: an outcome of another of its matters may have come in meanwhile.
        fresh = work.store.get("sessions", session["_id"], session=tx.session)
        now = next(m for m in fresh["matters"] if m["matter_id"] == matter_id)
        if now["status"] != matter["status"]:
            raise Conflict("该事项刚被他人处理，请刷新后重试", field="action", code="session_matter.changed")
        moved = work.store.set_session_matter(fresh, matter_id, changes, tx.session)
        if moved is None:
            raise Conflict("这次说事记录刚被他人处理，请刷新后重试", field="action", code="session.changed")
        tx.emit(event, area_code=session["village_code"])
        return moved

    return present_session(work.transaction(save))


def _move(work, action: str, note: str | None = None) -> dict:
    return {"action": action, "at": clock.now(), "actor": actor(work), "note": note}


def matter_for_referral(work, matter_id: str) -> dict:
    """What the mediation service reads of a matter it opened a dispute for: the narrative, once."""
    session = work.store.session_of_matter(str(matter_id or ""))
    if session is None or not work.scope.allows(session["area_path"]):
        raise NotFound("说事事项不存在或不在辖区内", field="matter_id", code="session_matter.not_found")
    matter = next(m for m in session["matters"] if m["matter_id"] == matter_id)
    return {"summary": f"{session['held_on']}{codes.SESSION_KINDS[session['kind']]}（{session['place']}，"
                       f"议题：{session['topic']}）群众提出：{matter['summary']}",
            "party_resident_ids": matter["party_resident_ids"]}


def get_session(work, session_id: str) -> dict:
    session = _session(work, session_id)
    view = present_session(session)
    view["village_name"] = work.store.area_names([session["village_code"]]).get(session["village_code"])
    return view


def list_sessions(work, area_code=None, kind=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(view_area(work, area_code))
    if kind:
        if kind not in codes.SESSION_KINDS:
            raise ValidationFailed(f"应为以下之一：{'、'.join(codes.SESSION_KINDS)}", field="kind")
        query["kind"] = kind
    result = work.store.page("sessions", query, paging.page, paging.page_size, [("held_on", -1)])
    names = work.store.area_names({s["village_code"] for s in result["items"]})
    result["items"] = [{**present_session(s, brief=True), "village_name": names.get(s["village_code"])}
                       for s in result["items"]]
    return result


def present_session(s: dict, brief: bool = False) -> dict:
    counts = sessions.outcome_counts(s["matters"])
    view = {"session_id": s["_id"], "village_code": s["village_code"], "kind": s["kind"],
            "kind_label": codes.SESSION_KINDS[s["kind"]], "held_on": s["held_on"], "place": s["place"],
            "topic": s["topic"], "participants": s["participants"], "known_participants": len(s["participant_ids"]),
            **{f"matters_{k}": v for k, v in counts.items()}}
    if not brief:
        view["matters"] = [{
            "matter_id": m["matter_id"], "no": m["no"], "summary": pii.mask_text(m["summary"]), "topic": m["topic"],
            "topic_label": codes.TOPICS[m["topic"]], "grid_code": m["grid_code"], "parties": len(m["party_resident_ids"]),
            "status": m["status"], "status_label": codes.SESSION_MATTER_STATUS[m["status"]], "case_id": m["case_id"],
            "case_status": m.get("case_status"), "dispute_id": m["dispute_id"], "note": m.get("note"),
            "outcome_at": clock.iso(m.get("outcome_at")),
            "actions": [a for a in sessions.WORKFLOW.allowed(m["status"]) if a in sessions.STAFF_ACTIONS],
            "moves": [{"label": sessions.WORKFLOW.transitions[x["action"]].label, "at": clock.iso(x["at"]),
                       "by": (x.get("actor") or {}).get("name"), "note": x.get("note")} for x in m["moves"]]}
            for m in s["matters"]]
    return view
