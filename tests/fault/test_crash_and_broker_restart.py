"""Faults in real processes: a service killed between its commit and its publish, and the broker stopped while
events are being committed. Neither may lose an event or apply one twice."""
import signal

import eventlet
import pytest
from nameko.exceptions import RpcTimeout

from services.grid import importing
from shared import outbox, topology
from shared.subscriber import queue_name
from tests import factories
from tests.fault import broker
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc
from tests.probe_service import ProbeService

pytestmark = pytest.mark.fault

REGISTERED = "grid.household.registered"
IMPORTED_HOUSEHOLDS = 800
PROBE_QUEUE = queue_name("grid", "household.registered", "probe", "on_household_registered")


@pytest.fixture
def broker_restored(vhost):
    """Whatever happens in the test, the broker is running again afterwards."""
    try:
        yield
    finally:
        broker.start_app()


def load_areas(micro_grids: int = 2) -> list[str]:
    areas = factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=micro_grids)
    with rpc(COUNTY_SCOPE) as proxy:
        for area in areas:
            proxy.grid.upsert_area(area)
    return factories.codes(areas)


def applied_per_household(probe_db) -> dict[str, int]:
    counts = probe_db.applied.aggregate([{"$group": {"_id": "$household_id", "n": {"$sum": 1}}}])
    return {c["_id"]: c["n"] for c in counts}


def test_service_killed_after_commit_before_publish_sends_the_event_after_restart(processes, vhost):
    grid_db, probe_db = database("grid"), database("probe")
    topology.declare(classes=[ProbeService])
    # The probe runs throughout, so its store is set up before anything is killed.
    processes.service_class(ProbeService).wait_healthy()
    grid = processes.service("grid", XZ_FAULT_KILL_AFTER_COMMIT=REGISTERED)
    grid.wait_healthy()
    micro_grid = load_areas()[0]
    payload = factories.household(micro_grid, n_residents=2)

    with pytest.raises(RpcTimeout), rpc(COUNTY_SCOPE, timeout=5) as proxy:
        proxy.grid.register_household(payload)
    assert grid.wait_exit(30) == -signal.SIGKILL

    households = grid_db.households
    household = households.find_one({"household_number": payload["household_number"]})
    assert household is not None
    entry = grid_db.outbox.find_one({"event_type": REGISTERED, "envelope.data.household_id": household["_id"]})
    assert entry["state"] == outbox.PENDING
    assert probe_db.applied.count_documents({}) == 0

    processes.service("grid").wait_healthy()
    wait_until(lambda: grid_db.outbox.find_one({"_id": entry["_id"]})["state"] == outbox.PUBLISHED,
               timeout=30, what="the pending event published by the restarted service")
    wait_until(lambda: probe_db.applied.count_documents({"event_id": entry["_id"]}) == 1,
               timeout=30, what="the event applied by the probe")
    wait_until(lambda: broker.queue_depth(vhost, PROBE_QUEUE) == 0, timeout=30, what="the probe queue drained")

    assert probe_db.applied.count_documents({}) == 1
    assert probe_db.inbox.count_documents({"event_id": entry["_id"]}) == 1
    # The killed call's request is redelivered to the new process, which refuses it as a duplicate.
    assert households.count_documents({"household_number": payload["household_number"]}) == 1


def test_broker_stopped_and_restarted_loses_no_committed_event(broker_restored, processes, vhost):
    grid_db, probe_db = database("grid"), database("probe")
    topology.declare(classes=[ProbeService])
    # Restarted when they exit, as the deployment does: a service may die in the outage, no event may.
    grid = processes.supervise(lambda: processes.service("grid"))
    probe = processes.supervise(lambda: processes.service_class(ProbeService))
    grid.current.wait_healthy()
    probe.current.wait_healthy()
    micro_grids = load_areas()
    answered = []

    def register_one() -> None:
        try:
            with eventlet.Timeout(10), rpc(COUNTY_SCOPE, timeout=5) as proxy:
                answered.append(proxy.grid.register_household(
                    factories.household(micro_grids[len(answered) % 2], n_residents=1))["household_id"])
        except (Exception, eventlet.Timeout):  # noqa: BLE001 - calls lost in the outage are not counted
            pass

    for _ in range(5):
        register_one()
    assert len(answered) == 5

    def import_households(rows: list[dict]) -> None:
        try:
            with rpc(COUNTY_SCOPE, timeout=60) as proxy:
                proxy.grid.import_rows(rows, False)
        except Exception:  # noqa: BLE001 - its reply is lost in the outage; its commits are counted in the store
            pass

    writing = True

    def keep_registering() -> None:
        while writing:
            register_one()
            eventlet.sleep(0.05)

    # An import commits batch after batch for several seconds, so some of its commits fall in the outage.
    imported = [factories.household(micro_grids[i % 2], n_residents=1) for i in range(IMPORTED_HOUSEHOLDS)]
    importer = eventlet.spawn(import_households, importing.to_rows(imported))
    writer = eventlet.spawn(keep_registering)
    try:
        wait_until(lambda: grid_db.households.find_one({"household_number": imported[0]["household_number"]}),
                   timeout=30, interval=0.05, what="the import's first batch committed")
        broker.stop_app()
        eventlet.sleep(10)
        broker.start_app()
        before_restart = len(answered)
        wait_until(lambda: len(answered) >= before_restart + 3, timeout=60,
                   what="registrations answered again after the broker came back")
    finally:
        writing = False
        writer.wait()
        importer.wait()

    def settled() -> bool:
        # Requests requeued in the outage may still commit households after their callers gave up.
        if broker.queue_depth(vhost, "rpc-grid") or broker.queue_depth(vhost, PROBE_QUEUE):
            return False
        if grid_db.outbox.count_documents({"event_type": REGISTERED, "state": {"$ne": outbox.PUBLISHED}}):
            return False
        committed = {h["_id"] for h in grid_db.households.find({}, {"_id": 1})}
        return set(applied_per_household(probe_db)) == committed

    wait_until(settled, timeout=90, interval=1,
               what=lambda: f"every committed household applied (exit codes: grid {grid.restarts}, "
                            f"probe {probe.restarts})")

    committed = {h["_id"] for h in grid_db.households.find({}, {"_id": 1})}
    assert set(answered) <= committed
    assert set(applied_per_household(probe_db).values()) == {1}
    assert grid_db.outbox.count_documents({"state": outbox.PENDING}) == 0
    assert grid_db.households.count_documents({"household_number": {"$in": [h["household_number"]
                                                                           for h in imported]}}) == len(imported)
    # Publishes did fail in the outage and were sent again from the outbox.
    assert grid_db.outbox.count_documents({"event_type": REGISTERED, "last_error": {"$exists": True}}) >= 1
