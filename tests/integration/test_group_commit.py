"""Events a subscriber holds at once are applied together in one transaction when its handler allows it: each is
still applied exactly once, a duplicate among them changes nothing, and a poison event is parked alone while the
others of its batch are applied. Real broker, real store."""
import uuid

from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange
from prometheus_client import REGISTRY

from services.grid.api.events import HouseholdRegistered
from shared import config, topology
from shared.events import envelope_for
from shared.mongo import ASC, Index
from shared.service import ReliableService
from shared.storage import Storage
from shared.subscriber import handles
from tests.fault.polling import wait_until
from tests.harness import database, running

POISON = "HH-poison"


class BatchProbeStore:
    INDEXES = [Index("applied", [("event_id", ASC)])]

    def __init__(self, db):
        self.db = db


class BatchProbeService(ReliableService):
    name = "batchprobe"
    db = Storage(BatchProbeStore)

    @handles("grid", "household.registered", batch=True)
    def on_household_registered(self, tx, envelope):
        self.db.db.applied.insert_one({"event_id": envelope.event_id, "household_id": envelope.data["household_id"],
                                       "causation_id": self.db.causation_id}, session=tx.session)
        if envelope.data["household_id"] == POISON:
            raise RuntimeError("a household the handler cannot take")


def batches(suffix: str) -> float:
    return REGISTRY.get_sample_value(f"xz_event_batch_size{suffix}", {"service": "batchprobe"}) or 0.0


def registered(household_id: str) -> dict:
    data = HouseholdRegistered(household_id=household_id, micro_grid_code="500229101001001001",
                               grid_code="500229101001001", village_code="500229101001", township_code="500229101",
                               resident_count=2)
    return envelope_for(data, area_code="500229101001", correlation_id=str(uuid.uuid4())).model_dump(mode="json")


def test_events_waiting_together_are_applied_once_each_in_shared_transactions_and_a_poison_one_alone(
        env, monkeypatch):
    monkeypatch.setenv("HANDLER_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("HANDLER_BACKOFF_SECONDS", "0.01")
    topology.declare(classes=[BatchProbeService])
    envelopes = [registered(f"HH{seq:04d}") for seq in range(40)]
    envelopes.insert(17, registered(POISON))
    publisher = Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json")
    for envelope in envelopes + envelopes[3:5]:  # queued before the subscriber starts; two of them twice
        publisher.publish(envelope, exchange=get_event_exchange("grid", {}), routing_key="household.registered",
                          message_id=envelope["event_id"], type=envelope["event_type"])
    db = database("batchprobe")
    batches_before = batches("_count"), batches("_sum")

    with running(BatchProbeService):
        wait_until(lambda: db.inbox.count_documents({}) == 40 and db.dead_letters.count_documents({}) == 1,
                   what="every event applied or parked")

    good = [e for e in envelopes if e["data"]["household_id"] != POISON]
    rows = list(db.applied.find({}))
    assert sorted(r["event_id"] for r in rows) == sorted(e["event_id"] for e in good)  # once each, poison none
    assert all(r["causation_id"] == r["event_id"] for r in rows)  # each applied as caused by its own event
    parked = db.dead_letters.find_one({})
    assert parked["envelope"]["data"]["household_id"] == POISON
    # several events shared a transaction
    assert batches("_count") - batches_before[0] < 40
    assert batches("_sum") - batches_before[1] >= 10
