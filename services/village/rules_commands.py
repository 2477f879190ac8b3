"""一约 in the service layer: a new version as a draft, the meeting that adopts it (with the quorum counted against
the grid's numbers), filing with the township, publication (only once filed), and the good deeds and breaches
recorded under its clauses, each an event the credit service awards or deducts from through its approval."""
from datetime import date

from pymongo.errors import DuplicateKeyError

from shared import clock, pii
from shared.errors import Conflict, ValidationFailed, parse
from shared.paging import page_request

from . import domain, village_rules
from .api import codes
from .api.events import ConductRecorded, RulesAdopted, RulesFiled, RulesPublished, RulesReturned, RulesSubmitted
from .api.rpc import ConductIn, RulesActionIn, RulesDraftChange, RulesDraftIn
from .commands import (
    actor,
    area_in_scope,
    check_attendance,
    entry,
    in_scope,
    meeting_basis,
    new_id,
    present_history,
    view_area,
)
from .domain import not_after_today

LABELS = {"draft": "起草", "edit": "修改草案", **{a: t.label for a, t in village_rules.WORKFLOW.transitions.items()}}


def _linked_rules(clauses, lookups) -> None:
    """Every clause linked to a points rule names one the credit service lets a conduct record trigger."""
    linked = [(i, c.points_rule_code) for i, c in enumerate(clauses) if c.points_rule_code]
    if not linked:
        return
    rules = lookups.conduct_rules()
    for i, code in linked:
        if code not in rules:
            raise ValidationFailed("道德银行中没有可由村规民约记录触发的此积分规则", field=f"clauses.{i}.points_rule_code",
                                   code="village_rules.unknown_points_rule")


def _version(work, rules_id: str) -> dict:
    return in_scope(work, "village_rules", rules_id, "村规民约不存在或不在辖区内", "rules.not_found")


def create_version(work, payload: dict, lookups) -> dict:
    """A new version of an area's rules of one kind, as a draft; one version at a time is on its way."""
    body = parse(RulesDraftIn, payload)
    if body.client_ref and (known := work.store.by_ref("village_rules", body.client_ref)):
        return present_version(known, full=True)
    area = area_in_scope(work, body.area_code, "area_code")
    problem = village_rules.area_problem(body.kind, area["kind"])
    if problem:
        raise ValidationFailed(problem, field="kind", code="village_rules.wrong_area")
    _linked_rules(body.clauses, lookups)
    latest = work.store.latest_version(area["_id"], body.kind)
    if latest and latest["status"] in village_rules.UNDER_WAY:
        raise Conflict(f"第{latest['version']}版尚在办理中（{codes.RULES_STATUS[latest['status']]}），请在该版本上继续",
                       field="kind", code="village_rules.version_under_way")
    clauses = [c.model_dump(mode="json") for c in body.clauses]
    changed = village_rules.changed_clauses(latest["clauses"], clauses) if latest else len(clauses)
    doc = {"_id": new_id("VR"), "area_code": area["_id"], "area_path": area["path"], "village_code": area["path"][2],
           "township_code": area["path"][1], "kind": body.kind, "title": body.title,
           "version": latest["version"] + 1 if latest else 1, "previous_id": latest["_id"] if latest else None,
           "clauses": clauses, "status": "draft", "adoption": None, "filing": {}, "published_on": None,
           "superseded_on": None,
           "history": [entry(work, "draft", None, "draft", f"共{len(clauses)}条" + (f"，较上一版本变动{changed}条"
                                                                                   if latest else ""))]}
    if body.client_ref:
        doc["client_ref"] = body.client_ref
    try:
        work.transaction(lambda tx: work.store.insert("village_rules", doc, tx.session))
    except DuplicateKeyError:
        if body.client_ref and (known := work.store.by_ref("village_rules", body.client_ref)):
            return present_version(known, full=True)
        raise Conflict("另一版本刚刚建立，请刷新后重试", field="kind", code="village_rules.version_under_way") from None
    return present_version(work.store.get("village_rules", doc["_id"]), full=True)


def edit_draft(work, rules_id: str, payload: dict, lookups) -> dict:
    change = parse(RulesDraftChange, payload)
    version = _version(work, rules_id)
    if version["status"] != "draft":
        raise Conflict("只有草案可以修改；已表决的版本须另起新版本", field="rules_id", code="village_rules.not_draft")
    if change.clauses is not None:
        _linked_rules(change.clauses, lookups)
    changes = {k: v for k, v in {"title": change.title, "clauses": [c.model_dump(mode="json") for c in change.clauses]
                                 if change.clauses is not None else None}.items() if v is not None}
    moved = work.transaction(lambda tx: work.store.move("village_rules", version, changes,
                                                        entry(work, "edit", "draft", "draft"), tx.session))
    if moved is None:
        raise Conflict("该版本刚被他人修改，请刷新后重试", field="rules_id", code="village_rules.changed")
    return present_version(moved, full=True)


def act(work, rules_id: str, payload: dict, lookups) -> dict:
    """adopt {meeting}, submit, review {opinion}, file {filing_number?}, return {reason} or publish; `on` is the
    day (today unless given)."""
    command = parse(RulesActionIn, payload)
    version = _version(work, rules_id)
    transition = village_rules.step(version["status"], command.action, command.model_dump())
    on = command.on or clock.today()
    not_after_today(on, "on")
    fields = {"area_code": version["area_code"], "village_code": version["village_code"],
              "township_code": version["township_code"], "rules_id": version["_id"], "kind": version["kind"],
              "rules_version": version["version"]}
    changes: dict = {"status": transition.target}
    filing = dict(version.get("filing") or {})
    note = command.reason or command.opinion
    if command.action == "adopt":
        meeting = command.meeting
        not_after_today(meeting.held_on, "meeting.held_on")
        area = work.store.get_area(version["area_code"])
        basis = meeting_basis(work, lookups, area, meeting.meeting_kind)
        check_attendance(meeting.meeting_kind, meeting.attendees, meeting.households_represented, basis, "meeting.")
        problem = domain.meeting_problem(meeting.meeting_kind, meeting.attendees, meeting.households_represented,
                                         meeting.votes_for, basis)
        if problem:
            raise ValidationFailed(problem[2], field="meeting.attendees" if problem[0] == "quorum"
                                   else "meeting.votes_for", code=f"meeting.{problem[0]}")
        changes["adoption"] = {**meeting.model_dump(mode="json"), "basis": basis}
        note = f"{codes.MEETING_KINDS[meeting.meeting_kind]}，到会{meeting.attendees}人，赞成{meeting.votes_for}票"
        event = RulesAdopted(**fields, meeting_kind=meeting.meeting_kind, adopted_on=meeting.held_on,
                             clauses=len(version["clauses"]))
    elif command.action == "submit":
        _not_before(on, version["adoption"]["held_on"], "表决通过")
        filing.update(submitted_on=on.isoformat(), submitted_by=actor(work))
        event = RulesSubmitted(**fields, submitted_on=on)
    elif command.action == "review":
        _not_before(on, filing["submitted_on"], "报备")
        filing.update(reviewed_on=on.isoformat(), opinion=command.opinion, reviewed_by=actor(work))
        event = None
    elif command.action == "file":
        _not_before(on, filing["reviewed_on"], "审查")
        filing.update(filed_on=on.isoformat(), filing_number=command.filing_number, filed_by=actor(work))
        event = RulesFiled(**fields, filed_on=on)
    elif command.action == "return":
        _not_before(on, filing["submitted_on"], "报备")
        filing.update(returned_on=on.isoformat(), reason=command.reason, returned_by=actor(work))
        event = RulesReturned(**fields, returned_on=on)
    else:  # publish
        _not_before(on, filing["filed_on"], "备案")
        changes["published_on"] = on.isoformat()
        event = None
    changes["filing"] = filing

    def save(tx):
        moved = work.store.move("village_rules", version, changes,
                                entry(work, command.action, version["status"], transition.target, note), tx.session)
        if moved is None:
            raise Conflict("该版本刚被他人处理，请刷新后重试", field="action", code="village_rules.changed")
        emitted = event
        if command.action == "publish":
            before = work.store.find_one("village_rules", {"area_code": version["area_code"], "kind": version["kind"],
                                                           "status": "published", "_id": {"$ne": version["_id"]}},
                                         tx.session)
            if before:
                village_rules.WORKFLOW.step(before["status"], "supersede", {})
                work.store.move("village_rules", before, {"status": "superseded", "superseded_on": on.isoformat()},
                                entry(work, "supersede", "published", "superseded", f"第{version['version']}版公布施行"),
                                tx.session)
            emitted = RulesPublished(**fields, published_on=on, supersedes=before["_id"] if before else None)
        if emitted is not None:
            tx.emit(emitted, area_code=version["area_code"])
        return moved

    return present_version(work.transaction(save), full=True)


def _not_before(on: date, earlier: str, what: str) -> None:
    if on < date.fromisoformat(earlier):
        raise ValidationFailed(f"日期不能早于{what}（{earlier}）", field="on")


def get_version(work, rules_id: str) -> dict:
    version = _version(work, rules_id)
    view = present_version(version, full=True)
    view["area_name"] = work.store.area_names([version["area_code"]]).get(version["area_code"])
    return view


def list_versions(work, area_code=None, status=None, kind=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(view_area(work, area_code))
    wanted = village_rules.WORKFLOW.statuses(status)
    if wanted:
        query["status"] = {"$in": wanted}
    if kind:
        if kind not in codes.RULES_KINDS:
            raise ValidationFailed(f"类别应为以下之一：{'、'.join(codes.RULES_KINDS)}", field="kind")
        query["kind"] = kind
    result = work.store.page("village_rules", query, paging.page, paging.page_size,
                             [("area_code", 1), ("kind", 1), ("version", -1)], {"history": 0})
    names = work.store.area_names({v["area_code"] for v in result["items"]})
    result["items"] = [{**present_version(v), "area_name": names.get(v["area_code"])} for v in result["items"]]
    return result


def present_version(v: dict, full: bool = False) -> dict:
    view = {"rules_id": v["_id"], "area_code": v["area_code"], "village_code": v["village_code"], "kind": v["kind"],
            "kind_label": codes.RULES_KINDS[v["kind"]], "title": v["title"], "version": v["version"],
            "status": v["status"], "status_label": codes.RULES_STATUS[v["status"]], "clauses": len(v["clauses"]),
            "adopted_on": (v.get("adoption") or {}).get("held_on"), "filing": _filing(v.get("filing") or {}),
            "published_on": v.get("published_on"), "superseded_on": v.get("superseded_on"),
            "actions": [a for a in village_rules.WORKFLOW.allowed(v["status"]) if a != "supersede"]}
    if full:
        view["clauses"] = [{**c, "conduct_label": codes.CONDUCT_KINDS.get(c.get("conduct"))} for c in v["clauses"]]
        adoption = v.get("adoption")
        view["adoption"] = None if adoption is None else {
            **{k: adoption[k] for k in ("meeting_kind", "held_on", "attendees", "households_represented", "votes_for",
                                        "votes_against", "abstentions", "minutes")},
            "meeting_label": codes.MEETING_KINDS[adoption["meeting_kind"]],
            "basis": {k: adoption["basis"].get(k) for k in ("residents", "adults", "households", "representatives")}}
        view["history"] = present_history(v.get("history", []), LABELS)
    return view


def _filing(f: dict) -> dict:
    return {k: f.get(k) for k in ("submitted_on", "reviewed_on", "opinion", "filed_on", "filing_number", "returned_on",
                                  "reason")}


# good deeds and breaches under the clauses ----------------------------------------------------------------------
def record_conduct(work, rules_id: str, payload: dict, lookups) -> dict:
    """A good deed or a breach of one household under a clause linked to a points rule, in the version in force."""
    body = parse(ConductIn, payload)
    if body.client_ref and (known := work.store.by_ref("conduct_records", body.client_ref)):
        return present_conduct(known)
    version = _version(work, rules_id)
    if version["status"] != "published":
        raise Conflict("只能依据公布施行中的版本记录", field="rules_id", code="village_rules.not_in_force")
    clause = village_rules.conduct_clause(version, body.clause_no)
    if clause is None:
        raise ValidationFailed("该条款不存在或未关联积分规则", field="clause_no", code="village_rules.clause_not_linked")
    not_after_today(body.occurred_on, "occurred_on")
    if body.occurred_on < date.fromisoformat(version["published_on"]):
        raise ValidationFailed(f"发生在该版本施行（{version['published_on']}）之前", field="occurred_on")
    household = lookups.household(body.household_id)
    if household is None or version["area_code"] not in household["area_path"]:
        raise ValidationFailed("不是本村（社区、小区）登记的户", field="household_id", code="household.not_in_area")
    doc = {"_id": new_id("CD"), "rules_id": version["_id"], "version": version["version"], "clause_no": clause["no"],
           "kind": clause["conduct"], "points_rule_code": clause["points_rule_code"], "household_id": household[
               "household_id"], "household_number": household["household_number"], "area_path": version["area_path"],
           "village_code": version["village_code"], "township_code": version["township_code"],
           "occurred_on": body.occurred_on.isoformat(), "note": body.note, "recorded_by": actor(work)}
    if body.client_ref:
        doc["client_ref"] = body.client_ref

    def save(tx):
        work.store.insert("conduct_records", doc, tx.session)
        tx.emit(ConductRecorded(conduct_id=doc["_id"], rules_id=doc["rules_id"], clause_no=doc["clause_no"],
                                kind=doc["kind"], points_rule_code=doc["points_rule_code"],
                                household_id=doc["household_id"], village_code=doc["village_code"],
                                township_code=doc["township_code"], occurred_on=body.occurred_on),
                area_code=version["area_code"])

    try:
        work.transaction(save)
    except DuplicateKeyError:
        return present_conduct(work.store.by_ref("conduct_records", body.client_ref))
    return present_conduct(doc)


def list_conduct(work, area_code=None, rules_id=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(view_area(work, area_code))
    if rules_id:
        query["rules_id"] = str(rules_id)
    result = work.store.page("conduct_records", query, paging.page, paging.page_size, [("occurred_on", -1)])
    result["items"] = [present_conduct(c) for c in result["items"]]
    return result


def present_conduct(c: dict) -> dict:
    return {"conduct_id": c["_id"], "rules_id": c["rules_id"], "version": c["version"], "clause_no": c["clause_no"],
            "kind": c["kind"], "kind_label": codes.CONDUCT_KINDS[c["kind"]], "points_rule_code": c["points_rule_code"],
            "household_id": c["household_id"], "household_number": c.get("household_number"),
            "occurred_on": c["occurred_on"], "note": pii.mask_text(c["note"]),
            "recorded_by": (c.get("recorded_by") or {}).get("name"), "recorded_at": clock.iso(c.get("created_at"))}
