"""The petitions service's MongoDB collection.

Petitioners' names, ID numbers, phones and addresses are encrypted field by field. The ID number is also kept as a
keyed blind index (`petitioner_keys`, with registered residents' ids), which is how a repeat petition by the same
person is found: the clear number is never stored or queried. `intake_key` (a channel's own reference) is unique,
so one online request or one double-tapped registration opens one petition.
"""
import uuid

from pymongo import ReturnDocument

from shared import clock, config, holiday_notices
from shared.files import FileBucket
from shared.mongo import ASC, DESC, Index
from shared.pii import PiiCipher

PETITIONER_FIELDS = ("name", "id_number", "phone", "address")
FILES_BUCKET = "petition_files"


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class PetitionsStore:
    INDEXES = [
        Index("petitions", [("intake_key", ASC)], unique=True, sparse=True),
        Index("petitions", [("tracking_code", ASC)], unique=True, sparse=True),
        Index("petitions", [("area_path", ASC), ("received_at", DESC)]),
        Index("petitions", [("status", ASC), ("received_at", ASC)]),
        Index("petitions", [("petitioner_keys", ASC), ("category", ASC)]),
        Index("petitions", [("leader.leader_account_id", ASC)], sparse=True),
        Index(f"{FILES_BUCKET}.chunks", [("files_id", ASC), ("n", ASC)], unique=True),
        *holiday_notices.INDEXES,
    ]

    def __init__(self, db):
        self.db = db
        self.cipher = PiiCipher(*config.pii_keys())
        self.files = FileBucket(db, FILES_BUCKET)

    def petitioner_key(self, petitioner: dict) -> str | None:
        """Who a petitioner is, for finding their earlier petitions: the resident id, or the ID number's index."""
        if petitioner.get("resident_id"):
            return f"resident:{petitioner['resident_id']}"
        if petitioner.get("id_number"):
            return f"id:{self.cipher.blind_index('id_number', petitioner['id_number'])}"
        return None

    def seal(self, petitioner: dict) -> dict:
        return {**petitioner, **{f: self.cipher.encrypt(f, petitioner.get(f)) for f in PETITIONER_FIELDS}}

    def open(self, petitioner: dict) -> dict:
        return {**petitioner, **{f: self.cipher.decrypt(f, petitioner.get(f)) for f in PETITIONER_FIELDS}}

    def opened(self, doc: dict | None) -> dict | None:
        return {**doc, "petitioners": [self.open(p) for p in doc.get("petitioners", [])]} if doc else None

    def insert(self, petition: dict, session) -> None:
        self.db.petitions.insert_one({**petition, "petitioners": [self.seal(p) for p in petition["petitioners"]]},
                                     session=session)

    def get(self, petition_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.opened(self.db.petitions.find_one({"_id": petition_id, **(scope_query or {})}, session=session))

    def by_intake_key(self, key: str) -> dict | None:
        return self.opened(self.db.petitions.find_one({"intake_key": key}))

    def by_tracking_code(self, code: str) -> dict | None:
        return self.opened(self.db.petitions.find_one({"tracking_code": code}))

    def earlier_of(self, keys: list[str], category: str, session=None) -> list[dict]:
        """Earlier petitions of any of these petitioners on the same category of matter, oldest first."""
        if not keys:
            return []
        return list(self.db.petitions.find({"petitioner_keys": {"$in": keys}, "category": category},
                                           {"_id": 1, "repeat_of": 1, "times": 1, "status": 1},
                                           session=session).sort("received_at", ASC))

    def count_chain(self, root_id: str, session=None) -> int:
        return self.db.petitions.count_documents({"$or": [{"_id": root_id}, {"repeat_of": root_id}]},
                                                 session=session)

    def move(self, petition: dict, changes: dict, entry: dict | None, session, push: dict | None = None,
             inc: dict | None = None):
        """Apply a change unless someone else changed the petition first (None then)."""
        update = {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1, **(inc or {})}}
        pushes = {**({"history": entry} if entry else {}), **(push or {})}
        if pushes:
            update["$push"] = pushes
        doc = self.db.petitions.find_one_and_update(
            {"_id": petition["_id"], "revision": petition["revision"]}, update,
            return_document=ReturnDocument.AFTER, session=session)
        return self.opened(doc)

    def fill_intake(self, petition_id: str, changes: dict) -> None:
        """The matter and petitioner read later from the residents' channel (they never travel in events)."""
        if "petitioners" in changes:
            changes = {**changes, "petitioners": [self.seal(p) for p in changes["petitioners"]]}
        self.db.petitions.update_one({"_id": petition_id, "intake_pending": True},
                                     {"$set": changes, "$inc": {"revision": 1}})

    def add_mediation_step(self, petition_id: str, dispute_id: str, step: dict, session) -> None:
        """One event of the mediation a converted petition went to (the inbox sees that each comes once)."""
        self.db.petitions.update_one({"_id": petition_id}, {
            "$set": {"mediation.dispute_id": dispute_id, "updated_at": clock.now()},
            "$push": {"mediation.steps": step}, "$inc": {"revision": 1}}, session=session)

    def record_personal_data_read(self, entry: dict) -> None:
        self.db.personal_data_reads.insert_one({**entry, "at": clock.now()})

    def pending_intakes(self, limit: int = 200) -> list[dict]:
        return list(self.db.petitions.find({"intake_pending": True}, {"source_ref": 1}).limit(limit))

    def page_of(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.petitions.count_documents(query)
        items = [self.opened(d) for d in self.db.petitions.find(query, {"history": 0, "visits": 0})
                 .sort(sort).skip((page - 1) * page_size).limit(page_size)]
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def open_petitions(self, statuses: list[str]) -> list[dict]:
        return list(self.db.petitions.find({"status": {"$in": statuses}},
                                           {"history": 0, "visits": 0, "petitioners": 0}))

    def for_figures(self, query: dict) -> list[dict]:
        fields = ("area_path", "channel", "status", "times", "extension_days", "repeat_of", "first_handler",
                  "satisfaction", "received_at", "hard_case", "collective")
        return list(self.db.petitions.find(query, dict.fromkeys(fields, 1)))
