"""两代表一委员 regular contact, on the real broker and store with the grid and org services: a deputy on a
community's roster visits it (the last contact moves, the next is due by the schedule, an event names the person by
id only); a visit by someone not on the roster is refused; the roster saved again keeps each person's id and the
later last contact; an overdue contact is flagged once for its due day."""
from datetime import timedelta

import pytest

from services.grid.service import GridService
from services.org.service import OrgService
from shared import clock
from shared.errors import ValidationFailed
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

COMMUNITY = "500229001001"
TODAY = clock.today()
PEOPLE = [{"name": "冉代表", "unit": "县人大代表", "deputy_kind": "npc_deputy", "frequency": "monthly",
           "last_contact_on": (TODAY - timedelta(days=40)).isoformat()},
          {"name": "向代表", "unit": "县党代表", "deputy_kind": "party_congress_deputy", "frequency": "quarterly",
           "last_contact_on": (TODAY - timedelta(days=10)).isoformat()},
          {"name": "谭委员", "unit": "县政协委员", "deputy_kind": "cppcc_member", "frequency": "quarterly"}]


@pytest.fixture(scope="module")
def org(module_gateway_port):
    with running(GridService, OrgService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        wait_until(lambda: database("org").areas.find_one({"_id": COMMUNITY}), what="the community in org")
        proxy.org.save_roster({"role": "deputy_contact", "area_code": COMMUNITY, "people": PEOPLE})
        yield proxy


def slot(org) -> dict:
    return next(s for s in org.org.list_rosters(COMMUNITY)["items"] if s["role"] == "deputy_contact")


def test_a_deputy_s_visit_moves_the_last_contact_and_the_next_is_due_by_the_schedule(org):
    before = {p["name"]: p for p in slot(org)["people"]}
    deputy = before["冉代表"]
    assert deputy["contact_overdue"] is True and deputy["person_id"].startswith("DP")
    visit = {"area_code": COMMUNITY, "person_id": deputy["person_id"], "visited_on": TODAY.isoformat(),
             "kind": "reception", "content": "在社区接待群众，收集道路维修意见", "participants": 18,
             "client_ref": "visit-ran-000001"}
    first = org.org.record_deputy_visit(visit)
    assert org.org.record_deputy_visit(visit)["visit_id"] == first["visit_id"]  # a retry is the same visit
    after = {p["name"]: p for p in slot(org)["people"]}["冉代表"]
    assert after["last_contact_on"] == TODAY.isoformat() and after["contact_overdue"] is False
    assert after["next_contact_on"] == (TODAY + timedelta(days=30)).isoformat()
    assert org.org.list_deputy_visits(COMMUNITY, deputy["person_id"])["total"] == 1
    events = [e["envelope"] for e in database("org").outbox.find({"event_type": "org.deputy_contact.visited"})]
    assert len(events) == 1 and events[0]["data"]["person_id"] == deputy["person_id"]
    assert "冉代表" not in str(events)

    # The roster saved again as it was (an older last contact): ids kept, the visit's later contact kept.
    org.org.save_roster({"role": "deputy_contact", "area_code": COMMUNITY, "people": PEOPLE})
    again = {p["name"]: p for p in slot(org)["people"]}
    assert {n: p["person_id"] for n, p in again.items()} == {n: p["person_id"] for n, p in before.items()}
    assert again["冉代表"]["last_contact_on"] == TODAY.isoformat()


def test_a_visit_by_someone_not_on_the_roster_or_in_the_future_is_refused(org):
    person = slot(org)["people"][0]["person_id"]
    with pytest.raises(ValidationFailed) as unknown:
        org.org.record_deputy_visit({"area_code": COMMUNITY, "person_id": "DP0123456789abcdef",
                                     "visited_on": TODAY.isoformat(), "kind": "visit", "content": "走访",
                                     "participants": 3})
    assert unknown.value.field == "person_id"
    with pytest.raises(ValidationFailed) as future:
        org.org.record_deputy_visit({"area_code": COMMUNITY, "person_id": person,
                                     "visited_on": (TODAY + timedelta(days=1)).isoformat(), "kind": "visit",
                                     "content": "走访", "participants": 3})
    assert future.value.field == "visited_on"
    with pytest.raises(ValidationFailed) as kind:
        org.org.record_deputy_visit({"area_code": COMMUNITY, "person_id": person, "visited_on": TODAY.isoformat(),
                                     "kind": "party", "content": "走访", "participants": 3})
    assert kind.value.field == "kind" and "走访群众" in kind.value.message


def test_an_overdue_contact_is_flagged_once_for_its_due_day(org):
    people = {p["name"]: p for p in slot(org)["people"]}
    later = (TODAY + timedelta(days=100)).isoformat()
    flagged = org.org.flag_overdue_deputy_contacts(later)["flagged"]
    assert set(flagged) == {p["person_id"] for p in people.values()}
    assert org.org.flag_overdue_deputy_contacts(later)["flagged"] == []
    overdue = [e["envelope"]["data"] for e in database("org").outbox.find({"event_type": "org.deputy_contact.overdue"})]
    assert len(overdue) == 3 and {d["area_code"] for d in overdue} == {COMMUNITY}
    due = {d["person_id"]: d["due_on"] for d in overdue}
    assert due[people["向代表"]["person_id"]] == people["向代表"]["next_contact_on"]
