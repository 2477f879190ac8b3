"""Events pipeline benchmark: the suite's outbox → RabbitMQ → inbox path against a plain pymongo + kombu pipeline
doing the same writes, in one run, one process, on one machine; then the risk service's signal path (grid case
events through its inbox, each rescoring its village and township) measured in the same run.

Run: `python -m bench.events [--events N] [--mongo-uri URI]`. It prints a table and never asserts.
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from eventlet.event import Event  # noqa: E402
from eventlet.greenpool import GreenPool  # noqa: E402
from kombu import Connection, Exchange, Queue  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.events import get_event_exchange  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from shared import clock, config, topology  # noqa: E402
from shared.events import EventData, event  # noqa: E402
from shared.mongo import ASC, Index  # noqa: E402
from shared.service import ReliableService, rpc  # noqa: E402
from shared.storage import Storage  # noqa: E402
from shared.subscriber import handles  # noqa: E402

SOURCE, EVENT_NAME = "benchsource", "thing.happened"
RAW_EXCHANGE = Exchange("xz-bench.raw", type="direct", durable=True)
RAW_QUEUE = Queue("xz-bench-raw-applied", exchange=RAW_EXCHANGE, routing_key=EVENT_NAME, durable=True,
                  auto_delete=False)

# batch → event_id → (occurred_at, applied_at), both as epoch seconds from this process's wall clock
APPLIED: dict[str, dict[str, tuple[float, float]]] = {}


class Aborted(Exception):
    pass


def note_applied(batch: str, event_id: str, occurred_at: str, applied_at: float) -> None:
    APPLIED.setdefault(batch, {}).setdefault(event_id, (datetime.fromisoformat(occurred_at).timestamp(), applied_at))


@event(SOURCE, EVENT_NAME, summary="benchmark only: one per state document written")
class ThingHappened(EventData):
    thing_id: str
    seq: int
    batch: str


class SourceStore:
    INDEXES = [Index("things", [("batch", ASC)])]

    def __init__(self, db):
        self.db = db


class SinkStore:
    INDEXES = [Index("applied", [("batch", ASC)])]

    def __init__(self, db):
        self.db = db


class ApplyClock(DependencyProvider):
    """Stamps an event as applied once its handler returned, i.e. after the inbox transaction committed."""

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if result == "applied":
            payload = worker_ctx.args[0]
            note_applied(payload["data"]["batch"], payload["event_id"], payload["occurred_at"], time.time())


class BenchSource(ReliableService):
    name = SOURCE
    db = Storage(SourceStore)

    @rpc
    def make_thing(self, seq: int, batch: str) -> str:
        thing_id = str(uuid.uuid4())

        def write(tx):
            self.db.db.things.insert_one({"_id": thing_id, "seq": seq, "batch": batch, "created_at": clock.now()},
                                         session=tx.session)
            tx.emit(ThingHappened(thing_id=thing_id, seq=seq, batch=batch), area_code=None)

        self.db.transaction(write)
        return thing_id


class BenchSink(ReliableService):
    name = "benchsink"
    db = Storage(SinkStore)
    apply_clock = ApplyClock()

    @handles(SOURCE, EVENT_NAME, batch=True)
    def on_thing_happened(self, tx, envelope):
        data = envelope.data
        self.db.db.applied.insert_one({"event_id": envelope.event_id, "thing_id": data["thing_id"],
                                       "seq": data["seq"], "batch": data["batch"]}, session=tx.session)


class RiskApplyClock(DependencyProvider):
    """Stamps a grid case event as scored once the risk handler returned: the signal and both scores committed."""

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if result == "applied":
            payload = worker_ctx.args[0]
            note_applied("risk", payload["event_id"], payload["occurred_at"], time.time())


def bench_risk_service():
    """The real risk service with the apply clock added (imported late: it registers the suite's events)."""
    from services.risk.service import RiskService

    class BenchRisk(RiskService):
        apply_clock = RiskApplyClock()

    return BenchRisk


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    def check(self, phase: str) -> None:
        if self.left() <= 0:
            raise Aborted(f"aborted after {self.seconds:.0f} s while {phase}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def own_secantusdb():
    port = free_port()
    data = tempfile.mkdtemp(prefix="xz-bench-mongo-")
    exe = shutil.which("secantusd-py") or str(Path(sys.executable).parent / "secantusd-py")
    log_path = Path(data) / "server.log"
    with open(log_path, "w") as log:
        # cwd is the temp dir so that no secantusd.toml of the checkout is picked up
        proc = subprocess.Popen([exe, "--host", "127.0.0.1", "--port", str(port), "--storage-path", data,
                                 "--log-level", "WARNING"], stdout=log, stderr=subprocess.STDOUT, cwd=data)
    try:
        uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
        client = MongoClient(uri, serverSelectionTimeoutMS=30000)
        try:
            client.admin.command("ping")
        except Exception as exc:
            raise Aborted(f"SecantusDB did not start ({exc}); log: {log_path.read_text()[-2000:]}") from exc
        finally:
            client.close()
        yield uri
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        shutil.rmtree(data, ignore_errors=True)


def rabbitmqctl(*args: str) -> None:
    try:
        subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise Aborted(f"rabbitmqctl {' '.join(args)} failed: {exc} {detail.decode(errors='replace')}") from exc


@contextlib.contextmanager
def own_vhost():
    name = f"xz-bench-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield name
    finally:
        try:
            rabbitmqctl("delete_vhost", name)
        except Aborted as exc:
            print(f"warning: vhost {name} left behind: {exc}", file=sys.stderr)


def percentile(ordered: list[float], p: float) -> float:
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarize(records: dict[str, tuple[float, float]]) -> dict:
    if not records:
        return {"n": 0, "rate": 0.0, "p50": float("nan"), "p99": float("nan")}
    occurred = [o for o, _ in records.values()]
    applied = [a for _, a in records.values()]
    latencies = sorted(a - o for o, a in records.values())
    window = max(applied) - min(occurred)
    return {"n": len(records), "rate": len(records) / window if window > 0 else float("inf"),
            "p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000}


def run_pool(concurrency: int, worker, deadline: Deadline, phase: str) -> None:
    pool = GreenPool(concurrency)
    for _ in range(concurrency):
        pool.spawn(worker)
    while pool.running():
        deadline.check(phase)
        eventlet.sleep(0.1)


def wait_for_applied(batch: str, expected: int, deadline: Deadline, phase: str, stall_seconds: float = 60) -> None:
    """Until `expected` events of the batch were applied, or nothing moved for stall_seconds."""
    last, moved_at = -1, time.monotonic()
    while len(APPLIED.get(batch, {})) < expected:
        deadline.check(phase)
        got = len(APPLIED.get(batch, {}))
        if got != last:
            last, moved_at = got, time.monotonic()
        elif time.monotonic() - moved_at > stall_seconds:
            return
        eventlet.sleep(0.05)


def drive_ours(n: int, batch: str, concurrency: int, amqp_uri: str, deadline: Deadline) -> list[str]:
    seqs = iter(range(n))
    errors: list[str] = []

    def caller():
        # a standalone proxy serves one greenthread at a time, so each caller has its own
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as proxy:
            for seq in seqs:
                if deadline.left() <= 0:
                    return
                try:
                    proxy.benchsource.make_thing(seq, batch)
                except Exception as exc:  # noqa: BLE001 - counted and reported with the results
                    errors.append(f"{type(exc).__name__}: {exc}")

    run_pool(concurrency, caller, deadline, f"calling benchsource.make_thing ({batch})")
    return errors


def run_ours(n: int, warmup: int, concurrency: int, amqp_uri: str, mongo_uri: str, deadline: Deadline) -> dict:
    topology.declare(amqp_uri, classes=[BenchSink])
    nameko_config = {**config.nameko_config(SOURCE), "AMQP_URI": amqp_uri, "max_workers": concurrency}
    runner = ServiceRunner(nameko_config)
    runner.add_service(BenchSource)
    runner.add_service(BenchSink)
    runner.start()
    try:
        if warmup:
            drive_ours(warmup, "ours-warmup", concurrency, amqp_uri, deadline)
            wait_for_applied("ours-warmup", warmup, deadline, "warming up ours", stall_seconds=30)
        errors = drive_ours(n, "ours", concurrency, amqp_uri, deadline)
        wait_for_applied("ours", n - len(errors), deadline, "waiting for ours to apply")
    finally:
        stop_runner(runner)
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=10000)
    try:
        source_db, sink_db = client[config.mongo_database(SOURCE)], client[config.mongo_database("benchsink")]
        counts = {"state": source_db.things.count_documents({"batch": "ours"}),
                  "applied": sink_db.applied.count_documents({"batch": "ours"}),
                  "outbox pending": source_db.outbox.count_documents({"state": "pending"}),
                  "outbox unrouted": source_db.outbox.count_documents({"state": "unrouted"}),
                  "dead letters": sink_db.dead_letters.count_documents({})}
    finally:
        client.close()
    return {**summarize(APPLIED.get("ours", {})), "counts": counts, "errors": errors}


def stop_runner(runner: ServiceRunner) -> None:
    timeout = eventlet.Timeout(30)
    try:
        runner.stop()
    except eventlet.Timeout as exc:
        if exc is not timeout:
            raise
        runner.kill()
    finally:
        timeout.cancel()


def raw_envelope(event_id: str, data: dict) -> dict:
    return {"event_id": event_id, "event_type": f"{SOURCE}.{EVENT_NAME}", "version": 1,
            "occurred_at": datetime.now(timezone.utc).isoformat(), "source": SOURCE, "area_code": None,
            "correlation_id": str(uuid.uuid4()), "causation_id": None, "actor": None, "data": data}


def drive_raw(n: int, batch: str, concurrency: int, amqp_uri: str, things, deadline: Deadline) -> list[str]:
    seqs = iter(range(n))
    errors: list[str] = []

    def publisher():
        with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
            producer = conn.Producer(serializer="json")
            for seq in seqs:
                if deadline.left() <= 0:
                    return
                try:
                    thing_id = str(uuid.uuid4())
                    things.insert_one({"_id": thing_id, "seq": seq, "batch": batch, "created_at": clock.now()})
                    body = raw_envelope(str(uuid.uuid4()), {"thing_id": thing_id, "seq": seq, "batch": batch})
                    producer.publish(body, exchange=RAW_EXCHANGE, routing_key=EVENT_NAME, delivery_mode=2,
                                     mandatory=True, message_id=body["event_id"], type=body["event_type"],
                                     headers={"correlation_id": body["correlation_id"]}, retry=False)
                except Exception as exc:  # noqa: BLE001 - counted and reported with the results
                    errors.append(f"{type(exc).__name__}: {exc}")

    run_pool(concurrency, publisher, deadline, f"publishing raw ({batch})")
    return errors


def raw_consumer(amqp_uri: str, applied, stop: Event) -> None:
    def on_message(body, message):
        data = body["data"]
        applied.insert_one({"event_id": body["event_id"], "thing_id": data["thing_id"], "seq": data["seq"],
                            "batch": data["batch"]})
        message.ack()
        note_applied(data["batch"], body["event_id"], body["occurred_at"], time.time())

    with Connection(amqp_uri) as conn:
        with conn.Consumer(RAW_QUEUE, callbacks=[on_message], accept=["json"], prefetch_count=1):
            while not stop.ready():
                try:
                    conn.drain_events(timeout=0.5)
                except socket.timeout:
                    pass


def run_raw(n: int, warmup: int, concurrency: int, amqp_uri: str, mongo_uri: str, raw_db_name: str,
            deadline: Deadline) -> dict:
    with Connection(amqp_uri) as conn:
        RAW_QUEUE(conn.default_channel).declare()
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    db = client[raw_db_name]
    for collection in ("things", "applied"):
        db[collection].create_index([("batch", ASC)])
    stop = Event()
    consumers = GreenPool(concurrency)
    for _ in range(concurrency):
        consumers.spawn(raw_consumer, amqp_uri, db.applied, stop)
    try:
        if warmup:
            drive_raw(warmup, "raw-warmup", concurrency, amqp_uri, db.things, deadline)
            wait_for_applied("raw-warmup", warmup, deadline, "warming up raw", stall_seconds=30)
        errors = drive_raw(n, "raw", concurrency, amqp_uri, db.things, deadline)
        wait_for_applied("raw", n - len(errors), deadline, "waiting for raw to apply")
    finally:
        stop.send(True)
        with eventlet.Timeout(10, False):
            consumers.waitall()
    try:
        counts = {"state": db.things.count_documents({"batch": "raw"}),
                  "applied": db.applied.count_documents({"batch": "raw"})}
    finally:
        client.close()
    return {**summarize(APPLIED.get("raw", {})), "counts": counts, "errors": errors}


RISK_TOWNSHIPS, RISK_VILLAGES = 5, 4  # the burst is spread over 20 villages of 5 townships


def case_reported(seq: int) -> dict:
    from services.grid.api.events import CaseReported

    township = f"500229{101 + seq % RISK_TOWNSHIPS:03d}"
    village = f"{township}{201 + (seq // RISK_TOWNSHIPS) % RISK_VILLAGES:03d}"
    now = datetime.now(timezone.utc)
    data = CaseReported(case_id=f"SJbench{seq:07d}", grid_code=village + "001", village_code=village,
                        township_code=township, item_code="safety.production", item_version=1, category="safety",
                        status="reported", assignee_kind="township", due_at=now, reported_to="township",
                        owner_department="县应急管理局").model_dump(mode="json")
    return {"event_id": str(uuid.uuid4()), "event_type": "grid.case.reported", "version": 1,
            "occurred_at": now.isoformat(), "source": "grid", "area_code": village,
            "correlation_id": str(uuid.uuid4()), "causation_id": None, "actor": None, "data": data}


def run_risk(n: int, concurrency: int, amqp_uri: str, mongo_uri: str, deadline: Deadline) -> dict:
    """N grid case events published straight to the grid exchange (as the grid's relay would), consumed by the
    real risk service: signals/s and the score lag (occurred_at → signal and scores committed), then the rebuild
    check over what was scored."""
    from services.risk.commands import compare

    service = bench_risk_service()
    topology.declare(amqp_uri, classes=[service])
    runner = ServiceRunner({**config.nameko_config("risk"), "AMQP_URI": amqp_uri, "max_workers": concurrency})
    runner.add_service(service)
    runner.start()
    seqs = iter(range(n))
    errors: list[str] = []

    def publisher():
        with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
            producer = conn.Producer(serializer="json")
            for seq in seqs:
                if deadline.left() <= 0:
                    return
                try:
                    body = case_reported(seq)
                    producer.publish(body, exchange=get_event_exchange("grid", {}),
                                     routing_key="case.reported", delivery_mode=2, mandatory=True,
                                     message_id=body["event_id"], type=body["event_type"], retry=False)
                except Exception as exc:  # noqa: BLE001 - counted and reported with the results
                    errors.append(f"{type(exc).__name__}: {exc}")

    try:
        run_pool(concurrency, publisher, deadline, "publishing grid case events")
        wait_for_applied("risk", n - len(errors), deadline, "waiting for the risk service to score")
    finally:
        stop_runner(runner)
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    try:
        db = client[config.mongo_database("risk")]
        checked = compare(db)
        counts = {"state": n - len(errors), "applied": db.signals.count_documents({}),
                  "alerts": db.alerts.count_documents({}), "dead letters": db.dead_letters.count_documents({})}
    finally:
        client.close()
    return {**summarize(APPLIED.get("risk", {})), "counts": counts, "errors": errors,
            "rebuild": "reproduced" if checked["ok"] else f"{len(checked['mismatches'])} mismatches"}


def fmt(value: float, digits: int = 1) -> str:
    return "-" if value != value else f"{value:,.{digits}f}"


def report(n: int, results: dict[str, dict]) -> None:
    print(f"{'pipeline':<10}{'N':>7}{'events/s':>11}{'p50 ms':>10}{'p99 ms':>10}")
    for label, r in results.items():
        print(f"{label:<10}{r['n']:>7}{fmt(r['rate']):>11}{fmt(r['p50']):>10}{fmt(r['p99']):>10}")
    ours, raw = results.get("ours"), results.get("raw")
    if ours and raw and ours["n"] and raw["n"]:
        print(f"{'ours/raw':<10}{'':>7}{ours['rate'] / raw['rate']:>10.2f}x{ours['p50'] / raw['p50']:>9.2f}x")
    risk = results.get("risk")
    if risk and raw and risk["n"] and raw["n"]:
        print(f"{'risk/raw':<10}{'':>7}{risk['rate'] / raw['rate']:>10.2f}x{risk['p50'] / raw['p50']:>9.2f}x")
    assessment = results.get("assessment")
    if assessment and raw and assessment["n"] and raw["n"]:
        print(f"{'assess/raw':<10}{'':>7}{assessment['rate'] / raw['rate']:>10.2f}x"
              f"{assessment['p50'] / raw['p50']:>9.2f}x")
    if assessment:
        c, e = assessment["counts"], assessment["expected"]
        print(f"assessment: {fmt(assessment['rate'])} events/s, read-model lag p50 {fmt(assessment['p50'])} ms, p99 "
              f"{fmt(assessment['p99'])} ms; {c['disputes']} of {e['disputes']} disputes, {c['resolved']} of "
              f"{e['resolved']} resolved in the read model")
    if risk:
        print(f"risk: {fmt(risk['rate'])} signals/s, score lag p50 {fmt(risk['p50'])} ms, p99 {fmt(risk['p99'])} ms "
              f"(raw ceiling {fmt(raw['rate']) if raw else '-'} events/s); {risk['counts']['alerts']} alerts; "
              f"rebuild {risk['rebuild']}")
    for label, r in results.items():
        expected = r["counts"]["state"] if label in ("risk", "assessment") else n
        complete = r["counts"]["applied"] == expected and r["n"] == expected and not r["errors"]
        if not complete:
            print(f"{label}: INCOMPLETE, {expected - r['counts']['applied']} of {expected} not applied; "
                  + ", ".join(f"{k} {v}" for k, v in r["counts"].items())
                  + f", latencies recorded {r['n']}, failed calls {len(r['errors'])}")
            for error in sorted(set(r["errors"]))[:5]:
                print(f"  {error}")
        else:
            print(f"{label}: complete, {r['counts']['applied']} applied documents for {r['counts']['state']} "
                  "state documents")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events per pipeline (default 2000)")
    parser.add_argument("--mongo-uri", default=None,
                        help="MongoDB-protocol server to use (default: MONGO_URI, else a SecantusDB of its own)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="producer greenthreads, and consumer workers, per pipeline (default 8)")
    parser.add_argument("--warmup", type=int, default=50, help="events per pipeline sent first and not counted")
    parser.add_argument("--risk-events", type=int, default=None,
                        help="grid case events for the risk service's signal path (default: --events; 0 skips it)")
    parser.add_argument("--assessment-events", type=int, default=None,
                        help="dispute events for the assessment service's read model (default: --events; 0 skips)")
    parser.add_argument("--timeout", type=float, default=600, help="give up after this many seconds (default 600)")
    parser.add_argument("--county-import", action="store_true",
                        help="instead: import a county-size sheet twice (bench/county_import.py)")
    parser.add_argument("--households", type=int, default=75000, help="households of the county sheet (75,000)")
    parser.add_argument("--seed", type=int, default=500229, help="seed of the demo county (500229)")
    parser.add_argument("--load", action="store_true", help="instead: sustained events and staff reads (bench/load.py)")
    parser.add_argument("--events-per-second", type=float, default=200, help="--load: events offered per second")
    parser.add_argument("--requests-per-second", type=float, default=100, help="--load: gateway reads per second")
    parser.add_argument("--seconds", type=float, default=60, help="--load: how long the load lasts (default 60)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    started = time.monotonic()
    deadline = Deadline(args.timeout)
    backstop = eventlet.Timeout(args.timeout + 60, Aborted(f"aborted after {args.timeout + 60:.0f} s (hung)"))
    code = 0
    results: dict[str, dict] = {}
    try:
        with contextlib.ExitStack() as stack:
            mongo_uri = args.mongo_uri or os.environ.get("MONGO_URI")
            mongo_label = re.sub(r"//[^@/]+@", "//***@", mongo_uri or "")
            if not mongo_uri:
                mongo_uri = stack.enter_context(own_secantusdb())
                mongo_label = f"own SecantusDB at {mongo_uri}"
            vhost = stack.enter_context(own_vhost())
            amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
            prefix = f"xzbench{uuid.uuid4().hex[:8]}"
            # XZ_ENV=test keeps the services from opening metrics ports: two containers in one process race
            # for the same port in shared.metrics.serve
            os.environ.update({"AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": prefix,
                               "XZ_ENV": "test"})
            databases = [config.mongo_database(s) for s in (SOURCE, "benchsink", "raw", "risk", "grid", "gateway",
                                                            "mediation", "petitions", "credit", "org", "assessment")]
            stack.callback(drop_databases, mongo_uri, databases)
            if args.county_import:
                from bench import county_import

                print(f"county import benchmark: {args.households:,} households (seed {args.seed}), "
                      f"{os.cpu_count()} CPUs; mongo: {mongo_label}; rabbitmq vhost {vhost}")
                county_import.report(county_import.run(args.households, args.seed, amqp_uri, mongo_uri, deadline,
                                                            stop_runner))
                return 0
            if args.load:
                from bench import load

                return load.run(args, amqp_uri, mongo_uri, mongo_label, deadline, case_reported)
            print(f"events pipeline benchmark: N={args.events}, warm-up {args.warmup} per pipeline, "
                  f"concurrency {args.concurrency}, {os.cpu_count()} CPUs, one process")
            print(f"  mongo: {mongo_label}; rabbitmq: 127.0.0.1:5672 vhost {vhost} (removed at the end)")
            print(f"  ours: {args.concurrency} greenthreads, each with its own ClusterRpcProxy, call "
                  "benchsource.make_thing once per event (state doc + outbox in one transaction, relayed with "
                  f"confirms); benchsink applies through the inbox with max_workers {args.concurrency}")
            print(f"  raw:  {args.concurrency} greenthreads: pymongo insert + kombu publish with confirms; "
                  f"{args.concurrency} kombu consumers (prefetch 1): pymongo insert, ack")
            print("  events/s = N / (last applied - first occurred_at); latency = applied (after commit/insert) "
                  "- occurred_at")
            results["ours"] = run_ours(args.events, args.warmup, args.concurrency, amqp_uri, mongo_uri, deadline)
            results["raw"] = run_raw(args.events, args.warmup, args.concurrency, amqp_uri, mongo_uri,
                                     databases[2], deadline)
            risk_events = args.events if args.risk_events is None else args.risk_events
            if risk_events:
                print(f"  risk: {risk_events} grid.case.reported events over {RISK_TOWNSHIPS * RISK_VILLAGES} "
                      f"villages of {RISK_TOWNSHIPS} townships, published with confirms by {args.concurrency} "
                      f"greenthreads; the risk service (max_workers {args.concurrency}) stores each signal and "
                      "rescores its village and township in one transaction; score lag = scored - occurred_at")
                results["risk"] = run_risk(risk_events, args.concurrency, amqp_uri, mongo_uri, deadline)
            assessment_events = args.events if args.assessment_events is None else args.assessment_events
            if assessment_events:
                from bench import assessment

                print(f"  assessment: {assessment_events} mediation dispute events (registered, a third later "
                      "resolved) over 200 villages, published with confirms; the assessment service keeps each "
                      "dispute's row through its inbox; lag = row committed - occurred_at")
                results["assessment"] = assessment.run(assessment_events, args.concurrency, amqp_uri, mongo_uri,
                                                       deadline, sys.modules[__name__])
            report(args.events, results)
    except Aborted as exc:
        if results:
            report(args.events, results)
        print(str(exc))
        for batch in ("ours", "raw", "risk", "assessment"):
            if batch in APPLIED:
                print(f"  {batch}: {len(APPLIED[batch])} of {args.events} applied before stopping")
        code = 2
    finally:
        backstop.cancel()
    print(f"run time {time.monotonic() - started:.1f} s")
    return code


def drop_databases(mongo_uri: str, names: list[str]) -> None:
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        for name in names:
            client.drop_database(name)
    except Exception as exc:  # noqa: BLE001 - a leftover benchmark database is worth a warning, not a crash
        print(f"warning: could not drop benchmark databases {names}: {exc}", file=sys.stderr)
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
