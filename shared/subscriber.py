"""`@handles(source, event)`: a nameko event handler that goes through the inbox, retries with backoff and parks
what keeps failing in dead letters, instead of nameko's default of acking and forgetting a failed handler.

The handler is called as `method(self, tx, envelope)` inside the transaction that records the inbox entry. A
handler that needs another service's answer names a `lookup` method: it is called as `lookup(envelope)` before the
transaction opens (no transaction waits on another service), and its answer is passed on as
`method(self, tx, envelope, found)`; a failing lookup is retried and parked like a failing handler.

`batch=True` says the handler may share its transaction with other events the process holds at the same moment
(shared.group_commit): it touches only what the transaction's session gives it and nothing outside, so a batch that
fails can be applied again event by event.

A handler that names an `after` method has it called once the event's transaction has committed (work that must
see the committed state, such as counting with a calendar just loaded); a failure there is logged, and the method's
own timer is what makes sure it is done.
"""
import functools
import logging

from nameko.events import SERVICE_POOL, event_handler

SUBSCRIPTION_ATTR = "xiangzhi_subscription"
log = logging.getLogger(__name__)


def queue_name(source: str, event_name: str, service: str, method: str) -> str:
    """The queue nameko's service-pool handler consumes from; topology declares the same name up front."""
    return f"evt-{source}-{event_name}--{service}.{method}"


def handles(source: str, event_name: str, storage: str = "db", lookup: str | None = None, batch: bool = False,
            after: str | None = None):
    def decorate(fn):
        def apply(self, payload):
            handler = f"{self.name}.{fn.__name__}"
            queue = queue_name(source, event_name, self.name, fn.__name__)
            if lookup is None:
                return getattr(self, storage).consume(payload, handler, queue,
                                                      lambda tx, envelope: fn(self, tx, envelope), batch=batch)
            return getattr(self, storage).consume(payload, handler, queue,
                                                  lambda tx, envelope, found: fn(self, tx, envelope, found),
                                                  prepare=getattr(self, lookup), batch=batch)

        @functools.wraps(fn)
        def consume(self, payload):
            outcome = apply(self, payload)
            if after is not None:
                try:
                    getattr(self, after)()
                except Exception:  # noqa: BLE001 - the event is applied; the `after` method's timer does the rest
                    log.exception("%s after %s failed; left for its timer", after, fn.__name__)
            return outcome

        setattr(consume, SUBSCRIPTION_ATTR, (source, event_name, fn.__name__))
        return event_handler(source, event_name, handler_type=SERVICE_POOL, reliable_delivery=True)(consume)

    return decorate
