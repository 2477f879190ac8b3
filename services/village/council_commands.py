"""四会 in the service layer: a village's councils with their terms and members (residents by reference, checked with
the grid), their meetings, the 红白理事会's family-event reports and checks, and the 道德评议会's reviews of points
claims waiting in the credit service."""
from datetime import date

from pymongo.errors import DuplicateKeyError

from shared import clock, pii
from shared.errors import Conflict, ValidationFailed, parse
from shared.paging import page_request

from . import councils
from .api import codes
from .api.events import CouncilMet, FamilyEventChecked, PointsClaimReviewed
from .api.rpc import ClaimReviewIn, CouncilIn, CouncilMeetingIn, FamilyEventActionIn, FamilyEventIn
from .commands import VILLAGE_KINDS, actor, area_in_scope, entry, in_scope, new_id, present_history, view_area
from .domain import not_after_today

REPORT_LABELS = {"report": "报备", **{a: t.label for a, t in councils.FAMILY_EVENT.transitions.items()}}


def _council(work, council_id: str, kind: str | None = None) -> dict:
    found = in_scope(work, "councils", council_id, "该会不存在或不在辖区内", "council.not_found")
    if kind and found["kind"] != kind:
        raise ValidationFailed(f"应为{codes.COUNCIL_KINDS[kind]}", field="council_id", code="council.wrong_kind")
    return found


def save_council(work, payload: dict, lookups) -> dict:
    """Set up one of a village's four councils, or change its term and members (one council of each kind)."""
    body = parse(CouncilIn, payload)
    area = area_in_scope(work, body.village_code, "village_code", VILLAGE_KINDS)
    found = lookups.residents(m.resident_id for m in body.members)
    members = [m.model_dump() for m in body.members]
    problem = councils.member_problem(members, found, area["_id"])
    if problem:
        raise ValidationFailed(problem[1], field=problem[0], code="resident.not_in_village")
    members = [{**m, "name": found[m["resident_id"]]["name"], "household_id": found[m["resident_id"]].get(
        "household_id")} for m in members]
    fields = {"village_code": area["_id"], "kind": body.kind, "name": councils.default_name(area["name"], body.kind),
              "area_path": area["path"], "township_code": area["path"][1], "term_start": body.term_start.isoformat(),
              "term_end": body.term_end.isoformat(), "members": members, "charter": body.charter,
              "max_tables": body.max_tables}
    known = work.store.find_one("councils", {"village_code": area["_id"], "kind": body.kind})

    def save(tx):
        if known is None:
            work.store.insert("councils", {"_id": new_id("CO"), **fields, "history": [
                entry(work, "form", None, None, f"任期{fields['term_start']}至{fields['term_end']}，成员{len(members)}人")]},
                tx.session)
            return
        if all(known.get(k) == v for k, v in fields.items()):
            return  # the same council again: nothing to record
        note = f"任期{fields['term_start']}至{fields['term_end']}，成员{len(members)}人"
        if work.store.move("councils", known, fields, entry(work, "change", None, None, note), tx.session) is None:
            raise Conflict("该会刚被他人修改，请刷新后重试", field="kind", code="council.changed")

    try:
        work.transaction(save)
    except DuplicateKeyError:
        raise Conflict("该村已设立此会，请刷新后修改", field="kind", code="council.exists") from None
    return get_council(work, work.store.find_one("councils", {"village_code": area["_id"], "kind": body.kind})["_id"])


def list_councils(work, area_code=None, kind=None) -> dict:
    query = work.scope.within(view_area(work, area_code))
    if kind:
        if kind not in codes.COUNCIL_KINDS:
            raise ValidationFailed(f"应为以下之一：{'、'.join(codes.COUNCIL_KINDS)}", field="kind")
        query["kind"] = kind
    items = work.store.all("councils", query, {"history": 0}, [("village_code", 1), ("kind", 1)])
    last = {}
    for m in work.store.all("council_meetings", {"council_id": {"$in": [c["_id"] for c in items]}},
                            {"council_id": 1, "held_on": 1}):
        last[m["council_id"]] = max(last.get(m["council_id"], ""), m["held_on"])
    return {"items": [{**present_council(c), "last_met_on": last.get(c["_id"])} for c in items]}


def present_council(c: dict) -> dict:
    today = clock.today()
    return {"council_id": c["_id"], "village_code": c["village_code"], "kind": c["kind"],
            "kind_label": codes.COUNCIL_KINDS[c["kind"]], "name": c["name"], "term_start": c["term_start"],
            "term_end": c["term_end"], "in_term": councils.in_term(c, today), "max_tables": c.get("max_tables"),
            "members": [{"resident_id": m["resident_id"], "name": m["name"], "role": m["role"],
                         "role_label": codes.MEMBER_ROLES[m["role"]]} for m in c["members"]],
            "charter": c.get("charter")}


def get_council(work, council_id: str) -> dict:
    council = _council(work, council_id)
    meetings = work.store.all("council_meetings", {"council_id": council["_id"]}, sort=[("held_on", -1)])[:50]
    view = {**present_council(council), "meetings": [present_meeting(m) for m in meetings],
            "history": present_history(council.get("history", []), {"form": "设立", "change": "换届或调整成员"})}
    if council["kind"] == councils.WEDDING_FUNERAL:
        view["reports"] = [present_report(r) for r in work.store.all(
            "family_event_reports", {"council_id": council["_id"]}, sort=[("event_date", -1)])[:100]]
    if council["kind"] == councils.ETHICS:
        view["claim_reviews"] = [present_review(r) for r in work.store.all(
            "claim_reviews", {"council_id": council["_id"]}, sort=[("held_on", -1)])[:100]]
    return view


# meetings ------------------------------------------------------------------------------------------------------
def record_meeting(work, council_id: str, payload: dict) -> dict:
    body = parse(CouncilMeetingIn, payload)
    if body.client_ref and (known := work.store.by_ref("council_meetings", body.client_ref)):
        return present_meeting(known)
    council = _council(work, council_id)
    not_after_today(body.held_on, "held_on")
    if not councils.in_term(council, body.held_on):
        raise ValidationFailed(f"会议日期不在本届任期内（{council['term_start']}至{council['term_end']}）",
                               field="held_on")
    members = {m["resident_id"] for m in council["members"]}
    if not set(body.present_member_ids) <= members:
        raise ValidationFailed("到会成员中有不是本会成员的", field="present_member_ids", code="council.not_a_member")
    doc = {"_id": new_id("CM"), "council_id": council["_id"], "kind": council["kind"], "area_path": council["area_path"],
           **body.model_dump(mode="json", exclude={"client_ref"}), "recorded_by": actor(work)}
    if body.client_ref:
        doc["client_ref"] = body.client_ref

    def save(tx):
        work.store.insert("council_meetings", doc, tx.session)
        tx.emit(CouncilMet(council_id=council["_id"], kind=council["kind"], meeting_id=doc["_id"],
                           held_on=body.held_on, attendees=body.attendees, decisions=len(body.decisions),
                           village_code=council["village_code"], township_code=council["township_code"]),
                area_code=council["village_code"])

    try:
        work.transaction(save)
    except DuplicateKeyError:
        return present_meeting(work.store.by_ref("council_meetings", body.client_ref))
    return present_meeting(doc)


def present_meeting(m: dict) -> dict:
    return {"meeting_id": m["_id"], "council_id": m["council_id"], "held_on": m["held_on"], "topic": m["topic"],
            "attendees": m["attendees"], "present_member_ids": m.get("present_member_ids", []),
            "minutes": pii.mask_text(m["minutes"]), "decisions": [pii.mask_text(d) for d in m.get("decisions", [])]}


# 红白理事会: family-event reports ----------------------------------------------------------------------------------
def report_family_event(work, council_id: str, payload: dict, lookups) -> dict:
    """婚丧事宜报备 of a household of the village, to its 红白理事会."""
    body = parse(FamilyEventIn, payload)
    if body.client_ref and (known := work.store.by_ref("family_event_reports", body.client_ref)):
        return present_report(known)
    council = _council(work, council_id, councils.WEDDING_FUNERAL)
    problem = councils.report_problem(body.kind, body.event_date, clock.today())
    if problem:
        raise ValidationFailed(problem[1], field=problem[0], code="family_event.bad_date")
    household = lookups.household(body.household_id)
    if household is None or council["village_code"] not in household["area_path"]:
        raise ValidationFailed("不是本村（社区）登记的户", field="household_id", code="household.not_in_area")
    doc = {"_id": new_id("FE"), "council_id": council["_id"], "village_code": council["village_code"],
           "township_code": council["township_code"], "area_path": council["area_path"],
           "household_id": household["household_id"], "household_number": household["household_number"],
           **body.model_dump(mode="json", exclude={"household_id", "client_ref"}), "status": "reported",
           "reported_on": clock.today().isoformat(), "check": None,
           "history": [entry(work, "report", None, "reported", codes.FAMILY_EVENT_KINDS[body.kind])]}
    if body.client_ref:
        doc["client_ref"] = body.client_ref
    try:
        work.transaction(lambda tx: work.store.insert("family_event_reports", doc, tx.session))
    except DuplicateKeyError:
        return present_report(work.store.by_ref("family_event_reports", body.client_ref))
    return present_report(doc, full=True)


def act_on_family_event(work, report_id: str, payload: dict) -> dict:
    """check {checked_on, actual_tables, actual_guests, simple, findings} or cancel {reason}."""
    command = parse(FamilyEventActionIn, payload)
    report = in_scope(work, "family_event_reports", report_id, "报备不存在或不在辖区内", "report.not_found")
    transition = councils.FAMILY_EVENT.step(report["status"], command.action, command.model_dump())
    council = work.store.get("councils", report["council_id"])
    changes: dict = {"status": transition.target}
    event = None
    if command.action == "check":
        body = command.model_dump()
        problem = councils.check_problem(report, body, council["max_tables"], clock.today())
        if problem:
            raise ValidationFailed(problem[1], field=problem[0], code="family_event.bad_check")
        changes["check"] = {k: body[k] for k in ("actual_tables", "actual_guests", "simple", "findings")} | {
            "checked_on": command.checked_on.isoformat(), "max_tables": council["max_tables"]}
        event = FamilyEventChecked(report_id=report["_id"], council_id=report["council_id"],
                                   household_id=report["household_id"], kind=report["kind"],
                                   event_date=date.fromisoformat(report["event_date"]),
                                   tables=command.actual_tables, simple=command.simple,
                                   village_code=report["village_code"], township_code=report["township_code"])
    note = command.reason or command.findings

    def save(tx):
        moved = work.store.move("family_event_reports", report, changes,
                                entry(work, command.action, report["status"], transition.target, note), tx.session)
        if moved is None:
            raise Conflict("该报备刚被他人处理，请刷新后重试", field="action", code="family_event.changed")
        if event is not None:
            tx.emit(event, area_code=report["village_code"])
        return moved

    return present_report(work.transaction(save), full=True)


def list_family_events(work, area_code=None, status=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(view_area(work, area_code))
    wanted = councils.FAMILY_EVENT.statuses(status)
    if wanted:
        query["status"] = {"$in": wanted}
    result = work.store.page("family_event_reports", query, paging.page, paging.page_size, [("event_date", -1)])
    result["items"] = [present_report(r) for r in result["items"]]
    return result


def present_report(r: dict, full: bool = False) -> dict:
    view = {"report_id": r["_id"], "council_id": r["council_id"], "village_code": r["village_code"],
            "household_id": r["household_id"], "household_number": r.get("household_number"), "kind": r["kind"],
            "kind_label": codes.FAMILY_EVENT_KINDS[r["kind"]], "event_date": r["event_date"],
            "planned_tables": r["planned_tables"], "planned_guests": r["planned_guests"],
            "simple_declared": r["simple_declared"], "reported_on": r["reported_on"], "status": r["status"],
            "status_label": codes.FAMILY_EVENT_STATUS[r["status"]], "check": r.get("check"),
            "actions": councils.FAMILY_EVENT.allowed(r["status"])}
    if full:
        view["history"] = present_history(r.get("history", []), REPORT_LABELS)
    return view


# 道德评议会: reviews of points claims ------------------------------------------------------------------------------
def review_claim(work, council_id: str, payload: dict, lookups) -> dict:
    """The ethics council's opinion on a points claim of the village still waiting for the credit service's
    approval; the credit service records it on the claim (an event), and its approver decides."""
    body = parse(ClaimReviewIn, payload)
    council = _council(work, council_id, councils.ETHICS)
    not_after_today(body.held_on, "held_on")
    award = lookups.award(body.award_id)
    if award is None or award.get("village_code") != council["village_code"]:
        raise ValidationFailed("积分申报不存在或不是本村的", field="award_id", code="award.not_found")
    if award["status"] != "submitted":
        raise Conflict(f"该申报已{award['status_label']}，只有待复核的申报可以评议", field="award_id",
                       code="award.not_pending")
    doc = {"_id": new_id("CR"), "council_id": council["_id"], "award_id": body.award_id,
           "area_path": council["area_path"], "opinion": body.opinion, "held_on": body.held_on.isoformat(),
           "note": body.note, "rule_name": award["rule"]["name"], "points": award["rule"]["points"],
           "holder": award.get("holder"), "recorded_by": actor(work)}

    def save(tx):
        work.store.insert("claim_reviews", doc, tx.session)
        tx.emit(PointsClaimReviewed(review_id=doc["_id"], award_id=body.award_id, council_id=council["_id"],
                                    opinion=body.opinion, held_on=body.held_on, village_code=council["village_code"],
                                    township_code=council["township_code"]), area_code=council["village_code"])

    try:
        work.transaction(save)
    except DuplicateKeyError:
        raise Conflict("本会已评议过该申报", field="award_id", code="claim_review.exists") from None
    return present_review(doc)


def present_review(r: dict) -> dict:
    return {"review_id": r["_id"], "award_id": r["award_id"], "opinion": r["opinion"],
            "opinion_label": codes.CLAIM_OPINIONS[r["opinion"]], "held_on": r["held_on"],
            "note": pii.mask_text(r["note"]), "rule_name": r.get("rule_name"), "points": r.get("points"),
            "holder": r.get("holder"), "recorded_at": clock.iso(r.get("created_at"))}
