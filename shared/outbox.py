"""The outbox: events are written beside the state change in one transaction, then relayed to RabbitMQ.

An entry moves pending → published when the broker confirms it, or pending → unrouted when the broker returns
it because no queue is bound (published `mandatory`, so nothing is dropped in silence; every subscriber queue
the suite knows is declared beforehand by shared.topology). A failed publish leaves the entry pending and the
service timer sends it again; relays claim entries for a short lease so two of them rarely send one twice, and
subscribers deduplicate by event_id when they do.
"""
import logging
import uuid
from datetime import timedelta

from amqp.exceptions import AMQPError
from eventlet.semaphore import Semaphore
from kombu import Connection, Producer
from kombu.exceptions import OperationalError
from nameko.constants import PERSISTENT
from nameko.standalone.events import get_event_exchange

from shared import clock, config, metrics
from shared.events import Envelope
from shared.mongo import ASC, Index

log = logging.getLogger(__name__)

PENDING, PUBLISHED, UNROUTED = "pending", "published", "unrouted"
CLAIM_SECONDS = 10

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


class ConfirmingPublisher:
    """One connection and channel per relay, in confirm mode, publishing `mandatory`.

    A message the broker cannot route comes back as basic.return just before its ack; a handler on the channel
    notes its id instead of letting the client raise, which would close the channel and cost a new one for every
    event that has no subscriber yet.
    """

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self._lock = Semaphore(1)
        self._connection = None
        self._producer = None
        self._declared: set[str] = set()
        self._returned: set[str] = set()

    def _open(self):
        if self._producer is None:
            self._connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True},
                                          connect_timeout=5)
            channel = self._connection.channel()
            channel.events["basic_return"].add(self._on_return)
            self._producer = Producer(channel, serializer="json")
            self._declared.clear()
        return self._producer

    def _on_return(self, exc, exchange, routing_key, message):
        self._returned.add(message.properties.get("message_id"))

    def publish(self, body: dict, *, exchange, routing_key: str, message_id: str, event_type: str,
                headers: dict) -> bool:
        """Publish and wait for the broker's confirm; False when no queue was bound to take it."""
        with self._lock:
            try:
                producer = self._open()
                declare = [] if exchange.name in self._declared else [exchange]
                producer.publish(body, exchange=exchange, routing_key=routing_key, mandatory=True,
                                 delivery_mode=PERSISTENT, message_id=message_id, type=event_type,
                                 headers=headers, declare=declare, retry=False)
                self._declared.add(exchange.name)
            except Exception:
                self.close()
                raise
            routed = message_id not in self._returned
            self._returned.discard(message_id)
            return routed

    def close(self):
        connection, self._connection, self._producer = self._connection, None, None
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
        return self.publish_claimed(claim, entries)

    def publish_claimed(self, claim: str, entries: list[dict]) -> int:
        """Publish entries held under `claim`, in order; settle them; return how many the broker took."""
        outcomes: dict[str, str] = {}
        try:
            for entry in entries:
                outcome = self._publish(entry)
                if outcome is None:
                    break  # the broker is away: the rest keep their lease and the timer takes them later
                outcomes[entry["_id"]] = outcome
        finally:
            self._settle(claim, entries, outcomes)
        return sum(1 for o in outcomes.values() if o == PUBLISHED)

    def _settle(self, claim: str, entries: list[dict], outcomes: dict[str, str]) -> None:
        # One update per routing key when a key's entries share an outcome (the usual case: a key is bound or
        # not); `$in` over many ids is slow on the local store.
        by_key: dict[str, list[dict]] = {}
        for entry in entries:
            by_key.setdefault(entry["routing_key"], []).append(entry)
        now = clock.now()
        for key, group in by_key.items():
            states = {outcomes.get(e["_id"]) for e in group}
            if len(states) == 1 and None not in states:
                self.db.outbox.update_many({"claim": claim, "routing_key": key}, {"$set": {
                    "state": states.pop(), "settled_at": now, "claimed_until": None},
                    "$inc": {"attempts": 1}})
                continue
            for entry in group:
                state = outcomes.get(entry["_id"])
                change = {"state": state, "settled_at": now} if state else {}
                self.db.outbox.update_one({"_id": entry["_id"]}, {"$set": {**change, "claimed_until": None},
                                                                   "$inc": {"attempts": 1}})

    def _publish(self, entry: dict) -> str | None:
        envelope = entry["envelope"]
        try:
            routed = self.publisher.publish(
                envelope, exchange=self.exchange, routing_key=entry["routing_key"], message_id=entry["_id"],
                event_type=entry["event_type"], headers={"nameko.correlation_id": envelope["correlation_id"]})
        except (OperationalError, OSError, ConnectionError, AMQPError) as exc:
            self.db.outbox.update_one({"_id": entry["_id"]}, {"$set": {"last_error": type(exc).__name__}})
            log.warning("publishing %s failed (%s); the timer will send it again", entry["event_type"], exc)
            return None
        if not routed:
            metrics.EVENTS_UNROUTED.labels(self.source, entry["event_type"]).inc()
            log.debug("event %s had no queue bound; kept as unrouted", entry["event_type"])
            return UNROUTED
        metrics.EVENTS_PUBLISHED.labels(self.source, entry["event_type"]).inc()
        return PUBLISHED

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
