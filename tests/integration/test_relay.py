"""The relay publishes a batch on a confirm channel and waits for all its confirms once: every entry of a batch is
settled by its own outcome (published, or unrouted when no queue took it), one aggregate's events reach the queue
in the order they committed, and entries whose publish failed stay pending for the timer. Real broker, real store."""
import uuid

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from services.grid.api.events import HouseholdRegistered
from shared import config, outbox
from shared.events import envelope_for
from tests.fault.broker import queue_depth
from tests.fault.polling import wait_until
from tests.harness import database

BOUND, UNBOUND = "household.registered", "household.moved"


def entries(count: int, claim: str) -> list[dict]:
    """Outbox rows of one village's households, every third one of an event type no queue is bound to."""
    rows = []
    for seq in range(count):
        data = HouseholdRegistered(household_id=f"HH{seq:05d}", micro_grid_code="500229101001001001",
                                   grid_code="500229101001001", village_code="500229101001",
                                   township_code="500229101", resident_count=3)
        envelope = envelope_for(data, area_code="500229101001", correlation_id=str(uuid.uuid4()))
        row = outbox.entry_for(envelope, claim)
        if seq % 3 == 2:
            row["routing_key"] = UNBOUND
        row["envelope"]["data"]["seq"] = seq
        rows.append(row)
    return rows


@pytest.fixture
def relay(env):
    db = database("relaytest")
    publisher = outbox.make_publisher()
    relay = outbox.Relay(db, "grid", publisher)
    queue = Queue(f"relay-test-{uuid.uuid4().hex[:6]}", exchange=get_event_exchange("grid", {}), routing_key=BOUND,
                  durable=True, auto_delete=False)
    with Connection(config.amqp_uri()) as conn:
        queue(conn.default_channel).declare()
    yield relay, db, queue
    publisher.close()


def drain(queue: Queue) -> list[int]:
    seqs = []
    with Connection(config.amqp_uri()) as conn:
        bound = queue(conn.default_channel)
        while (message := bound.get(no_ack=True)) is not None:
            seqs.append(message.payload["data"]["seq"])
    return seqs


def test_a_batch_larger_than_one_confirm_window_is_settled_entry_by_entry_and_kept_in_order(relay, vhost):
    relay, db, queue = relay
    rows = entries(450, "c1")  # more than two batches
    db.outbox.insert_many(rows)

    taken = relay.publish_claimed(sorted(db.outbox.find({"claim": "c1"}), key=lambda r: r["created_at"]))

    bound = [r["envelope"]["data"]["seq"] for r in rows if r["routing_key"] == BOUND]
    assert taken == len(bound) == 300
    states = {r["_id"]: r["state"] for r in db.outbox.find({}, {"state": 1})}
    assert [states[r["_id"]] for r in rows] == [
        outbox.UNROUTED if r["routing_key"] == UNBOUND else outbox.PUBLISHED for r in rows]
    assert db.outbox.count_documents({"claimed_until": None, "attempts": 1}) == 450
    assert queue_depth(vhost, queue.name) == 300
    assert drain(queue) == bound  # the order they committed in


def test_entries_handed_over_at_commit_are_published_by_the_relay_greenthread(relay):
    relay, db, queue = relay
    rows = entries(30, "c2")
    db.outbox.insert_many(rows)
    for start in range(0, 30, 3):  # ten transactions' worth, as after_commit hands them over
        relay.submit(rows[start:start + 3])
    wait_until(lambda: db.outbox.count_documents({"state": outbox.PENDING}) == 0, what="the relay settled all")
    assert db.outbox.count_documents({"state": outbox.PUBLISHED}) == 20
    assert db.outbox.count_documents({"state": outbox.UNROUTED}) == 10
    assert drain(queue) == [r["envelope"]["data"]["seq"] for r in rows if r["routing_key"] == BOUND]


def test_entries_of_a_batch_the_broker_never_confirmed_stay_pending_for_the_timer(relay, monkeypatch):
    relay, db, queue = relay
    rows = entries(10, "c3")
    db.outbox.insert_many(rows)
    monkeypatch.setattr(relay.publisher, "amqp_uri", "amqp://guest:guest@127.0.0.1:1/")  # nothing listens there

    assert relay.publish_claimed(rows) == 0

    left = list(db.outbox.find({}))
    assert {r["state"] for r in left} == {outbox.PENDING}
    assert all(r["claimed_until"] is None and r["last_error"] for r in left)
    monkeypatch.undo()
    assert relay.send_unsent(older_than_seconds=0) == 7
    assert db.outbox.count_documents({"state": outbox.PENDING}) == 0
