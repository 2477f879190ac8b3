"""The risk service layer: signals from the other services' events and the scores they make, alerts, the member
units, the risk register, assessment meetings with opinions and tasks, the sweep that escalates overdue tasks,
the peace-building designations and the rebuild check. Each command loads within the caller's scope, applies the
rules of model.py and domain.py, and saves with its events in one transaction."""
from datetime import date, datetime

from pymongo.errors import DuplicateKeyError

from shared import clock, config
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, parse
from shared.paging import page_request

from . import domain, model, scoring, signals
from .api.codes import CATEGORIES, ITEM_STATUSES, LEVEL_LABELS, LEVELS
from .api.events import DesignationChanged, MeetingConcluded, TaskAssigned, TaskOverdue
from .api.rpc import AssessmentMeetingIn, ConclusionIn, MemberUnitIn, OpinionIn, RiskItemChange, RiskItemIn, TaskDoneIn
from .domain import area_path
from .store import new_id


def _now(as_of: str | None) -> datetime:
    """The sweep's and the designations' clock: now, or (tests only) the time given; production refuses it."""
    if as_of is None:
        return clock.now()
    if config.is_production():
        raise Forbidden("生产环境不能指定时间", field="as_of", code="risk.as_of_forbidden")
    return clock.parse_local(as_of, "as_of", need_offset=True)


def _present(doc: dict | None) -> dict | None:
    if doc is None:
        return None
    out = {k: clock.iso(v) for k, v in doc.items() if k not in ("_id", "area_path", "correlation_id")}
    out["id"] = doc["_id"]
    return out


# signals and scores ------------------------------------------------------------------------------------------------
def record_signal(work, tx, envelope) -> None:
    """One event, one signal (keyed by the event id); it is stored and scored with the rest of the transaction's
    signals just before the commit (scoring.SignalBatch)."""
    doc = signals.from_event(envelope.event_id, envelope.event_type, envelope.occurred_at, envelope.data,
                             clock.now())
    if not doc["township_code"]:
        return  # an event with no area cannot be scored
    tx.gather(scoring.SignalBatch.KEY, lambda: scoring.SignalBatch(work)).add(doc, work)


def _area_kind(code: str) -> str:
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    raise ValidationFailed("应为乡镇（9位）或村（12位）代码", field="area_code", code="risk.area_kind")


def explain(work, area_code: str, as_of: str | None = None) -> dict:
    """An area's score with every signal behind it: at its latest signal, or at `as_of` (the score has decayed)."""
    kind = _area_kind(str(area_code or ""))
    work.scope.require(area_code, "area_code")
    stored = work.store.signals_of(area_code, kind)
    area = work.db.areas.find_one({"_id": area_code}) or {}
    if not stored:
        return {"area_code": area_code, "area_kind": kind, "score": 0.0, "level": "blue", "at": None,
                "signal_count": 0, "reasons": []}
    at = _now(as_of) if as_of else max(s["occurred_at"] for s in stored)
    assessed = model.assess(stored, at, kind)
    return {"area_code": area_code, "area_kind": kind, **assessed, "at": clock.iso(assessed["at"]),
            "reasons": scoring.labelled(assessed["reasons"], stored), "live_score": area.get("score")}


def heat(work, township_code: str | None = None) -> dict:
    """Every scored township (or one township's villages) with score and level, for the heat table."""
    query = work.scope.query()
    if township_code:
        query = {**query, "township_code": township_code, "kind": "village"}
    else:
        query = {**query, "kind": "township"}
    areas = [_present(a) | {"area_code": a["_id"]}
             for a in work.db.areas.find(query, {"sums": 0, "oldest": 0}).sort("_id", 1)]
    return {"areas": areas, "thresholds": model.THRESHOLDS, "levels": LEVEL_LABELS}


def rebuild(work) -> dict:
    """Every area's score recomputed from the stored signals, compared with the live one."""
    return compare(work.db)


def compare(db) -> dict:
    live = {a["_id"]: a for a in db.areas.find({})}
    grouped: dict[tuple[str, str], list[dict]] = {}
    for s in db.signals.find({}):
        if s.get("village_code"):
            grouped.setdefault((s["village_code"], "village"), []).append(s)
        grouped.setdefault((s["township_code"], "township"), []).append(s)
    mismatches = []
    for (code, kind), found in sorted(grouped.items()):
        at = max(s["occurred_at"] for s in found)
        again = model.assess(found, at, kind)
        area = live.get(code, {})
        seen = (area.get("score"), area.get("level"), area.get("signal_count"))
        # the folded sums too, exactly: a lost or doubled addition shows even where the rounded score hides it
        sums = {era: value for era, value in area.get("sums", {}).items() if value}
        folded = model.fold([s for s in found if model.counts_at(s, at)])
        if seen != (again["score"], again["level"], again["signal_count"]) or sums != folded:
            mismatches.append({"area_code": code, "live": list(seen),
                               "rebuilt": [again["score"], again["level"], again["signal_count"]]})
    for code in sorted(set(live) - {c for c, _ in grouped}):
        mismatches.append({"area_code": code, "live": [live[code].get("score")], "rebuilt": None})
    return {"areas": len(grouped), "signals": db.signals.count_documents({}), "mismatches": mismatches,
            "ok": not mismatches}


# alerts -------------------------------------------------------------------------------------------------------
def list_alerts(work, status=None, area_code=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    page, page_size = paging.page, paging.page_size
    query = work.scope.within(area_code)
    if status:
        if status not in ("open", "assessed"):
            raise ValidationFailed("状态应为 open 或 assessed", field="status")
        query = {**query, "status": status}
    found = work.store.page_of("alerts", query, page, page_size, [("raised_at", -1)])
    return {**found, "items": [_present(a) for a in found["items"]]}


def _alert(work, alert_id: str) -> dict:
    alert = work.db.alerts.find_one({"_id": str(alert_id or ""), **work.scope.query()})
    if alert is None:
        raise NotFound("预警不存在或不在辖区内", field="alert_id", code="risk.alert_not_found")
    return alert


def get_alert(work, alert_id: str) -> dict:
    return _present(_alert(work, alert_id))


# The sixteen in the order the county lists them, then the units it added.
UNIT_ORDER = [("standing", -1), ("order", 1), ("name", 1)]


# member units -------------------------------------------------------------------------------------------------
def list_units(work) -> list[dict]:
    return [_present(u) for u in work.db.member_units.find({}).sort(UNIT_ORDER)]


def save_unit(work, payload: dict) -> dict:
    unit = parse(MemberUnitIn, payload)
    work.db.member_units.update_one({"name": unit.name}, {"$set": {**unit.model_dump(), "updated_at": clock.now()},
                                                   "$setOnInsert": {"_id": new_id("DW"), "order": 100}},
                             upsert=True)
    return _present(work.db.member_units.find_one({"name": unit.name}))


def _known_unit(work, name: str, field: str) -> None:
    if not work.db.member_units.find_one({"name": name, "active": True}):
        raise ValidationFailed("不是在册的成员单位", field=field, code="risk.unknown_unit")


# the risk register ----------------------------------------------------------------------------------------------
def create_item(work, payload: dict) -> dict:
    item = parse(RiskItemIn, payload)
    path = work.scope.require(item.area_code, "area_code")
    _known_unit(work, item.owner_unit, "owner_unit")
    if item.client_ref and (known := work.db.risk_items.find_one({"client_ref": item.client_ref})):
        return _present(known)
    now = clock.now()
    doc = {"_id": new_id("FX"), **item.model_dump(exclude_none=True), "area_path": path, "township_code": path[1],
           "status": "open", "created_at": now, "updated_at": now,
           "history": [{"at": now, "actor": work.actor_ref(), "note": "登记"}]}
    try:
        work.db.risk_items.insert_one(doc)
    except DuplicateKeyError:
        return _present(work.db.risk_items.find_one({"client_ref": item.client_ref}))
    return _present(doc)


def update_item(work, item_id: str, payload: dict) -> dict:
    change = parse(RiskItemChange, payload)
    item = work.db.risk_items.find_one({"_id": str(item_id or ""), **work.scope.query()})
    if item is None:
        raise NotFound("风险事项不存在或不在辖区内", field="item_id", code="risk.item_not_found")
    changes = change.model_dump(exclude_none=True)
    if not changes:
        raise ValidationFailed("没有要修改的内容", field="level")
    if "owner_unit" in changes:
        _known_unit(work, changes["owner_unit"], "owner_unit")
    now = clock.now()
    note = "；".join(f"{k}→{v}" for k, v in changes.items() if k != "measures") or "更新措施"
    work.db.risk_items.update_one({"_id": item["_id"]}, {"$set": {**changes, "updated_at": now}, "$push": {
        "history": {"at": now, "actor": work.actor_ref(), "note": note}}})
    return _present(work.db.risk_items.find_one({"_id": item["_id"]}))


def list_items(work, area_code=None, level=None, status=None, category=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    page, page_size = paging.page, paging.page_size
    query = work.scope.within(area_code)
    for name, value, allowed in (("level", level, LEVELS), ("status", status, ITEM_STATUSES),
                                 ("category", category, CATEGORIES)):
        if value:
            if value not in allowed:
                raise ValidationFailed("不在可选范围内", field=name)
            query = {**query, name: value}
    found = work.store.page_of("risk_items", query, page, page_size, [("updated_at", -1)], {"history": 0})
    return {**found, "items": [_present(i) for i in found["items"]]}


# assessment meetings ---------------------------------------------------------------------------------------------
def convene(work, payload: dict) -> dict:
    """A meeting on an alert (its area and level come with it) or on the schedule, with the standing units (all of
    them unless named) and the units invited for this case."""
    meeting = parse(AssessmentMeetingIn, payload)
    if meeting.client_ref and (known := work.db.assessment_meetings.find_one({"client_ref": meeting.client_ref})):
        return _present(known)
    area_code, level = meeting.area_code, "blue"
    if meeting.trigger == "alert":
        if not meeting.alert_id:
            raise ValidationFailed("因预警召开须指明预警", field="alert_id", code="risk.alert_required")
        alert = _alert(work, meeting.alert_id)
        area_code, level = alert["area_code"], alert["level"]
    if area_code:
        work.scope.require(area_code, "area_code")
    elif not work.scope.unrestricted and "500229" not in (work.scope.codes or ()):
        raise ValidationFailed("须指明研判区域", field="area_code", code="risk.area_required")
    standing = meeting.standing_units
    if standing is None:
        standing = [u["name"] for u in work.db.member_units.find({"standing": True, "active": True}).sort(UNIT_ORDER)]
    for i, name in enumerate(standing):
        _known_unit(work, name, f"standing_units.{i}")
    invited = [u.model_dump() for u in meeting.invited_units]
    if {u["name"] for u in invited} & set(standing):
        raise ValidationFailed("列席单位已是参会的常设成员单位", field="invited_units", code="risk.invited_twice")
    now = clock.now()
    doc = {"_id": new_id("YP"), "title": meeting.title, "trigger": meeting.trigger, "alert_id": meeting.alert_id,
           "area_code": area_code, "area_path": area_path(area_code) if area_code else ["500229"],
           "held_on": meeting.held_on.isoformat(), "standing_units": standing, "invited_units": invited,
           "opinions": [], "status": "convened", "level": level, "resolution": None, "created_at": now,
           "updated_at": now, "convened_by": work.actor_ref(), "revision": 0,
           "correlation_id": work.correlation_id}  # the meeting's story: its conclusion and tasks carry this id
    if meeting.client_ref:
        doc["client_ref"] = meeting.client_ref
    try:
        work.db.assessment_meetings.insert_one(doc)
    except DuplicateKeyError:
        return _present(work.db.assessment_meetings.find_one({"client_ref": meeting.client_ref}))
    return get_meeting(work, doc["_id"])


def _meeting(work, meeting_id: str) -> dict:
    meeting = work.db.assessment_meetings.find_one({"_id": str(meeting_id or ""), **work.scope.query()})
    if meeting is None:
        raise NotFound("研判会不存在或不在辖区内", field="meeting_id", code="risk.meeting_not_found")
    return meeting


def get_meeting(work, meeting_id: str) -> dict:
    meeting = _meeting(work, meeting_id)
    tasks = [_present(t) for t in work.db.tasks.find({"meeting_id": meeting["_id"]}).sort([("seq", 1), ("_id", 1)])]
    return {**_present(meeting), "tasks": tasks}


def list_meetings(work, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    page, page_size = paging.page, paging.page_size
    found = work.store.page_of("assessment_meetings", work.scope.query(), page, page_size, [("held_on", -1), ("_id", -1)])
    return {**found, "items": [_present(m) for m in found["items"]]}


def give_opinion(work, meeting_id: str, payload: dict) -> dict:
    """A participating unit's opinion (standing or invited); a unit's later opinion replaces its earlier one."""
    opinion = parse(OpinionIn, payload)
    meeting = _meeting(work, meeting_id)
    if meeting["status"] != "convened":
        raise Conflict("研判会已形成结论，不能再发表意见", field="meeting_id", code="risk.meeting_concluded")
    invited = {u["name"] for u in meeting["invited_units"]}
    if opinion.unit not in meeting["standing_units"] and opinion.unit not in invited:
        raise ValidationFailed("该单位未参加本次研判会", field="unit", code="risk.not_participant")
    entry = {"unit": opinion.unit, "role": "invited" if opinion.unit in invited else "standing",
             "opinion": opinion.opinion, "suggested_level": opinion.suggested_level, "at": clock.now(),
             "by": work.actor_ref()}
    others = [o for o in meeting["opinions"] if o["unit"] != opinion.unit]
    moved = work.db.assessment_meetings.update_one({"_id": meeting["_id"], "revision": meeting["revision"]},
                                        {"$set": {"opinions": others + [entry], "updated_at": clock.now()},
                                         "$inc": {"revision": 1}})
    if moved.modified_count == 0:
        raise Conflict("研判会刚被他人修改，请刷新后重试", field="meeting_id", code="risk.meeting_changed")
    return get_meeting(work, meeting["_id"])


def conclude(work, meeting_id: str, payload: dict) -> dict:
    """The resolution, the level it settles on and the follow-up tasks; an alert it was convened on is assessed
    (its key is retired, so a later rise raises a new alert)."""
    conclusion = parse(ConclusionIn, payload)
    meeting = _meeting(work, meeting_id)
    if meeting["status"] != "convened":
        raise Conflict("研判会已形成结论", field="meeting_id", code="risk.meeting_concluded")
    if not meeting["opinions"]:
        raise ValidationFailed("尚无成员单位发表意见", field="resolution", code="risk.no_opinions")
    participants = set(meeting["standing_units"]) | {u["name"] for u in meeting["invited_units"]}
    for i, task in enumerate(conclusion.tasks):
        if task.owner_unit not in participants:
            _known_unit(work, task.owner_unit, f"tasks.{i}.owner_unit")
    now = clock.now()
    tasks = [{"_id": new_id("RW"), "meeting_id": meeting["_id"], "title": t.title, "owner_unit": t.owner_unit,
              "due_on": t.due_on.isoformat(), "area_code": meeting["area_code"], "area_path": meeting["area_path"],
              "status": "open", "escalation_level": 0, "escalations": [], "assigned_at": now, "done_at": None,
              "note": None, "seq": i, "correlation_id": meeting.get("correlation_id") or work.correlation_id}
             for i, t in enumerate(conclusion.tasks)]

    def save(tx):
        moved = work.db.assessment_meetings.update_one(
            {"_id": meeting["_id"], "revision": meeting["revision"], "status": "convened"},
            {"$set": {"status": "concluded", "resolution": conclusion.resolution, "level": conclusion.level,
                      "concluded_at": now, "updated_at": now}, "$inc": {"revision": 1}}, session=tx.session)
        if moved.modified_count == 0:
            raise Conflict("研判会刚被他人修改，请刷新后重试", field="meeting_id", code="risk.meeting_changed")
        if tasks:
            work.db.tasks.insert_many(tasks, session=tx.session)
        if meeting["alert_id"]:
            work.db.alerts.update_one({"_id": meeting["alert_id"], "status": "open"}, {"$set": {
                "status": "assessed", "key": f"{meeting['area_code']}:assessed:{meeting['alert_id']}",
                "meeting_id": meeting["_id"], "assessed_at": now}}, session=tx.session)
        tx.emit(MeetingConcluded(meeting_id=meeting["_id"], trigger=meeting["trigger"], alert_id=meeting["alert_id"],
                                 area_code=meeting["area_code"], level=conclusion.level,
                                 units=sorted({o["unit"] for o in meeting["opinions"]}), task_count=len(tasks)),
                area_code=meeting["area_code"], story=meeting.get("correlation_id"))
        for t in tasks:
            tx.emit(TaskAssigned(task_id=t["_id"], meeting_id=meeting["_id"], owner_unit=t["owner_unit"],
                                 due_on=t["due_on"], area_code=t["area_code"]), area_code=t["area_code"],
                    story=t["correlation_id"])

    work.transaction(save)
    return get_meeting(work, meeting["_id"])


def complete_task(work, task_id: str, payload: dict) -> dict:
    done = parse(TaskDoneIn, payload)
    task = work.db.tasks.find_one({"_id": str(task_id or ""), **work.scope.query()})
    if task is None:
        raise NotFound("任务不存在或不在辖区内", field="task_id", code="risk.task_not_found")
    if task["status"] == "done":
        raise Conflict("任务已办结", field="task_id", code="risk.task_done")
    work.db.tasks.update_one({"_id": task["_id"], "status": "open"},
                             {"$set": {"status": "done", "done_at": clock.now(), "note": done.note}})
    return _present(work.db.tasks.find_one({"_id": task["_id"]}))


def list_tasks(work, status=None, page=1, page_size=50) -> dict:
    paging = page_request(page, page_size)
    page, page_size = paging.page, paging.page_size
    query = work.scope.query()
    if status:
        if status not in ("open", "done"):
            raise ValidationFailed("状态应为 open 或 done", field="status")
        query = {**query, "status": status}
    found = work.store.page_of("tasks", query, page, page_size, [("due_on", 1)])
    return {**found, "items": [_present(t) for t in found["items"]]}


def sweep(work, as_of: str | None = None) -> dict:
    """Open tasks past their deadline go up one step of escalation each (one task.overdue event per step);
    `as_of` moves the clock for tests."""
    now = _now(as_of)
    today = now.astimezone(clock.LOCAL).date()
    result = {"overdue": 0, "escalated": 0}
    for task in work.store.due_tasks(today.isoformat()):
        reached = domain.escalation_for(date.fromisoformat(task["due_on"]), today)
        if reached is None:
            continue
        result["overdue"] += 1
        level, to = reached
        if level <= task["escalation_level"]:
            continue

        def save(tx, task=task, level=level, to=to):
            moved = work.db.tasks.update_one(
                {"_id": task["_id"], "status": "open", "escalation_level": task["escalation_level"]},
                {"$set": {"escalation_level": level, "escalated_to": to},
                 "$push": {"escalations": {"level": level, "to": to, "at": now}}}, session=tx.session)
            if moved.modified_count == 0:
                return False  # done or escalated meanwhile
            tx.emit(TaskOverdue(task_id=task["_id"], meeting_id=task["meeting_id"], owner_unit=task["owner_unit"],
                                due_on=task["due_on"], area_code=task["area_code"], escalation_level=level,
                                escalated_to=to), area_code=task["area_code"], story=task.get("correlation_id"))
            return True

        if work.transaction(save):
            result["escalated"] += 1
    return result


# peace-building designations -------------------------------------------------------------------------------------
def _found(db, township: str, since: datetime, until: datetime) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    for d in domain.DESIGNATIONS:
        found[d.code] = {}
        for c in d.criteria:
            refs: list[str] = []
            if c.kinds:
                query = {"township_code": township, "kind": {"$in": list(c.kinds)},
                         "occurred_at": {"$gt": since, "$lte": until}}
                if c.item_codes:
                    query["item_code"] = {"$in": list(c.item_codes)}
                if c.referred_to:
                    query["referred_to"] = {"$in": list(c.referred_to)}
                refs += [s["ref"] or s["_id"] for s in db.signals.find(query).sort("occurred_at", 1)]
            if c.register_categories:
                refs += [i["_id"] for i in db.risk_items.find({"township_code": township, "status": {"$ne": "closed"},
                                                              "category": {"$in": list(c.register_categories)}})]
            if c.alert_levels:
                refs += [a["_id"] for a in db.alerts.find({"township_code": township,
                                                           "peak_level": {"$in": list(c.alert_levels)},
                                                           "raised_at": {"$gt": since, "$lte": until}})]
            found[d.code][c.label] = refs
    return found


def townships(db) -> list[str]:
    """The townships the service knows: any with a signal, a register item, a designation or named by the county."""
    known = set(db.signals.distinct("township_code")) | set(db.risk_items.distinct("township_code"))
    known |= set(db.designations.distinct("township_code")) | set(db.known_townships.distinct("_id"))
    return sorted(t for t in known if t and len(t) == 9)


def assess_designations(work, as_of: str | None = None, township_codes: list[str] | None = None) -> dict:
    """Every township's designations over the period ending now (or `as_of`, tests only); a change is an event."""
    now = _now(as_of)
    for code in township_codes or []:
        if not isinstance(code, str) or len(code) != 9 or not code.startswith("500229"):
            raise ValidationFailed("应为乡镇（9位）代码", field="township_codes", code="risk.township")
        work.db.known_townships.update_one({"_id": code}, {"$setOnInsert": {"_id": code}}, upsert=True)
    since, until = domain.period(now)
    changed = 0
    for township in townships(work.db):
        judged = domain.judge(_found(work.db, township, since, until))
        for code, result in judged.items():
            changed += _save_designation(work, township, code, result, since, until)
    return {"townships": len(townships(work.db)), "changed": changed, "since": since.isoformat(),
            "until": until.isoformat()}


def _save_designation(work, township, code, result, since, until) -> int:
    key = {"township_code": township, "designation": code}
    before = work.db.designations.find_one(key)
    doc = {**key, **result, "area_path": area_path(township), "since": since, "until": until,
           "assessed_at": clock.now()}

    def save(tx):
        work.db.designations.update_one(key, {"$set": doc, "$setOnInsert": {"_id": new_id("PA")}}, upsert=True,
                                        session=tx.session)
        if before is None or before["granted"] != result["granted"]:
            tx.emit(DesignationChanged(township_code=township, designation=code, granted=result["granted"]),
                    area_code=township)
            return 1
        return 0

    return work.transaction(save)


def list_designations(work, township_code=None) -> list[dict]:
    query = work.scope.within(township_code)
    return [_present(d) for d in work.db.designations.find(query).sort([("township_code", 1), ("designation", 1)])]


def reference() -> dict:
    return {"weights": model.WEIGHTS, "kind_labels": model.KIND_LABELS, "category_factors": model.CATEGORY_FACTORS,
            "half_life_days": model.HALF_LIFE_DAYS, "window_days": model.WINDOW_DAYS,
            "thresholds": model.THRESHOLDS, "levels": LEVEL_LABELS, "categories": list(CATEGORIES),
            "item_statuses": ITEM_STATUSES,
            "designations": [{"code": d.code, "label": d.label, "requires": list(d.requires),
                              "criteria": [{"label": c.label, "limit": c.limit} for c in d.criteria]}
                             for d in domain.DESIGNATIONS],
            "period_days": domain.PERIOD_DAYS,
            "escalation": [{"level": lv, "days": d, "to": to} for lv, d, to in domain.ESCALATION]}
