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

from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher, UndeliverableMessage
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


def make_publisher() -> Publisher:
    return Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json",
                     delivery_mode=PERSISTENT)


class Relay:
    def __init__(self, db, source: str, publisher: Publisher):
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
            self.publisher.publish(
                envelope, exchange=self.exchange, routing_key=entry["routing_key"],
                declare=[self.exchange], message_id=entry["_id"], type=entry["event_type"],
                headers={"nameko.correlation_id": envelope["correlation_id"]},
                retry=False)
        except UndeliverableMessage:
            metrics.EVENTS_UNROUTED.labels(self.source, entry["event_type"]).inc()
            log.debug("event %s had no queue bound; kept as unrouted", entry["event_type"])
            return UNROUTED
        except (OperationalError, OSError, ConnectionError) as exc:
            self.db.outbox.update_one({"_id": entry["_id"]}, {"$set": {"last_error": type(exc).__name__}})
            log.warning("publishing %s failed (%s); the timer will send it again", entry["event_type"], exc)
            return None
        metrics.EVENTS_PUBLISHED.labels(self.source, entry["event_type"]).inc()
        return PUBLISHED

    def prune(self, keep_days: float) -> int:
        """Forget published entries after a while; the outbox is a queue, not the event archive."""
        cutoff = clock.now() - timedelta(days=keep_days)
        return self.db.outbox.delete_many({"state": PUBLISHED, "settled_at": {"$lt": cutoff}}).deleted_count

    def requeue_unrouted(self) -> int:
        """After a subscriber queue was added late, send what found no queue again."""
        return self.db.outbox.update_many({"state": UNROUTED}, {"$set": {"state": PENDING}}).modified_count
