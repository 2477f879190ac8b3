"""Sustained load: the whole suite as its own processes (every service and the gateway, as `scripts/xz run` starts
them), grid case events offered at a steady rate to the grid's exchange (as the grid's relay would publish them)
for the risk service to score, and staff reads through the gateway at a steady rate, both for a set time.

Run: `scripts/xz bench --load [--events-per-second 200] [--requests-per-second 100] [--seconds 60]`. It prints the
achieved rates, the gateway's p50/p99, the events' end-to-end p50/p99 (occurred_at → signal stored and scored, from
the risk service's own records), each service's outbox backlog and event lag (its metrics endpoint), every
process's memory (RSS) and the zero-loss counts: events lost (offered, confirmed by the broker and never stored)
and doubled (areas whose live sums the rebuild does not reproduce, i.e. a signal counted twice or not at all).
The offered load is open-loop: a late answer does not slow the next request down.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import eventlet
from nameko.standalone.events import get_event_exchange
from pymongo import MongoClient

from shared import config, topology

ROOT = Path(__file__).resolve().parents[1]
SERVICES = tuple(n for n in config.SERVICES if n != "gateway") + ("gateway",)  # every service, as `xz run` starts them
PASSWORD, NEW_PASSWORD = "Bench-Initial-2026!", "Bench-Changed-2026!"
# What staff open most: the risk heat table, the alert list, the area tree (each a call to a different service).
DRAIN_SECONDS = 120
READS = ("/api/v1/risk/heat", "/api/v1/risk/alerts?page_size=20", "/api/v1/areas?page_size=50")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


class Suite:
    """Every service of the suite in a process of its own, on the bench's store and vhost (the gateway's /status is
    ok only when every one of them answers)."""

    def __init__(self, amqp_uri: str, mongo_uri: str, log_dir: Path):
        self.port = free_port()
        self.metrics = {name: free_port() for name in SERVICES}
        self.env = {**os.environ, "AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "GATEWAY_PORT": str(self.port),
                    "ADMIN_INITIAL_PASSWORD": PASSWORD, "RATE_LIMIT_PER_SECOND": "100000",
                    "RATE_LIMIT_BURST": "100000"}
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in SERVICES:
            log = open(self.log_dir / f"{name}.log", "w")
            self.procs[name] = subprocess.Popen([sys.executable, "-m", "shared.runner", name], cwd=ROOT,
                                                env={**self.env, "METRICS_PORT": str(self.metrics[name])},
                                                stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, deadline) -> None:
        while True:
            deadline.check("starting the suite")
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    tail = (self.log_dir / f"{name}.log").read_text()[-1500:]
                    raise RuntimeError(f"{name} stopped while starting: {tail}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=5) as resp:
                    if json.load(resp)["status"] == "ok":
                        return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.5)

    def memory(self) -> dict[str, float]:
        return {name: rss_mb(proc.pid) for name, proc in self.procs.items()}

    def scrape(self, name: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics[name]}/metrics", timeout=5) as resp:
                return resp.read().decode()
        except OSError:
            return ""

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def lag_quantiles(metrics_text: str) -> tuple[int, float, float]:
    """(count, p50, p99) of xz_event_lag_seconds over all handlers, from the histogram's buckets (upper bounds)."""
    buckets: dict[float, float] = {}
    for line in metrics_text.splitlines():
        found = re.match(r'xz_event_lag_seconds_bucket\{.*le="([^"]+)".*\} ([0-9.e+]+)', line)
        if found:
            bound = float("inf") if found.group(1) == "+Inf" else float(found.group(1))
            buckets[bound] = buckets.get(bound, 0) + float(found.group(2))
    if not buckets or not buckets.get(float("inf")):
        return 0, float("nan"), float("nan")
    total = buckets[float("inf")]

    def quantile(q: float) -> float:
        return next(bound for bound, count in sorted(buckets.items()) if count >= q * total)

    return int(total), quantile(0.5), quantile(0.99)


def backlog(metrics_text: str) -> int | None:
    found = re.search(r"xz_outbox_backlog\{[^}]*\} ([0-9.e+]+)", metrics_text)
    return int(float(found.group(1))) if found else None


class Staff:
    """A signed-in administrator reading through the gateway."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        first = self._post("/api/v1/auth/login", {"username": "admin", "password": PASSWORD})
        changed = self._post("/api/v1/auth/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                             first["access_token"])
        self.token = changed["access_token"]

    def _post(self, path: str, body: dict, token: str | None = None) -> dict:
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.load(resp)

    def get(self, path: str) -> int:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                resp.read()
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code
        except OSError:
            return 0


def offer_events(amqp_uri: str, rate: float, seconds: float, offered: list[str], failed: list[str],
                 case_reported) -> None:
    """Grid case events at `rate` per second, published as the relay does (what is due every 20 ms in one batch,
    confirms awaited once); an event counts as offered once the broker confirmed it."""
    from shared.outbox import PUBLISHED, ConfirmingPublisher, Outgoing

    exchange = get_event_exchange("grid", {})
    publisher = ConfirmingPublisher(amqp_uri)
    started = time.monotonic()
    seq = 0
    try:
        while (now := time.monotonic() - started) < seconds:
            due = int(now * rate) + 1
            bodies = [case_reported(n) for n in range(seq, due)]
            seq = due
            if bodies:
                try:
                    outcomes = publisher.publish_batch(exchange, [
                        Outgoing(b["event_id"], "case.reported", b["event_type"], b) for b in bodies])
                except Exception as exc:  # noqa: BLE001 - counted with the results
                    outcomes = {}
                    failed.append(type(exc).__name__)
                offered.extend(i for i, o in outcomes.items() if o == PUBLISHED)
                failed.extend(i for i, o in outcomes.items() if o != PUBLISHED)
            eventlet.sleep(max(0.0, 0.02 - (time.monotonic() - started - now)))
    finally:
        publisher.close()


def offer_reads(staff: Staff, rate: float, seconds: float, latencies: list[float], statuses: dict) -> None:
    pool = eventlet.GreenPool(1000)

    def one(path: str) -> None:
        began = time.monotonic()
        status = staff.get(path)
        latencies.append(time.monotonic() - began)
        statuses[status] = statuses.get(status, 0) + 1

    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < seconds:
        due = int((time.monotonic() - started) * rate) + 1
        while sent < due:
            pool.spawn(one, READS[sent % len(READS)])
            sent += 1
        eventlet.sleep(max(0.0, (sent / rate) - (time.monotonic() - started)))
    pool.waitall()


def run(args, amqp_uri: str, mongo_uri: str, mongo_label: str, deadline, case_reported) -> int:
    from services.risk.commands import compare

    events_rate, reads_rate, seconds = args.events_per_second, args.requests_per_second, args.seconds
    print(f"load benchmark: {events_rate:g} grid case events/s to the risk service and {reads_rate:g} staff reads/s "
          f"through the gateway ({', '.join(READS)}) for {seconds:g} s; the suite in {len(SERVICES)} processes; "
          f"{os.cpu_count()} CPUs; mongo: {mongo_label}")
    os.environ["XZ_ENV"] = "test"
    topology.declare(amqp_uri)
    suite = Suite(amqp_uri, mongo_uri, ROOT / ".local" / "bench" / f"load-{uuid.uuid4().hex[:6]}")
    suite.start()
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    try:
        suite.wait_ready(deadline)
        staff = Staff(suite.port)
        before = suite.memory()
        offered, failed, latencies, statuses = [], [], [], {}
        started = time.monotonic()
        events = eventlet.spawn(offer_events, amqp_uri, events_rate, seconds, offered, failed, case_reported)
        reads = eventlet.spawn(offer_reads, staff, reads_rate, seconds, latencies, statuses)
        peak = dict(before)
        while not (events.dead and reads.dead):
            deadline.check("offering the load")
            peak = {name: max(peak[name], mb) for name, mb in suite.memory().items()}
            eventlet.sleep(1)
        offered_for = time.monotonic() - started
        db = client[config.mongo_database("risk")]
        # the backlog left when the load ends is worked off for at most DRAIN_SECONDS (or what the timeout leaves);
        # what is not stored by then is reported as still queued, not as lost
        drain_until = time.monotonic() + min(DRAIN_SECONDS, max(0.0, deadline.left() - 60))
        while db.signals.count_documents({}) < len(offered) and time.monotonic() < drain_until:
            time.sleep(0.5)
        drained_after = time.monotonic() - started - offered_for
        metrics = {name: suite.scrape(name) for name in SERVICES}
        memory = suite.memory()
        suite.stop()  # nothing moves any more: what the broker still holds and what was stored are counted apart
        queued = in_queue(amqp_uri)
        signals = list(db.signals.find({}, {"occurred_at": 1, "received_at": 1}))
        ids = {s["_id"] for s in signals}
        lags = sorted((s["received_at"] - s["occurred_at"]).total_seconds() for s in signals)
        rebuilt = compare(db)
    finally:
        client.close()
        suite.stop()
    ordered = sorted(latencies)
    ok = statuses.get(200, 0)
    print(f"events: offered {len(offered):,} in {offered_for:.1f} s ({len(offered) / offered_for:,.1f}/s), "
          f"{len(failed)} publishes failed; stored {len(ids):,} by {drained_after:.1f} s after the load ended"
          + (f", {queued:,} still queued then (the service scored {len(ids) / (offered_for + drained_after):,.1f}/s)"
             if queued else ""))
    print(f"  end-to-end (occurred_at → scored) p50 {percentile(lags, 50) * 1000:,.0f} ms, "
          f"p99 {percentile(lags, 99) * 1000:,.0f} ms")
    print(f"gateway: {len(latencies):,} reads in {offered_for:.1f} s ({len(latencies) / offered_for:,.1f}/s), "
          f"{ok:,} answered 200, others {({k: v for k, v in statuses.items() if k != 200}) or 'none'}; "
          f"p50 {percentile(ordered, 50) * 1000:,.0f} ms, p99 {percentile(ordered, 99) * 1000:,.0f} ms")
    print("services: outbox backlog and event lag (handled events, p50/p99 from the lag histogram's buckets)")
    for name in SERVICES:
        count, p50, p99 = lag_quantiles(metrics[name])
        lag = f"{count:,} events, lag p50 ≤ {p50:g} s, p99 ≤ {p99:g} s" if count else "no events handled"
        print(f"  {name:<10} backlog {backlog(metrics[name])}, {lag}")
    total = sum(memory.values())
    print("memory (RSS, MB): " + ", ".join(f"{n} {memory[n]:.0f} (peak {peak[n]:.0f})" for n in SERVICES)
          + f"; the suite {total:.0f} MB; this bench {rss_mb(os.getpid()):.0f} MB")
    # neither stored nor still waiting in the risk service's queue; an event stored but not yet acked when the
    # suite stopped is back in the queue too (its redelivery would be a duplicate the inbox drops)
    unstored = len(set(offered) - ids)
    lost, redelivered = max(0, unstored - queued), max(0, queued - unstored)
    doubled = len(rebuilt["mismatches"])
    print(f"zero loss: lost {lost}, doubled {doubled} (areas whose live score the rebuild does not reproduce)"
          + (f"; {queued:,} confirmed events still in the risk queue when the suite was stopped, {redelivered} of "
             "them already stored (applied, not yet acked)" if queued else ""))
    return 0 if lost == 0 and doubled == 0 else 1


def in_queue(amqp_uri: str) -> int:
    """Messages (ready and unacknowledged) in the risk service's queue of grid case events."""
    from shared.subscriber import queue_name

    name, vhost = queue_name("grid", "case.reported", "risk", "on_case_reported"), amqp_uri.rsplit("/", 1)[1]
    done = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers", "name",
                           "messages"], capture_output=True, text=True, timeout=60)
    for line in done.stdout.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == name:
            return int(fields[1])
    return 0
