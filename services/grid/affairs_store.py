"""Grid affairs' collections: the responsibility-item versions, cases, patrols, service orders, and the case files
(photos, documents) in GridFS. Contact names and phones on orders are encrypted like the registry's fields.

A status change is one conditional update on (id, status, revision): two people acting on the same case at once
cannot both win, and the loser is told the case has moved on.
"""
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError

from shared import clock, holiday_notices
from shared.files import FileBucket
from shared.mongo import ASC, DESC, Index

FILES_BUCKET = "case_files"


class AffairsStore:
    INDEXES = [
        Index("responsibility_items", [("code", ASC), ("version", ASC)], unique=True),
        Index("responsibility_items", [("current", ASC), ("code", ASC)]),
        Index("cases", [("area_path", ASC), ("discovered_at", DESC)]),
        Index("cases", [("grid_code", ASC), ("discovered_at", ASC)]),
        Index("cases", [("status", ASC), ("deadline.due_at", ASC)]),
        Index("cases", [("assignee.id", ASC), ("status", ASC)]),
        Index("cases", [("client_ref", ASC)], unique=True, sparse=True),
        Index("patrols", [("worker_id", ASC), ("ended_at", ASC)]),
        Index("patrols", [("area_path", ASC), ("started_at", DESC)]),
        Index("service_orders", [("area_path", ASC), ("ordered_at", DESC)]),
        Index("service_orders", [("status", ASC), ("deadline.due_at", ASC)]),
        Index("service_orders", [("request_id", ASC)], sparse=True),
        Index("service_orders", [("client_ref", ASC)], unique=True, sparse=True),
        Index(f"{FILES_BUCKET}.files", [("filename", ASC), ("uploadDate", ASC)]),
        Index(f"{FILES_BUCKET}.chunks", [("files_id", ASC), ("n", ASC)], unique=True),
        Index("holiday_notice_versions", [("year", ASC), ("revision", ASC)], unique=True),
        *holiday_notices.INDEXES,
    ]

    def __init__(self, db, cipher):
        self.db = db
        self.cipher = cipher
        self.files = FileBucket(db, FILES_BUCKET)

    # responsibility items ------------------------------------------------------------------------------
    def seed_items(self, versions: list[dict]) -> None:
        """The starting catalogue, once: a restart or a second replica finds it there and adds nothing."""
        if self.db.responsibility_items.find_one({}, {"_id": 1}) is not None:
            return
        try:
            self.db.responsibility_items.insert_many(
                [{**v, "_id": f"{v['code']}@{v['version']}", "current": True} for v in versions], ordered=False)
        except BulkWriteError:
            pass  # another replica seeded the same versions at the same moment

    def current_items(self, include_inactive: bool = True) -> list[dict]:
        query = {"current": True} if include_inactive else {"current": True, "active": True}
        return list(self.db.responsibility_items.find(query).sort("code", ASC))

    def current_item(self, code: str, session=None) -> dict | None:
        return self.db.responsibility_items.find_one({"code": code, "current": True}, session=session)

    def item_versions(self, code: str) -> list[dict]:
        return list(self.db.responsibility_items.find({"code": code}).sort("version", DESC))

    def add_item_version(self, item: dict, session) -> None:
        """The new version becomes current; the unique (code, version) index stops two editors racing."""
        self.db.responsibility_items.update_many({"code": item["code"], "current": True},
                                                 {"$set": {"current": False}}, session=session)
        self.db.responsibility_items.insert_one({**item, "_id": f"{item['code']}@{item['version']}",
                                                 "current": True}, session=session)

    # cases -------------------------------------------------------------------------------------------
    def insert_case(self, case: dict, session) -> None:
        self.db.cases.insert_one(case, session=session)

    def by_client_ref(self, collection: str, client_ref: str, scope_query: dict) -> dict | None:
        doc = self.db[collection].find_one({"client_ref": client_ref, **scope_query})
        return (self.opened_order(doc) if collection == "service_orders" else doc) if doc else None

    def get_case(self, case_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db.cases.find_one({"_id": case_id, **(scope_query or {})}, session=session)

    def move_case(self, case: dict, changes: dict, entry: dict, session) -> dict | None:
        """Apply a status change if nobody else has since; None when the case moved on meanwhile."""
        return self.db.cases.find_one_and_update(
            {"_id": case["_id"], "status": case["status"], "revision": case["revision"]},
            {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1}, "$push": {"history": entry}},
            return_document=ReturnDocument.AFTER, session=session)

    def add_case_file(self, case_id: str, attachment: dict) -> None:
        self.db.cases.update_one({"_id": case_id}, {"$push": {"attachments": attachment}})

    def list_cases(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.cases.count_documents(query)
        items = list(self.db.cases.find(query, {"history": 0}).sort(sort).skip((page - 1) * page_size)
                     .limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def cases_near(self, grid_code: str, since, until) -> list[dict]:
        return list(self.db.cases.find({"grid_code": grid_code, "discovered_at": {"$gte": since, "$lte": until}},
                                       {"history": 0}).limit(50))

    def overdue(self, collection: str, open_statuses, now, limit: int = 200) -> list[dict]:
        """Open records past their due time that have not reached the top of the escalation ladder."""
        return list(self.db[collection].find(
            {"status": {"$in": [str(s) for s in open_statuses]}, "deadline.due_at": {"$lt": now},
             "escalation": {"$lt": 2}}, {"history": 0}).limit(limit))

    def overdue_counts(self, collection: str, open_statuses, now) -> dict[int, int]:
        rows = self.db[collection].aggregate([
            {"$match": {"status": {"$in": [str(s) for s in open_statuses]}, "deadline.due_at": {"$lt": now}}},
            {"$group": {"_id": "$escalation", "n": {"$sum": 1}}}])
        return {row["_id"]: row["n"] for row in rows}

    def raise_escalation(self, collection: str, record_id: str, level: int, entry: dict, session) -> bool:
        result = self.db[collection].update_one(
            {"_id": record_id, "escalation": {"$lt": level}},
            {"$set": {"escalation": level, "overdue_since": entry["at"] if level else None},
             "$push": {"history": entry}}, session=session)
        return result.modified_count == 1

    def working_day_deadlines(self, collection: str, open_statuses, since, until, limit: int = 5000) -> list[dict]:
        """Open records counting working days whose period touches [since, until): a holiday notice for those
        days may move their due time."""
        return list(self.db[collection].find(
            {"status": {"$in": [str(s) for s in open_statuses]}, "deadline.rule.day_kind": "working",
             "deadline.start": {"$lt": until}, "deadline.due_at": {"$gte": since}}, {"history": 0}).limit(limit))

    def move_deadline(self, collection: str, record: dict, deadline: dict, entry: dict, session) -> bool:
        """A recomputed deadline, only over the one it was computed from (a second pass finds nothing to do)."""
        result = self.db[collection].update_one(
            {"_id": record["_id"], "deadline.due_at": record["deadline"]["due_at"],
             "deadline.start": record["deadline"]["start"]},
            {"$set": {"deadline": deadline, "updated_at": clock.now()}, "$push": {"history": entry}},
            session=session)
        return result.modified_count == 1

    # holiday notices (the calendar the grid owns) -----------------------------------------------------------
    def add_notice_version(self, version: dict, session) -> None:
        self.db.holiday_notice_versions.insert_one(version, session=session)

    def notice_versions(self, year: int) -> list[dict]:
        return list(self.db.holiday_notice_versions.find({"year": year}).sort("revision", DESC))

    def for_figures(self, collection: str, query: dict, fields: list[str]) -> list[dict]:
        return list(self.db[collection].find(query, dict.fromkeys(fields, 1)))

    # patrols -----------------------------------------------------------------------------------------
    def open_patrol_of(self, worker_id: str) -> dict | None:
        return self.db.patrols.find_one({"worker_id": worker_id, "ended_at": None})

    def get_patrol(self, patrol_id: str, scope_query: dict | None = None) -> dict | None:
        return self.db.patrols.find_one({"_id": patrol_id, **(scope_query or {})})

    def insert_patrol(self, patrol: dict, session) -> None:
        self.db.patrols.insert_one(patrol, session=session)

    def end_patrol(self, patrol_id: str, changes: dict, session) -> dict | None:
        return self.db.patrols.find_one_and_update({"_id": patrol_id, "ended_at": None}, {"$set": changes},
                                                   return_document=ReturnDocument.AFTER, session=session)

    def add_patrol_case(self, patrol_id: str, case_id: str, session) -> None:
        self.db.patrols.update_one({"_id": patrol_id}, {"$addToSet": {"case_ids": case_id}}, session=session)

    def list_patrols(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.patrols.count_documents(query)
        items = list(self.db.patrols.find(query).sort("started_at", DESC).skip((page - 1) * page_size)
                     .limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    # service orders ----------------------------------------------------------------------------------
    def insert_order(self, order: dict, session) -> None:
        doc = {**order, "contact_name": self.cipher.encrypt("contact_name", order["contact_name"]),
               "phone": self.cipher.encrypt("phone", order.get("phone"))}
        self.db.service_orders.insert_one(doc, session=session)

    def get_order(self, order_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        doc = self.db.service_orders.find_one({"_id": order_id, **(scope_query or {})}, session=session)
        return self.opened_order(doc) if doc else None

    def order_of_request(self, request_id: str) -> dict | None:
        doc = self.db.service_orders.find_one({"request_id": request_id})
        return self.opened_order(doc) if doc else None

    def move_order(self, order: dict, changes: dict, entry: dict, session, rating: dict | None = None) -> dict | None:
        push = {"history": entry, **({"ratings": rating} if rating else {})}
        doc = self.db.service_orders.find_one_and_update(
            {"_id": order["_id"], "status": order["status"], "revision": order["revision"]},
            {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1}, "$push": push},
            return_document=ReturnDocument.AFTER, session=session)
        return self.opened_order(doc) if doc else None

    def list_orders(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.service_orders.count_documents(query)
        items = [self.opened_order(d) for d in self.db.service_orders.find(query, {"history": 0})
                 .sort("ordered_at", DESC).skip((page - 1) * page_size).limit(page_size)]
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def opened_order(self, doc: dict) -> dict:
        return {**doc, "contact_name": self.cipher.decrypt("contact_name", doc.get("contact_name")),
                "phone": self.cipher.decrypt("phone", doc.get("phone"))}

    # case files --------------------------------------------------------------------------------------
    def put_file(self, content: bytes, filename: str, content_type: str, metadata: dict) -> str:
        return self.files.put(content, filename, content_type, metadata)

    def get_file(self, file_id: str) -> tuple[bytes, dict] | None:
        return self.files.get(file_id)
