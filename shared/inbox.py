"""The inbox: each (handler, event_id) is applied once, in the same transaction as the handler's effects.

The key includes the handler's name, so two handlers of one event in one service keep separate records.
"""
from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.mongo import ASC, Index

INDEXES = [
    Index("inbox", [("handler", ASC), ("event_id", ASC)], unique=True, name="handler_event_unique"),
]


def seen(db, handler: str, event_id: str) -> bool:
    return db.inbox.find_one({"handler": handler, "event_id": event_id}, {"_id": 1}) is not None


def record(db, session, handler: str, envelope) -> None:
    """Raises DuplicateKeyError if another worker applied this event first; the transaction then aborts."""
    db.inbox.insert_one({"handler": handler, "event_id": envelope.event_id, "event_type": envelope.event_type,
                         "processed_at": clock.now()}, session=session)


def record_many(db, session, applied: list[tuple[str, object]]) -> None:
    """The records of a batch of (handler, envelope) in one write; a duplicate among them fails the whole batch."""
    now = clock.now()
    db.inbox.insert_many([{"handler": handler, "event_id": envelope.event_id, "event_type": envelope.event_type,
                           "processed_at": now} for handler, envelope in applied], session=session)


Duplicate = DuplicateKeyError
