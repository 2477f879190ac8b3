"""The outbox: events are written beside the state change in one transaction, then relayed to RabbitMQ.

An entry moves pending → published when the broker confirms it, or pending → unrouted when the broker returns
it because no queue is bound (published `mandatory`, so nothing is dropped in silence; every subscriber queue
the suite knows is declared beforehand by shared.topology). A failed publish leaves the entry pending and the
service timer sends it again; relays claim entries for a short lease so two of them rarely send one twice, and
subscribers deduplicate by event_id when they do.
"""
import logging
from datetime import timedelta

from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import PERSISTENT
from nameko.standalone.events import get_event_exchange
from pymongo import ReturnDocument

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
        query = {"state": PENDING,
                 "$or": [{"claimed_until": None}, {"claimed_until": {"$lt": now}}]}
        if event_ids is not None:
            query["_id"] = {"$in": list(event_ids)}
        if older_than_seconds:
            query["created_at"] = {"$lte": now - timedelta(seconds=older_than_seconds)}
        sent = 0
        for candidate in self.db.outbox.find(query, {"_id": 1}).sort("created_at", ASC).limit(limit):
            entry = self.db.outbox.find_one_and_update(
                {"_id": candidate["_id"], **query},
                {"$set": {"claimed_until": clock.now() + timedelta(seconds=CLAIM_SECONDS)},
                 "$inc": {"attempts": 1}},
                return_document=ReturnDocument.AFTER)
            if entry is None:
                continue
            outcome = self._publish(entry)
            if outcome is None:
                break  # the broker is away: leave the rest for the timer
            sent += outcome == PUBLISHED
        return sent

    def _publish(self, entry: dict) -> str | None:
        envelope = entry["envelope"]
        try:
            self.publisher.publish(
                envelope, exchange=self.exchange, routing_key=entry["routing_key"],
                declare=[self.exchange], message_id=entry["_id"], type=entry["event_type"],
                headers={"nameko.correlation_id": envelope["correlation_id"]},
                retry=False)
        except UndeliverableMessage:
            self._settle(entry, UNROUTED)
            metrics.EVENTS_UNROUTED.labels(self.source, entry["event_type"]).inc()
            log.warning("event %s %s had no queue bound; kept as unrouted", entry["event_type"], entry["_id"])
            return UNROUTED
        except (OperationalError, OSError, ConnectionError) as exc:
            self.db.outbox.update_one({"_id": entry["_id"]},
                                      {"$set": {"claimed_until": None, "last_error": type(exc).__name__}})
            log.warning("publishing %s failed (%s); the timer will send it again", entry["event_type"], exc)
            return None
        self._settle(entry, PUBLISHED)
        metrics.EVENTS_PUBLISHED.labels(self.source, entry["event_type"]).inc()
        return PUBLISHED

    def _settle(self, entry: dict, state: str) -> None:
        self.db.outbox.update_one({"_id": entry["_id"]},
                                  {"$set": {"state": state, "settled_at": clock.now(), "claimed_until": None}})

    def requeue_unrouted(self) -> int:
        """After a subscriber queue was added late, send what found no queue again."""
        return self.db.outbox.update_many({"state": UNROUTED}, {"$set": {"state": PENDING}}).modified_count
