"""The emergency service's read models over the real broker: the grid's areas, workers and households (a household
that moves is found in its new grid), and the org's party members registered at a grid, each event applied once
however often it comes, an older one arriving late changing nothing."""
import uuid
from datetime import datetime, timedelta, timezone

from nameko.standalone.events import event_dispatcher

from services.emergency.service import EmergencyService
from services.grid.service import GridService
from shared import config
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

AREAS = factories.chengkou_areas(villages=1, grids=2, micro_grids=1, names=["蓼子乡"])
GRID, OTHER_GRID = factories.codes(AREAS, "grid")
MICRO, OTHER_MICRO = factories.codes(AREAS)


def org_event(name: str, data: dict, at: datetime) -> dict:
    return {"event_id": str(uuid.uuid4()), "event_type": f"org.{name}", "version": 1, "occurred_at": at.isoformat(),
            "source": "org", "area_code": GRID, "correlation_id": uuid.uuid4().hex, "causation_id": None,
            "actor": None, "data": data}


def test_the_read_models_follow_the_grid_and_the_org_once_and_in_order(env):
    with running(GridService, EmergencyService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(AREAS)
        proxy.grid.save_grid_workers([factories.grid_worker([GRID], worker_id="GWR1")])
        household = proxy.grid.register_household(factories.household(MICRO, 2))
        db = database("emergency")
        wait_until(lambda: db.households.find_one({"_id": household["household_id"]}), what="the household")
        assert db.workers.find_one({"_id": "GWR1"})["grid_codes"] == [GRID]
        assert {a["_id"] for a in db.areas.find({"kind": "grid"})} == {GRID, OTHER_GRID}
        proxy.grid.move_household(household["household_id"], OTHER_MICRO)
        wait_until(lambda: db.households.find_one({"_id": household["household_id"]})["grid_code"] == OTHER_GRID,
                   what="the household in its new grid")

        dispatch = event_dispatcher({"AMQP_URI": config.amqp_uri()})
        now = datetime.now(timezone.utc)
        registered = org_event("party_member.registered", {
            "member_id": "PM1", "org_id": f"PO{GRID}", "registration": "grid", "area_code": GRID,
            "both_registered": False, "registered_on": "2026-03-01"}, now - timedelta(minutes=5))
        for _ in range(2):  # delivered twice
            dispatch("org", "party_member.registered", registered)
        member = wait_until(lambda: db.party_members.find_one({"_id": "PM1"}), what="the member at their grid")
        assert member["grid_code"] == GRID and member["active"] is True
        assert db.inbox.count_documents({"event_id": registered["event_id"]}) == 1
        assert proxy.emergency.read_model_counts()["party_members"] == 1
        dispatch("org", "party_member.transferred", org_event("party_member.transferred", {
            "member_id": "PM1", "action": "transfer_out", "from_org_id": f"PO{GRID}", "to_org_id": None}, now))
        wait_until(lambda: db.party_members.find_one({"_id": "PM1"})["active"] is False, what="the transfer out")
        # A registration older than the transfer, arriving late, changes nothing.
        late = org_event("party_member.registered", {**registered["data"]}, now - timedelta(minutes=1))
        dispatch("org", "party_member.registered", late)
        wait_until(lambda: db.inbox.count_documents({"event_id": late["event_id"]}) == 1, what="the late event")
        assert db.party_members.find_one({"_id": "PM1"})["active"] is False
