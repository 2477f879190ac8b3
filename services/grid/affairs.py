"""Grid affairs' service layer: the responsibility catalogue, patrols, cases, service orders, deadline sweeps and
figures. Each command loads what it needs within the caller's scope, applies the rules of cases.py,
service_orders.py and deadlines.py, and saves the change with its events in one transaction.
"""
import base64

from prometheus_client import Gauge
from pymongo.errors import DuplicateKeyError

from shared import clock, config, files, pii
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, parse
from shared.paging import page_request, sort_order

from . import cases, deadlines, figures, responsibility, service_orders
from .api.codes import CATEGORIES, COUNTY_CODE, AreaKind, CaseStatus, OrderStatus
from .api.events import (
    CaseClosed,
    CaseDispatched,
    CaseEscalated,
    CaseHandled,
    CaseOverdue,
    CaseReferredToMediation,
    CaseReopened,
    CaseReported,
    CaseVerified,
    OrderDelivered,
    OrderDispatched,
    OrderPlaced,
    OrderRated,
)
from .api.rpc import CaseActionIn, CaseIn, DeadlineRule, OrderActionIn, OrderIn, ResponsibilityItemIn
from .deadlines import Escalation
from .store import new_id

# The plan's 按时办结 behind a gauge: open items past due, by how far they have gone up.
OVERDUE_OPEN = Gauge("xz_grid_overdue_open", "Open cases and service orders past their due time",
                     ["kind", "escalation"])
FILE_STAGES = {"discovered": "发现时", "before": "办理前", "after": "办理后", "document": "材料"}
MAX_FILES_PER_CASE = 20


def _area_in_scope(work, code: str, kinds, field: str):
    area = work.store.get_area(code)
    if area is None or area.kind not in kinds or not work.scope.allows(area.path):
        raise NotFound("所选区划或网格不存在或不在辖区内", field=field, code="area.not_found")
    return area


# responsibility items (责任事项清单) -------------------------------------------------------------------------
def list_items(work, include_inactive: bool = True) -> dict:
    items = work.store.affairs.current_items(include_inactive)
    return {"categories": [{"code": code, "label": label,
                            "items": [responsibility.present(i) for i in items if i["category"] == code]}
                           for code, label in CATEGORIES.items()]}


def item_versions(work, code: str) -> dict:
    versions = work.store.affairs.item_versions(code)
    if not versions:
        raise NotFound("责任事项不存在", field="code", code="responsibility_item.not_found")
    return {"code": code, "versions": [responsibility.present(v) for v in versions]}


def save_item(work, payload: dict) -> dict:
    """A new version of an item (or its first); the same content again changes nothing."""
    if not work.scope.allows([COUNTY_CODE]):
        raise Forbidden("责任事项清单由县级管理员维护", code="responsibility_item.county_only")
    item = parse(ResponsibilityItemIn, payload)
    current = work.store.affairs.current_item(item.code)
    fields = item.model_dump(mode="json")
    if current and all(current.get(k) == v for k, v in fields.items()):
        return responsibility.present(current)
    doc = responsibility.version_doc(item, (current["version"] + 1) if current else 1, clock.now(),
                                     (work.actor_ref() or {}).get("name"))
    try:
        work.transaction(lambda tx: work.store.affairs.add_item_version(doc, tx.session))
    except Exception as exc:
        if "duplicate key" in str(exc).lower() or "E11000" in str(exc):
            raise Conflict("该事项刚被他人修改，请刷新后重试", field="code", code="responsibility_item.changed") from None
        raise
    return responsibility.present({**doc, "current": True})


# patrols (巡查) -----------------------------------------------------------------------------------------
def start_patrol(work, grid_code: str) -> dict:
    grid = _area_in_scope(work, str(grid_code or ""), (AreaKind.grid,), "grid_code")
    actor = work.actor_ref() or {"id": "system", "name": "系统"}
    open_patrol = work.store.affairs.open_patrol_of(actor["id"])
    if open_patrol:
        raise Conflict("已有进行中的巡查，请先结束", field="grid_code", code="patrol.already_open")
    patrol = {"_id": new_id("P"), "worker_id": actor["id"], "worker_name": actor["name"], "grid_code": grid.code,
              "area_path": grid.path, "started_at": clock.now(), "ended_at": None, "notes": None, "case_ids": []}
    work.transaction(lambda tx: work.store.affairs.insert_patrol(patrol, tx.session))
    return present_patrol(patrol)


def end_patrol(work, patrol_id: str, notes: str | None = None) -> dict:
    patrol = work.store.affairs.get_patrol(patrol_id, work.scope.query())
    if patrol is None:
        raise NotFound("巡查记录不存在", field="patrol_id", code="patrol.not_found")
    actor = work.actor_ref()
    if actor and patrol["worker_id"] != actor["id"]:
        raise Forbidden("只能结束自己的巡查", code="patrol.not_yours")
    if notes is not None and (not isinstance(notes, str) or len(notes) > 1000):
        raise ValidationFailed("巡查记录最多1000字", field="notes")
    ended = work.transaction(lambda tx: work.store.affairs.end_patrol(
        patrol_id, {"ended_at": clock.now(), "notes": notes or None}, tx.session))
    if ended is None:
        raise Conflict("该巡查已结束", code="patrol.already_ended")
    return present_patrol(ended)


def current_patrol(work) -> dict:
    actor = work.actor_ref()
    patrol = work.store.affairs.open_patrol_of(actor["id"]) if actor else None
    return {"patrol": present_patrol(patrol) if patrol else None}


def list_patrols(work, area_code: str | None = None, mine: bool = False, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    if mine and work.actor:
        query["worker_id"] = work.actor.id
    result = work.store.affairs.list_patrols(query, paging.page, paging.page_size)
    result["items"] = [present_patrol(p) for p in result["items"]]
    return result


def present_patrol(patrol: dict) -> dict:
    return {"patrol_id": patrol["_id"], "worker_id": patrol["worker_id"], "worker_name": patrol["worker_name"],
            "grid_code": patrol["grid_code"], "started_at": clock.iso(patrol["started_at"]),
            "ended_at": clock.iso(patrol["ended_at"]), "notes": patrol["notes"], "case_ids": patrol["case_ids"]}


# cases (网格事件) ---------------------------------------------------------------------------------------
def open_case(work, payload: dict) -> dict:
    """Discovered and collected (发现、采集): the case starts with the grid worker, its item and its deadline."""
    case_in = parse(CaseIn, payload)
    grid = _area_in_scope(work, case_in.grid_code, (AreaKind.grid,), "grid_code")
    if case_in.client_ref:
        known = work.store.affairs.by_client_ref("cases", case_in.client_ref, work.scope.query())
        if known:
            return present_case(work, known)
    item = work.store.affairs.current_item(case_in.item_code)
    if item is None or not item["active"]:
        raise ValidationFailed("责任事项不存在或已停用", field="item_code", code="responsibility_item.not_found")
    actor = work.actor_ref() or {"id": "system", "role": None, "name": "系统"}
    if case_in.patrol_id:
        patrol = work.store.affairs.get_patrol(case_in.patrol_id, work.scope.query())
        if patrol is None or patrol["ended_at"] is not None or patrol["grid_code"] != grid.code:
            raise ValidationFailed("巡查记录不存在、已结束或不是本网格的", field="patrol_id", code="patrol.not_open")
    for resident_id in case_in.party_resident_ids:
        if work.store.get_resident(resident_id, work.scope.query()) is None:
            raise ValidationFailed("当事居民不存在或不在辖区内", field="party_resident_ids", code="resident.not_found")
    now = clock.now()
    rule = DeadlineRule.model_validate(item["deadline"])
    reporter = {"kind": "grid_worker", "id": actor["id"], "name": actor["name"]}
    case = {"_id": new_id("C"), "grid_code": grid.code, "area_path": grid.path,
            "item": responsibility.snapshot(item), "status": CaseStatus.collected.value,
            "title": case_in.title, "description": case_in.description, "location": case_in.location,
            "source": case_in.source.value, "patrol_id": case_in.patrol_id,
            "party_resident_ids": case_in.party_resident_ids, "reporter": reporter, "assignee": reporter,
            "reported_to": None, "handler": None, "feedback": None,
            "deadline": deadlines.deadline(now, rule),
            "escalation": 0, "overdue_since": None, "discovered_at": now, "reported_at": None, "closed_at": None,
            "attachments": [], "revision": 0, "created_at": now, "updated_at": now,
            "correlation_id": work.correlation_id,  # the case's story: every later event of it carries this id
            "history": [cases.history_entry("collect", None, CaseStatus.collected, now, actor)]}
    if case_in.client_ref:
        case["client_ref"] = case_in.client_ref

    def save(tx):
        work.store.affairs.insert_case(case, tx.session)
        if case_in.patrol_id:
            work.store.affairs.add_patrol_case(case_in.patrol_id, case["_id"], tx.session)

    try:
        work.transaction(save)
    except DuplicateKeyError:  # the same submission, racing itself: the first one stands
        return present_case(work, work.store.affairs.by_client_ref("cases", case_in.client_ref, {}))
    return present_case(work, case)


def act_on_case(work, case_id: str, payload: dict) -> dict:
    """Take one transition of the table; the case must be in scope, in a status the action starts from, and
    unchanged since it was read."""
    command = parse(CaseActionIn, payload)
    case = _case_in_scope(work, case_id)
    transition = cases.WORKFLOW.step(case["status"], command.action, command.model_dump())
    actor = work.actor_ref()
    cases.check_rules(case, transition, actor["id"] if actor else None)
    township = work.store.get_area(case["area_path"][1]) if command.action == "report" else None
    assignee = cases.assignee_after(case, transition, command, township.name if township else "")
    now = clock.now()
    changes = {"status": transition.target.value, "assignee": assignee}
    if command.action == "report":
        changes["reported_to"] = assignee
        changes["reported_at"] = case["reported_at"] or now
    elif command.action == "dispatch":
        changes["handler"] = assignee
    elif command.action == "handle":
        changes["feedback"] = command.feedback
        changes["handled_at"] = now
    elif command.action in ("close", "screen_out", "refer_to_mediation"):
        changes["closed_at"] = now
    elif command.action == "reopen":
        # A reopened case starts a fresh period under the item it was opened with.
        rule = DeadlineRule.model_validate(case["item"]["deadline"])
        changes.update(closed_at=None, escalation=0, overdue_since=None,
                       deadline=deadlines.deadline(now, rule))
    note = command.reason or command.feedback or (command.assignee.name if command.assignee else None)
    entry = cases.history_entry(command.action, case["status"], transition.target, now, actor, note)

    def save(tx):
        moved = work.store.affairs.move_case(case, changes, entry, tx.session)
        if moved is None:
            raise Conflict("该事件刚被他人处理，请刷新后重试", field="action", code="case.changed")
        for data in _case_events(command.action, moved, now):
            tx.emit(data, area_code=moved["grid_code"], story=moved.get("correlation_id"))
        return moved

    return present_case(work, work.transaction(save))


def _case_fields(case: dict) -> dict:
    return {"case_id": case["_id"], "grid_code": case["grid_code"], "village_code": case["area_path"][2],
            "township_code": case["area_path"][1], "item_code": case["item"]["code"],
            "item_version": case["item"]["version"], "category": case["item"]["category"],
            "status": case["status"], "assignee_kind": case["assignee"]["kind"],
            "due_at": case["deadline"]["due_at"]}


def _case_events(action: str, case: dict, now) -> list:
    fields = _case_fields(case)
    if action == "report":
        return [CaseReported(**fields, reported_to="department" if case["assignee"]["kind"] == "department"
                             else "township", owner_department=case["item"]["owner_department"])]
    if action in ("dispatch", "reject"):
        return [CaseDispatched(**fields, assignee_id=case["assignee"]["id"])]
    if action == "handle":
        return [CaseHandled(**fields)]
    if action == "verify":
        return [CaseVerified(**fields)]
    if action == "close":
        hours = (now - case["discovered_at"]).total_seconds() / 3600
        return [CaseClosed(**fields, on_time=now <= case["deadline"]["due_at"], handling_hours=round(hours, 2))]
    if action == "reopen":
        return [CaseReopened(**fields), CaseDispatched(**fields, assignee_id=case["assignee"]["id"])]
    if action == "refer_to_mediation":
        return [CaseReferredToMediation(**fields, party_resident_ids=case["party_resident_ids"],
                                        discovered_at=case["discovered_at"], reported_at=case["reported_at"])]
    return []


def _case_in_scope(work, case_id: str) -> dict:
    case = work.store.affairs.get_case(str(case_id or ""), work.scope.query())
    if case is None:
        raise NotFound("事件不存在或不在辖区内", field="case_id", code="case.not_found")
    return case


def get_case(work, case_id: str) -> dict:
    case = _case_in_scope(work, case_id)
    view = present_case(work, case)
    if case["status"] == CaseStatus.collected:
        view["possible_duplicates"] = possible_duplicates(work, case)
    return view


def get_case_for_referral(work, case_id: str) -> dict:
    """The narrative of a referred dispute, for the mediation service that opens it (an internal caller)."""
    case = _case_in_scope(work, case_id)
    if case["status"] != CaseStatus.referred:
        raise Conflict("该事件未转人民调解", field="case_id", code="case.not_referred")
    return {"case_id": case["_id"], "title": case["title"], "description": case["description"],
            "location": case["location"], "grid_code": case["grid_code"], "item": _plain(case["item"]),
            "party_resident_ids": case["party_resident_ids"], "discovered_at": clock.iso(case["discovered_at"])}


def _plain(doc: dict) -> dict:
    return {k: clock.iso(v) for k, v in doc.items()}


def possible_duplicates(work, case: dict) -> list[dict]:
    near = work.store.affairs.cases_near(case["grid_code"], case["discovered_at"] - cases.DUPLICATE_WINDOW,
                                         case["discovered_at"] + cases.DUPLICATE_WINDOW)
    return [{"case_id": other["_id"], "title": other["title"], "status": other["status"],
             "status_label": cases.STATUS_LABELS[other["status"]], "discovered_at": clock.iso(other["discovered_at"])}
            for other in near if cases.possible_duplicate(case, other)]


CASE_SORTS = {"discovered_at": "discovered_at", "due_at": "deadline.due_at", "status": "status"}


def list_cases(work, status: str | None = None, area_code: str | None = None, category: str | None = None,
               assignee: str | None = None, overdue: bool = False, page=1, page_size=20,
               sort: str | None = None) -> dict:
    """Cases in scope; `status` may list several (comma-separated); `assignee=me` is the caller's own queue."""
    paging = page_request(page, page_size)
    order = sort_order(sort, CASE_SORTS, "-discovered_at")
    query = work.scope.within(area_code)
    wanted = cases.WORKFLOW.statuses(status, only=cases.OPEN if overdue else None)  # only open ones can be late
    if wanted is not None:
        query["status"] = {"$in": wanted}
    if category:
        if category not in CATEGORIES:
            raise ValidationFailed("事项大类不在可选范围内", field="category")
        query["item.category"] = category
    if assignee:
        query["assignee.id"] = work.actor.id if assignee == "me" and work.actor else assignee
    if overdue:
        query["deadline.due_at"] = {"$lt": clock.now()}
    result = work.store.affairs.list_cases(query, paging.page, paging.page_size, order)
    result["items"] = [present_case(work, c, brief=True) for c in result["items"]]
    return result


def present_case(work, case: dict, brief: bool = False) -> dict:
    now = clock.now()
    due = case["deadline"]["due_at"]
    finished = case["closed_at"] if case["status"] == CaseStatus.closed else None
    timing = (deadlines.timing(case["deadline"]["start"], due, now, finished)
              if case["status"] not in (CaseStatus.not_a_case, CaseStatus.referred) else "no_deadline")
    view = {"case_id": case["_id"], "grid_code": case["grid_code"], "area_path": case["area_path"],
            "title": case["title"], "status": case["status"], "status_label": cases.STATUS_LABELS[case["status"]],
            "item": {**_plain(case["item"]), "category_label": CATEGORIES[case["item"]["category"]],
                     "deadline_label": DeadlineRule.model_validate(case["item"]["deadline"]).label},
            "source": case["source"], "assignee": case["assignee"], "reporter": case["reporter"],
            "due_at": clock.iso(due), "due_provisional": bool(case["deadline"].get("provisional")),
            "timing": timing, "timing_label": deadlines.TIMING_LABELS[timing],
            "escalation": case["escalation"],
            "escalation_label": deadlines.ESCALATION_LABELS[Escalation(case["escalation"])],
            "discovered_at": clock.iso(case["discovered_at"]), "reported_at": clock.iso(case["reported_at"]),
            "closed_at": clock.iso(case["closed_at"]), "attachment_count": len(case.get("attachments", []))}
    if brief:
        return view
    labels = {t.action: t.label for t in cases.WORKFLOW.transitions.values()}
    labels["collect"] = "采集登记"
    labels["escalate"] = "逾期升级"
    view.update({
        "description": case["description"], "location": case["location"], "patrol_id": case["patrol_id"],
        "party_resident_ids": case["party_resident_ids"], "handler": case["handler"],
        "reported_to": case["reported_to"], "feedback": case["feedback"],
        "actions": cases.WORKFLOW.allowed(case["status"]),
        "attachments": [{**_plain(a)} for a in case.get("attachments", [])],
        "history": [{**_plain(h), "label": labels.get(h["action"], h["action"]),
                     "to_label": cases.STATUS_LABELS.get(h["to"], h["to"])} for h in case.get("history", [])]})
    return view


def attach_case_file(work, case_id: str, stage: str, filename: str, content_base64: str) -> dict:
    """A photo or document kept with the case in GridFS; its type is checked by its first bytes, not its name."""
    case = _case_in_scope(work, case_id)
    if stage not in FILE_STAGES:
        raise ValidationFailed(f"材料类别应为以下之一：{'、'.join(FILE_STAGES)}", field="stage")
    if len(case.get("attachments", [])) >= MAX_FILES_PER_CASE:
        raise ValidationFailed(f"每个事件最多{MAX_FILES_PER_CASE}个附件", field="file", code="case.too_many_files")
    name, content, kind = files.checked_upload(filename, content_base64)
    actor = work.actor_ref()
    file_id = work.store.affairs.put_file(content, name, kind, {"case_id": case["_id"], "stage": stage})
    attachment = {"file_id": file_id, "stage": stage, "stage_label": FILE_STAGES[stage], "filename": name,
                  "content_type": kind, "size": len(content), "at": clock.now(),
                  "by": actor["name"] if actor else "系统"}
    work.store.affairs.add_case_file(case["_id"], attachment)
    return _plain(attachment)


def read_case_file(work, case_id: str, file_id: str) -> dict:
    case = _case_in_scope(work, case_id)
    if not any(a["file_id"] == file_id for a in case.get("attachments", [])):
        raise NotFound("附件不存在", field="file_id", code="file.not_found")
    found = work.store.affairs.get_file(file_id)
    if found is None:
        raise NotFound("附件不存在", field="file_id", code="file.not_found")
    content, meta = found
    return {"filename": meta["filename"], "content_type": meta["content_type"],
            "content_base64": base64.b64encode(content).decode()}


# service orders (三单) -----------------------------------------------------------------------------------
def place_order(work, payload: dict) -> dict:
    """A grid worker orders on a resident's behalf (网格员代点单)."""
    order_in = parse(OrderIn, payload)
    area = _area_in_scope(work, order_in.area_code, (AreaKind.village, AreaKind.community, AreaKind.grid,
                                                     AreaKind.micro_grid), "area_code")
    resident = work.store.get_resident(order_in.resident_id, work.scope.query()) if order_in.resident_id else None
    if order_in.resident_id and resident is None:
        raise ValidationFailed("居民不存在或不在辖区内", field="resident_id", code="resident.not_found")
    household_id = _household_for_staff(work, area, order_in.household_id, resident)
    if order_in.client_ref:
        known = work.store.affairs.by_client_ref("service_orders", order_in.client_ref, work.scope.query())
        if known:
            return present_order(known)
    order = _order_doc(area, "grid_worker", order_in.content, order_in.contact_name, order_in.phone,
                       order_in.resident_id, None, work.actor_ref(), household_id)
    if order_in.client_ref:
        order["client_ref"] = order_in.client_ref
    try:
        work.transaction(lambda tx: _insert_order(tx, work, order))
    except DuplicateKeyError:
        return present_order(work.store.affairs.by_client_ref("service_orders", order_in.client_ref, {}))
    return present_order(order)


def _household_for_staff(work, area, household_id: str | None, resident: dict | None) -> str | None:
    """The household a grid worker orders for: named, or the resident's; it must be of the order's village."""
    if resident and household_id and resident.get("household_id") != household_id:
        raise ValidationFailed("该居民不属于所选的户", field="household_id", code="household.mismatch")
    household_id = household_id or (resident or {}).get("household_id")
    if not household_id:
        return None
    household = work.store.get_household(household_id, work.scope.query())
    if household is None or not service_orders.same_village(household, area.path):
        raise ValidationFailed("户不存在、不在辖区内或不属于该村（社区）", field="household_id", code="household.not_found")
    return household_id


def household_of_sender(work, area, household_number: str | None, phone: str) -> str | None:
    """The household a resident's 点单 serves: the 户号 they gave, when it is of the chosen village and the phone is
    a member's registered phone; otherwise none (the order is taken all the same, and nothing says why, so that
    nobody learns whose number it is)."""
    if not household_number:
        return None
    household = work.store.households_by_number([household_number]).get(household_number)
    if household is None or not service_orders.same_village(household, area.path):
        return None
    phones = {r.get("phone") for r in work.store.residents_of(household["_id"])}
    return household["_id"] if phone in phones else None


def place_order_from_request(work, tx, request: dict, area, household_id: str | None = None) -> None:
    """A resident's 点单 from the residents' channel, in the same transaction as the request it came with."""
    order = _order_doc(area, "public", request["content"], request["contact_name"], request["phone"], None,
                       request["_id"], None, household_id)
    _insert_order(tx, work, order)


def _order_doc(area, channel, content, contact_name, phone, resident_id, request_id, actor,
               household_id: str | None = None) -> dict:
    now = clock.now()
    return {"_id": new_id("O"), "area_code": area.code, "area_path": area.path, "channel": channel,
            "content": content, "contact_name": contact_name, "phone": phone, "resident_id": resident_id,
            "household_id": household_id,
            "request_id": request_id, "status": OrderStatus.ordered.value, "assignee": None, "feedback": None,
            "ratings": [], "deadline": None, "escalation": 0, "overdue_since": None, "ordered_at": now,
            "dispatched_at": None, "delivered_at": None, "rated_at": None, "revision": 0, "created_at": now,
            "history": [cases.history_entry("order", None, OrderStatus.ordered, now, actor)]}


def _insert_order(tx, work, order: dict) -> None:
    order.setdefault("correlation_id", work.correlation_id)  # the order's story, carried by its later events
    work.store.affairs.insert_order(order, tx.session)
    tx.emit(OrderPlaced(**_order_fields(order)), area_code=order["area_code"])


def _order_fields(order: dict) -> dict:
    path = order["area_path"]
    return {"order_id": order["_id"], "area_code": order["area_code"], "village_code": path[2],
            "township_code": path[1], "channel": order["channel"], "status": order["status"]}


def act_on_order(work, order_id: str, payload: dict) -> dict:
    order = work.store.affairs.get_order(str(order_id or ""), work.scope.query())
    if order is None:
        raise NotFound("服务单不存在或不在辖区内", field="order_id", code="service_order.not_found")
    return present_order(_move_order(work, order, parse(OrderActionIn, payload)))


def rate_order_publicly(work, request: dict, rating, comment) -> dict:
    """The resident's own rating, from the residents' channel, once the cadre has delivered."""
    order = work.store.affairs.order_of_request(request["_id"])
    if order is None:
        raise NotFound("该事项不是服务点单，无需评价", field="tracking_code", code="service_order.not_found")
    command = parse(OrderActionIn, {"action": "rate", "rating": rating, "comment": comment})
    return present_order(_move_order(work, order, command))


def _move_order(work, order: dict, command: OrderActionIn) -> dict:
    transition = service_orders.WORKFLOW.step(order["status"], command.action, command.model_dump())
    actor = work.actor_ref()
    service_orders.check_rules(order, transition, actor["id"] if actor else None)
    target = service_orders.target_of(transition, command)
    now = clock.now()
    changes: dict = {"status": target.value}
    if command.action == "dispatch":
        item = work.store.affairs.current_item("livelihood.service")
        rule = DeadlineRule.model_validate(item["deadline"] if item else {"days": 5})
        changes.update(assignee=command.assignee.model_dump(), dispatched_at=now, escalation=0, overdue_since=None,
                       deadline=deadlines.deadline(now, rule))
    elif command.action == "deliver":
        changes.update(feedback=command.feedback, delivered_at=now)
    elif command.action == "rate":
        changes.update(rated_at=now)
    note = command.comment or command.feedback or (command.assignee.name if command.assignee else None)
    if command.rating:
        note = f"{command.rating}分" + (f"：{command.comment}" if command.comment else "")
    entry = cases.history_entry(command.action, order["status"], target, now, actor, note)

    def save(tx):
        rating = {"rating": command.rating, "at": now} if command.rating else None
        moved = work.store.affairs.move_order(order, changes, entry, tx.session, rating)
        if moved is None:
            raise Conflict("该服务单刚被他人处理，请刷新后重试", field="action", code="service_order.changed")
        fields = _order_fields(moved)
        if command.action == "dispatch":
            tx.emit(OrderDispatched(**fields, assignee_kind=moved["assignee"]["kind"],
                                    assignee_id=moved["assignee"]["id"], due_at=moved["deadline"]["due_at"]),
                    area_code=moved["area_code"], story=moved.get("correlation_id"))
        elif command.action == "deliver":
            tx.emit(OrderDelivered(**fields, on_time=now <= moved["deadline"]["due_at"]), area_code=moved["area_code"],
                    story=moved.get("correlation_id"))
        else:
            tx.emit(OrderRated(**fields, rating=command.rating, reopened=target == OrderStatus.reopened,
                               household_id=moved.get("household_id")),
                    area_code=moved["area_code"], story=moved.get("correlation_id"))
        return moved

    return work.transaction(save)


def get_order(work, order_id: str) -> dict:
    order = work.store.affairs.get_order(str(order_id or ""), work.scope.query())
    if order is None:
        raise NotFound("服务单不存在或不在辖区内", field="order_id", code="service_order.not_found")
    return present_order(order, full=True)


def list_orders(work, status: str | None = None, area_code: str | None = None, assignee: str | None = None,
                page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(area_code)
    wanted = service_orders.WORKFLOW.statuses(status)
    if wanted is not None:
        query["status"] = {"$in": wanted}
    if assignee:
        query["assignee.id"] = work.actor.id if assignee == "me" and work.actor else assignee
    result = work.store.affairs.list_orders(query, paging.page, paging.page_size)
    result["items"] = [present_order(o) for o in result["items"]]
    return result


def present_order(order: dict, full: bool = False) -> dict:
    deadline = order.get("deadline")
    finished = order.get("delivered_at") if order["status"] in (OrderStatus.delivered, OrderStatus.rated) else None
    timing = (deadlines.timing(deadline["start"], deadline["due_at"], clock.now(), finished) if deadline
              else "no_deadline")
    ratings = order.get("ratings", [])
    view = {"order_id": order["_id"], "area_code": order["area_code"], "channel": order["channel"],
            "content": order["content"], "contact_name": pii.mask_name(order["contact_name"]),
            "phone": pii.mask_phone(order.get("phone")), "status": order["status"],
            "status_label": service_orders.STATUS_LABELS[order["status"]], "assignee": order.get("assignee"),
            "feedback": order.get("feedback"), "rating": ratings[-1]["rating"] if ratings else None,
            "household_id": order.get("household_id"),
            "due_at": clock.iso(deadline["due_at"]) if deadline else None,
            "due_provisional": bool(deadline and deadline.get("provisional")), "timing": timing,
            "timing_label": deadlines.TIMING_LABELS[timing], "ordered_at": clock.iso(order["ordered_at"]),
            "actions": service_orders.WORKFLOW.allowed(order["status"])}
    if full:
        labels = {t.action: t.label for t in service_orders.WORKFLOW.transitions.values()} | {"order": "点单",
                                                                                                "escalate": "逾期升级"}
        view["history"] = [{**_plain(h), "label": labels.get(h["action"], h["action"]),
                            "to_label": service_orders.STATUS_LABELS.get(h["to"], h["to"])}
                           for h in order.get("history", [])]
    return view


def public_order_view(work, request_id: str) -> dict | None:
    """What a resident following a 点单 sees of it: status and history, and whether it awaits their rating."""
    order = work.store.affairs.order_of_request(request_id)
    if order is None:
        return None
    ratings = order.get("ratings", [])
    return {"status": order["status"], "status_label": service_orders.STATUS_LABELS[order["status"]],
            "can_rate": order["status"] == OrderStatus.delivered, "feedback": order.get("feedback"),
            "rating": ratings[-1]["rating"] if ratings else None,
            "history": [{"status": h["to"], "label": service_orders.STATUS_LABELS.get(h["to"], h["to"]),
                         "at": clock.iso(h["at"])} for h in order.get("history", [])]}


# deadlines (督办) ----------------------------------------------------------------------------------------
def sweep_deadlines(work, as_of: str | None = None) -> dict:
    """Raise every open case and order past its due time to the level it should have reached: the township at
    once, the county later. `as_of` moves the clock forward for tests; production refuses it."""
    now = clock.now()
    if as_of is not None:
        if config.is_production():
            raise Forbidden("生产环境不能指定时间", field="as_of", code="sweep.as_of_forbidden")
        now = clock.parse_local(as_of, "as_of", need_offset=True)
    raised = {"cases": 0, "service_orders": 0}
    for collection, open_statuses in (("cases", cases.OPEN), ("service_orders", service_orders.OPEN)):
        for record in work.store.affairs.overdue(collection, open_statuses, now):
            level = deadlines.escalation_for(record["deadline"]["due_at"], now)
            if level <= record["escalation"]:
                continue
            if _escalate(work, collection, record, level, now):
                raised[collection] += 1
        counts = work.store.affairs.overdue_counts(collection, open_statuses, now)
        for level in Escalation:
            OVERDUE_OPEN.labels(collection, level.name).set(counts.get(int(level), 0))
    return raised


def _escalate(work, collection: str, record: dict, level: Escalation, now) -> bool:
    entry = cases.history_entry("escalate", record["status"], record["status"], now, None,
                                deadlines.ESCALATION_LABELS[level])

    def save(tx):
        if not work.store.affairs.raise_escalation(collection, record["_id"], int(level), entry, tx.session):
            return False  # another sweep got there first
        if collection == "cases":
            fields = {**_case_fields(record)}
            if record["escalation"] == 0:
                tx.emit(CaseOverdue(**fields), area_code=record["grid_code"], story=record.get("correlation_id"))
            tx.emit(CaseEscalated(**fields, level=level.name), area_code=record["grid_code"],
                    story=record.get("correlation_id"))
        return True

    return work.transaction(save)


# figures (统计) ---------------------------------------------------------------------------------------
def affairs_figures(work, area_code: str | None, since: str, until: str, as_of: str | None = None) -> dict:
    """Cases and orders discovered or placed in [since, until), in scope and under `area_code`."""
    start, end = clock.parse_local(since, "since"), clock.parse_local(until, "until")
    if end <= start:
        raise ValidationFailed("结束日期应晚于开始日期", field="until")
    now = clock.now() if as_of is None else clock.parse_local(as_of, "as_of", need_offset=True)
    area = work.store.get_area(area_code or (work.scope.codes[0] if work.scope.codes else COUNTY_CODE))
    if area is None or not work.scope.allows(area.path):
        raise NotFound("区划不存在或不在辖区内", field="area_code", code="area.not_found")
    scope = work.scope.within(area.code)
    case_rows = work.store.affairs.for_figures("cases", {**scope, "discovered_at": {"$gte": start, "$lt": end}},
                                               figures.CASE_FIELDS)
    order_rows = work.store.affairs.for_figures("service_orders", {**scope, "ordered_at": {"$gte": start, "$lt": end}},
                                                figures.ORDER_FIELDS)
    level = len(area.path)
    children = {code: a.name for code, a in work.store.areas_by_code(
        {r["area_path"][level] for r in case_rows + order_rows if len(r["area_path"]) > level}).items()}
    result = figures.compute(case_rows, order_rows, now, level, children)
    return {"area_code": area.code, "area_name": area.name, "since": since, "until": until, "as_of": now.isoformat(),
            **result}


