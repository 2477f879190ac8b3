"""Declares every event exchange and every subscriber queue of the suite before anything publishes.

nameko declares a handler's queue only when that service first starts, and an event published to an exchange
with no bound queue is dropped. Declaring them all here (run by `make run`, by the k8s/compose job, and by
every service at start) means an event sent while a subscriber has never run waits in its queue.
Run: `python -m shared.topology` (prints what it declared).
"""
import importlib
import inspect

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from shared import config
from shared.subscriber import SUBSCRIPTION_ATTR, queue_name


def service_classes() -> list[type]:
    found = []
    for name in config.SERVICES:
        try:
            module = importlib.import_module(f"services.{name}.service")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"services.{name}"):
                continue  # that service is not built yet
            raise
        found += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if cls.__module__ == module.__name__ and getattr(cls, "name", None) == name]
    return found


def subscriptions(classes=None) -> list[tuple[str, str, str, str]]:
    """(source, event name, service, method) for every @handles in the suite."""
    out = []
    for cls in classes if classes is not None else service_classes():
        for method_name, member in inspect.getmembers(cls, inspect.isfunction):
            spec = getattr(member, SUBSCRIPTION_ATTR, None)
            if spec:
                source, event_name, _ = spec
                out.append((source, event_name, cls.name, method_name))
    return sorted(out)


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
