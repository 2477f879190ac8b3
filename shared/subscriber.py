"""`@handles(source, event)`: a nameko event handler that goes through the inbox, retries with backoff and parks
what keeps failing in dead letters, instead of nameko's default of acking and forgetting a failed handler.

The handler is called as `method(self, tx, envelope)` inside the transaction that records the inbox entry. A
handler that needs another service's answer names a `lookup` method: it is called as `lookup(envelope)` before the
transaction opens (no transaction waits on another service), and its answer is passed on as
`method(self, tx, envelope, found)`; a failing lookup is retried and parked like a failing handler.
"""
import functools

from nameko.events import SERVICE_POOL, event_handler

SUBSCRIPTION_ATTR = "xiangzhi_subscription"


def queue_name(source: str, event_name: str, service: str, method: str) -> str:
    """The queue nameko's service-pool handler consumes from; topology declares the same name up front."""
    return f"evt-{source}-{event_name}--{service}.{method}"


def handles(source: str, event_name: str, storage: str = "db", lookup: str | None = None):
    def decorate(fn):
        @functools.wraps(fn)
        def consume(self, payload):
            handler = f"{self.name}.{fn.__name__}"
            queue = queue_name(source, event_name, self.name, fn.__name__)
            if lookup is None:
                return getattr(self, storage).consume(payload, handler, queue,
                                                      lambda tx, envelope: fn(self, tx, envelope))
            return getattr(self, storage).consume(payload, handler, queue,
                                                  lambda tx, envelope, found: fn(self, tx, envelope, found),
                                                  prepare=getattr(self, lookup))

        setattr(consume, SUBSCRIPTION_ATTR, (source, event_name, fn.__name__))
        return event_handler(source, event_name, handler_type=SERVICE_POOL, reliable_delivery=True)(consume)

    return decorate
