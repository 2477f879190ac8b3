"""The risk service's MongoDB collections.

`signals` are keyed by the event id they came from (a second copy of an event is a duplicate key, not a second
signal). `areas` keeps each village's and township's folded sums (by era), the moment they are taken at (its latest
signal), the oldest signal still counted, and the score, level and signal count they give (scoring.py).
`alerts` carry a unique `key`: while an area has an open alert its key is `<area>:open`, so two workers raising
one at the same time make one (the database refuses the second insert); concluding the meeting on it retires the
key. `tasks` are the meetings' follow-up tasks, kept apart so the sweep finds the overdue ones by index.
"""
import uuid

from pymongo import ReturnDocument

from shared import clock
from shared.mongo import ASC, DESC, Index

from .domain import STANDING_UNITS

SCORED_FIELDS = {"kind": 1, "category": 1, "source": 1, "occurred_at": 1}


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class RiskStore:
    INDEXES = [
        Index("signals", [("village_code", ASC), ("occurred_at", ASC)]),
        Index("signals", [("township_code", ASC), ("occurred_at", ASC)]),
        Index("areas", [("area_path", ASC)]),
        Index("alerts", [("key", ASC)], unique=True),
        Index("alerts", [("area_path", ASC), ("raised_at", DESC)]),
        Index("member_units", [("name", ASC)], unique=True),
        Index("risk_items", [("client_ref", ASC)], unique=True, sparse=True),
        Index("risk_items", [("area_path", ASC), ("level", ASC)]),
        Index("assessment_meetings", [("client_ref", ASC)], unique=True, sparse=True),
        Index("tasks", [("status", ASC), ("due_on", ASC)]),
        Index("designations", [("township_code", ASC), ("designation", ASC)], unique=True),
    ]

    def __init__(self, db):
        self.db = db

    def on_start(self) -> None:
        """The sixteen standing units, once: a unit the county renamed or retired stays as it was configured."""
        if self.db.member_units.count_documents({}) == 0:
            now = clock.now()
            for order, unit in enumerate(STANDING_UNITS):
                self.db.member_units.update_one({"name": unit["name"]}, {"$setOnInsert": {
                    "_id": new_id("DW"), **unit, "standing": True, "active": True, "order": order,
                    "updated_at": now}}, upsert=True)

    # signals and scores ------------------------------------------------------------------------------------------
    def signals_of(self, area_code: str, area_kind: str, session=None) -> list[dict]:
        field = "village_code" if area_kind == "village" else "township_code"
        # only what the model and the alert's units read: a township's signals are many
        return list(self.db.signals.find({field: area_code}, SCORED_FIELDS, session=session))

    def upsert_open_alert(self, area_code: str, on_insert: dict, changes: dict, session) -> tuple[dict, bool]:
        """The area's one open alert, made now or updated: (alert, made now)."""
        before = self.db.alerts.find_one_and_update(
            {"key": f"{area_code}:open"}, {"$setOnInsert": on_insert, "$set": changes}, upsert=True,
            return_document=ReturnDocument.BEFORE, session=session)
        after = self.db.alerts.find_one({"key": f"{area_code}:open"}, session=session)
        return after, before is None

    def page_of(self, collection: str, query: dict, page: int, page_size: int, sort: list,
                projection: dict | None = None) -> dict:
        total = self.db[collection].count_documents(query)
        items = list(self.db[collection].find(query, projection).sort(sort).skip((page - 1) * page_size)
                     .limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def due_tasks(self, today: str) -> list[dict]:
        return list(self.db.tasks.find({"status": "open", "due_on": {"$lt": today}}))
