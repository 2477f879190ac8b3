"""Prometheus metrics, one HTTP port per service process (shared.config.metrics_port).

Labels are service, method, handler and event type names only: never ids, codes of people, or anything a
caller typed, so no personal data can reach a label.
"""
import os
import time

from nameko.extensions import DependencyProvider
from prometheus_client import Counter, Gauge, Histogram, start_http_server

from shared import config

RPC_LATENCY = Histogram("xz_rpc_latency_seconds", "Entrypoint latency", ["service", "method"])
ENTRYPOINT_FAILURES = Counter("xz_entrypoint_failures_total", "Entrypoints that raised", ["service", "method", "error"])
EVENTS_PUBLISHED = Counter("xz_events_published_total", "Events confirmed by the broker", ["source", "event_type"])
EVENTS_UNROUTED = Counter("xz_events_unrouted_total", "Events no queue was bound for", ["source", "event_type"])
EVENTS_CONSUMED = Counter("xz_events_consumed_total", "Events handled", ["handler", "event_type", "outcome"])
HANDLER_FAILURES = Counter("xz_handler_failures_total", "Failed handler attempts", ["handler", "event_type"])
DEAD_LETTERS = Counter("xz_dead_letters_total", "Events parked in dead letters", ["handler", "event_type"])
HANDLER_TRANSIENT = Counter("xz_handler_transient_failures_total",
                            "Handler attempts that failed for a transient cause (write conflict, store or service "
                            "unavailable), retried without counting toward the poison limit", ["handler", "code"])
OUTBOX_BACKLOG = Gauge("xz_outbox_backlog", "Outbox entries not yet published", ["service"])
EVENT_LAG = Histogram("xz_event_lag_seconds", "Consumer time minus occurred_at", ["handler", "event_type"],
                      buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
EVENT_BATCHES = Histogram("xz_event_batch_size", "Events applied together in one transaction", ["service"],
                          buckets=(2, 4, 8, 16, 32, 64, 100))

_started_ports: set[int] = set()


def serve(service: str) -> int | None:
    """Start the metrics endpoint once per process; tests that run several containers in one process share it."""
    port = config.metrics_port(service)
    # Tests run many containers in one process: they get an endpoint only when they ask for a port.
    if port in _started_ports or (config.env() == "test" and not os.environ.get("METRICS_PORT")):
        return None
    _started_ports.add(port)  # before the bind, which may yield to another container starting in this process
    start_http_server(port, addr=config.metrics_bind())
    return port


class Metrics(DependencyProvider):
    """Times every entrypoint of the service and counts the ones that raise."""

    def setup(self):
        serve(self.container.service_name)
        self._started = {}

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        method = worker_ctx.entrypoint.method_name
        service = self.container.service_name
        if started is not None:
            RPC_LATENCY.labels(service, method).observe(time.perf_counter() - started)
        if exc_info is not None:
            ENTRYPOINT_FAILURES.labels(service, method, type(exc_info[1]).__name__).inc()
