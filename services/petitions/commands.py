"""The petitions service layer: registration on the four channels (the online one through the residents' channel's
event), the transitions with their clocks, first-handler responsibility, supervision, leaders' ownership, visits,
repeats and hard cases, the sweep that escalates overdue clocks, and the residents' own view. Each command loads
within the caller's scope, applies the rules of domain.py, petitions.py and clocks.py, and saves with its events in
one transaction."""
import base64
import logging
import secrets
from datetime import datetime, time, timedelta

from prometheus_client import Gauge
from pymongo.errors import DuplicateKeyError

from shared import clock, config, files, pii
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, parse
from shared.paging import page_request, sort_order

from . import clocks, domain, figures, mediation
from .api.codes import (
    CATEGORIES,
    CHANNEL_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    SUPERVISION_LABELS,
    VISIT_LABELS,
    WORKFLOW,
    Channel,
    PetitionStatus,
    SupervisionLevel,
    VisitKind,
)
from .api.events import (
    PetitionAccepted,
    PetitionAssigned,
    PetitionConcluded,
    PetitionConcludedV2,
    PetitionConvertedToMediation,
    PetitionExtended,
    PetitionOverdue,
    PetitionReceived,
    PetitionRepeatDetected,
    PetitionReplied,
    PetitionReviewRequested,
    PetitionTransferred,
)
from .api.rpc import (
    HardCaseIn,
    LeaderIn,
    PetitionActionIn,
    PetitionIn,
    PublicRatingIn,
    PublicReviewIn,
    SupervisionIn,
    VisitIn,
)
from .domain import SUPERVISION_ORDER, area_path
from .petitions import CLOSED, MOMENTS, OPEN
from .store import new_id

log = logging.getLogger(__name__)
OVERDUE_OPEN = Gauge("xz_petitions_overdue_open", "Open petitions with an overdue statutory clock", ["clock"])
# No 0/O, 1/I/L: a code read out over the phone or copied by hand should survive it.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_FILES = 20
READ_FILL_LIMIT = 20  # pending intakes a page or lookup reads before answering; the sweep takes the rest


def _now(work, as_of: str | None) -> datetime:
    """The sweep's and the figures' clock: now, or (tests only) the time given; production refuses it."""
    if as_of is None:
        return clock.now()
    if config.is_production():
        raise Forbidden("生产环境不能指定时间", field="as_of", code="petition.as_of_forbidden")
    return clock.parse_local(as_of, "as_of", need_offset=True)


# registration ---------------------------------------------------------------------------------------------
def _new_petition(channel: str, area_code: str, category: str, matter: str, petitioners: list[dict],
                  headcount: int | None, departments: list[str], received_at: datetime, actor: dict | None,
                  intake_key: str | None, tracking_code: str | None, keys: list[str]) -> dict:
    path = area_path(area_code)
    doc = {"_id": new_id("XF"), "channel": channel, "category": category, "matter": matter,
           "petitioners": petitioners, "petitioner_keys": keys,
           "headcount": max(len(petitioners), headcount or 0),
           "collective": domain.is_collective(len(petitioners), headcount), "departments": departments,
           "area_code": area_code, "area_path": path, "township_code": path[1],
           "village_code": path[2] if len(path) > 2 else None, "status": PetitionStatus.received.value,
           "first_handler": None, "unit": None, "assignment_due_at": None, "transfers": [],
           "received_at": received_at, "times": {"received": received_at}, "extension_days": 0, "extensions": [],
           "reply": None, "review": None, "re_review": None, "repeat_of": None, "repeat_count": 1,
           "final_after_re_review": False, "hard_case": False, "hard_case_reason": None, "leader": None,
           "supervision": [], "visits": [], "satisfaction": None, "overdue_reported": {},
           "tracking_code": tracking_code, "revision": 0, "updated_at": received_at,
           "history": [{"action": "register", "from": None, "to": PetitionStatus.received.value, "at": received_at,
                        "actor": actor, "note": CHANNEL_LABELS[Channel(channel)]}]}
    if intake_key:
        doc["intake_key"] = intake_key
    return doc


def _link_repeats(work, tx, doc: dict) -> None:
    """The same petitioner (resident id or the ID number's or phone's blind index) on the same category of matter
    is a repeat: linked to their first petition and counted. After a second review, the same matter is final."""
    earlier = work.store.earlier_of(doc["petitioner_keys"], doc["category"], tx.session)
    if not earlier:
        return
    root = earlier[0]["repeat_of"] or earlier[0]["_id"]
    doc["repeat_of"] = root
    doc["repeat_count"] = work.store.count_chain(root, tx.session) + 1
    doc["final_after_re_review"] = any((e.get("times") or {}).get("re_reviewed") for e in earlier)


def _keys(work, petitioners: list[dict]) -> list[str]:
    keys = {work.store.petitioner_key(p) for p in petitioners} - {None}
    keys |= {f"phone:{work.store.cipher.blind_index('phone', p['phone'])}" for p in petitioners if p.get("phone")}
    return sorted(keys)


def _register(work, tx, doc: dict) -> None:
    _link_repeats(work, tx, doc)
    # The petition's story (the resident's request's, for one filed online), carried by its later events.
    doc["correlation_id"] = work.correlation_id
    work.store.insert(doc, tx.session)
    fields = _fields(doc)
    tx.emit(PetitionReceived(**fields), area_code=doc["area_code"])
    if doc["repeat_of"]:
        tx.emit(PetitionRepeatDetected(**fields, repeat_of=doc["repeat_of"], repeat_count=doc["repeat_count"]),
                area_code=doc["area_code"])


def tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def register(work, payload: dict) -> dict:
    """A petition by letter, visit or phone (or online, entered for the petitioner) registered by an officer."""
    petition_in = parse(PetitionIn, payload)
    work.scope.require(petition_in.area_code, "area_code")
    key = f"officer:{petition_in.client_ref}" if petition_in.client_ref else None
    if key and (known := work.store.by_intake_key(key)):
        return present(known, full=True)
    now = clock.now()
    received_at = now
    if petition_in.received_on:
        if petition_in.received_on > now.astimezone(clock.LOCAL).date():
            raise ValidationFailed("收到日期不能晚于今天", field="received_on")
        if petition_in.received_on < now.astimezone(clock.LOCAL).date():
            received_at = datetime.combine(petition_in.received_on, time(9), tzinfo=clock.LOCAL)
    petitioners = [p.model_dump(mode="json", exclude_none=True) for p in petition_in.petitioners]
    doc = _new_petition(petition_in.channel.value, petition_in.area_code, petition_in.category, petition_in.matter,
                        petitioners, petition_in.headcount, petition_in.departments, received_at, work.actor_ref(),
                        key, tracking_code(), _keys(work, petitioners))
    try:
        work.transaction(lambda tx: _register(work, tx, doc))
    except DuplicateKeyError:
        return present(work.store.by_intake_key(key), full=True)
    return present(work.store.get(doc["_id"]), full=True)


def from_resident_request(work, tx, envelope, request: dict | None) -> None:
    """An online petition filed on the residents' channel (the grid service keeps that channel's requests). The
    inbox stops a redelivered event and the unique intake key a second event for the same request. `request` is
    the grid's copy (matter, contact, tracking code), read just before this transaction (no transaction waits on
    another service); while the grid is away it is None, and the petition is registered with a placeholder that
    the next list, page, resident's lookup or the minute sweep completes."""
    data = envelope.data
    if data["kind"] != "petition":
        return  # service orders stay with the grid; disputes go to mediation
    key = f"resident_request:{data['request_id']}"
    if work.store.by_intake_key(key):
        return
    doc = _new_petition(Channel.online.value, data["area_code"], "other", "（详情正在从群众来件读取）", [], None, [],
                        envelope.occurred_at, None, key, None, [])
    doc.update(intake_pending=True, source_ref=data["request_id"])
    if request:
        doc.update(_intake_fields(work, request))
    _register(work, tx, doc)


def fetch_intake(fetch, request_id: str) -> dict | None:
    try:
        return fetch(request_id)
    except Exception as exc:  # noqa: BLE001 - the petition is registered anyway; the sweep reads it later
        log.warning("resident request %s not readable yet: %s", request_id, type(exc).__name__)
        return None


def _intake_fields(work, request: dict) -> dict:
    petitioners = [{"name": request["contact_name"], "phone": request["phone"]}]
    return {"matter": request["content"], "petitioners": petitioners, "headcount": len(petitioners),
            "tracking_code": request["tracking_code"], "petitioner_keys": _keys(work, petitioners),
            "intake_pending": False}


def fill_pending_intakes(work, fetch, limit: int = 200) -> int:
    """Online petitions whose matter and contact have not been read from the grid yet: read them now. The first
    one the grid cannot give ends the round (it is away or slow), and the rest wait for the next."""
    filled = 0
    for doc in work.store.pending_intakes(limit):
        found = fetch_intake(fetch, doc["source_ref"])
        if not found:
            break
        work.store.fill_intake(doc["_id"], _intake_fields(work, found))
        filled += 1
    return filled


# transitions -------------------------------------------------------------------------------------------------
def _petition_in_scope(work, petition_id: str) -> dict:
    petition = work.store.get(str(petition_id or ""), work.scope.query())
    if petition is None:
        raise NotFound("信访件不存在或不在辖区内", field="petition_id", code="petition.not_found")
    return petition


def act(work, petition_id: str, payload: dict, as_of: str | None = None, petition: dict | None = None) -> dict:
    """One move of the table. `petition` is given when the petitioner's own code and phone found it (the
    residents' channel has no area scope)."""
    command = parse(PetitionActionIn, payload)
    petition = petition or _petition_in_scope(work, petition_id)
    transition = WORKFLOW.step(petition["status"], command.action, command.model_dump())
    now = clock.now() if as_of is None else _now(work, as_of)
    times = dict(petition["times"])
    changes: dict = {"status": transition.target.value}
    push: dict = {}
    note = command.reason
    action = command.action
    if action in ("forward", "transfer"):
        note = _assign(petition, command, changes, push, times, now)
    elif action == "object":
        if not clocks.window_open("objection", times, now):
            raise Conflict("已超过5个工作日的异议期限，应当受理或不予受理", field="action",
                           code="petition.objection_window_closed")
        changes.update(unit=None, assignment_due_at=None)
    elif action == "accept":
        if petition["final_after_re_review"]:
            raise Conflict("该信访人同一事项已经复核，以同一事实和理由提出的不再受理，应当不予受理并告知",
                           field="action", code="petition.re_review_final")
        note = command.notice
    elif action == "extend":
        total = petition["extension_days"] + command.days
        if total > clocks.MAX_EXTENSION_DAYS:
            raise ValidationFailed(f"延长期限累计不得超过{clocks.MAX_EXTENSION_DAYS}日（已延长"
                                   f"{petition['extension_days']}日）", field="days", code="petition.extension_limit")
        handle = clocks.state(clocks.BY_NAME["handle"], times, now, petition["extension_days"])
        if handle["state"] == "red":
            raise Conflict("办理期限已过，不能再延期", field="action", code="petition.already_overdue")
        changes["extension_days"] = total
        push["extensions"] = {"days": command.days, "reason": command.reason, "approved_by": command.approved_by,
                              "at": now, "actor": work.actor_ref()}
        note = f"延长{command.days}日（{command.approved_by}批准）：{command.reason}"
    elif action == "reply":
        changes["reply"] = {"text": command.reply, "at": now, "by": work.actor_ref(), "unit": petition["unit"]}
        note = None
    elif action in ("request_review", "request_re_review"):
        window = "review_request" if action == "request_review" else "re_review_request"
        if not clocks.window_open(window, times, now):
            raise Conflict("已超过30日的申请期限", field="action", code="petition.review_window_closed")
        changes["review" if action == "request_review" else "re_review"] = {
            "reason": command.reason, "requested_at": now, "opinion": None, "decided_at": None}
    elif action in ("decide_review", "decide_re_review"):
        stage = "review" if action == "decide_review" else "re_review"
        changes[stage] = {**petition[stage], "opinion": command.opinion, "decided_at": now, "by": work.actor_ref()}
        note = None
    elif action == "convert_to_mediation":
        category = command.dispute_category or domain.DISPUTE_CATEGORIES.get(petition["category"], "other")
        changes["dispute_category"] = category
        changes["mediation"] = {"dispute_id": None, "steps": []}
    elif action == "conclude_mediated":
        note = mediation.check_conclusion(petition)
    if action in MOMENTS:  # an extension moves no clock's start or stop, only the handling clock's end
        times[MOMENTS[action]] = now
    if action == "decide_re_review":
        times["concluded"] = now
    changes["times"] = times
    _close_supervision(petition, times, changes)
    entry = {"action": action, "from": petition["status"], "to": transition.target.value, "at": now,
             "actor": work.actor_ref(), "note": note, "unit": changes.get("unit", petition["unit"])}

    def save(tx):
        moved = work.store.move(petition, changes, entry, tx.session, push)
        if moved is None:
            raise Conflict("该信访件刚被他人处理，请刷新后重试", field="action", code="petition.changed")
        for data in _events(action, petition, moved, now):
            tx.emit(data, area_code=moved["area_code"], story=moved.get("correlation_id"))
        return moved

    return present(work.transaction(save), full=True)


def _assign(petition: dict, command: PetitionActionIn, changes: dict, push: dict, times: dict, now) -> str:
    """转送交办, or a transfer to another unit: the first handler is set once and stays accountable; a transfer is
    recorded with its reason, never silent. The assignment's own deadline may be shorter than the statutory one."""
    statutory = clocks.due(clocks.BY_NAME["notice"], now)
    due = statutory
    if command.due_on:
        due = datetime.combine(command.due_on + timedelta(days=1), time(0), tzinfo=clock.LOCAL)
        if due > statutory or due <= now:
            raise ValidationFailed("交办期限应在今天之后、法定告知期限之内", field="due_on", code="petition.bad_due")
    changes.update(unit=command.unit, assignment_due_at=due, first_handler=petition["first_handler"] or command.unit)
    if command.action == "transfer":
        if command.unit == petition["unit"]:
            raise ValidationFailed("改转单位与当前承办单位相同", field="unit", code="petition.same_unit")
        push["transfers"] = {"from": petition["unit"], "to": command.unit, "reason": command.reason, "at": now}
        return f"{petition['unit']} → {command.unit}：{command.reason}"
    return command.unit


def _close_supervision(petition: dict, times: dict, changes: dict) -> None:
    """A supervision order ends when the duty it was raised for is done; one raised by hand, when the petition is
    replied to or leaves the open statuses."""
    orders, changed = [], False
    for order in petition["supervision"]:
        if order.get("closed_at") is None:
            watched = clocks.BY_NAME.get(order.get("clock") or "")
            stops = watched.stops if watched else ("replied", "declined", "converted", "concluded")
            since = order.get("started_at") or order["issued_at"]  # a sweep's order: the overdue clock's start
            if any(times.get(s) and times[s] >= since for s in stops):
                order = {**order, "closed_at": max(times[s] for s in stops if times.get(s))}
                changed = True
        orders.append(order)
    if changed:
        changes["supervision"] = orders


def _fields(doc: dict) -> dict:
    return {"petition_id": doc["_id"], "channel": doc["channel"], "category": doc["category"],
            "collective": doc["collective"], "repeat": bool(doc["repeat_of"]), "hard_case": doc["hard_case"],
            "area_code": doc["area_code"], "village_code": doc["village_code"],
            "township_code": doc["township_code"], "first_handler": doc["first_handler"], "unit": doc["unit"],
            "status": doc["status"], "received_at": doc["received_at"]}


def _handle_due(doc: dict):
    return clocks.due(clocks.BY_NAME["handle"], doc["times"]["accepted"], doc["extension_days"])


def _events(action: str, before: dict, moved: dict, now) -> list:
    fields = _fields(moved)
    if action == "forward":
        return [PetitionAssigned(**fields, due_at=moved["assignment_due_at"])]
    if action == "transfer":
        return [PetitionTransferred(**fields, from_unit=before["unit"])]
    if action == "accept":
        return [PetitionAccepted(**fields, handle_due_at=_handle_due(moved))]
    if action == "extend":
        return [PetitionExtended(**fields, extension_days=moved["extension_days"], handle_due_at=_handle_due(moved))]
    if action == "reply":
        return [PetitionReplied(**fields, on_time=now <= _handle_due(moved))]
    if action in ("request_review", "request_re_review"):
        return [PetitionReviewRequested(**fields, stage="review" if action == "request_review" else "re_review")]
    if action == "decline":
        return _concluded(fields, "not_accepted")
    if action == "conclude":
        return _concluded(fields, "reviewed" if before["status"] == "reviewed" else "replied")
    if action == "decide_re_review":
        return _concluded(fields, "re_reviewed")
    if action == "conclude_mediated":
        return [PetitionConcludedV2(**fields, outcome="mediated", dispute_id=moved["mediation"]["dispute_id"])]
    if action == "convert_to_mediation":
        return [PetitionConvertedToMediation(
            petition_id=moved["_id"], area_code=moved["area_code"], village_code=moved["village_code"],
            township_code=moved["township_code"], dispute_category=moved["dispute_category"],
            collective=moved["collective"],
            petitioner_resident_ids=[p["resident_id"] for p in moved["petitioners"] if p.get("resident_id")],
            registered_at=moved["received_at"])]
    return []


def _concluded(fields: dict, outcome: str) -> list:
    """v1 for the subscribers that have not moved yet, v2 beside it (v2 alone can say "concluded after mediation")."""
    return [PetitionConcluded(**fields, outcome=outcome), PetitionConcludedV2(**fields, outcome=outcome)]


# supervision, leaders, visits, hard cases ----------------------------------------------------------------------
def _change(work, petition: dict, changes: dict, entry: dict, push: dict | None = None) -> dict:
    def save(tx):
        moved = work.store.move(petition, changes, entry, tx.session, push)
        if moved is None:
            raise Conflict("该信访件刚被他人处理，请刷新后重试", code="petition.changed")
        return moved

    return present(work.transaction(save), full=True)


def _entry(work, action: str, petition: dict, note: str) -> dict:
    return {"action": action, "from": petition["status"], "to": petition["status"], "at": clock.now(),
            "actor": work.actor_ref(), "note": note, "unit": petition["unit"]}


def supervise(work, petition_id: str, payload: dict) -> dict:
    """督办: an order with its level, reason and deadline, issued by hand."""
    order_in = parse(SupervisionIn, payload)
    petition = _petition_in_scope(work, petition_id)
    if petition["status"] in CLOSED:
        raise Conflict("信访件已办结，无需督办", code="petition.closed")
    if order_in.due_on <= clock.now().astimezone(clock.LOCAL).date():
        raise ValidationFailed("督办期限应在今天之后", field="due_on")
    order = {"order_id": new_id("DB"), "level": order_in.level.value, "reason": order_in.reason,
             "due_on": order_in.due_on.isoformat(), "issued_at": clock.now(), "issued_by": work.actor_ref(),
             "auto": False, "clock": None, "closed_at": None}
    return _change(work, petition, {}, _entry(work, "supervise", petition,
                                              f"{SUPERVISION_LABELS[order_in.level]}：{order_in.reason}"),
                   {"supervision": order})


def own_case(work, petition_id: str, payload: dict) -> dict:
    """包案: a leader personally owns the petition until it is concluded."""
    leader = parse(LeaderIn, payload)
    petition = _petition_in_scope(work, petition_id)
    value = {**leader.model_dump(), "since": clock.now()}
    if not value["leader_account_id"] and work.actor:  # a leader taking the case on themself
        value["leader_account_id"] = work.actor.id
    return _change(work, petition, {"leader": value}, _entry(work, "own", petition, f"{leader.leader_name}包案"))


def record_visit(work, petition_id: str, payload: dict) -> dict:
    visit = parse(VisitIn, payload)
    petition = _petition_in_scope(work, petition_id)
    record = {"visit_id": new_id("V"), **visit.model_dump(mode="json"), "recorded_at": clock.now(),
              "recorded_by": work.actor_ref()}
    note = f"{VISIT_LABELS[visit.kind]} {visit.on.isoformat()} {visit.place}（{'已开展' if visit.held else '已约定'}）"
    return _change(work, petition, {}, _entry(work, "visit", petition, note), {"visits": record})


def mark_hard_case(work, petition_id: str, payload: dict) -> dict:
    marked = parse(HardCaseIn, payload)
    if marked.hard_case and not marked.reason:
        raise ValidationFailed("列为疑难信访须说明理由", field="reason")
    petition = _petition_in_scope(work, petition_id)
    return _change(work, petition, {"hard_case": marked.hard_case, "hard_case_reason": marked.reason},
                   _entry(work, "hard_case", petition, ("列为疑难信访（骨头案）：" + marked.reason) if marked.hard_case
                          else "取消疑难信访标记"))


def attach_file(work, petition_id: str, filename: str, content_base64: str) -> dict:
    """A letter's scan, a photo or a document kept with the petition; its type is checked by its first bytes."""
    petition = _petition_in_scope(work, petition_id)
    if len(petition.get("attachments", [])) >= MAX_FILES:
        raise ValidationFailed(f"每件信访最多{MAX_FILES}个附件", field="file", code="petition.too_many_files")
    name, content, kind = files.checked_upload(filename, content_base64)
    file_id = work.store.files.put(content, name, kind, {"petition_id": petition["_id"]})
    actor = work.actor_ref()
    attachment = {"file_id": file_id, "filename": name, "content_type": kind, "size": len(content),
                  "at": clock.now(), "by": actor["name"] if actor else "系统"}
    return _change(work, petition, {}, _entry(work, "attach", petition, name), {"attachments": attachment})


def read_file(work, petition_id: str, file_id: str) -> dict:
    petition = _petition_in_scope(work, petition_id)
    found = work.store.files.get(file_id) if any(
        a["file_id"] == file_id for a in petition.get("attachments", [])) else None
    if found is None:
        raise NotFound("附件不存在", field="file_id", code="file.not_found")
    content, meta = found
    return {"filename": meta["filename"], "content_type": meta["content_type"],
            "content_base64": base64.b64encode(content).decode()}


# the sweep ---------------------------------------------------------------------------------------------------
def sweep(work, as_of: str | None = None, fetch=None) -> dict:
    """Every open petition's duties: amber ones are counted, red ones supervised (一般 → 重点 → 挂牌 as they stay
    overdue) with a `petition.overdue` event each time the level rises. `as_of` moves the clock for tests."""
    now = _now(work, as_of)
    result = {"warned": 0, "overdue": 0, "raised": 0, "filled": 0}
    if fetch is not None:
        result["filled"] = fill_pending_intakes(work, fetch)
    red: dict[str, int] = {c.name: 0 for c in clocks.CLOCKS if c.duty}
    for doc in work.store.open_petitions([str(s) for s in OPEN]):
        for found in clocks.states(doc["times"], now, doc["extension_days"]):
            if not found["duty"] or found["state"] not in ("amber", "red"):
                continue
            if found["state"] == "amber":
                result["warned"] += 1
                continue
            result["overdue"] += 1
            red[found["clock"]] += 1
            level = clocks.supervision_level(found["due_at"], now)
            if _raise_supervision(work, doc["_id"], found, level, now):
                result["raised"] += 1
    for name, count in red.items():
        OVERDUE_OPEN.labels(name).set(count)
    return result


def _raise_supervision(work, petition_id: str, found: dict, level: str, now) -> bool:
    petition = work.store.get(petition_id)
    name = found["clock"]
    current = next((o for o in petition["supervision"] if o.get("clock") == name and o["closed_at"] is None
                    and o["auto"] and o["started_at"] == found["started_at"]), None)
    if current and SUPERVISION_ORDER.index(current["level"]) >= SUPERVISION_ORDER.index(level):
        return False
    clock_label = clocks.BY_NAME[name].label
    orders = [o for o in petition["supervision"] if o is not current]
    orders.append({"order_id": current["order_id"] if current else new_id("DB"), "level": level,
                   "reason": f"「{clock_label}」已逾期", "due_on": None, "issued_at": now, "issued_by": None,
                   "auto": True, "clock": name, "started_at": found["started_at"], "closed_at": None})
    entry = {"action": "supervise", "from": petition["status"], "to": petition["status"], "at": now, "actor": None,
             "note": f"{SUPERVISION_LABELS[SupervisionLevel(level)]}：「{clock_label}」已逾期",
             "unit": petition["unit"]}

    def save(tx):
        moved = work.store.move(petition, {"supervision": orders}, entry, tx.session)
        if moved is None:
            return False  # changed meanwhile: the next sweep looks again
        tx.emit(PetitionOverdue(**_fields(moved), clock=name, due_at=found["due_at"], supervision_level=level),
                area_code=moved["area_code"], story=moved.get("correlation_id"))
        return True

    return work.transaction(save)


# reads --------------------------------------------------------------------------------------------------------
def get(work, petition_id: str) -> dict:
    return present(_petition_in_scope(work, petition_id), full=True)


SORTS = {"received_at": "received_at", "status": "status", "repeat_count": "repeat_count"}


def list_petitions(work, status=None, area_code=None, unit=None, channel=None, leader=None, supervised=False,
                   hard_case=None, repeat=None, page=1, page_size=20, sort=None) -> dict:
    paging = page_request(page, page_size)
    order = sort_order(sort, SORTS, "-received_at")
    query = work.scope.within(area_code)
    wanted = WORKFLOW.statuses(status)
    if wanted is not None:
        query["status"] = {"$in": wanted}
    if unit:
        query["$or"] = [{"unit": unit}, {"first_handler": unit}]
    if channel:
        if channel not in CHANNEL_LABELS:
            raise ValidationFailed(f"渠道应为以下之一：{'、'.join(CHANNEL_LABELS)}", field="channel")
        query["channel"] = channel
    if leader:  # "me": the leader's own cases
        query["leader.leader_account_id"] = work.actor.id if leader == "me" and work.actor else leader
    if supervised:
        query["supervision"] = {"$elemMatch": {"closed_at": None}}
    if hard_case is not None:
        query["hard_case"] = bool(hard_case)
    if repeat is not None:
        query["repeat_of"] = {"$ne": None} if repeat else None
    result = work.store.page_of(query, paging.page, paging.page_size, order)
    result["items"] = [present(d) for d in result["items"]]
    return result


def present_petitioner(p: dict) -> dict:
    return {"resident_id": p.get("resident_id"), "name": pii.mask_name(p.get("name")),
            "id_number": pii.mask_id_number(p.get("id_number")), "phone": pii.mask_phone(p.get("phone")),
            "address": p.get("address")}


def present(d: dict, full: bool = False, now: datetime | None = None) -> dict:
    now = now or clock.now()
    states = clocks.states(d["times"], now, d["extension_days"])
    open_orders = [o for o in d["supervision"] if o.get("closed_at") is None]
    top = max((SUPERVISION_ORDER.index(o["level"]) for o in open_orders), default=None)
    view = {"petition_id": d["_id"], "channel": d["channel"], "channel_label": CHANNEL_LABELS[Channel(d["channel"])],
            "category": d["category"], "category_label": CATEGORIES.get(d["category"], d["category"]),
            "matter": d["matter"], "area_code": d["area_code"], "area_path": d["area_path"],
            "collective": d["collective"], "headcount": d["headcount"], "status": d["status"],
            "status_label": STATUS_LABELS[PetitionStatus(d["status"])], "first_handler": d["first_handler"],
            "unit": d["unit"], "received_at": clock.iso(d["received_at"]), "repeat_of": d["repeat_of"],
            "repeat_count": d["repeat_count"], "hard_case": d["hard_case"], "leader": d.get("leader") and {
                "leader_name": d["leader"]["leader_name"], "leader_account_id": d["leader"].get("leader_account_id")},
            "supervision_level": SUPERVISION_ORDER[top].value if top is not None else None,
            "colour": clocks.worst(states) if d["status"] in OPEN else "done",
            "clocks": [{**s, **{k: clock.iso(s[k]) for k in ("started_at", "due_at", "stopped_at")}} for s in states],
            "petitioners": [present_petitioner(p) for p in d["petitioners"]],
            "tracking_code": d.get("tracking_code")}
    if not full:
        return view
    labels = {t.action: t.label for t in WORKFLOW.transitions.values()} | {
        "register": "登记", "rate": "群众评价", "attach": "上传材料", "supervise": "督办", "own": "领导包案",
        "visit": "约访接访下访", "hard_case": "疑难信访标记"}
    view.update({
        "actions": WORKFLOW.allowed(d["status"]), "departments": d["departments"], "transfers": [
            {**t, "at": clock.iso(t["at"])} for t in d["transfers"]],
        "assignment_due_at": clock.iso(d["assignment_due_at"]), "extension_days": d["extension_days"],
        "extensions": [{**e, "at": clock.iso(e["at"])} for e in d["extensions"]],
        "reply": d["reply"] and {**d["reply"], "at": clock.iso(d["reply"]["at"])},
        "review": _stage(d["review"]), "re_review": _stage(d["re_review"]),
        "final_after_re_review": d["final_after_re_review"], "hard_case_reason": d["hard_case_reason"],
        "supervision": [{**o, "level_label": SUPERVISION_LABELS[SupervisionLevel(o["level"])],
                         **{k: clock.iso(o.get(k)) for k in ("issued_at", "closed_at", "started_at")}}
                        for o in d["supervision"]],
        "visits": [{**v, "kind_label": VISIT_LABELS[VisitKind(v["kind"])], "recorded_at": clock.iso(v["recorded_at"])}
                   for v in d.get("visits", [])],
        "satisfaction": d["satisfaction"] and {**d["satisfaction"], "at": clock.iso(d["satisfaction"]["at"]),
                                               "label": SATISFACTION_LABELS[d["satisfaction"]["value"]]},
        "intake_pending": bool(d.get("intake_pending")),
        "mediation": mediation.present(d.get("mediation")),
        "attachments": [{**a, "at": clock.iso(a["at"])} for a in d.get("attachments", [])],
        "history": [{**{k: clock.iso(v) for k, v in h.items()}, "label": labels.get(h["action"], h["action"]),
                     "to_label": STATUS_LABELS[PetitionStatus(h["to"])]} for h in d.get("history", [])]})
    return view


def _stage(stage: dict | None) -> dict | None:
    return stage and {k: clock.iso(v) for k, v in stage.items()}


# the residents' own view ----------------------------------------------------------------------------------------
def _of_petitioner(work, tracking_code: str, phone_last4: str) -> dict:
    """The petition for the code plus the last four digits of the petitioner's phone; a wrong pair is not found."""
    petition = work.store.by_tracking_code(str(tracking_code or "").strip().upper()[:20])
    phones = [p.get("phone") or "" for p in (petition or {}).get("petitioners", [])]
    if petition is None or not any(len(p) >= 4 and secrets.compare_digest(p[-4:], str(phone_last4 or ""))
                                   for p in phones):
        raise NotFound("未找到该查询码对应的信访件，请核对查询码和手机号后四位", code="petition.not_found")
    return petition


def track(work, tracking_code: str, phone_last4: str, fetch=None) -> dict:
    """What a petitioner sees: progress, the reply and review opinions, and the windows still open to them; never
    the names of others, the officers' notes or the internal supervision."""
    if fetch is not None and work.store.by_tracking_code(str(tracking_code or "").strip().upper()[:20]) is None:
        fill_pending_intakes(work, fetch, READ_FILL_LIMIT)  # filed a moment ago: its code comes with the intake
    d = _of_petitioner(work, tracking_code, phone_last4)
    now = clock.now()
    states = clocks.states(d["times"], now, d["extension_days"])
    windows = {s["clock"]: {"state": s["state"], "state_label": s["state_label"], "due_at": clock.iso(s["due_at"]),
                            "days_left": s["days_left"]} for s in states if not s["duty"]}
    return {"tracking_code": d["tracking_code"], "status": d["status"],
            "status_label": STATUS_LABELS[PetitionStatus(d["status"])],
            "channel_label": CHANNEL_LABELS[Channel(d["channel"])],
            "received_at": clock.iso(d["received_at"]), "unit": d["unit"],
            "handle_due_at": clock.iso(_handle_due(d)) if d["times"].get("accepted") else None,
            "reply": d["reply"] and {"text": d["reply"]["text"], "at": clock.iso(d["reply"]["at"])},
            "review": d["review"] and {"opinion": d["review"]["opinion"],
                                       "decided_at": clock.iso(d["review"]["decided_at"])},
            "re_review": d["re_review"] and {"opinion": d["re_review"]["opinion"],
                                             "decided_at": clock.iso(d["re_review"]["decided_at"])},
            "can_request_review": d["status"] == "replied" and windows.get("review_request", {}).get("state") == "open",
            "can_request_re_review": d["status"] == "reviewed" and windows.get("re_review_request", {}).get(
                "state") == "open",
            "can_rate": d["reply"] is not None and d["satisfaction"] is None,
            "windows": windows, "satisfaction": d["satisfaction"] and SATISFACTION_LABELS[d["satisfaction"]["value"]],
            "mediation": _mediation_for_petitioner(d.get("mediation")),
            "history": [{"label": STATUS_LABELS[PetitionStatus(h["to"])], "at": clock.iso(h["at"])}
                        for h in d["history"] if h["to"] != h["from"]]}


def _mediation_for_petitioner(kept: dict | None) -> dict | None:
    shown = mediation.present(kept)
    return shown and {k: shown[k] for k in ("status_label", "ended", "resolved", "steps")}


def request_review_publicly(work, payload: dict) -> dict:
    """The petitioner asks for a review (复查), or after one a second review (复核), inside its 30-day window."""
    ask = parse(PublicReviewIn, payload)
    d = _of_petitioner(work, ask.tracking_code, ask.phone_last4)
    action = "request_re_review" if d["status"] == "reviewed" else "request_review"
    act(work, d["_id"], {"action": action, "reason": ask.reason}, petition=d)
    return track(work, ask.tracking_code, ask.phone_last4)


def rate_publicly(work, payload: dict) -> dict:
    rating = parse(PublicRatingIn, payload)
    d = _of_petitioner(work, rating.tracking_code, rating.phone_last4)
    if d["reply"] is None:
        raise Conflict("答复后才能评价", field="satisfaction", code="petition.not_replied")
    if d["satisfaction"] is not None:
        raise Conflict("已经评价过了", field="satisfaction", code="petition.already_rated")
    value = {"value": rating.satisfaction.value, "comment": rating.comment, "at": clock.now()}
    entry = {"action": "rate", "from": d["status"], "to": d["status"], "at": value["at"], "actor": None,
             "note": SATISFACTION_LABELS[rating.satisfaction], "unit": d["unit"]}

    def save(tx):
        if work.store.move(d, {"satisfaction": value}, entry, tx.session) is None:
            raise Conflict("请稍后重试", code="petition.changed")

    work.transaction(save)
    return track(work, rating.tracking_code, rating.phone_last4)


# figures -----------------------------------------------------------------------------------------------------
def compute_figures(work, area_code: str | None, since: str, until: str, as_of: str | None = None) -> dict:
    start, end = clock.parse_local(since, "since"), clock.parse_local(until, "until")
    if end <= start:
        raise ValidationFailed("结束日期应晚于开始日期", field="until")
    code = area_code or (work.scope.codes[0] if work.scope.codes else "500229")
    path = work.scope.require(code, "area_code")
    now = _now(work, as_of) if as_of else clock.now()
    scoped = work.scope.within(code)
    rows = work.store.for_figures({**scoped, "received_at": {"$gte": start, "$lt": end}})
    earlier = work.store.for_figures({**scoped, "received_at": {"$lt": start}})
    return {"area_code": code, "since": since, "until": until, "as_of": now.isoformat(),
            **figures.compute(rows, earlier, start, end, now, len(path))}
