"""The village service's MongoDB collections (database `<prefix>_village`).

`areas` is a read model of the grid service's area tree, written only by the handlers of its events. Everything
else is the service's own: rules versions, conduct records, councils and their meetings, family-event reports,
points-claim reviews, the representatives' meeting of each village, matters, sessions and the closed periods of
the figures. Residents and households are held by reference (ids, and a masked name for display) only: their
personal data stays in the grid service. A record changes by a conditional update on its `revision`, so two
workers cannot both move it.
"""
import uuid

from pymongo import ReturnDocument

from shared import area_model, clock
from shared.mongo import ASC, DESC, Index


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class VillageStore:
    INDEXES = [
        Index("areas", [("path", ASC), ("kind", ASC)]),
        Index("village_rules", [("area_code", ASC), ("kind", ASC), ("version", ASC)], unique=True),
        Index("village_rules", [("area_path", ASC), ("status", ASC)]),
        Index("village_rules", [("client_ref", ASC)], unique=True, sparse=True),
        Index("conduct_records", [("client_ref", ASC)], unique=True, sparse=True),
        Index("conduct_records", [("area_path", ASC), ("occurred_on", DESC)]),
        Index("councils", [("village_code", ASC), ("kind", ASC)], unique=True),
        Index("councils", [("area_path", ASC)]),
        Index("council_meetings", [("client_ref", ASC)], unique=True, sparse=True),
        Index("council_meetings", [("council_id", ASC), ("held_on", DESC)]),
        Index("council_meetings", [("area_path", ASC), ("held_on", ASC)]),
        Index("family_event_reports", [("client_ref", ASC)], unique=True, sparse=True),
        Index("family_event_reports", [("area_path", ASC), ("status", ASC)]),
        Index("claim_reviews", [("council_id", ASC), ("award_id", ASC)], unique=True),
        Index("matters", [("client_ref", ASC)], unique=True, sparse=True),
        Index("matters", [("area_path", ASC), ("status", ASC)]),
        Index("matters", [("status", ASC), ("waiting_since", ASC)]),
        Index("sessions", [("client_ref", ASC)], unique=True, sparse=True),
        Index("sessions", [("area_path", ASC), ("held_on", DESC)]),
        Index("sessions", [("matters.matter_id", ASC)]),
        Index("sessions", [("matters.case_id", ASC)], sparse=True),
    ]

    def __init__(self, db):
        self.db = db

    # the read model of the grid's areas -------------------------------------------------------------------
    def apply_area(self, area: dict, as_of, session) -> bool:
        return area_model.keep_newest(self.db.areas, area, as_of, session)

    def get_area(self, code: str) -> dict | None:
        return self.db.areas.find_one({"_id": code})

    def areas(self, query: dict) -> list[dict]:
        return list(self.db.areas.find(query, {"kind": 1, "name": 1, "path": 1, "parent_code": 1}).sort("_id", ASC))

    def area_names(self, codes) -> dict[str, str]:
        return {a["_id"]: a["name"] for a in self.db.areas.find({"_id": {"$in": list(codes)}}, {"name": 1})}

    # any collection of records -------------------------------------------------------------------------
    def insert(self, collection: str, doc: dict, session) -> None:
        now = clock.now()
        self.db[collection].insert_one({"revision": 0, "created_at": now, "updated_at": now, **doc}, session=session)

    def get(self, collection: str, record_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db[collection].find_one({"_id": record_id, **(scope_query or {})}, session=session)

    def find_one(self, collection: str, query: dict, session=None) -> dict | None:
        return self.db[collection].find_one(query, session=session)

    def by_ref(self, collection: str, client_ref: str) -> dict | None:
        return self.db[collection].find_one({"client_ref": client_ref})

    def move(self, collection: str, record: dict, changes: dict, entry: dict | None, session,
             push: dict | None = None) -> dict | None:
        """Apply a change unless someone else changed the record first (None then). `entry` goes on its
        history, `push` appends to other lists of it."""
        update: dict = {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1}}
        pushes = {**(push or {}), **({"history": entry} if entry else {})}
        if pushes:
            update["$push"] = pushes
        return self.db[collection].find_one_and_update({"_id": record["_id"], "revision": record["revision"]}, update,
                                                       return_document=ReturnDocument.AFTER, session=session)

    def page(self, collection: str, query: dict, page: int, page_size: int, sort: list,
             fields: dict | None = None) -> dict:
        total = self.db[collection].count_documents(query)
        items = list(self.db[collection].find(query, fields).sort(sort).skip((page - 1) * page_size)
                     .limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def all(self, collection: str, query: dict, fields: dict | None = None, sort: list | None = None) -> list[dict]:
        return list(self.db[collection].find(query, fields).sort(sort or [("_id", ASC)]))

    # rules versions -----------------------------------------------------------------------------------
    def latest_version(self, area_code: str, kind: str, session=None) -> dict | None:
        found = list(self.db.village_rules.find({"area_code": area_code, "kind": kind}, session=session)
                     .sort("version", DESC).limit(1))
        return found[0] if found else None

    # the representatives' meeting of each village ----------------------------------------------------------
    def save_representatives(self, village_code: str, doc: dict, session) -> None:
        self.db.representatives.update_one({"_id": village_code}, {"$set": {**doc, "updated_at": clock.now()}},
                                           upsert=True, session=session)

    def representatives(self, village_code: str) -> dict | None:
        return self.db.representatives.find_one({"_id": village_code})

    # sessions: the raised matters inside them -------------------------------------------------------------
    def session_of_matter(self, matter_id: str, session=None) -> dict | None:
        return self.db.sessions.find_one({"matters.matter_id": matter_id}, session=session)

    def session_of_case(self, case_id: str, session=None) -> dict | None:
        return self.db.sessions.find_one({"matters.case_id": case_id}, session=session)

    def set_session_matter(self, session_doc: dict, matter_id: str, changes: dict, session) -> dict | None:
        """Change one raised matter of a session, unless the session changed meanwhile (None then). The whole list
        is written again: the positional operator is not something every store the suite runs on does well."""
        matters = [{**m, **changes} if m["matter_id"] == matter_id else m for m in session_doc["matters"]]
        return self.move("sessions", session_doc, {"matters": matters}, None, session)

    # the figures' closed periods --------------------------------------------------------------------------
    def closed_periods(self, period: str) -> set[str]:
        """The areas' keys (`<area>:<period>`) already closed for a period."""
        return {d["_id"] for d in self.db.closed_periods.find({"_id": {"$regex": f":{period}$"}}, {"_id": 1})}

    def close_period(self, key: str, session) -> bool:
        """Mark a period closed for an area; False when it was closed before (its event went out then)."""
        result = self.db.closed_periods.update_one({"_id": key}, {"$setOnInsert": {"closed_at": clock.now()}},
                                                   upsert=True, session=session)
        return result.upserted_id is not None
