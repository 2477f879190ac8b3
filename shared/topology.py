"""Declares every event exchange and every subscriber queue of the suite before anything publishes.

nameko declares a handler's queue only when that service first starts, and an event published to an exchange
with no bound queue is dropped. Declaring them all here (run by `scripts/xz run`, by the k8s/compose job, and by
every service at start) means an event sent while a subscriber has never run waits in its queue.

The suite's subscriptions are read from `subscriptions.json` beside this module, which `scripts/xz contracts`
writes from the services' `@handles` (and a test fails when it drifts): this library imports no service, so a
process loads only its own service's code.
Run: `python -m shared.topology` (prints what it declared).
"""
import inspect
import json
from pathlib import Path

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from shared import config
from shared.subscriber import SUBSCRIPTION_ATTR, queue_name

SUBSCRIPTIONS = Path(__file__).with_name("subscriptions.json")


def subscriptions_of(classes) -> list[tuple[str, str, str, str]]:
    """(source, event name, service, method) for every @handles of the given service classes."""
    out = []
    for cls in classes:
        for method_name, member in inspect.getmembers(cls, inspect.isfunction):
            spec = getattr(member, SUBSCRIPTION_ATTR, None)
            if spec:
                source, event_name, _ = spec
                out.append((source, event_name, cls.name, method_name))
    return sorted(out)


def suite_subscriptions() -> list[tuple[str, str, str, str]]:
    """Every subscription of the suite, as generated into subscriptions.json."""
    rows = json.loads(SUBSCRIPTIONS.read_text(encoding="utf-8"))
    return sorted((r["source"], r["event"], r["service"], r["method"]) for r in rows)


def subscriptions(classes=None) -> list[tuple[str, str, str, str]]:
    """Those of `classes` when given, else the whole suite's."""
    return subscriptions_of(classes) if classes is not None else suite_subscriptions()


def queues(classes=None) -> list[Queue]:
    return [Queue(queue_name(source, event, service, method), exchange=get_event_exchange(source, {}),
                  routing_key=event, durable=True, auto_delete=False)
            for source, event, service, method in subscriptions(classes)]


def declare(amqp_uri: str | None = None, classes=None) -> list[str]:
    declared = []
    with Connection(amqp_uri or config.amqp_uri()) as conn:
        channel = conn.default_channel
        for name in config.SERVICES:
            get_event_exchange(name, {})(channel).declare()
        for queue in queues(classes):
            queue(channel).declare()
            declared.append(queue.name)
    return declared


if __name__ == "__main__":
    for queue_name_ in declare():
        print("declared", queue_name_)
    print("topology ready")
