"""Delivery guarantees between services: at-least-once publishing through the outbox, exactly-once effects through
the inbox, bounded retries into dead letters, and event bodies free of personal data. Real broker, real store."""
import json
from types import SimpleNamespace

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange
from prometheus_client import REGISTRY

from services.grid.service import GridService
from shared import config, outbox, pii, topology
from shared.errors import NotFound
from shared.subscriber import queue_name
from tests import factories
from tests.fault.broker import queue_depth
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running
from tests.probe_service import TRANSIENT, ProbeService

REGISTERED = "grid.household.registered"
PROBE_HANDLER = "probe.on_household_registered"
PROBE_QUEUE = queue_name("grid", "household.registered", "probe", "on_household_registered")


def metric(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def consumed(outcome: str) -> float:
    return metric("xz_events_consumed_total", handler=PROBE_HANDLER, event_type=REGISTERED, outcome=outcome)


def handler_failures() -> float:
    return metric("xz_handler_failures_total", handler=PROBE_HANDLER, event_type=REGISTERED)


def load_areas(proxy) -> list[str]:
    areas = factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2)
    for area in areas:
        proxy.grid.upsert_area(area)
    return factories.codes(areas)


@pytest.fixture
def stores(env):
    """The grid's and the probe's databases, one client for the whole test."""
    return SimpleNamespace(grid=database("grid"), probe=database("probe"))


def entry_in_state(grid_db, household_id: str, state: str):
    def check():
        entry = grid_db.outbox.find_one({"event_type": REGISTERED, "envelope.data.household_id": household_id})
        return entry if entry is not None and entry["state"] == state else None

    return check


def applied(probe_db, event_id: str) -> int:
    return probe_db.applied.count_documents({"event_id": event_id})


def test_event_delivered_twice_changes_nothing_the_second_time(stores):
    topology.declare(classes=[ProbeService])
    with running(GridService, ProbeService), rpc(COUNTY_SCOPE) as proxy:
        micro_grid = load_areas(proxy)[0]
        household = proxy.grid.register_household(factories.household(micro_grid, n_residents=2))
        entry = wait_until(entry_in_state(stores.grid, household["household_id"], outbox.PUBLISHED),
                           what="event published")
        wait_until(lambda: applied(stores.probe, entry["_id"]) == 1, what="first delivery applied")
        duplicates_before = consumed("duplicate")

        Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish(
            entry["envelope"], exchange=get_event_exchange("grid", {}), routing_key=entry["routing_key"],
            message_id=entry["_id"], type=entry["event_type"])
        wait_until(lambda: consumed("duplicate") == duplicates_before + 1, what="second delivery consumed")

        assert applied(stores.probe, entry["_id"]) == 1
        assert stores.probe.inbox.count_documents({"event_id": entry["_id"]}) == 1
        assert stores.probe.applied.count_documents({}) == 1


def test_event_published_before_its_subscriber_ever_ran_is_not_lost(stores, vhost):
    topology.declare(classes=[ProbeService])
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        micro_grid = load_areas(proxy)[0]
        household = proxy.grid.register_household(factories.household(micro_grid, n_residents=1))
        entry = wait_until(entry_in_state(stores.grid, household["household_id"], outbox.PUBLISHED),
                           what="event published")
    assert stores.probe.applied.count_documents({}) == 0

    with running(ProbeService):
        wait_until(lambda: applied(stores.probe, entry["_id"]) == 1, what="late subscriber applied the event")
        wait_until(lambda: queue_depth(vhost, PROBE_QUEUE) == 0, what="queue drained")
    assert stores.probe.applied.count_documents({}) == 1


def test_failing_handler_parks_the_event_after_the_allowed_attempts_and_replay_applies_it_once(
        stores, vhost, monkeypatch):
    monkeypatch.setenv("HANDLER_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("PROBE_FAIL", "1")
    topology.declare(classes=[ProbeService])
    failures_before, applied_before = handler_failures(), consumed("applied")
    with running(GridService, ProbeService), rpc(COUNTY_SCOPE) as proxy:
        micro_grid = load_areas(proxy)[0]
        household = proxy.grid.register_household(factories.household(micro_grid, n_residents=1))
        event_id = wait_until(entry_in_state(stores.grid, household["household_id"], outbox.PUBLISHED),
                              what="event published")["_id"]

        letters = wait_until(lambda: proxy.probe.list_dead_letters(), what="event parked in dead letters")
        # Depth 0 counts unacknowledged messages too: the parked event was acknowledged, not requeued.
        wait_until(lambda: queue_depth(vhost, PROBE_QUEUE) == 0, what="queue drained")
        assert handler_failures() - failures_before == 3
        assert [(d["event_id"], d["handler"], d["queue"], d["attempts"]) for d in letters] == [
            (event_id, PROBE_HANDLER, PROBE_QUEUE, 3)]
        assert "probe told to fail" in letters[0]["error"]
        assert applied(stores.probe, event_id) == 0

        monkeypatch.delenv("PROBE_FAIL")
        assert proxy.probe.replay_dead_letters() == 1
        wait_until(lambda: applied(stores.probe, event_id) == 1, what="replayed event applied")
        wait_until(lambda: queue_depth(vhost, PROBE_QUEUE) == 0, what="queue drained after replay")
        assert proxy.probe.list_dead_letters() == []
        assert [d["_id"] for d in proxy.probe.list_dead_letters("replayed")] == [letters[0]["_id"]]

        assert proxy.probe.replay_dead_letters() == 0
        with pytest.raises(NotFound):
            proxy.probe.replay_dead_letters([letters[0]["_id"]])
        assert applied(stores.probe, event_id) == 1
        assert consumed("applied") - applied_before == 1
        assert handler_failures() - failures_before == 3


def test_event_without_a_queue_is_kept_unrouted_and_delivered_once_a_queue_exists(stores, monkeypatch):
    # Whatever services subscribe to it later, here the event finds no queue until the probe's is declared.
    monkeypatch.setattr(topology, "suite_subscriptions", lambda: [])
    unrouted_before = metric("xz_events_unrouted_total", source="grid", event_type=REGISTERED)
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        micro_grid = load_areas(proxy)[0]
        household = proxy.grid.register_household(factories.household(micro_grid, n_residents=1))
        entry = wait_until(entry_in_state(stores.grid, household["household_id"], outbox.UNROUTED),
                           what="event kept as unrouted")
        assert metric("xz_events_unrouted_total", source="grid", event_type=REGISTERED) == unrouted_before + 1

        topology.declare(classes=[ProbeService])
        unrouted = stores.grid.outbox.count_documents({"state": outbox.UNROUTED})
        # Only the events of the key that has a queue now are sent again; the others are not touched.
        assert proxy.grid.resend_unrouted_events(["household.registered"]) == 1
        wait_until(entry_in_state(stores.grid, household["household_id"], outbox.PUBLISHED),
                   what="event published by the timer")
        assert stores.grid.outbox.count_documents({"state": outbox.UNROUTED}) == unrouted - 1
        # Sent again all at once, events nobody subscribes to go back to unrouted: still kept, never dropped.
        assert proxy.grid.resend_unrouted_events() == unrouted - 1
        wait_until(lambda: stores.grid.outbox.count_documents({"state": outbox.PENDING}) == 0,
                   what="outbox settled")
        assert stores.grid.outbox.count_documents({"state": outbox.UNROUTED}) == unrouted - 1

    with running(ProbeService):
        wait_until(lambda: applied(stores.probe, entry["_id"]) == 1, what="event applied")


def test_events_never_carry_personal_data(stores):
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        micro_grids = load_areas(proxy)
        payloads = [factories.household(micro_grids[i % 2], n_residents=n, seed=i) for i, n in enumerate((1, 3, 5))]
        households = [proxy.grid.register_household(p) for p in payloads]
        proxy.grid.move_household(households[0]["household_id"], micro_grids[1])
        extra = factories.household(micro_grids[0], n_residents=1, seed=99)["residents"][0]
        proxy.grid.register_resident({**extra, "relation": "child", "household_id": households[1]["household_id"]})
        worker = factories.grid_worker([micro_grids[0][:15]])
        proxy.grid.create_grid_worker(worker)

    residents = [r for p in payloads for r in p["residents"]] + [extra]
    known = {r["id_number"] for r in residents} | {r["name"] for r in residents}
    known |= {r[f] for r in residents for f in ("phone", "religion", "health", "special_group") if r.get(f)}
    known |= {p["address"] for p in payloads} | {worker["name"], worker["phone"]}

    assert all(pii.id_numbers_in(r["id_number"]) for r in residents)  # the scan below would see them

    entries = list(stores.grid.outbox.find({}))
    types = {e["event_type"] for e in entries}
    assert {REGISTERED, "grid.resident.registered", "grid.household.moved", "grid.grid_worker.assigned"} <= types
    for entry in entries:
        # Random ids (uuids, hex record ids) may hold a run of digits shaped like a phone number: they are left out
        # of the scan, which reads every other value of the envelope.
        envelope = {k: v for k, v in entry["envelope"].items() if k not in ("event_id", "correlation_id",
                                                                            "causation_id")}
        envelope["data"] = {k: v for k, v in envelope["data"].items() if not k.endswith("_id")}
        text = json.dumps(envelope, ensure_ascii=False)
        assert pii.id_numbers_in(text) == [], entry["event_type"]
        assert not pii.PHONE_IN_TEXT.search(text), entry["event_type"]
        assert [value for value in known if value in text] == [], entry["event_type"]


def transient_failures() -> float:
    return metric("xz_handler_transient_failures_total", handler=PROBE_HANDLER, code="store.conflict_retry")


def test_a_transient_failure_is_retried_without_using_up_the_poison_attempts(stores, vhost, monkeypatch):
    monkeypatch.setenv("HANDLER_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("HANDLER_BACKOFF_SECONDS", "0.01")
    topology.declare(classes=[ProbeService])
    failures_before, transient_before = handler_failures(), transient_failures()
    TRANSIENT["left"] = 6  # three times the poison limit
    with running(GridService, ProbeService), rpc(COUNTY_SCOPE) as proxy:
        micro_grid = load_areas(proxy)[0]
        household = proxy.grid.register_household(factories.household(micro_grid, n_residents=1))
        event_id = wait_until(entry_in_state(stores.grid, household["household_id"], outbox.PUBLISHED),
                              what="event published")["_id"]
        wait_until(lambda: applied(stores.probe, event_id) == 1, what="the event applied after the conflicts")
        assert proxy.probe.list_dead_letters() == []
    assert transient_failures() - transient_before == 6 and handler_failures() == failures_before


def test_what_stays_unavailable_is_parked_as_transient_and_sent_again_by_itself(stores, vhost, monkeypatch):
    monkeypatch.setenv("HANDLER_BACKOFF_SECONDS", "0.01")
    monkeypatch.setenv("HANDLER_TRANSIENT_RETRY_SECONDS", "0.3")
    monkeypatch.setenv("TRANSIENT_REPLAY_SECONDS", "1")
    topology.declare(classes=[ProbeService])
    TRANSIENT["left"] = 10 ** 6  # unavailable until the test says otherwise
    with running(GridService, ProbeService), rpc(COUNTY_SCOPE) as proxy:
        micro_grid = load_areas(proxy)[0]
        household = proxy.grid.register_household(factories.household(micro_grid, n_residents=1))
        event_id = wait_until(entry_in_state(stores.grid, household["household_id"], outbox.PUBLISHED),
                              what="event published")["_id"]
        (letter,) = wait_until(lambda: list(stores.probe.dead_letters.find({"cause": "transient"})),
                               what="the event parked as transient")
        assert letter["event_id"] == event_id
        TRANSIENT["left"] = 0  # the outage is over
        wait_until(lambda: applied(stores.probe, event_id) == 1, timeout=30, what="the timer sent it again")
        assert applied(stores.probe, event_id) == 1
