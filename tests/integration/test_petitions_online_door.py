"""The online channel's door into the petitions service, on the real broker and store: a resident's online petition
opens one petition however often its event arrives; one that arrives while the grid service is away is registered
at once and completed (matter, contact, tracking code) by the sweep once the grid is back; nothing personal is kept
in clear or carried by the events."""
import uuid

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from services.grid.service import GridService
from services.petitions.service import PetitionsService
from shared import config, outbox, topology
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

VILLAGE = "500229001001"
ONLINE = {"kind": "petition", "area_code": VILLAGE, "content": "反映村道硬化工程质量差，刚修好就开裂",
          "contact_name": "冉大哥", "phone": "17100003579"}


def publish(envelope: dict) -> None:
    Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish(
        envelope, exchange=get_event_exchange("grid", {}), routing_key="resident_request.received",
        message_id=envelope["event_id"], type=envelope["event_type"])


def handled(db) -> int:
    return db.inbox.count_documents({"handler": "petitions.open_from_resident_request"})


@pytest.fixture
def grid_with_request(env):
    topology.declare()
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        code = proxy.grid.submit_resident_request(ONLINE)["tracking_code"]
        wait_until(lambda: database("grid").outbox.find_one({"event_type": "grid.resident_request.received",
                                                             "state": outbox.PUBLISHED}), what="request published")
        yield proxy, code, database("grid").resident_requests.find_one({})


def test_an_online_petition_opens_once_however_often_its_event_arrives(grid_with_request):
    proxy, code, request = grid_with_request
    envelope = database("grid").outbox.find_one({"event_type": "grid.resident_request.received"})["envelope"]
    with running(PetitionsService):
        db = database("petitions")
        wait_until(lambda: handled(db) == 1, what="the first delivery handled")  # queued while petitions was down
        publish(envelope)  # the same event again
        publish({**envelope, "event_id": str(uuid.uuid4())})  # another event for the same request
        wait_until(lambda: handled(db) == 2, what="the second event handled")
        assert db.petitions.count_documents({}) == 1
        petition = proxy.petitions.list_petitions()["items"][0]
        assert (petition["channel"], petition["tracking_code"], petition["matter"]) == ("online", code,
                                                                                       ONLINE["content"])
        kept = str(list(db.petitions.find({}))) + str(list(db.outbox.find({})))
        assert "冉大哥" not in kept and "17100003579" not in kept
        assert db.outbox.count_documents({"event_type": "petitions.petition.received"}) == 1
        assert "开裂" not in str(list(db.outbox.find({})))  # the matter's words never travel


def test_one_that_arrives_while_the_grid_is_away_is_completed_by_the_sweep(env):
    topology.declare()
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:  # the resident files it; the grid then goes away
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        code = proxy.grid.submit_resident_request(ONLINE)["tracking_code"]
        wait_until(lambda: database("grid").outbox.find_one({"event_type": "grid.resident_request.received",
                                                             "state": outbox.PUBLISHED}), what="request published")
    with running(PetitionsService), rpc(COUNTY_SCOPE) as proxy:
        db = database("petitions")
        wait_until(lambda: handled(db) == 1, what="registered without the grid")
        waiting = db.petitions.find_one({})
        assert waiting["intake_pending"] is True and waiting["tracking_code"] is None
        assert proxy.petitions.get_petition(waiting["_id"])["intake_pending"] is True
        assert proxy.petitions.sweep_deadlines()["filled"] == 0  # still away
        with running(GridService):
            assert proxy.petitions.sweep_deadlines()["filled"] == 1
        seen = proxy.petitions.get_petition(waiting["_id"])
        assert (seen["tracking_code"], seen["matter"], seen["petitioners"][0]["name"], seen["intake_pending"]) == (
            code, ONLINE["content"], "冉**", False)
        assert proxy.petitions.track_petition(code, "3579")["status"] == "received"
        assert "17100003579" not in str(list(db.petitions.find({})))
