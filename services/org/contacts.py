"""两代表一委员 regular contact: the deputies on a community's roster (people's congress deputies, party congress
deputies, CPPCC members) each have a schedule (每月, 每两月, 每季度); a visit to the community is recorded against the
roster, moves the deputy's last contact, and an overdue contact is flagged once for each due day
(`org.deputy_contact.overdue`). The visits live here, beside the roster they are measured against (ADR 0026)."""
from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.errors import ValidationFailed, parse
from shared.paging import page_request

from . import domain
from .api.codes import DEPUTY_KINDS, VISIT_KINDS, RosterRole
from .api.events import DeputyContactOverdue, DeputyContactVisited
from .api.rpc import DeputyVisitIn
from .commands import _area_in_scope, _view_area
from .store import new_id

ROLE = RosterRole.deputy_contact.value


def _slot(work, area_code: str) -> dict:
    stored = work.store.rosters({"_id": f"{area_code}:{ROLE}", **work.scope.query()})
    return stored[0] if stored else {}


def record_visit(work, payload: dict) -> dict:
    """A deputy's visit to the community whose roster lists them; the last contact moves to it."""
    visit = parse(DeputyVisitIn, payload)
    if visit.client_ref and (known := work.store.deputy_visit_by_ref(visit.client_ref)):
        return present_visit(known)
    area = _area_in_scope(work, visit.area_code, "area_code", level=12)
    if visit.visited_on > clock.today():
        raise ValidationFailed("联系日期不能晚于今天", field="visited_on")
    roster = _slot(work, area["_id"])
    person = next((p for p in roster.get("people", []) if p.get("person_id") == visit.person_id), None)
    if person is None:
        raise ValidationFailed("不是该社区两代表一委员名册中的人员", field="person_id", code="deputy_contact.not_listed")
    doc = {"_id": new_id("DV"), **visit.model_dump(mode="json", exclude={"client_ref"}), "area_path": area["path"],
           "deputy_kind": person["deputy_kind"], "recorded_by": work.actor_ref(), "recorded_at": clock.now()}
    if visit.client_ref:
        doc["client_ref"] = visit.client_ref
    last = max(filter(None, [person.get("last_contact_on"), doc["visited_on"]]))
    people = [{**p, "last_contact_on": last} if p["person_id"] == visit.person_id else p for p in roster["people"]]
    due = domain.next_contact_on({**person, "last_contact_on": last})

    def save(tx):
        work.store.insert_deputy_visit(doc, tx.session)
        work.store.save_roster({**{k: roster[k] for k in ("area_code", "role", "area_path")}, "people": people,
                                "updated_by": work.actor_ref()}, tx.session)
        tx.emit(DeputyContactVisited(visit_id=doc["_id"], person_id=visit.person_id, area_code=area["_id"],
                                     deputy_kind=person["deputy_kind"], visited_on=visit.visited_on,
                                     next_contact_on=due), area_code=area["_id"])

    try:
        work.transaction(save)
    except DuplicateKeyError:
        return present_visit(work.store.deputy_visit_by_ref(visit.client_ref))
    return present_visit(doc)


def list_visits(work, area_code=None, person_id=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(_view_area(work, area_code))
    if person_id:
        query["person_id"] = str(person_id)
    result = work.store.list_deputy_visits(query, paging.page, paging.page_size)
    result["items"] = [present_visit(v) for v in result["items"]]
    return result


def present_visit(v: dict) -> dict:
    return {"visit_id": v["_id"], "person_id": v["person_id"], "area_code": v["area_code"],
            "deputy_kind": v["deputy_kind"], "deputy_kind_label": DEPUTY_KINDS[v["deputy_kind"]],
            "visited_on": v["visited_on"], "kind": v["kind"], "kind_label": VISIT_KINDS[v["kind"]],
            "content": v["content"], "participants": v["participants"],
            "recorded_by": (v.get("recorded_by") or {}).get("name")}


def flag_overdue(work, as_of: str | None = None) -> dict:
    """Flag each deputy whose contact is past due, once for that due day (a deputy never contacted is due from
    the day they were put on the roster)."""
    today = clock.parse_local(as_of, "as_of").date() if as_of else clock.today()
    flagged = []
    for roster in work.store.rosters({"role": ROLE}):
        for person in roster["people"]:
            if not person.get("frequency") or not person.get("person_id"):
                continue
            due = domain.next_contact_on(person)
            if due is None:
                listed = roster.get("updated_at")
                due = (listed.astimezone(clock.LOCAL).date() if listed else today) + timedelta(
                    days=domain.FREQUENCY_DAYS[person["frequency"]])
            if due >= today:
                continue

            def save(tx, person=person, due=due, roster=roster):
                if not work.store.flag_deputy_contact(f"{person['person_id']}:{due.isoformat()}", tx.session):
                    return False
                tx.emit(DeputyContactOverdue(person_id=person["person_id"], area_code=roster["area_code"],
                                             deputy_kind=person["deputy_kind"], due_on=due,
                                             days_overdue=(today - due).days), area_code=roster["area_code"])
                return True

            if work.transaction(save):
                flagged.append(person["person_id"])
    return {"as_of": today.isoformat(), "flagged": flagged}
