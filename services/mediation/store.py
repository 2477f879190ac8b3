"""The mediation service's MongoDB collections: committees, mediators, talk offices and disputes.

Outside persons' names, ID numbers, phones and addresses, and the phones of mediators and volunteers, are
encrypted field by field; the database holds ciphertexts only. A dispute's `intake_key` (door and reference) is
unique, so one grid case, request or petition opens one dispute however often its event arrives.
"""
import uuid

from pymongo import ReturnDocument

from shared import clock, config
from shared.mongo import ASC, DESC, Index
from shared.pii import PiiCipher

PARTY_FIELDS = ("name", "id_number", "phone", "address")


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class MediationStore:
    INDEXES = [
        Index("committees", [("area_code", ASC), ("level", ASC)]),
        Index("mediators", [("committee_ids", ASC)]),
        Index("mediators", [("account_id", ASC)], sparse=True),
        Index("talk_offices", [("township_code", ASC)], unique=True),
        Index("disputes", [("intake_key", ASC)], unique=True, sparse=True),
        Index("disputes", [("area_path", ASC), ("registered_at", DESC)]),
        Index("disputes", [("status", ASC), ("due_at", ASC)]),
        Index("disputes", [("committee_id", ASC), ("status", ASC)]),
        Index("disputes", [("narrative_pending", ASC), ("registered_at", ASC)]),
    ]

    def __init__(self, db):
        self.db = db
        self.cipher = PiiCipher(*config.pii_keys())

    # committees, mediators, talk offices -----------------------------------------------------------------
    def save_committee(self, committee: dict, session=None) -> None:
        self.db.committees.update_one({"_id": committee["committee_id"]},
                                      {"$set": {**committee, "updated_at": clock.now()}}, upsert=True,
                                      session=session)

    def get_committee(self, committee_id: str) -> dict | None:
        return self.db.committees.find_one({"_id": committee_id})

    def list_committees(self, query: dict) -> list[dict]:
        return list(self.db.committees.find(query).sort([("area_code", ASC), ("level", ASC)]).limit(500))

    def save_mediator(self, mediator: dict, session=None) -> None:
        doc = {**mediator, "phone": self.cipher.encrypt("phone", mediator.get("phone"))}
        self.db.mediators.update_one({"_id": mediator["mediator_id"]}, {"$set": {**doc, "updated_at": clock.now()}},
                                     upsert=True, session=session)

    def get_mediator(self, mediator_id: str) -> dict | None:
        doc = self.db.mediators.find_one({"_id": mediator_id})
        return self._opened_mediator(doc) if doc else None

    def list_mediators(self, query: dict) -> list[dict]:
        return [self._opened_mediator(d) for d in self.db.mediators.find(query).sort("_id", ASC).limit(500)]

    def _opened_mediator(self, doc: dict) -> dict:
        return {**doc, "phone": self.cipher.decrypt("phone", doc.get("phone"))}

    def save_talk_office(self, office: dict, session=None) -> None:
        doc = {**office, "volunteers": [{**v, "phone": self.cipher.encrypt("phone", v.get("phone"))}
                                        for v in office["volunteers"]]}
        self.db.talk_offices.update_one({"_id": office["township_code"]},
                                        {"$set": {**doc, "updated_at": clock.now()}}, upsert=True, session=session)

    def list_talk_offices(self, query: dict) -> list[dict]:
        return [{**d, "volunteers": [{**v, "phone": self.cipher.decrypt("phone", v.get("phone"))}
                                     for v in d["volunteers"]]}
                for d in self.db.talk_offices.find(query).sort("_id", ASC)]

    # disputes ----------------------------------------------------------------------------------------
    def seal_party(self, party: dict) -> dict:
        return {**party, **{f: self.cipher.encrypt(f, party.get(f)) for f in PARTY_FIELDS}}

    def open_party(self, party: dict) -> dict:
        return {**party, **{f: self.cipher.decrypt(f, party.get(f)) for f in PARTY_FIELDS}}

    def insert_dispute(self, dispute: dict, session) -> None:
        doc = {**dispute, "parties": [self.seal_party(p) for p in dispute["parties"]]}
        self.db.disputes.insert_one(doc, session=session)

    def get_dispute(self, dispute_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        doc = self.db.disputes.find_one({"_id": dispute_id, **(scope_query or {})}, session=session)
        return self.opened_dispute(doc) if doc else None

    def by_intake_key(self, key: str) -> dict | None:
        doc = self.db.disputes.find_one({"intake_key": key})
        return self.opened_dispute(doc) if doc else None

    def opened_dispute(self, doc: dict) -> dict:
        return {**doc, "parties": [self.open_party(p) for p in doc.get("parties", [])]}

    def move_dispute(self, dispute: dict, changes: dict, entry: dict, session, push: dict | None = None):
        """Apply a status change unless someone else moved the dispute first (None then)."""
        doc = self.db.disputes.find_one_and_update(
            {"_id": dispute["_id"], "status": dispute["status"], "revision": dispute["revision"]},
            {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1},
             "$push": {"history": entry, **(push or {})}},
            return_document=ReturnDocument.AFTER, session=session)
        return self.opened_dispute(doc) if doc else None

    def fill_narrative(self, dispute_id: str, summary: str, parties: list[dict] | None) -> None:
        """The narrative read later from the service the dispute came from (it never travels in events)."""
        changes: dict = {"summary": summary, "narrative_pending": False}
        if parties:
            changes["parties"] = [self.seal_party(p) for p in parties]
        self.db.disputes.update_one({"_id": dispute_id, "narrative_pending": True}, {"$set": changes})

    def pending_narratives(self, limit: int) -> list[dict]:
        return [self.opened_dispute(d) for d in self.db.disputes.find({"narrative_pending": True})
                .sort("registered_at", ASC).limit(limit)]

    def narrative_missed(self, dispute_id: str, error: str) -> None:
        """One more try that found no narrative at the source (the error's kind only: no content, no names)."""
        self.db.disputes.update_one({"_id": dispute_id, "narrative_pending": True}, {
            "$inc": {"narrative_attempts": 1},
            "$set": {"narrative_tried_at": clock.now(), "narrative_error": error[:80]}})

    def list_disputes(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.disputes.count_documents(query)
        items = [self.opened_dispute(d) for d in self.db.disputes.find(query, {"history": 0, "sessions": 0})
                 .sort(sort).skip((page - 1) * page_size).limit(page_size)]
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def for_targets(self, query: dict) -> list[dict]:
        fields = ("area_path", "status", "level", "major", "registered_at", "resolved_at", "concluded_at", "due_at",
                  "mediated")
        return list(self.db.disputes.find(query, dict.fromkeys(fields, 1)))
