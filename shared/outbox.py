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
CLAIM_SECONDS = 30

INDEXES = [
    Index("outbox", [("state", ASC), ("created_at", ASC)]),
]


def entry_for(envelope: Envelope) -> dict:
    return {
        "_id": envelope.event_id,
        "event_type": envelope.event_type,
        "routing_key": envelope.routing_key,
        "envelope": envelope.model_dump(mode="json"),
        "state": PENDING,
        "attempts": 0,
        "created_at": clock.now(),
        "claimed_until": None,
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

    def send(self, event_ids: list[str] | None = None, older_than_seconds: float = 0, limit: int = 1000) -> int:
        """Publish pending entries (these ids, or all older than the given age); return how many were confirmed."""
        now = clock.now()
        # `$not: {$gte}` matches null, missing and expired leases; an `$or` here made the store scan everything.
        query = {"state": PENDING, "claimed_until": {"$not": {"$gte": now}}}
        if event_ids is not None:
            query["_id"] = {"$in": list(event_ids)}
        if older_than_seconds:
            query["created_at"] = {"$lte": now - timedelta(seconds=older_than_seconds)}
        ids = [d["_id"] for d in self.db.outbox.find(query, {"_id": 1}).sort("created_at", ASC).limit(limit)]
        if not ids:
            return 0
        claim = uuid.uuid4().hex
        self.db.outbox.update_many(
            {**query, "_id": {"$in": ids}},
            {"$set": {"claimed_until": clock.now() + timedelta(seconds=CLAIM_SECONDS), "claim": claim},
             "$inc": {"attempts": 1}})
        settled: dict[str, list[str]] = {PUBLISHED: [], UNROUTED: []}
        try:
            for entry in self.db.outbox.find({"_id": {"$in": ids}, "claim": claim}).sort("created_at", ASC):
                outcome = self._publish(entry)
                if outcome is None:
                    break  # the broker is away: leave the rest for the timer
                settled[outcome].append(entry["_id"])
        finally:
            for state, done in settled.items():
                if done:
                    self.db.outbox.update_many({"_id": {"$in": done}}, {"$set": {
                        "state": state, "settled_at": clock.now(), "claimed_until": None}})
            self.db.outbox.update_many({"_id": {"$in": ids}, "claim": claim, "state": PENDING},
                                       {"$set": {"claimed_until": None}})
        return len(settled[PUBLISHED])

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

    def requeue_unrouted(self) -> int:
        """After a subscriber queue was added late, send what found no queue again."""
        return self.db.outbox.update_many({"state": UNROUTED}, {"$set": {"state": PENDING}}).modified_count
