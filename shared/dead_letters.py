"""Events a handler could not apply after its bounded retries, parked for ops to list and replay.

A replay republishes the stored envelope straight to the handler's own queue (default exchange, routing key =
queue name), so it takes the same path as the first delivery and the inbox still guards against doubles.
"""
import uuid
from datetime import timedelta

from kombu import Exchange
from nameko.amqp.publish import Publisher

from shared import clock, config
from shared.errors import NotFound
from shared.mongo import ASC, Index

PARKED, REPLAYED = "parked", "replayed"
TRANSIENT = "transient"  # parked because the store or a service stayed unavailable: replayed by a timer, not by ops

INDEXES = [
    Index("dead_letters", [("state", ASC), ("parked_at", ASC)]),
]


def park(db, *, handler: str, queue: str, envelope: dict, error: str, attempts: int, cause: str | None = None) -> str:
    letter_id = str(uuid.uuid4())
    db.dead_letters.insert_one({
        "_id": letter_id, "handler": handler, "queue": queue, "event_id": envelope.get("event_id"),
        "event_type": envelope.get("event_type"), "envelope": envelope, "error": error[:500],
        "attempts": attempts, "state": PARKED, "cause": cause, "parked_at": clock.now()})
    return letter_id


def replay_transient(db, older_than_seconds: float) -> int:
    """Send again what was parked for a transient cause at least `older_than_seconds` ago (the outage it waited
    out is likely over); the inbox keeps a replay from doubling, and an event that fails again is parked again."""
    since = clock.now() - timedelta(seconds=older_than_seconds)
    ids = [d["_id"] for d in db.dead_letters.find({"state": PARKED, "parked_at": {"$lte": since},
                                                   "cause": TRANSIENT}, {"_id": 1}).limit(1000)]
    return replay(db, ids) if ids else 0


def listing(db, state: str | None = PARKED, limit: int = 100) -> list[dict]:
    query = {"state": state} if state else {}
    return [{**d, "parked_at": d["parked_at"].isoformat()}
            for d in db.dead_letters.find(query, {"envelope": 0}).sort("parked_at", ASC).limit(limit)]


def replay(db, letter_ids: list[str] | None = None) -> int:
    query = {"state": PARKED}
    if letter_ids:
        query["_id"] = {"$in": letter_ids}
    letters = list(db.dead_letters.find(query))
    if letter_ids and not letters:
        raise NotFound("没有待重放的死信", field="letter_ids", code="dead_letter.not_found")
    publisher = Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json")
    for letter in letters:
        publisher.publish(letter["envelope"], exchange=Exchange(""), routing_key=letter["queue"],
                          message_id=letter["event_id"])
        db.dead_letters.update_one({"_id": letter["_id"]}, {"$set": {"state": REPLAYED, "replayed_at": clock.now()}})
    return len(letters)
