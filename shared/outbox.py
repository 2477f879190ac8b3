"""The outbox: events are written beside the state change in one transaction, then relayed to RabbitMQ.

An entry moves pending → published when the broker confirms it, or pending → unrouted when the broker returns
it because no queue is bound (published `mandatory`, so nothing is dropped in silence; every subscriber queue
the suite knows is declared beforehand by shared.topology). A failed publish leaves the entry pending and the
service timer sends it again; relays claim entries for a short lease so two of them rarely send one twice, and
subscribers deduplicate by event_id when they do.

Committed entries are handed to one relay greenthread per service process, woken by the commit: it publishes
whatever has gathered (up to BATCH entries, in commit order) on a confirm channel without waiting for each
confirm, waits once for all of them, and settles the batch in one write per outcome (docs/adr/0019).
"""
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import eventlet
from amqp import Message
from amqp.exceptions import AMQPError
from eventlet.queue import LightQueue
from eventlet.semaphore import Semaphore
from kombu import Connection
from kombu.exceptions import OperationalError
from kombu.utils.json import dumps
from nameko.constants import PERSISTENT
from nameko.standalone.events import get_event_exchange

from shared import clock, config, metrics
from shared.events import Envelope
from shared.mongo import ASC, Index

log = logging.getLogger(__name__)

PENDING, PUBLISHED, UNROUTED = "pending", "published", "unrouted"
CLAIM_SECONDS = 10
BATCH = 200              # entries published before waiting for their confirms
CONFIRM_SECONDS = 10     # how long a batch waits for its confirms before the connection is given up
BROKER_ERRORS = (OperationalError, OSError, ConnectionError, AMQPError)

INDEXES = [
    Index("outbox", [("state", ASC), ("created_at", ASC)]),
    Index("outbox", [("claim", ASC)]),
]


def entry_for(envelope: Envelope, claim: str) -> dict:
    """The outbox row of an event, already claimed by the worker that commits it (it publishes right after)."""
    now = clock.now()
    return {
        "_id": envelope.event_id,
        "event_type": envelope.event_type,
        "routing_key": envelope.routing_key,
        "envelope": envelope.model_dump(mode="json"),
        "state": PENDING,
        "attempts": 0,
        "created_at": now,
        "claim": claim,
        "claimed_until": now + timedelta(seconds=CLAIM_SECONDS),
    }


@dataclass(frozen=True)
class Outgoing:
    message_id: str
    routing_key: str
    event_type: str
    body: dict


class ConfirmingPublisher:
    """One connection and channel per relay, in confirm mode, publishing `mandatory` with pipelined confirms.

    The broker numbers the messages of a confirm channel 1, 2, 3, …; it acks (or, on an internal error, nacks)
    each, or all up to a number at once (`multiple`). A message no queue takes comes back as basic.return just
    before its ack, so an ack of a returned message means unrouted. Callbacks on the channel collect the three
    while the connection is drained, instead of the client waiting for each confirm in turn.
    """

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self._lock = Semaphore(1)
        self._connection = None
        self._channel = None
        self._declared: set[str] = set()
        self._returned: set[str] = set()
        self._tags: dict[int, str] = {}      # delivery tag → message id, while unconfirmed
        self._confirmed: dict[str, bool] = {}  # message id → acked (True) or nacked (False)
        self._next_tag = 1

    def _open(self):
        if self._channel is None:
            self._connection = Connection(self.amqp_uri, connect_timeout=5)
            channel = self._connection.channel()
            channel.events["basic_return"].add(self._on_return)
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.confirm_select()
            self._channel, self._next_tag = channel, 1
            self._tags.clear()
            self._declared.clear()
        return self._channel

    def _on_return(self, exc, exchange, routing_key, message):
        self._returned.add(message.properties.get("message_id"))

    def _settle_tags(self, tag: int, multiple: bool, acked: bool) -> None:
        for t in [t for t in self._tags if t <= tag] if multiple else [tag]:
            message_id = self._tags.pop(t, None)
            if message_id is not None:
                self._confirmed[message_id] = acked

    def _on_ack(self, delivery_tag, multiple):
        self._settle_tags(delivery_tag, multiple, True)

    def _on_nack(self, delivery_tag, multiple):
        self._settle_tags(delivery_tag, multiple, False)

    def publish_batch(self, exchange, messages: list[Outgoing]) -> dict[str, str | None]:
        """Publish all, then wait once for their confirms: message id → published, unrouted, or None when the
        broker nacked it or went away before confirming it (it is sent again later)."""
        outcomes: dict[str, str | None] = {m.message_id: None for m in messages}
        with self._lock:
            self._confirmed.clear()
            try:
                channel = self._open()
                if exchange.name not in self._declared:
                    exchange(channel).declare()
                    self._declared.add(exchange.name)
                for m in messages:
                    body = dumps(m.body).encode()
                    # Every subscriber reads the AMQP property; nameko's own consumers read the header.
                    message = Message(body, content_type="application/json", content_encoding="utf-8",
                                      application_headers={"nameko.correlation_id": m.body.get("correlation_id")},
                                      correlation_id=m.body.get("correlation_id"),
                                      delivery_mode=PERSISTENT, message_id=m.message_id, type=m.event_type)
                    self._tags[self._next_tag] = m.message_id
                    self._next_tag += 1
                    channel.basic_publish(message, exchange=exchange.name, routing_key=m.routing_key,
                                          mandatory=True)
                with eventlet.Timeout(CONFIRM_SECONDS, TimeoutError("no confirm from the broker")):
                    while self._tags:
                        self._connection.drain_events()
            except BaseException:
                self.close()
                raise
            finally:
                for message_id, acked in self._confirmed.items():
                    if acked:
                        outcomes[message_id] = UNROUTED if message_id in self._returned else PUBLISHED
                    self._returned.discard(message_id)
                self._confirmed.clear()
        return outcomes

    def close(self):
        connection, self._connection, self._channel = self._connection, None, None
        self._tags.clear()
        self._returned.clear()
        if connection is not None:
            try:
                connection.release()
            except Exception:  # noqa: BLE001 - it is being thrown away
                pass


def make_publisher() -> ConfirmingPublisher:
    return ConfirmingPublisher(config.amqp_uri())


class Relay:
    def __init__(self, db, source: str, publisher: ConfirmingPublisher):
        self.db = db
        self.source = source
        self.publisher = publisher
        self.exchange = get_event_exchange(source, {})
        self._committed: LightQueue = LightQueue()
        self._runner = None

    # the relay greenthread: woken by commits -------------------------------------------------------------------
    def submit(self, entries: list[dict]) -> None:
        """Hand entries just committed (and claimed by their transaction) to the relay greenthread."""
        self._committed.put(entries)
        if self._runner is None or self._runner.dead:
            self._runner = eventlet.spawn(self._run)

    def _run(self) -> None:
        while True:
            batch = list(self._committed.get())
            while len(batch) < BATCH and self._committed.qsize():
                batch.extend(self._committed.get_nowait())  # whole transactions: each claim settles in one write
            try:
                self._publish_and_settle(batch, {e["claim"] for e in batch})
            except Exception:  # noqa: BLE001 - the entries stay pending; the outbox timer sends them later
                log.exception("relay failed; %d entries left for the outbox timer", len(batch))

    def flush(self, seconds: float) -> None:
        """On stop: give what was committed a moment to go out (the rest is sent by the timer after restart)."""
        with eventlet.Timeout(seconds, False):
            while self._committed.qsize():
                eventlet.sleep(0.05)
        if self._runner is not None:
            self._runner.kill()
            self._runner = None

    # publishing and settling -----------------------------------------------------------------------------------
    def backlog(self) -> int:
        count = self.db.outbox.count_documents({"state": PENDING})
        metrics.OUTBOX_BACKLOG.labels(self.source).set(count)
        return count

    def send_unsent(self, older_than_seconds: float = 1, limit: int = 1000) -> int:
        """Claim and publish pending entries whose lease ran out (broker away, or the process died)."""
        now = clock.now()
        # `$not: {$gte}` matches null, missing and expired leases; an `$or` here made the store scan everything.
        query = {"state": PENDING, "claimed_until": {"$not": {"$gte": now}},
                 "created_at": {"$lte": now - timedelta(seconds=older_than_seconds)}}
        ids = [d["_id"] for d in self.db.outbox.find(query, {"_id": 1}).sort("created_at", ASC).limit(limit)]
        if not ids:
            return 0
        claim = uuid.uuid4().hex
        self.db.outbox.update_many({**query, "_id": {"$in": ids}}, {"$set": {
            "claim": claim, "claimed_until": clock.now() + timedelta(seconds=CLAIM_SECONDS)}})
        entries = list(self.db.outbox.find({"claim": claim}).sort("created_at", ASC))
        return self.publish_claimed(entries)

    def publish_claimed(self, entries: list[dict]) -> int:
        """Publish claimed entries in order, BATCH at a time; settle each batch; return how many the broker took."""
        taken = 0
        whole = {e["claim"] for e in entries} if len(entries) <= BATCH else set()
        for start in range(0, len(entries), BATCH):
            outcomes = self._publish_and_settle(entries[start:start + BATCH], whole)
            taken += sum(1 for o in outcomes.values() if o == PUBLISHED)
            if any(o is None for o in outcomes.values()):
                break  # the broker is away: the rest wait for the timer, in order
        return taken

    def _publish_and_settle(self, batch: list[dict], whole_claims: set[str]) -> dict[str, str | None]:
        outcomes, error = self._publish(batch)
        self._settle(batch, outcomes, error, whole_claims)
        return outcomes

    def _publish(self, batch: list[dict]) -> tuple[dict[str, str | None], str | None]:
        messages = [Outgoing(e["_id"], e["routing_key"], e["event_type"], e["envelope"]) for e in batch]
        try:
            outcomes = self.publisher.publish_batch(self.exchange, messages)
        except BROKER_ERRORS + (TimeoutError,) as exc:
            log.warning("publishing %d events failed (%s); the timer will send them again", len(batch), exc)
            return {e["_id"]: None for e in batch}, type(exc).__name__
        for entry in batch:
            outcome = outcomes.get(entry["_id"])
            if outcome == PUBLISHED:
                metrics.EVENTS_PUBLISHED.labels(self.source, entry["event_type"]).inc()
            elif outcome == UNROUTED:
                metrics.EVENTS_UNROUTED.labels(self.source, entry["event_type"]).inc()
                log.debug("event %s had no queue bound; kept as unrouted", entry["event_type"])
        return outcomes, None

    def _settle(self, batch: list[dict], outcomes: dict[str, str | None], error: str | None,
                whole_claims: set[str]) -> None:
        """As few writes as the outcomes allow: one per claim (a transaction's entries, found by the claim's index)
        whose entries are all in the batch and fared alike, the usual case; one per outcome over the ids of the
        rest (the local store reads an `$in` over ids slower, about twice the cost per entry)."""
        now = clock.now()
        by_claim: dict[str, dict[str | None, list[str]]] = {}
        for entry in batch:
            by_claim.setdefault(entry["claim"], {}).setdefault(outcomes.get(entry["_id"]), []).append(entry["_id"])
        rest: dict[str | None, list[str]] = {}
        for claim, by_state in by_claim.items():
            if claim in whole_claims and len(by_state) == 1:
                state = next(iter(by_state))
                self.db.outbox.update_many({"claim": claim, "state": PENDING}, self._settled(state, now, error))
                continue
            for state, ids in by_state.items():
                rest.setdefault(state, []).extend(ids)
        for state, ids in rest.items():
            self.db.outbox.update_many({"_id": {"$in": ids}, "state": PENDING}, self._settled(state, now, error))

    @staticmethod
    def _settled(state: str | None, now, error: str | None) -> dict:
        change = {"state": state, "settled_at": now} if state else {"last_error": error or "not confirmed"}
        return {"$set": {**change, "claimed_until": None}, "$inc": {"attempts": 1}}

    def prune(self, keep_days: float) -> int:
        """Forget published entries after a while; the outbox is a queue, not the event archive."""
        cutoff = clock.now() - timedelta(days=keep_days)
        return self.db.outbox.delete_many({"state": PUBLISHED, "settled_at": {"$lt": cutoff}}).deleted_count

    def requeue_unrouted(self, routing_keys: list[str] | None = None) -> int:
        """After a subscriber queue was added late, send what found no queue again: all of it, or only the events
        of the given routing keys (the rest would only find no queue once more)."""
        query: dict = {"state": UNROUTED}
        if routing_keys:
            query["routing_key"] = {"$in": list(routing_keys)}
        return self.db.outbox.update_many(query, {"$set": {"state": PENDING}}).modified_count
