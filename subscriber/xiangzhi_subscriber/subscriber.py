"""A department's own durable queue on the suite's events, consumed with plain pika.

Each message is checked against its schema, handled once per `event_id`, and acknowledged only after the handler
returned (at least once, never lost: a consumer that stops mid-way gets the message again). A message that is not
a documented event, or whose handler keeps failing, is moved to `<queue>.rejected` with the reason, so one bad
message never blocks the queue.
"""
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterable, Optional

import pika
from pika.exceptions import AMQPConnectionError, AMQPError

from .contracts import Contracts, ContractViolation
from .seen import SeenEvents

log = logging.getLogger("xiangzhi_subscriber")


class Outcome(str, Enum):
    handled = "handled"
    duplicate = "duplicate"      # its event_id was handled before: acknowledged, handler not called
    rejected = "rejected"        # not a documented event, or failing its schema: moved to <queue>.rejected
    retried = "retried"          # the handler raised: delivered again
    gave_up = "gave_up"          # the handler kept raising: moved to <queue>.rejected


@dataclass(frozen=True)
class Event:
    """What the handler receives: the envelope as published, and where it came from."""
    envelope: dict
    exchange: str
    routing_key: str
    correlation_id: Optional[str]   # the AMQP property; the same as envelope["correlation_id"]
    redelivered: bool

    @property
    def event_type(self) -> str:
        return self.envelope["event_type"]

    @property
    def event_id(self) -> str:
        return self.envelope["event_id"]

    @property
    def data(self) -> dict:
        return self.envelope["data"]


def bindings(events: Iterable[str]) -> list[tuple[str, str]]:
    """(exchange, routing key) of event types written `<source>.<aggregate>.<verb>`; `<source>.#` takes all of a
    service's events and `*`/`#` work as on any topic exchange."""
    out = []
    for name in events:
        source, _, key = name.partition(".")
        if not source or not key:
            raise ValueError(f"an event is named <source>.<aggregate>.<verb>, not {name!r}")
        out.append((f"{source}.events", key))
    return sorted(set(out))


class Subscriber:
    def __init__(self, amqp_uri: str, queue: str, contracts: Contracts, events: Iterable[str],
                 seen: Optional[SeenEvents] = None, seen_path: str = ":memory:", prefetch: int = 20,
                 max_attempts: int = 5, retry_pause: float = 0.5, check_documented: bool = True):
        self.parameters = pika.URLParameters(amqp_uri)
        self.queue, self.rejected_queue = queue, f"{queue}.rejected"
        self.contracts = contracts
        self.bindings = bindings(events)
        if check_documented:
            documented = set(contracts.event_types)
            unknown = [f"{ex[:-7]}.{key}" for ex, key in self.bindings
                       if "*" not in key and "#" not in key and f"{ex[:-7]}.{key}" not in documented]
            if unknown:
                raise ValueError(f"not documented in the contracts: {', '.join(unknown)}")
        self.seen = seen if seen is not None else SeenEvents(seen_path)
        self.prefetch, self.max_attempts, self.retry_pause = prefetch, max_attempts, retry_pause
        self.counts: Counter = Counter()
        self.rejections: list[tuple[str, str]] = []  # (routing key, reason) of what went to <queue>.rejected
        self._attempts: Counter = Counter()

    # set-up ---------------------------------------------------------------------------------------------------
    def declare(self, channel) -> None:
        """The queue and its bindings: durable, so events published while the department is away wait for it. The
        suite declares the exchanges; declaring them here too (passively) fails early on a wrong broker."""
        channel.queue_declare(self.queue, durable=True)
        channel.queue_declare(self.rejected_queue, durable=True)
        for exchange, routing_key in self.bindings:
            channel.exchange_declare(exchange, exchange_type="topic", durable=True, passive=True)
            channel.queue_bind(self.queue, exchange, routing_key=routing_key)

    def setup(self) -> None:
        """Declare and bind once, without consuming (e.g. at deployment, before the first event is sent)."""
        with pika.BlockingConnection(self.parameters) as connection:
            self.declare(connection.channel())

    # one message ----------------------------------------------------------------------------------------------
    def handle(self, channel, method, properties, body: bytes, handler: Callable[[Event], None]) -> Outcome:
        try:
            envelope = json.loads(body)
            self.contracts.check(envelope)
        except (ValueError, ContractViolation) as exc:
            return self._reject(channel, method, properties, body, f"invalid: {exc}", Outcome.rejected)
        event_id = envelope["event_id"]
        if event_id in self.seen:
            channel.basic_ack(method.delivery_tag)
            return self._count(Outcome.duplicate)
        event = Event(envelope, method.exchange, method.routing_key, properties.correlation_id, method.redelivered)
        try:
            handler(event)
        except Exception as exc:  # noqa: BLE001 - any failure of the department's own code is retried
            self._attempts[event_id] += 1
            if self._attempts[event_id] >= self.max_attempts:
                del self._attempts[event_id]
                return self._reject(channel, method, properties, body,
                                    f"handler failed {self.max_attempts} times: {type(exc).__name__}: {exc}",
                                    Outcome.gave_up)
            log.warning("handler failed on %s (%s), delivering it again", envelope["event_type"], exc)
            time.sleep(self.retry_pause * self._attempts[event_id])
            channel.basic_nack(method.delivery_tag, requeue=True)
            return self._count(Outcome.retried)
        self._attempts.pop(event_id, None)
        self.seen.add(event_id, envelope["event_type"])
        channel.basic_ack(method.delivery_tag)
        return self._count(Outcome.handled)

    def _reject(self, channel, method, properties, body, reason: str, outcome: Outcome) -> Outcome:
        headers = {**(properties.headers or {}), "x-rejected-reason": reason[:500],
                   "x-original-exchange": method.exchange, "x-original-routing-key": method.routing_key}
        channel.basic_publish("", self.rejected_queue, body, pika.BasicProperties(
            content_type=properties.content_type, delivery_mode=2, message_id=properties.message_id,
            correlation_id=properties.correlation_id, headers=headers))
        channel.basic_ack(method.delivery_tag)
        self.rejections.append((method.routing_key, reason))
        log.error("moved a message of %s to %s: %s", method.routing_key, self.rejected_queue, reason)
        return self._count(outcome)

    def _count(self, outcome: Outcome) -> Outcome:
        self.counts[outcome.value] += 1
        return outcome

    # the loop -------------------------------------------------------------------------------------------------
    def run(self, handler: Callable[[Event], None], idle_seconds: Optional[float] = None,
            reconnect_pause: float = 2.0) -> Counter:
        """Consume until stopped (Ctrl-C), or until no message came for `idle_seconds`. A lost connection is
        opened again; what was not acknowledged is delivered again and deduplicated."""
        idle_since = time.monotonic()
        while True:
            try:
                with pika.BlockingConnection(self.parameters) as connection:
                    channel = connection.channel()
                    self.declare(channel)
                    channel.basic_qos(prefetch_count=self.prefetch)
                    for method, properties, body in channel.consume(self.queue, inactivity_timeout=0.5):
                        if method is None:
                            if idle_seconds is not None and time.monotonic() - idle_since >= idle_seconds:
                                channel.cancel()
                                return self.counts
                            continue
                        self.handle(channel, method, properties, body, handler)
                        idle_since = time.monotonic()
            except (AMQPConnectionError, AMQPError) as exc:
                log.warning("connection to the broker lost (%s); connecting again", type(exc).__name__)
                time.sleep(reconnect_pause)
