"""The mediation service layer: reference data (committees, mediators, talk offices), the intake doors,
the dispute's transitions, its pages and case file, and the targets. Each command loads within the caller's
scope, applies domain.py and disputes.py, and saves with its events in one transaction."""
import logging

from pymongo.errors import DuplicateKeyError

from shared import clock, config, pii
from shared.errors import Conflict, NotFound, ValidationFailed, parse
from shared.paging import page_request, sort_order

from . import disputes, domain, targets
from .api.codes import (
    CATEGORIES,
    FOLLOW_UP_LABELS,
    LEVEL_LABELS,
    MAJOR_CRITERIA,
    REFERRAL_LABELS,
    STATUS_LABELS,
    WORKFLOW,
    CommitteeLevel,
    DisputeStatus,
)
from .api.events import (
    DisputeAccepted,
    DisputeClosed,
    DisputeDeclined,
    DisputeEscalated,
    DisputeFailed,
    DisputeFollowedUp,
    DisputeReferred,
    DisputeRegistered,
    DisputeResolved,
)
from .api.rpc import CommitteeIn, DisputeActionIn, DisputeChange, DisputeIn, MediatorIn, TalkOfficeIn
from .domain import area_path
from .store import new_id

log = logging.getLogger(__name__)
PLACEHOLDER = "（详情正在从来源处读取）"  # a dispute's summary until its narrative is read from its source


# committees, mediators, talk offices ---------------------------------------------------------------------
def save_committee(work, payload: dict) -> dict:
    committee = parse(CommitteeIn, payload)
    path = work.scope.require(committee.area_code, "area_code")
    doc = {**committee.model_dump(mode="json"), "area_path": path}
    work.transaction(lambda tx: work.store.save_committee(doc, tx.session))
    return present_committee(doc)


def list_committees(work, area_code: str | None = None) -> dict:
    """The committees that may take a dispute arising at `area_code` (its own and those above), or all."""
    query = {"area_code": {"$in": area_path(area_code)}} if area_code else {}
    return {"items": [present_committee(c) for c in work.store.list_committees(query)]}


def present_committee(doc: dict) -> dict:
    return {"committee_id": doc["committee_id"], "name": doc["name"], "level": doc["level"],
            "level_label": LEVEL_LABELS[CommitteeLevel(doc["level"])], "area_code": doc["area_code"],
            "specialty": doc["specialty"]}


def save_mediator(work, payload: dict) -> dict:
    mediator = parse(MediatorIn, payload)
    for committee_id in mediator.committee_ids:
        committee = work.store.get_committee(committee_id)
        if committee is None:
            raise ValidationFailed("调解委员会不存在", field="committee_ids", code="committee.not_found")
        work.scope.require(committee["area_code"], "committee_ids")
    doc = mediator.model_dump(mode="json")
    work.transaction(lambda tx: work.store.save_mediator(doc, tx.session))
    return present_mediator(doc)


def list_mediators(work, committee_id: str | None = None) -> dict:
    query = {"committee_ids": committee_id} if committee_id else {}
    return {"items": [present_mediator(m) for m in work.store.list_mediators(query)]}


def present_mediator(doc: dict) -> dict:
    return {"mediator_id": doc["mediator_id"], "name": doc["name"], "phone": pii.mask_phone(doc.get("phone")),
            "employment": doc["employment"], "committee_ids": doc["committee_ids"],
            "account_id": doc.get("account_id")}


def save_talk_office(work, payload: dict) -> dict:
    office = parse(TalkOfficeIn, payload)
    work.scope.require(office.township_code, "township_code")
    doc = office.model_dump(mode="json")
    work.transaction(lambda tx: work.store.save_talk_office(doc, tx.session))
    return present_talk_office(doc)


def list_talk_offices(work) -> dict:
    return {"items": [present_talk_office(o) for o in work.store.list_talk_offices({})]}


def present_talk_office(doc: dict) -> dict:
    return {"township_code": doc["township_code"], "name": doc["name"], "address": doc["address"],
            "volunteers": [{"name": v["name"], "kind": v["kind"], "phone": pii.mask_phone(v.get("phone"))}
                           for v in doc["volunteers"]]}


# intake (the doors) --------------------------------------------------------------------------------------
def _new_dispute(source: str, source_ref: str | None, area_code: str, category: str, summary: str | None,
                 parties: list[dict], major_reasons: list[str], actor: dict | None, intake_key: str | None) -> dict:
    now = clock.now()
    path = area_path(area_code)
    doc = {"_id": new_id("D"), "source": source, "source_ref": source_ref, "category": category,
           "major": bool(major_reasons), "major_reasons": major_reasons, "area_code": area_code, "area_path": path,
           "township_code": path[1], "village_code": path[2] if len(path) > 2 else None, "level": None,
           "committee_id": None, "mediator_ids": [], "parties": parties,
           "summary": summary or PLACEHOLDER, "narrative_pending": summary is None,
           "status": DisputeStatus.registered.value, "sessions": [], "agreement": None, "referral": None,
           "follow_ups": [], "mediated": False, "registered_at": now,
           "due_at": disputes.due_at(now, config.mediation_limit_days()), "resolved_at": None,
           "concluded_at": None, "closed_at": None, "revision": 0, "updated_at": now,
           "history": [{"action": "register", "from": None, "to": DisputeStatus.registered.value, "at": now,
                        "actor": actor, "note": SOURCE_LABELS[source]}]}
    if intake_key:
        doc["intake_key"] = intake_key
    return doc


SOURCE_LABELS = {"grid_case": "网格事件转入", "talk_office": "群众说事处登记", "resident_request": "群众网上反映",
                 "petition": "信访转调解", "village_session": "村民说事转调解"}


def register_dispute(work, payload: dict) -> dict:
    """A walk-in at the talk office (or a dispute staff enter by hand)."""
    dispute_in = parse(DisputeIn, payload)
    work.scope.require(dispute_in.area_code, "area_code")
    key = f"talk_office:{dispute_in.client_ref}" if dispute_in.client_ref else None
    if key and (known := work.store.by_intake_key(key)):
        return present_dispute(known)
    parties = [p.model_dump(mode="json") for p in dispute_in.parties]
    doc = _new_dispute("talk_office", dispute_in.talk_office_township, dispute_in.area_code, dispute_in.category,
                       dispute_in.summary, parties, dispute_in.major_reasons, work.actor_ref(), key)

    def save(tx):
        doc["correlation_id"] = work.correlation_id  # the dispute's story, carried by its later events
        work.store.insert_dispute(doc, tx.session)
        tx.emit(DisputeRegistered(**_fields(doc)), area_code=doc["area_code"])

    try:
        work.transaction(save)
    except DuplicateKeyError:
        return present_dispute(work.store.by_intake_key(key))
    return present_dispute(doc)


def open_from_door(work, tx, source: str, ref: str, area_code: str, category: str, parties: list[dict]) -> bool:
    """A dispute from another service's event (grid case, resident's request, petition), inside the handler's
    transaction: the inbox stops a redelivered event, the unique intake key stops a second event for the same
    source record. False when it was already open."""
    key = f"{source}:{ref}"
    if work.store.by_intake_key(key):
        return False
    doc = _new_dispute(source, ref, area_code, category, None, parties, [], None, key)
    # The story of the case, request or petition it came from goes on in this dispute.
    doc["correlation_id"] = work.correlation_id
    work.store.insert_dispute(doc, tx.session)
    tx.emit(DisputeRegistered(**_fields(doc)), area_code=doc["area_code"])
    return True


def fill_narrative(work, dispute: dict, fetch) -> dict:
    """Read the narrative of a dispute that came through an event, once, from its source service; when that
    service is away the page shows the placeholder and tries again next time."""
    if not dispute.get("narrative_pending"):
        return dispute
    try:
        found = fetch(dispute["source"], dispute["source_ref"])
    except Exception as exc:  # noqa: BLE001 - the dispute stays usable without its narrative
        log.warning("narrative of %s not available yet: %s", dispute["_id"], type(exc).__name__)
        work.store.narrative_missed(dispute["_id"], type(exc).__name__)
        return dispute
    if not found:
        work.store.narrative_missed(dispute["_id"], "no_narrative")
        return dispute
    # The parties from the source only when staff have not entered any meanwhile; a petition's petitioners who are
    # not registered residents join the residents its event named.
    parties = None if dispute["parties"] else found.get("parties")
    edited = any(h["action"] == "update" for h in dispute.get("history", []))
    if found.get("add_parties") and not edited:
        parties = [{k: v for k, v in p.items() if v is not None} for p in dispute["parties"]] + found["add_parties"]
    work.store.fill_narrative(dispute["_id"], found["summary"], parties)
    return work.store.get_dispute(dispute["_id"]) or dispute


def update_dispute(work, dispute_id: str, payload: dict, fetch=None) -> dict:
    change = parse(DisputeChange, payload)
    dispute = _dispute_in_scope(work, dispute_id)
    if dispute["status"] not in disputes.OPEN:
        raise Conflict("纠纷已办结，不能再修改", code="dispute.concluded")
    if fetch is not None:  # the narrative first, so that a correction neither drops it nor is undone by it
        dispute = fill_narrative(work, dispute, fetch)
    merged = {"area_code": dispute["area_code"], "category": change.category or dispute["category"],
              "summary": change.summary or dispute["summary"],
              "parties": [p.model_dump(mode="json") for p in change.parties] if change.parties is not None
              else [{k: v for k, v in p.items() if v is not None} for p in dispute["parties"]],
              # parties come back masked, so adding one must not mean typing the others again
              "major_reasons": change.major_reasons if change.major_reasons is not None
              else dispute["major_reasons"]}
    merged["parties"] += [p.model_dump(mode="json") for p in change.add_parties]
    valid = parse(DisputeIn, merged)  # the same rules as at registration: two sides, known category and criteria
    changes = {"category": valid.category, "summary": valid.summary,
               "narrative_pending": bool(dispute.get("narrative_pending")) and change.summary is None,
               "parties": [work.store.seal_party(p.model_dump(mode="json")) for p in valid.parties],
               "major_reasons": valid.major_reasons, "major": bool(valid.major_reasons)}
    entry = {"action": "update", "from": dispute["status"], "to": dispute["status"], "at": clock.now(),
             "actor": work.actor_ref(), "note": "补充或更正登记信息", "level": dispute["level"]}

    def save(tx):
        moved = work.store.move_dispute(dispute, changes, entry, tx.session)
        if moved is None:
            raise Conflict("该纠纷刚被他人处理，请刷新后重试", code="dispute.changed")
        return moved

    return present_dispute(work.transaction(save), full=True)


# transitions ------------------------------------------------------------------------------------------
def act(work, dispute_id: str, payload: dict) -> dict:
    command = parse(DisputeActionIn, payload)
    dispute = _dispute_in_scope(work, dispute_id)
    transition = WORKFLOW.step(dispute["status"], command.action,
                                        command.model_dump(exclude_defaults=False))
    now = clock.now()
    actor = work.actor_ref()
    changes: dict = {"status": transition.target.value}
    push: dict = {}
    note = command.reason
    if command.action in ("accept", "escalate"):
        committee = work.store.get_committee(command.committee_id)
        disputes.check_committee(dispute, committee, command.action)
        for mediator_id in command.mediator_ids:
            mediator = work.store.get_mediator(mediator_id)
            if mediator is None or committee["committee_id"] not in mediator["committee_ids"]:
                raise ValidationFailed("调解员不属于该调委会", field="mediator_ids", code="mediator.not_in_committee")
        changes.update(committee_id=committee["committee_id"], level=committee["level"],
                       mediator_ids=command.mediator_ids, concluded_at=None)
        note = f"{committee['name']}" + (f"：{command.reason}" if command.reason else "")
    elif command.action == "decline":
        changes.update(referral=command.referral.model_dump(mode="json"), concluded_at=now)
    elif command.action == "hold_session":
        push["sessions"] = {"session_id": new_id("S"), **command.session.model_dump(mode="json"),
                            "recorded_by": actor, "recorded_at": now}
        changes["mediated"] = True
        note = f"{command.session.held_on.isoformat()} {command.session.place}"
    elif command.action == "sign_agreement":
        disputes.check_agreement(command.agreement, len(dispute["parties"]))
        mediator = work.store.get_mediator(command.agreement.mediator_id)
        if mediator is None or dispute["committee_id"] not in mediator["committee_ids"]:
            raise ValidationFailed("签名调解员须属于受理的调委会", field="agreement.mediator_id",
                                   code="mediator.not_in_committee")
        agreement = {**command.agreement.model_dump(mode="json"), "mediator_name": mediator["name"]}
        changes.update(agreement=agreement, resolved_at=now, concluded_at=now)
    elif command.action == "fail":
        changes["concluded_at"] = now
    elif command.action == "refer":
        changes["referral"] = command.referral.model_dump(mode="json")
        note = REFERRAL_LABELS[command.referral.to] + f"：{command.referral.note}"
    elif command.action == "follow_up":
        push["follow_ups"] = {**command.follow_up.model_dump(mode="json"), "recorded_by": actor, "recorded_at": now}
        note = FOLLOW_UP_LABELS[command.follow_up.performed]
    elif command.action == "close":
        changes["closed_at"] = now
    entry = {"action": command.action, "from": dispute["status"], "to": transition.target.value, "at": now,
             "actor": actor, "note": note, "level": changes.get("level", dispute["level"])}

    def save(tx):
        moved = work.store.move_dispute(dispute, changes, entry, tx.session, push)
        if moved is None:
            raise Conflict("该纠纷刚被他人处理，请刷新后重试", field="action", code="dispute.changed")
        for data in _events(command, dispute, moved, now):
            tx.emit(data, area_code=moved["area_code"], story=moved.get("correlation_id"))
        return moved

    return present_dispute(work.transaction(save), full=True)


def _fields(doc: dict) -> dict:
    return {"dispute_id": doc["_id"], "source": doc["source"], "source_ref": doc["source_ref"],
            "category": doc["category"], "major": doc["major"], "level": doc["level"],
            "committee_id": doc["committee_id"], "village_code": doc["village_code"],
            "township_code": doc["township_code"], "status": doc["status"], "registered_at": doc["registered_at"],
            "due_at": doc["due_at"], "resolved_at": doc["resolved_at"]}


def _events(command: DisputeActionIn, before: dict, moved: dict, now) -> list:
    fields = _fields(moved)
    action = command.action
    if action == "accept":
        return [DisputeAccepted(**fields)]
    if action == "decline":
        return [DisputeDeclined(**fields, referred_to=command.referral.to)]
    if action == "escalate":
        return [DisputeEscalated(**fields, from_level=before["level"])]
    if action == "sign_agreement":
        days = (now - moved["registered_at"]).total_seconds() / 86400
        return [DisputeResolved(**fields, judicial_confirmation_until=domain.judicial_confirmation_until(
            moved["agreement"]), days_to_resolve=round(days, 2))]
    if action == "fail":
        return [DisputeFailed(**fields)]
    if action == "refer":
        return [DisputeReferred(**fields, referred_to=command.referral.to)]
    if action == "follow_up":
        return [DisputeFollowedUp(**fields, performed=command.follow_up.performed)]
    if action == "close":
        return [DisputeClosed(**fields, outcome="resolved" if moved["resolved_at"] else "referred")]
    return []


# reads --------------------------------------------------------------------------------------------
def _dispute_in_scope(work, dispute_id: str) -> dict:
    dispute = work.store.get_dispute(str(dispute_id or ""), work.scope.query())
    if dispute is None:
        raise NotFound("纠纷不存在或不在辖区内", field="dispute_id", code="dispute.not_found")
    return dispute


def get_dispute(work, dispute_id: str, fetch=None) -> dict:
    dispute = _dispute_in_scope(work, dispute_id)
    if fetch is not None:
        dispute = fill_narrative(work, dispute, fetch)
    return present_dispute(dispute, full=True)


SORTS = {"registered_at": "registered_at", "due_at": "due_at", "status": "status"}


def list_disputes(work, status=None, area_code=None, committee_id=None, major=None, overdue=False, page=1,
                  page_size=20, sort=None) -> dict:
    paging = page_request(page, page_size)
    order = sort_order(sort, SORTS, "-registered_at")
    query = work.scope.within(area_code)
    wanted = WORKFLOW.statuses(status, only=disputes.OPEN if overdue else None)  # only open ones are late
    if wanted is not None:
        query["status"] = {"$in": wanted}
    if committee_id:
        query["committee_id"] = committee_id
    if major is not None:
        query["major"] = bool(major)
    if overdue:
        query["due_at"] = {"$lt": clock.now()}
    result = work.store.list_disputes(query, paging.page, paging.page_size, order)
    result["items"] = [present_dispute(d) for d in result["items"]]
    return result


def present_party(party: dict) -> dict:
    return {"role": party["role"], "resident_id": party.get("resident_id"), "name": pii.mask_name(party.get("name")),
            "id_number": pii.mask_id_number(party.get("id_number")), "phone": pii.mask_phone(party.get("phone")),
            "address": party.get("address")}


ROLE_LABELS = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人"}


def present_dispute(d: dict, full: bool = False) -> dict:
    now = clock.now()
    overdue = d["status"] in disputes.OPEN and d["due_at"] < now
    view = {"dispute_id": d["_id"], "source": d["source"], "source_label": SOURCE_LABELS[d["source"]],
            "source_ref": d["source_ref"], "category": d["category"], "category_label": CATEGORIES[d["category"]],
            "major": d["major"], "major_reasons": [MAJOR_CRITERIA[r] for r in d["major_reasons"]],
            "area_code": d["area_code"], "area_path": d["area_path"], "level": d["level"],
            "level_label": LEVEL_LABELS[CommitteeLevel(d["level"])] if d["level"] else "未受理",
            "committee_id": d["committee_id"], "mediator_ids": d["mediator_ids"], "status": d["status"],
            "status_label": STATUS_LABELS[d["status"]], "summary": d["summary"],
            "registered_at": clock.iso(d["registered_at"]), "due_at": clock.iso(d["due_at"]), "overdue": overdue,
            "resolved_at": clock.iso(d["resolved_at"]), "parties": [
                {**present_party(p), "role_label": ROLE_LABELS[p["role"]]} for p in d["parties"]]}
    if not full:
        return view
    agreement = d.get("agreement")
    if agreement:
        until = domain.judicial_confirmation_until(agreement)
        days_left = (until - now.astimezone(clock.LOCAL).date()).days
        agreement = {**agreement, "judicial_confirmation_until": until.isoformat(),
                     "judicial_confirmation_days_left": max(0, days_left),
                     "judicial_confirmation_open": days_left >= 0}
    labels = {t.action: t.label for t in WORKFLOW.transitions.values()} | {"register": "登记",
                                                                                  "update": "补充登记信息"}
    view.update({
        "actions": WORKFLOW.allowed(d["status"]), "sessions": d.get("sessions", []),
        "agreement": agreement, "referral": d.get("referral"), "follow_ups": d.get("follow_ups", []),
        "history": [{**{k: clock.iso(v) for k, v in h.items()}, "label": labels.get(h["action"], h["action"]),
                     "to_label": STATUS_LABELS.get(h["to"], h["to"])} for h in d.get("history", [])]})
    for item in view["sessions"] + view["follow_ups"]:
        item["recorded_at"] = clock.iso(item.get("recorded_at"))
    return view


# targets --------------------------------------------------------------------------------------------
def compute_targets(work, area_code: str | None, since: str, until: str, as_of: str | None = None) -> dict:
    start, end = clock.parse_local(since, "since"), clock.parse_local(until, "until")
    if end <= start:
        raise ValidationFailed("结束日期应晚于开始日期", field="until")
    code = area_code or (work.scope.codes[0] if work.scope.codes else "500229")
    path = work.scope.require(code, "area_code")
    now = clock.now() if as_of is None else clock.parse_local(as_of, "as_of")  # local time unless it carries an offset
    rows = work.store.for_targets({**work.scope.within(code), "registered_at": {"$gte": start, "$lt": end}})
    return {"area_code": code, "since": since, "until": until, "as_of": now.isoformat(),
            **targets.compute(rows, now, len(path))}


