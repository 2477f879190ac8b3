"""The org service layer: the organisation tree and its coverage gaps (over the read model of the grid's areas
that readmodel.py keeps), members with their transfers and 双报到, cadres in the grids, joint building, area
rosters and the figures. Each command loads within the caller's scope, applies domain.py, and saves with its
events in one transaction.

Political status is shown per member only where the caller holds `org.sensitive` (`sensitive`: the area codes of
those grants, passed by the gateway; None or empty shows it nowhere), and then with the member's name unmasked.
"""
from datetime import date

from prometheus_client import Gauge
from pymongo.errors import DuplicateKeyError

from shared import area_model, clock, pii
from shared.errors import Conflict, NotFound, ValidationFailed, parse
from shared.paging import page_request

from . import domain, figures
from .api.codes import (
    ACTIVITY_KINDS,
    CATEGORY_LABELS,
    DEPUTY_KINDS,
    FREQUENCY_LABELS,
    KIND_LABELS,
    LEVEL_NAMES,
    MEMBER_STATUS_LABELS,
    MEMBERSHIP,
    PARTNER_KINDS,
    POLITICAL_STATUS_LABELS,
    REGISTRATION_LABELS,
    ROSTER_LABELS,
    ROSTER_LEVEL,
    Category,
    OrgKind,
    PoliticalStatus,
    RegistrationKind,
    RosterRole,
)
from .api.events import AreaRosterUpdated, CadreAssigned, PartyMemberRegistered, PartyMemberTransferred, PartyOrgCreated
from .api.rpc import (
    CadreActivityIn,
    CadreAssignmentIn,
    JointActivityIn,
    JointBuildingIn,
    MemberIn,
    PartyOrgIn,
    RegistrationIn,
    RosterIn,
    TransferIn,
)
from .domain import COUNTY_CODE, area_path
from .store import new_id

# The plan's party-building figures for the whole county behind a gauge (figure names as labels, nothing else).
COUNTY_FIGURES = Gauge("xz_org_county_figure", "党建指标 of the whole county: branch coverage, double-registration "
                       "rate, cadres per grid, roster completeness", ["figure"])
GAUGED = ("branch_coverage", "double_registration_rate", "cadres_per_grid", "roster_completeness")


# areas, as the read model knows them (readmodel.py keeps it) -------------------------------------------------
def _area_in_scope(work, code: str, field: str, level: int | None = None) -> dict:
    """An area the caller may act in, as the read model knows it (400 naming the field otherwise)."""
    area = work.store.get_area(code)
    if area is None and code == COUNTY_CODE:
        area = {"_id": code, "code": code, "kind": "county", "name": "城口县", "path": [code]}
    if area is None or not work.scope.allows(area["path"]):
        raise ValidationFailed("区划不存在或不在辖区内（新建的网格须待网格服务同步）", field=field, code="area.not_found")
    if level is not None and len(code) != level:
        raise ValidationFailed(f"应选择{LEVEL_NAMES[level]}", field=field, code="area.wrong_level")
    return area


def _view_area(work, area_code: str | None) -> str:
    """The area a list or figure is for: the one asked, else the caller's first area, else the county."""
    code = area_code or (work.scope.codes[0] if work.scope.codes else COUNTY_CODE)
    if not work.scope.allows(area_path(code)):
        raise NotFound("区划不在辖区内", field="area_code", code="area.not_found")
    return code


def list_areas(work, parent_code: str | None = None) -> dict:
    """The areas the org service knows below one (from the read model), for pickers."""
    code, query = area_model.children_query(work.scope, parent_code)
    return {"parent_code": code, "items": [{"code": a["_id"], "name": a["name"], "kind": a["kind"]}
                                           for a in work.store.areas(query)]}


# the organisation tree ---------------------------------------------------------------------------------------
def save_party_org(work, payload: dict) -> dict:
    org = parse(PartyOrgIn, payload)
    area = _area_in_scope(work, org.area_code, "area_code")
    parent = work.store.get_org(org.parent_org_id) if org.parent_org_id else None
    problem = domain.org_problem(org, area["kind"], parent)
    if problem:
        raise ValidationFailed(problem[1], field=problem[0], code="party_org.misplaced")
    known = work.store.get_org(org.org_id)
    if known is not None and (known["area_code"], known["kind"]) != (org.area_code, org.kind.value):
        raise Conflict("党组织编号已被另一组织使用", field="org_id", code="party_org.id_taken")
    doc = {**org.model_dump(mode="json"), "area_path": area_path(org.area_code)}

    def save(tx):
        if work.store.save_org(doc, tx.session):
            tx.emit(PartyOrgCreated(org_id=org.org_id, kind=org.kind.value, area_code=org.area_code,
                                    parent_org_id=org.parent_org_id,
                                    grid_code=org.area_code if len(org.area_code) == 15 else None),
                    area_code=org.area_code)

    work.transaction(save)
    return present_org(doc, work.store.area_names([org.area_code]))


def present_org(doc: dict, names: dict[str, str]) -> dict:
    return {"org_id": doc["org_id"], "name": doc["name"], "kind": doc["kind"],
            "kind_label": KIND_LABELS[OrgKind(doc["kind"])], "area_code": doc["area_code"],
            "area_name": names.get(doc["area_code"], doc["area_code"]), "parent_org_id": doc.get("parent_org_id"),
            "secretary": doc.get("secretary"), "founded_on": doc.get("founded_on"), "active": doc.get("active", True)}


def list_party_orgs(work, area_code: str | None = None) -> dict:
    """The tree under an area, flat, parents before children (ordered by area code)."""
    code = _view_area(work, area_code)
    query = work.scope.within(code)
    # The organisations above the area too, so that the tree of a township still hangs from the county committee.
    above = {"area_code": {"$in": area_path(code)[:-1]}}
    docs = work.store.orgs({"$or": [query, above]} if query else {"$or": [{"area_path": code}, above]})
    names = work.store.area_names({d["area_code"] for d in docs})
    return {"area_code": code, "items": [present_org(d, names) for d in docs]}


def coverage_gaps(work, area_code: str | None = None, page=1, page_size=50) -> dict:
    """Grids of the area with neither a branch nor a party group on them (支部建在网格上)."""
    paging = page_request(page, page_size)
    code = _view_area(work, area_code)
    grids = work.store.areas({**work.scope.within(code, "path"), "kind": "grid"})
    covered = {o["area_code"] for o in work.store.orgs(
        {**work.scope.within(code), "kind": {"$in": [k.value for k in domain.GRID_KINDS]}, "active": True},
        {"area_code": 1})}
    gaps = [g for g in grids if g["_id"] not in covered]
    shown = gaps[(paging.page - 1) * paging.page_size: paging.page * paging.page_size]
    names = work.store.area_names({c for g in shown for c in g["path"][1:3]})
    return {"area_code": code, "grids": len(grids), "total": len(gaps), "page": paging.page,
            "page_size": paging.page_size,
            "items": [{"grid_code": g["_id"], "grid_name": g["name"], "village_code": g["path"][2],
                       "village_name": names.get(g["path"][2]), "township_code": g["path"][1],
                       "township_name": names.get(g["path"][1])} for g in shown]}


# members ----------------------------------------------------------------------------------------------------
def _org_in_scope(work, org_id: str, field: str) -> dict:
    org = work.store.get_org(org_id)
    if org is None or not work.scope.allows(org["area_path"]):
        raise ValidationFailed("党组织不存在或不在辖区内", field=field, code="party_org.not_found")
    if not org.get("active", True):
        raise ValidationFailed("该党组织已撤销", field=field, code="party_org.inactive")
    return org


def register_member(work, payload: dict, sensitive: list[str] | None = None) -> dict:
    """Put a party member on the roster of an organisation (a resident, a transferred-in member, or an agency
    member living in the area)."""
    member_in = parse(MemberIn, payload)
    org = _org_in_scope(work, member_in.org_id, "org_id")
    if work.store.member_by_id_number(member_in.id_number):
        raise Conflict("该党员已在册", field="id_number", code="party_member.exists")
    now = clock.now()
    doc = {"_id": new_id("PM"), **member_in.model_dump(mode="json"), "area_path": org["area_path"],
           "status": "active", "registrations": {}, "revision": 0, "created_at": now, "updated_at": now,
           "history": [{"action": "enrol", "to_org_id": org["_id"], "on": clock.now().astimezone(clock.LOCAL)
                        .date().isoformat(), "at": now, "actor": work.actor_ref(),
                        "note": member_in.origin if member_in.origin else CATEGORY_LABELS[member_in.category]}]}
    try:
        work.transaction(lambda tx: work.store.insert_member(doc, tx.session))
    except DuplicateKeyError:
        raise Conflict("该党员已在册", field="id_number", code="party_member.exists") from None
    return present_member(work.store.get_member(doc["_id"]), sensitive, work, full=True)


def _member_in_scope(work, member_id: str) -> dict:
    member = work.store.get_member(str(member_id or ""), work.scope.query())
    if member is None:
        raise NotFound("党员不存在或不在辖区内", field="member_id", code="party_member.not_found")
    return member


def get_member(work, member_id: str, sensitive: list[str] | None = None) -> dict:
    return present_member(_member_in_scope(work, member_id), sensitive, work, full=True)


def list_members(work, area_code=None, org_id=None, status=None, registration=None, page=1, page_size=20,
                 sensitive: list[str] | None = None) -> dict:
    paging = page_request(page, page_size)
    code = _view_area(work, area_code)
    clauses = [work.scope.within(code)]
    if org_id:
        clauses.append({"org_id": org_id})
    if status:
        if status not in MEMBER_STATUS_LABELS:
            raise ValidationFailed(f"状态应为以下之一：{'、'.join(MEMBER_STATUS_LABELS)}", field="status")
        clauses.append({"status": status})
    if registration == "both":
        clauses += [{"registrations.grid": {"$exists": True}}, {"registrations.community": {"$exists": True}}]
    elif registration == "missing":
        clauses.append({"$or": [{"registrations.grid": {"$exists": False}},
                                {"registrations.community": {"$exists": False}}]})
    elif registration:
        raise ValidationFailed("报到情况应为 both 或 missing", field="registration")
    result = work.store.list_members({"$and": clauses}, paging.page, paging.page_size,
                                     [("area_path", 1), ("_id", 1)])
    result["items"] = [present_member(m, sensitive, work) for m in result["items"]]
    return result


def transfer_member(work, member_id: str, payload: dict, sensitive: list[str] | None = None) -> dict:
    """组织关系转接: within the county (to another organisation), out of it, or back in; the history stays."""
    command = parse(TransferIn, payload)
    member = _member_in_scope(work, member_id)
    MEMBERSHIP.step(member["status"], command.action, command.model_dump())
    changes: dict = {"status": MEMBERSHIP.transitions[command.action].target}
    if command.to_org_id:
        org = _org_in_scope(work, command.to_org_id, "to_org_id")
        if org["_id"] == member["org_id"] and command.action == "transfer":
            raise ValidationFailed("已在该党组织", field="to_org_id", code="party_member.same_org")
        changes.update(org_id=org["_id"], area_path=org["area_path"])
        if command.action == "transfer_in":
            changes["registrations"] = {}  # back from elsewhere: both registrations are made afresh
    if command.on > clock.today():
        raise ValidationFailed("日期不能晚于今天", field="on")
    entry = {"action": command.action, "from_org_id": member["org_id"], "to_org_id": command.to_org_id,
             "destination": command.destination, "on": command.on.isoformat(), "note": command.note,
             "at": clock.now(), "actor": work.actor_ref()}

    def save(tx):
        moved = work.store.change_member(member, changes, entry, tx.session)
        if moved is None:
            raise Conflict("该党员信息刚被他人修改，请刷新后重试", code="party_member.changed")
        tx.emit(PartyMemberTransferred(member_id=member["_id"], action=command.action,
                                       from_org_id=member["org_id"], to_org_id=command.to_org_id),
                area_code=moved["area_path"][-1])
        return moved

    return present_member(work.transaction(save), sensitive, work, full=True)


def record_registration(work, member_id: str, payload: dict, sensitive: list[str] | None = None) -> dict:
    """One of the two registrations of 双报到 (at the grid unit, at the residential community) with what the
    member shows: identity, duty and pledge. A new registration of the same kind replaces the last one."""
    registration = parse(RegistrationIn, payload)
    member = _member_in_scope(work, member_id)
    if member["status"] != "active":
        raise Conflict("已转出的党员不能报到", field="kind", code="party_member.not_active")
    area = work.store.get_area(registration.area_code)
    wanted = ("grid",) if registration.kind == "grid" else ("village", "community")
    if area is None or area["kind"] not in wanted:
        raise ValidationFailed("报到的网格或社区不存在（新建的网格须待网格服务同步）", field="area_code",
                               code="area.not_found")
    kind = registration.kind.value
    entry = {**registration.model_dump(mode="json"), "recorded_at": clock.now(), "recorded_by": work.actor_ref()}
    registrations = {**member.get("registrations", {}), kind: entry}
    both = domain.both_registered(registrations)

    def save(tx):
        moved = work.store.change_member(member, {f"registrations.{kind}": entry},
                                         {"action": f"register_{kind}", "area_code": registration.area_code,
                                          "on": registration.registered_on.isoformat(), "at": clock.now(),
                                          "actor": work.actor_ref()}, tx.session)
        if moved is None:
            raise Conflict("该党员信息刚被他人修改，请刷新后重试", code="party_member.changed")
        tx.emit(PartyMemberRegistered(member_id=member["_id"], org_id=member["org_id"], registration=kind,
                                      area_code=registration.area_code, both_registered=both,
                                      registered_on=registration.registered_on), area_code=registration.area_code)
        return moved

    return present_member(work.transaction(save), sensitive, work, full=True)


def may_see_political_status(member: dict, sensitive: list[str] | None) -> bool:
    return bool(sensitive) and any(code in member["area_path"] for code in sensitive)


def present_member(m: dict, sensitive: list[str] | None, work=None, full: bool = False) -> dict:
    """A member as staff see them: ID number and phone masked always; political status and the day they joined,
    and the name unmasked, only where the caller holds `org.sensitive`."""
    visible = may_see_political_status(m, sensitive)
    registrations = m.get("registrations") or {}
    view = {"member_id": m["_id"], "org_id": m["org_id"], "area_code": m["area_path"][-1], "area_path": m["area_path"],
            "name": m["name"] if visible else pii.mask_name(m["name"]), "gender": m["gender"],
            "id_number": pii.mask_id_number(m.get("id_number")), "phone": pii.mask_phone(m.get("phone")),
            "category": m["category"], "category_label": CATEGORY_LABELS[Category(m["category"])],
            "work_unit": m.get("work_unit"), "origin": m.get("origin"), "status": m["status"],
            "status_label": MEMBER_STATUS_LABELS[m["status"]],
            "registrations": {k: {f: r.get(f) for f in ("area_code", "registered_on", "identity", "duty", "pledge")}
                              | {"label": REGISTRATION_LABELS[RegistrationKind(k)]}
                              for k, r in registrations.items()},
            "both_registered": domain.both_registered(registrations), "political_status_visible": visible}
    if visible:
        view.update(political_status=m["political_status"], joined_on=m["joined_on"],
                    political_status_label=POLITICAL_STATUS_LABELS[PoliticalStatus(m["political_status"])])
    if full:
        view["actions"] = MEMBERSHIP.allowed(m["status"])
        view["history"] = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in h.items()}
                           for h in m.get("history", [])]
        if work is not None:
            codes = {r.get("area_code") for r in registrations.values()} | {m["area_path"][-1]}
            view["area_names"] = work.store.area_names(c for c in codes if c)
            org = work.store.get_org(m["org_id"])
            view["org_name"] = org["name"] if org else None
    return view


# cadres in the grids ------------------------------------------------------------------------------------------
def assign_cadre(work, payload: dict) -> dict:
    """下沉网格: an agency cadre assigned to a grid (a repeated `client_ref` returns the first assignment)."""
    assignment = parse(CadreAssignmentIn, payload)
    if assignment.client_ref and (known := work.store.assignment_by_ref(assignment.client_ref)):
        return present_assignment(known)
    area = _area_in_scope(work, assignment.grid_code, "grid_code", level=15)
    doc = {"_id": new_id("CA"), **assignment.model_dump(mode="json", exclude_none=True),
           "phone": assignment.phone, "area_path": area["path"], "status": "active", "activities": [],
           "created_at": clock.now(), "actor": work.actor_ref()}

    def save(tx):
        work.store.insert_assignment(doc, tx.session)
        tx.emit(CadreAssigned(assignment_id=doc["_id"], grid_code=assignment.grid_code,
                              village_code=area["path"][2], township_code=area["path"][1],
                              assigned_on=assignment.assigned_on), area_code=assignment.grid_code)

    try:
        work.transaction(save)
    except DuplicateKeyError:
        return present_assignment(work.store.assignment_by_ref(assignment.client_ref))
    return present_assignment(work.store.get_assignment(doc["_id"]))


def _assignment_in_scope(work, assignment_id: str) -> dict:
    found = work.store.get_assignment(str(assignment_id or ""), work.scope.query())
    if found is None:
        raise NotFound("下沉干部记录不存在或不在辖区内", field="assignment_id", code="cadre.not_found")
    return found


def record_cadre_activity(work, assignment_id: str, payload: dict) -> dict:
    activity = parse(CadreActivityIn, payload)
    found = _assignment_in_scope(work, assignment_id)
    if found["status"] != "active":
        raise Conflict("该干部已结束下沉，不能再记录活动", code="cadre.ended")
    if activity.held_on > clock.today() or activity.held_on < date.fromisoformat(found["assigned_on"]):
        raise ValidationFailed("活动日期应在下沉之后、今天之前", field="held_on")
    entry = {**activity.model_dump(mode="json"), "recorded_at": clock.now(), "recorded_by": work.actor_ref()}
    return present_assignment(work.transaction(lambda tx: work.store.update_assignment(
        found["_id"], {"$push": {"activities": entry}}, tx.session)))


def end_cadre_assignment(work, assignment_id: str, payload: dict) -> dict:
    found = _assignment_in_scope(work, assignment_id)
    if found["status"] != "active":
        raise Conflict("该干部已结束下沉", code="cadre.ended")
    ended_on = clock.parse_local((payload or {}).get("ended_on") or "", "ended_on").date()
    if ended_on < date.fromisoformat(found["assigned_on"]):
        raise ValidationFailed("结束日期不能早于下沉日期", field="ended_on")
    return present_assignment(work.transaction(lambda tx: work.store.update_assignment(
        found["_id"], {"$set": {"status": "ended", "ended_on": ended_on.isoformat()}}, tx.session)))


def list_cadres(work, area_code=None, status=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    code = _view_area(work, area_code)
    query = work.scope.within(code)
    if status:
        if status not in ("active", "ended"):
            raise ValidationFailed("状态应为 active 或 ended", field="status")
        query = {"$and": [query, {"status": status}]}
    result = work.store.list_assignments(query, paging.page, paging.page_size)
    names = work.store.area_names({a["grid_code"] for a in result["items"]})
    result["items"] = [present_assignment(a, names) for a in result["items"]]
    return result


def present_assignment(a: dict, names: dict | None = None) -> dict:
    return {"assignment_id": a["_id"], "name": a["name"], "phone": pii.mask_phone(a.get("phone")),
            "work_unit": a["work_unit"], "post": a.get("post"), "grid_code": a["grid_code"],
            "grid_name": (names or {}).get(a["grid_code"]), "assigned_on": a["assigned_on"],
            "status": a["status"], "status_label": "在岗" if a["status"] == "active" else "已结束",
            "ended_on": a.get("ended_on"),
            "activities": [{"held_on": x["held_on"], "kind": x["kind"], "kind_label": ACTIVITY_KINDS[x["kind"]],
                            "content": x["content"]} for x in a.get("activities", [])]}


# joint building ----------------------------------------------------------------------------------------------
def pair_joint_building(work, payload: dict) -> dict:
    """联建共建: an agency, enterprise or institution paired with a village (community) or township organisation."""
    pair = parse(JointBuildingIn, payload)
    if pair.client_ref and (known := work.store.joint_building_by_ref(pair.client_ref)):
        return present_joint_building(known)
    org = _org_in_scope(work, pair.org_id, "org_id")
    if len(org["area_code"]) not in (9, 12):
        raise ValidationFailed("联建共建的对象应为乡镇（街道）或村（社区）党组织", field="org_id",
                               code="joint_building.wrong_level")
    doc = {"_id": new_id("JB"), **pair.model_dump(mode="json", exclude_none=True), "area_path": org["area_path"],
           "org_name": org["name"], "activities": [], "created_at": clock.now(), "actor": work.actor_ref()}
    try:
        work.transaction(lambda tx: work.store.insert_joint_building(doc, tx.session))
    except DuplicateKeyError:
        return present_joint_building(work.store.joint_building_by_ref(pair.client_ref))
    return present_joint_building(doc)


def record_joint_activity(work, pair_id: str, payload: dict) -> dict:
    activity = parse(JointActivityIn, payload)
    pair = work.store.get_joint_building(str(pair_id or ""), work.scope.query())
    if pair is None:
        raise NotFound("联建共建记录不存在或不在辖区内", field="pair_id", code="joint_building.not_found")
    if activity.held_on > clock.today():
        raise ValidationFailed("活动日期不能晚于今天", field="held_on")
    entry = {**activity.model_dump(mode="json"), "recorded_at": clock.now(), "recorded_by": work.actor_ref()}
    return present_joint_building(work.transaction(lambda tx: work.store.update_joint_building(
        pair["_id"], {"$push": {"activities": entry}}, tx.session)))


def list_joint_buildings(work, area_code=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    result = work.store.list_joint_buildings(work.scope.within(_view_area(work, area_code)), paging.page,
                                             paging.page_size)
    result["items"] = [present_joint_building(p) for p in result["items"]]
    return result


def present_joint_building(p: dict) -> dict:
    return {"pair_id": p["_id"], "partner_name": p["partner_name"], "partner_kind": p["partner_kind"],
            "partner_kind_label": PARTNER_KINDS[p["partner_kind"]], "org_id": p["org_id"],
            "org_name": p.get("org_name"), "since": p["since"], "content": p["content"],
            "activities": [{k: x[k] for k in ("held_on", "title", "content", "participants")}
                           for x in p.get("activities", [])]}


# area rosters -----------------------------------------------------------------------------------------------
def save_roster(work, payload: dict) -> dict:
    """Set who fills one role of an area's roster (the whole list for that role: empty clears it)."""
    roster = parse(RosterIn, payload)
    area = _area_in_scope(work, roster.area_code, "area_code", level=ROSTER_LEVEL[roster.role])
    # Phones come back masked, so a person saved again without one keeps the phone stored for them.
    stored = work.store.rosters({"_id": f"{roster.area_code}:{roster.role.value}"})
    kept = {(p["name"], p["unit"]): p.get("phone") for r in stored for p in r["people"]}
    people = domain.person_ids(stored, [{**p.model_dump(mode="json"), "phone": p.phone or kept.get((p.name, p.unit))}
                                        for p in roster.people], new_id)
    if stored and stored[0]["people"] == people:
        return present_slot(area, roster.role.value, people)  # the same roster again: nothing to record
    for i, person in enumerate(roster.people):
        if person.last_contact_on and person.last_contact_on > clock.today():
            raise ValidationFailed("最近联系日期不能晚于今天", field=f"people.{i}.last_contact_on")
    doc = {"area_code": roster.area_code, "role": roster.role.value, "area_path": area["path"], "people": people,
           "updated_by": work.actor_ref()}
    complete = domain.roster_complete(roster.role, people)

    def save(tx):
        work.store.save_roster(doc, tx.session)
        tx.emit(AreaRosterUpdated(area_code=roster.area_code, role=roster.role.value, people=len(people),
                                  complete=complete), area_code=roster.area_code)

    work.transaction(save)
    return present_slot(area, roster.role.value, people)


def present_slot(area: dict, role: str, people: list[dict]) -> dict:
    today = clock.today()
    shown = []
    for p in people:
        due = domain.next_contact_on(p)
        shown.append({"person_id": p.get("person_id"), "name": p["name"], "unit": p["unit"],
                      "phone": pii.mask_phone(p.get("phone")),
                      "deputy_kind": p.get("deputy_kind"), "deputy_kind_label": DEPUTY_KINDS.get(p.get("deputy_kind")),
                      "frequency": p.get("frequency"), "frequency_label": FREQUENCY_LABELS.get(p.get("frequency")),
                      "last_contact_on": p.get("last_contact_on"),
                      "next_contact_on": due.isoformat() if due else None,
                      "contact_overdue": bool(p.get("frequency")) and (due is None or due < today)})
    return {"area_code": area["_id"], "area_name": area.get("name"), "role": role,
            "role_label": ROSTER_LABELS[RosterRole(role)], "people": shown,
            "complete": domain.roster_complete(role, people)}


def list_rosters(work, area_code: str | None = None) -> dict:
    """Every roster slot an area and the areas under it must fill, filled or not."""
    code = _view_area(work, area_code)
    areas = list(work.store.areas({**work.scope.within(code, "path"), "kind": {"$ne": "grid"}}))
    stored = {(r["area_code"], r["role"]): r["people"] for r in work.store.rosters(work.scope.within(code))}
    slots = [present_slot(a, role.value, stored.get((a["_id"], role.value), []))
             for a in areas for role in domain.required_roles(a["kind"])]
    return {"area_code": code, "slots": len(slots), "complete": sum(1 for s in slots if s["complete"]),
            "items": slots}


# figures -----------------------------------------------------------------------------------------------------
def compute_figures(work, area_code: str | None = None) -> dict:
    code = _view_area(work, area_code)
    if code != COUNTY_CODE and work.store.get_area(code) is None:
        raise NotFound("区划不存在", field="area_code", code="area.not_found")
    areas = [{**a, "code": a["_id"]} for a in work.store.areas({"path": code})]
    orgs = work.store.orgs({"area_path": code}, {"area_code": 1, "kind": 1, "active": 1})
    members = work.store.members_for_figures({"area_path": code})
    cadres = work.store.assignments_for_figures({"area_path": code})
    rosters = work.store.rosters({"area_path": code})
    names = {a["code"]: a["name"] for a in areas}
    result = figures.compute(code, areas, orgs, members, cadres, rosters)
    result["area_name"] = names.get(code, "城口县" if code == COUNTY_CODE else code)
    if code == COUNTY_CODE:
        for name in GAUGED:
            COUNTY_FIGURES.labels(name).set(result[name] if result[name] is not None else float("nan"))
    return result


def reference() -> dict:
    """Labels and definitions for the console."""
    return {"kinds": {str(k): v for k, v in KIND_LABELS.items()},
            "categories": {str(k): v for k, v in CATEGORY_LABELS.items()},
            "political_statuses": {str(k): v for k, v in POLITICAL_STATUS_LABELS.items()},
            "member_statuses": MEMBER_STATUS_LABELS, "membership": MEMBERSHIP.table(),
            "registrations": {str(k): v for k, v in REGISTRATION_LABELS.items()},
            "activity_kinds": ACTIVITY_KINDS, "partner_kinds": PARTNER_KINDS,
            "roster_roles": {str(k): v for k, v in ROSTER_LABELS.items()}, "deputy_kinds": DEPUTY_KINDS,
            "frequencies": FREQUENCY_LABELS, "definitions": figures.DEFINITIONS}
