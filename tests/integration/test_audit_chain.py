"""The audit chain under contention, against the real store: several gateway replicas' stores append at once and
no entry is lost, doubled or chained out of its sequence."""
import eventlet

from services.gateway import audit
from services.gateway.store import GatewayStore
from shared import config, mongo
from shared.mongo import ensure_indexes

WRITERS, EACH = 6, 15


def test_concurrent_writers_lose_no_audit_entry_and_keep_one_unbroken_chain(env):
    # One client (and store) per writer, as separate gateway replicas would have.
    stores = [GatewayStore(mongo.connect("gateway")[config.mongo_database("gateway")]) for _ in range(WRITERS)]
    ensure_indexes(stores[0].db, GatewayStore.INDEXES)

    def write(n):
        for i in range(EACH):
            stores[n].append_audit({"actor": {"id": f"writer-{n}"}, "action": "test.append", "outcome": "200",
                                    "detail": {"i": i}})

    pool = eventlet.GreenPool(WRITERS)
    for n in range(WRITERS):
        pool.spawn(write, n)
    pool.waitall()
    stores[0].seal_audit()  # what contention left waiting, as the gateway's timer would
    rows = list(stores[0].audit_chain())
    assert stores[0].audit_waiting() == 0
    assert [r["seq"] for r in rows] == list(range(1, WRITERS * EACH + 1))
    assert sorted((r["actor"]["id"], r["detail"]["i"]) for r in rows) == sorted(
        (f"writer-{n}", i) for n in range(WRITERS) for i in range(EACH))
    assert audit.first_break(rows) is None
    for store in stores:
        store.db.client.close()
