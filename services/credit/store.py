"""The credit service's MongoDB collections: passbooks and their ledger, rules, manual awards, stores, items, stock
and redemptions, ratings, enterprises, debtor listings and appeals.

The ledger is append-only. Its `source_key` is unique, so one triggering event, approval or redemption can write
one entry however often it arrives; `(passbook_id, seq)` is unique and a passbook moves from one head to the next
only by compare-and-swap on its `seq` and `head_hash`, so two appends racing on one passbook cannot both win.
Stock moves by conditional `$inc` (never below zero). A debtor's name and ID number are encrypted; the ID number
is found again through a keyed blind index.
"""
import uuid

from pymongo import ReturnDocument

from shared import clock, config
from shared.mongo import ASC, DESC, Index
from shared.pii import PiiCipher


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class Contended(Exception):
    """Another worker moved the passbook first; the whole transaction is tried again."""


class CreditStore:
    INDEXES = [
        Index("passbooks", [("household_number", ASC)], sparse=True),
        Index("passbooks", [("area_path", ASC), ("balance", DESC)]),
        Index("ledger", [("source_key", ASC)], unique=True, name="source_key_unique"),
        Index("ledger", [("passbook_id", ASC), ("seq", ASC)], unique=True, name="passbook_seq_unique"),
        Index("ledger", [("passbook_id", ASC), ("rule_code", ASC), ("at", ASC)]),
        Index("awards", [("client_ref", ASC)], unique=True, sparse=True),
        Index("awards", [("source_key", ASC)], unique=True, sparse=True),
        Index("awards", [("status", ASC), ("notice_until", ASC)]),
        Index("awards", [("area_path", ASC), ("submitted_at", DESC)]),
        Index("stores", [("village_code", ASC)]),
        Index("redemptions", [("client_ref", ASC)], unique=True, sparse=True),
        Index("redemptions", [("store_id", ASC), ("status", ASC)]),
        Index("redemptions", [("household_id", ASC)]),
        Index("ratings", [("subject_kind", ASC), ("level", ASC)]),
        Index("listings", [("listing_key", ASC)], unique=True),
        Index("listings", [("id_index", ASC), ("status", ASC)]),
        Index("listings", [("household_id", ASC), ("status", ASC)]),
        Index("listings", [("status", ASC), ("expires_on", ASC)]),
        Index("enterprise_records", [("enterprise_code", ASC), ("occurred_on", ASC)]),
        Index("appeals", [("status", ASC)]),
    ]

    def __init__(self, db):
        self.db = db
        self.cipher = PiiCipher(*config.pii_keys())

    # passbooks and the ledger ---------------------------------------------------------------------------
    def open_passbook(self, passbook: dict, session=None) -> bool:
        """Open a passbook unless the household has one already; True when it was opened now."""
        fields = {k: v for k, v in passbook.items() if k != "_id"}
        result = self.db.passbooks.update_one({"_id": passbook["_id"]}, {"$setOnInsert": fields}, upsert=True,
                                              session=session)
        return result.upserted_id is not None

    def get_passbook(self, household_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db.passbooks.find_one({"_id": household_id, **(scope_query or {})}, session=session)

    def passbook_by_number(self, household_number: str) -> dict | None:
        return self.db.passbooks.find_one({"household_number": household_number})

    def move_passbook(self, household_id: str, path: list[str], session) -> None:
        self.db.passbooks.update_one({"_id": household_id}, {"$set": {
            "area_path": path, "village_code": path[2] if len(path) > 2 else None,
            "township_code": path[1] if len(path) > 1 else None}}, session=session)

    def fill_holder(self, household_id: str, holder: dict) -> None:
        """The household number and masked holder read from the grid after the passbook opened."""
        self.db.passbooks.update_one({"_id": household_id}, {"$set": {**holder, "holder_pending": False}})

    def pending_holders(self, limit: int) -> list[dict]:
        return list(self.db.passbooks.find({"holder_pending": True}, {"_id": 1}).limit(limit))

    def list_passbooks(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.passbooks.count_documents(query)
        items = list(self.db.passbooks.find(query).sort(sort).skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def entry_by_source(self, source_key: str, session=None) -> dict | None:
        return self.db.ledger.find_one({"source_key": source_key}, session=session)

    def get_entry(self, entry_id: str, session=None) -> dict | None:
        return self.db.ledger.find_one({"_id": entry_id}, session=session)

    def advance(self, passbook: dict, entry: dict, session) -> None:
        """Move the passbook's head to `entry` and write it, or raise Contended if the head moved meanwhile."""
        # Points earned: awards, less the awards corrected away (spending and deductions do not lower it).
        earned = entry["delta"] if (entry["delta"] > 0 and entry["kind"] in ("event", "award")) or (
            entry["delta"] < 0 and entry["kind"] == "correction") else 0
        moved = self.db.passbooks.update_one(
            {"_id": passbook["_id"], "seq": passbook["seq"], "head_hash": passbook["head_hash"]},
            {"$set": {"seq": entry["seq"], "balance": entry["balance_after"], "head_hash": entry["hash"],
                      "updated_at": entry["at"]}, "$inc": {"earned_total": earned}}, session=session)
        if moved.matched_count != 1:
            raise Contended(passbook["_id"])
        self.db.ledger.insert_one(entry, session=session)

    def entries_of(self, passbook_id: str, session=None, since=None, limit: int = 0) -> list[dict]:
        query = {"passbook_id": passbook_id, **({"at": {"$gte": since}} if since else {})}
        return list(self.db.ledger.find(query, session=session).sort("seq", ASC).limit(limit))

    def history(self, passbook_id: str, page: int, page_size: int) -> dict:
        query = {"passbook_id": passbook_id}
        total = self.db.ledger.count_documents(query)
        items = list(self.db.ledger.find(query).sort("seq", DESC).skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def rule_points_since(self, passbook_id: str, rule_code: str, since, session=None) -> int:
        query = {"passbook_id": passbook_id, "rule_code": rule_code, "delta": {"$gt": 0}}
        if since is not None:
            query["at"] = {"$gte": since}
        return sum(e["delta"] for e in self.db.ledger.find(query, {"delta": 1}, session=session))

    def all_passbooks(self):
        return self.db.passbooks.find({}).sort("_id", ASC)

    # rules --------------------------------------------------------------------------------------------
    def save_rule(self, rule: dict, session=None) -> None:
        self.db.rules.update_one({"_id": rule["code"]}, {"$set": {**rule, "updated_at": clock.now()}}, upsert=True,
                                 session=session)

    def get_rule(self, code: str, session=None) -> dict | None:
        return self.db.rules.find_one({"_id": code}, session=session)

    def list_rules(self, query: dict) -> list[dict]:
        return list(self.db.rules.find(query).sort([("category", ASC), ("_id", ASC)]))

    # manual awards ------------------------------------------------------------------------------------
    def insert_award(self, award: dict, session) -> None:
        self.db.awards.insert_one(award, session=session)

    def get_award(self, award_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db.awards.find_one({"_id": award_id, **(scope_query or {})}, session=session)

    def award_by_ref(self, client_ref: str) -> dict | None:
        return self.db.awards.find_one({"client_ref": client_ref})

    def award_by_source(self, source_key: str, session=None) -> dict | None:
        """The award another service's event submitted for one record, rule and household."""
        return self.db.awards.find_one({"source_key": source_key}, session=session)

    def move_award(self, award: dict, changes: dict, entry: dict, session) -> dict | None:
        """Apply a status change unless someone else moved the award first (None then)."""
        return self.db.awards.find_one_and_update(
            {"_id": award["_id"], "status": award["status"], "revision": award["revision"]},
            {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1}, "$push": {"history": entry}},
            return_document=ReturnDocument.AFTER, session=session)

    def list_awards(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.awards.count_documents(query)
        items = list(self.db.awards.find(query).sort(sort).skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def due_awards(self, now) -> list[dict]:
        return list(self.db.awards.find({"status": "in_notice", "notice_until": {"$lte": now}}).limit(500))

    # the points supermarket ---------------------------------------------------------------------------
    def save_store(self, store: dict, session=None) -> None:
        self.db.stores.update_one({"_id": store["store_id"]}, {"$set": {**store, "updated_at": clock.now()}},
                                  upsert=True, session=session)

    def get_store(self, store_id: str, scope_query: dict | None = None) -> dict | None:
        return self.db.stores.find_one({"_id": store_id, **(scope_query or {})})

    def list_stores(self, query: dict) -> list[dict]:
        return list(self.db.stores.find(query).sort("_id", ASC).limit(500))

    def save_item(self, item: dict, session=None) -> None:
        self.db.items.update_one({"_id": item["item_id"]}, {"$set": {**item, "updated_at": clock.now()}},
                                 upsert=True, session=session)

    def get_item(self, item_id: str, session=None) -> dict | None:
        return self.db.items.find_one({"_id": item_id}, session=session)

    def list_items(self, query: dict) -> list[dict]:
        return list(self.db.items.find(query).sort("_id", ASC).limit(500))

    def add_stock(self, store_id: str, item_id: str, add: int, session=None) -> dict | None:
        """Add (or take away) stock; None when taking away would leave less than nothing."""
        key = f"{store_id}:{item_id}"
        if add > 0:
            return self.db.stock.find_one_and_update(
                {"_id": key}, {"$inc": {"quantity": add}, "$setOnInsert": {"store_id": store_id, "item_id": item_id}},
                upsert=True, return_document=ReturnDocument.AFTER, session=session)
        return self.db.stock.find_one_and_update({"_id": key, "quantity": {"$gte": -add}}, {"$inc": {"quantity": add}},
                                                 return_document=ReturnDocument.AFTER, session=session)

    def stock_of(self, store_id: str) -> list[dict]:
        return list(self.db.stock.find({"store_id": store_id}).sort("item_id", ASC))

    def insert_redemption(self, redemption: dict, session) -> None:
        self.db.redemptions.insert_one(redemption, session=session)

    def get_redemption(self, redemption_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db.redemptions.find_one({"_id": redemption_id, **(scope_query or {})}, session=session)

    def redemption_by_ref(self, client_ref: str) -> dict | None:
        return self.db.redemptions.find_one({"client_ref": client_ref})

    def settle_redemption(self, redemption_id: str, status: str, changes: dict, session) -> dict | None:
        """reserved → fulfilled or cancelled, once: None when it was no longer reserved."""
        return self.db.redemptions.find_one_and_update(
            {"_id": redemption_id, "status": "reserved"}, {"$set": {"status": status, **changes}},
            return_document=ReturnDocument.AFTER, session=session)

    def list_redemptions(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.redemptions.count_documents(query)
        items = list(self.db.redemptions.find(query).sort([("reserved_at", DESC), ("_id", ASC)])
                     .skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    # ratings, enterprises -----------------------------------------------------------------------------
    def get_rating(self, subject_kind: str, subject_id: str, session=None) -> dict | None:
        return self.db.ratings.find_one({"_id": f"{subject_kind}:{subject_id}"}, session=session)

    def save_rating(self, rating: dict, session) -> None:
        self.db.ratings.update_one({"_id": rating["_id"]}, {"$set": {k: v for k, v in rating.items() if k != "_id"}},
                                   upsert=True, session=session)

    def list_ratings(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.ratings.count_documents(query)
        items = list(self.db.ratings.find(query).sort([("level", ASC), ("_id", ASC)]).skip((page - 1) * page_size)
                     .limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def save_enterprise(self, enterprise: dict, session=None) -> None:
        self.db.enterprises.update_one({"_id": enterprise["enterprise_code"]},
                                       {"$set": {**enterprise, "updated_at": clock.now()}}, upsert=True,
                                       session=session)

    def get_enterprise(self, code: str, scope_query: dict | None = None) -> dict | None:
        return self.db.enterprises.find_one({"_id": code, **(scope_query or {})})

    def list_enterprises(self, query: dict) -> list[dict]:
        return list(self.db.enterprises.find(query).sort("_id", ASC).limit(500))

    def add_enterprise_record(self, record: dict, session) -> None:
        self.db.enterprise_records.insert_one(record, session=session)

    def enterprise_records(self, code: str, since, session=None) -> list[dict]:
        return list(self.db.enterprise_records.find({"enterprise_code": code, "occurred_at": {"$gte": since}},
                                                    session=session))

    # debtor listings and appeals ---------------------------------------------------------------------
    def seal_listing(self, listing: dict) -> dict:
        return {**listing, "name": self.cipher.encrypt("name", listing.get("name")),
                "id_number": self.cipher.encrypt("id_number", listing.get("id_number")),
                "id_index": self.cipher.blind_index("id_number", listing["id_number"]) if listing.get("id_number")
                else None}

    def open_listing(self, doc: dict) -> dict:
        return {**doc, "name": self.cipher.decrypt("name", doc.get("name")),
                "id_number": self.cipher.decrypt("id_number", doc.get("id_number"))}

    def insert_listing(self, listing: dict, session) -> None:
        self.db.listings.insert_one(self.seal_listing(listing), session=session)

    def listing_by_key(self, key: str) -> dict | None:
        doc = self.db.listings.find_one({"listing_key": key})
        return self.open_listing(doc) if doc else None

    def get_listing(self, listing_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        doc = self.db.listings.find_one({"_id": listing_id, **(scope_query or {})}, session=session)
        return self.open_listing(doc) if doc else None

    def end_listing(self, listing_id: str, changes: dict, session) -> dict | None:
        doc = self.db.listings.find_one_and_update({"_id": listing_id, "status": "active"},
                                                   {"$set": {"status": "delisted", **changes}},
                                                   return_document=ReturnDocument.AFTER, session=session)
        return self.open_listing(doc) if doc else None

    def active_listings(self, query: dict, session=None) -> list[dict]:
        return [self.open_listing(d) for d in self.db.listings.find({**query, "status": "active"}, session=session)]

    def id_index(self, id_number: str) -> str:
        return self.cipher.blind_index("id_number", id_number)

    def list_listings(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.listings.count_documents(query)
        items = [self.open_listing(d) for d in self.db.listings.find(query).sort([("listed_on", DESC), ("_id", ASC)])
                 .skip((page - 1) * page_size).limit(page_size)]
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def expired_listings(self, today: str) -> list[dict]:
        return [self.open_listing(d) for d in
                self.db.listings.find({"status": "active", "expires_on": {"$lte": today}}).limit(1000)]

    def insert_appeal(self, appeal: dict, session) -> None:
        self.db.appeals.insert_one(appeal, session=session)

    def get_appeal(self, appeal_id: str, scope_query: dict | None = None) -> dict | None:
        return self.db.appeals.find_one({"_id": appeal_id, **(scope_query or {})})

    def decide_appeal(self, appeal_id: str, changes: dict, session) -> dict | None:
        return self.db.appeals.find_one_and_update({"_id": appeal_id, "status": "open"}, {"$set": changes},
                                                   return_document=ReturnDocument.AFTER, session=session)

    def list_appeals(self, query: dict) -> list[dict]:
        return list(self.db.appeals.find(query).sort([("submitted_at", DESC), ("_id", ASC)]).limit(200))
