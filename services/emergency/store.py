"""The emergency service's MongoDB collections, indexes and queries.

Read models of the grid's and org's events: `areas`, `workers` (grid workers per grid), `households` (per grid),
`party_orgs`, `party_members` (registered at a grid). Its own records: `plans` (one document per version),
`activations`, `area_locks` (one per township: what is activated in it), `household_tasks` (one per household and
activation), `tasks` (the grids' and villages' own), `counters` (a few per grid and activation, changed only by
atomic `$inc`), `reports` (each household report once, by the client's report id), `hourly_reports`,
`closing_reports`, and the reports' photos in a GridFS bucket. Contacts' phones are encrypted.
"""
import random

from pymongo import ReturnDocument

from shared import clock, config
from shared.files import FileBucket
from shared.mongo import ASC, DESC, Index
from shared.pii import PiiCipher, mask_phone

from .domain import COUNTER_SHARDS


class Stale(Exception):
    """The household changed between reading it and writing the report: read it again and decide again."""


class Frozen(Exception):
    """The activation ended while the report was on its way: the board is frozen."""


class EmergencyStore:
    INDEXES = [
        Index("areas", [("path", ASC), ("kind", ASC)]),
        Index("workers", [("grid_codes", ASC)]),
        Index("households", [("grid_code", ASC)]),
        Index("households", [("path", ASC)]),
        Index("party_orgs", [("area_code", ASC)]),
        Index("party_members", [("grid_code", ASC), ("active", ASC)]),
        Index("plans", [("plan_id", ASC), ("version", ASC)], unique=True),
        Index("plans", [("area_path", ASC), ("status", ASC)]),
        Index("activations", [("status", ASC), ("area_paths", ASC)]),
        Index("activations", [("client_ref", ASC)], unique=True, sparse=True),
        Index("activations", [("plan_id", ASC)]),
        Index("household_tasks", [("activation_id", ASC), ("grid_code", ASC), ("status", ASC)]),
        Index("household_tasks", [("activation_id", ASC), ("status", ASC), ("due_at", ASC)]),
        Index("household_tasks", [("area_path", ASC), ("activation_id", ASC)]),
        Index("tasks", [("activation_id", ASC), ("area_code", ASC)]),
        Index("counters", [("activation_id", ASC)]),
        Index("reports", [("activation_id", ASC), ("at", ASC)]),
        Index("hourly_reports", [("activation_id", ASC), ("area_code", ASC), ("at", DESC)]),
        Index("closing_reports", [("plan_id", ASC)]),
    ]

    def __init__(self, db):
        self.db = db
        self.cipher = PiiCipher(*config.pii_keys())
        self.photos = FileBucket(db, "report_photos")

    # read models of the grid's and org's events ------------------------------------------------------------
    def apply_newer(self, collection: str, doc_id: str, fields: dict, as_of, session) -> bool:
        """Keep the newest state of a record: an event older than the stored one (out of order) changes nothing."""
        known = self.db[collection].find_one({"_id": doc_id}, {"as_of": 1}, session=session)
        if known is not None and known.get("as_of") and known["as_of"] >= as_of:
            return False
        self.db[collection].update_one({"_id": doc_id}, {"$set": {**fields, "as_of": as_of}}, upsert=True,
                                       session=session)
        return True

    def add_worker_grid(self, worker_id: str, grid_code: str, employment: str, session) -> None:
        self.db.workers.update_one({"_id": worker_id}, {"$addToSet": {"grid_codes": grid_code},
                                                       "$set": {"employment": employment}},
                                   upsert=True, session=session)

    def area(self, code: str) -> dict | None:
        return self.db.areas.find_one({"_id": code})

    def areas(self, query: dict) -> list[dict]:
        return list(self.db.areas.find(query).sort("_id", ASC))

    def names(self, codes) -> dict[str, str]:
        return {a["_id"]: a["name"] for a in self.db.areas.find({"_id": {"$in": list(codes)}}, {"name": 1})}

    def workers_of(self, grid_codes: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {g: [] for g in grid_codes}
        for w in self.db.workers.find({"grid_codes": {"$in": grid_codes}}).sort("_id", ASC):
            for g in w["grid_codes"]:
                if g in out:
                    out[g].append(w["_id"])
        return out

    def household_counts(self, area_code: str) -> dict[str, int]:
        found: dict[str, int] = {}
        for h in self.db.households.find({"path": area_code}, {"grid_code": 1}):
            found[h["grid_code"]] = found.get(h["grid_code"], 0) + 1
        return found

    def members_per_grid(self, grid_codes: list[str]) -> dict[str, int]:
        found = dict.fromkeys(grid_codes, 0)
        for m in self.db.party_members.find({"grid_code": {"$in": grid_codes}, "active": True}, {"grid_code": 1}):
            found[m["grid_code"]] += 1
        return found

    def party_org_of(self, area_code: str) -> dict | None:
        return self.db.party_orgs.find_one({"area_code": area_code})

    def read_model_counts(self) -> dict[str, int]:
        return {name: self.db[name].count_documents({}) for name in
                ("areas", "workers", "households", "party_orgs", "party_members")}

    # plans -----------------------------------------------------------------------------------------------
    def _sealed_plan(self, plan: dict) -> dict:
        return {**plan, "contacts": [{**c, "phone": self.cipher.encrypt("phone", c.get("phone"))}
                                     for c in plan.get("contacts", [])]}

    def opened_plan(self, doc: dict | None, masked: bool = True) -> dict | None:
        if doc is None:
            return None
        contacts = []
        for c in doc.get("contacts", []):
            phone = self.cipher.decrypt("phone", c.get("phone"))
            contacts.append({**c, "phone": mask_phone(phone) if masked else phone})
        return {**doc, "contacts": contacts}

    def plan_versions(self, plan_id: str, session=None) -> list[dict]:
        return [self.opened_plan(d) for d in
                self.db.plans.find({"plan_id": plan_id}, session=session).sort("version", ASC)]

    def save_plan_version(self, plan: dict, session) -> None:
        doc = {**self._sealed_plan(plan), "updated_at": clock.now()}
        self.db.plans.update_one({"_id": f"{plan['plan_id']}:{plan['version']}"},
                                 {"$set": doc, "$setOnInsert": {"created_at": clock.now()}}, upsert=True,
                                 session=session)

    def set_plan_status(self, plan_id: str, version: int, changes: dict, session) -> None:
        self.db.plans.update_one({"_id": f"{plan_id}:{version}"}, {"$set": {**changes, "updated_at": clock.now()}},
                                 session=session)

    def plan_in_force(self, plan_id: str, session=None) -> dict | None:
        return self.opened_plan(self.db.plans.find_one({"plan_id": plan_id, "status": "published"},
                                                       session=session))

    def plan_version(self, plan_id: str, version: int) -> dict | None:
        return self.opened_plan(self.db.plans.find_one({"_id": f"{plan_id}:{version}"}))

    def plan_visible(self, plan_id: str, query: dict) -> bool:
        return self.db.plans.find_one({"plan_id": plan_id, **query}, {"_id": 1}) is not None

    def plan_heads(self, query: dict) -> list[tuple[dict, bool]]:
        """Each plan matching the query in the version in force (else its newest), and whether a draft waits."""
        versions: dict[str, list[dict]] = {}
        for doc in self.db.plans.find(query, {"contacts": 0}).sort([("plan_id", ASC), ("version", ASC)]):
            versions.setdefault(doc["plan_id"], []).append(doc)
        out = []
        for found in versions.values():
            in_force = next((v for v in found if v["status"] == "published"), None)
            out.append((in_force or found[-1], found[-1]["status"] == "draft"))
        return out

    def copy_plan_version(self, plan_id: str, version: int, new_version: int, changes: dict, session) -> None:
        """A reviewed plan: the stored version again under a new number (contacts sealed as they are)."""
        doc = self.db.plans.find_one({"_id": f"{plan_id}:{version}"}, session=session)
        now = clock.now()
        self.db.plans.insert_one({**doc, **changes, "_id": f"{plan_id}:{new_version}", "version": new_version,
                                  "created_at": now, "updated_at": now}, session=session)

    # activations -----------------------------------------------------------------------------------------
    def insert_activation(self, activation: dict, session) -> None:
        self.db.activations.insert_one(activation, session=session)

    def activation(self, activation_id: str, query: dict | None = None, session=None) -> dict | None:
        return self.db.activations.find_one({"_id": activation_id, **(query or {})}, session=session)

    def activation_by_ref(self, client_ref: str) -> dict | None:
        return self.db.activations.find_one({"client_ref": client_ref})

    def activations(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.activations.count_documents(query)
        items = list(self.db.activations.find(query, {"command": 0, "board": 0, "timeline": 0})
                     .sort([("activated_at", DESC), ("_id", ASC)]).skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def count_activations(self, query: dict) -> int:
        return self.db.activations.count_documents(query)

    def change_activation(self, activation_id: str, revision: int, changes: dict, entry: dict | None,
                          session) -> dict | None:
        """Apply a change unless someone else changed the activation first (None then)."""
        update: dict = {"$set": changes, "$inc": {"revision": 1}}
        if entry:
            update["$push"] = {"timeline": entry}
        return self.db.activations.find_one_and_update({"_id": activation_id, "revision": revision}, update,
                                                       return_document=ReturnDocument.AFTER, session=session)

    def lock_areas(self, activation_id: str, areas: list[str], session) -> list[str]:
        """Claim the areas for the activation in their townships' lock documents; the areas already held by
        another active activation are returned (and nothing is claimed). Two activations of one township write
        the same lock document, so one of them waits for the other."""
        taken = []
        for township in sorted({a[:9] for a in areas}):
            lock = self.db.area_locks.find_one({"_id": township}, session=session) or {"held": {}}
            held = [code for code, owner in lock["held"].items() if owner != activation_id]
            mine = [a for a in areas if a[:9] == township]
            taken += [a for a in mine if any(a.startswith(h) or h.startswith(a) for h in held)]
            self.db.area_locks.update_one({"_id": township}, {"$set": {f"held.{a}": activation_id for a in mine}},
                                          upsert=True, session=session)
        return taken

    def release_areas(self, activation_id: str, areas: list[str], session) -> None:
        for township in sorted({a[:9] for a in areas}):
            self.db.area_locks.update_one({"_id": township}, {"$unset": {f"held.{a}": "" for a in areas
                                                                          if a[:9] == township}}, session=session)

    # tasks and counters ----------------------------------------------------------------------------------
    def insert_household_tasks(self, docs: list[dict], session) -> None:
        for start in range(0, len(docs), 1000):
            self.db.household_tasks.insert_many(docs[start:start + 1000], session=session)

    def insert_tasks(self, docs: list[dict], session) -> None:
        if docs:
            self.db.tasks.insert_many(docs, session=session)

    def insert_counters(self, docs: list[dict], session) -> None:
        if docs:
            self.db.counters.insert_many(docs, session=session)

    def household_task(self, activation_id: str, household_id: str, scope_query: dict) -> dict | None:
        return self.db.household_tasks.find_one({"_id": f"{activation_id}:{household_id}", **scope_query})

    def household_tasks(self, query: dict, fields: dict | None = None) -> list[dict]:
        return list(self.db.household_tasks.find(query, fields).sort([("grid_code", ASC), ("_id", ASC)]))

    def mark_evacuations(self, activation_id: str, due_at, session) -> int:
        return self.db.household_tasks.update_many(
            {"activation_id": activation_id, "evacuate": False, "vulnerable_resident_ids.0": {"$exists": True}},
            {"$set": {"evacuate": True, "evacuate_due_at": due_at}}, session=session).modified_count

    def pending_overdue(self, activation_id: str, now, scope_query: dict) -> dict[str, int]:
        found: dict[str, int] = {}
        for h in self.db.household_tasks.find({"activation_id": activation_id, "status": "pending",
                                               "due_at": {"$lt": now}, **scope_query}, {"grid_code": 1}):
            found[h["grid_code"]] = found.get(h["grid_code"], 0) + 1
        return found

    def tasks(self, query: dict) -> list[dict]:
        return list(self.db.tasks.find(query).sort([("due_at", ASC), ("_id", ASC)]))

    def task(self, task_id: str, scope_query: dict) -> dict | None:
        return self.db.tasks.find_one({"_id": task_id, **scope_query})

    def finish_task(self, task_id: str, note: str, by: dict | None, session) -> dict | None:
        return self.db.tasks.find_one_and_update(
            {"_id": task_id, "status": "open"}, {"$set": {"status": "done", "done_at": clock.now(),
                                                          "done_note": note, "done_by": by}},
            return_document=ReturnDocument.AFTER, session=session)

    def counters(self, activation_id: str, scope_query: dict, session=None) -> list[dict]:
        return list(self.db.counters.find({"activation_id": activation_id, **scope_query}, session=session))

    def freeze_counters(self, activation_id: str, session) -> int:
        """Every counter document written: a report still on its way conflicts with this, and on its retry
        finds the board frozen."""
        return self.db.counters.update_many({"activation_id": activation_id}, {"$set": {"frozen": True}},
                                            session=session).matched_count

    # household reports -----------------------------------------------------------------------------------
    def report(self, report_id: str) -> dict | None:
        return self.db.reports.find_one({"_id": report_id})

    def apply_report(self, task: dict, report: dict, changes: dict, delta: dict, session) -> dict:
        """The report, the household's conditional change and the counters' atomic `$inc`, in the caller's
        transaction. Stale when the household moved meanwhile; Frozen when the activation ended."""
        self.db.reports.insert_one(report, session=session)
        updated = self.db.household_tasks.find_one_and_update(
            {"_id": task["_id"], "revision": task["revision"]}, {"$set": changes, "$inc": {"revision": 1}},
            return_document=ReturnDocument.AFTER, session=session)
        if updated is None:
            raise Stale()
        shard = f"{task['activation_id']}:{task['grid_code']}:{random.randrange(COUNTER_SHARDS)}"
        counted = self.db.counters.update_one({"_id": shard, "frozen": False}, {"$inc": delta}, session=session)
        if counted.matched_count != 1:
            raise Frozen()
        return updated

    def attach_photo(self, report_id: str, file_id: str) -> dict | None:
        report = self.db.reports.find_one_and_update({"_id": report_id}, {"$set": {"photo_file_id": file_id}},
                                                     return_document=ReturnDocument.AFTER)
        if report:
            self.db.household_tasks.update_one({"_id": f"{report['activation_id']}:{report['household_id']}",
                                                "last_report_id": report_id}, {"$set": {"photo_file_id": file_id}})
        return report

    def reports_span(self, activation_id: str) -> tuple:
        first = self.db.reports.find_one({"activation_id": activation_id}, sort=[("at", ASC)])
        last = self.db.reports.find_one({"activation_id": activation_id}, sort=[("at", DESC)])
        return (first["at"] if first else None, last["at"] if last else None)

    def recent_reports(self, activation_id: str, scope_query: dict, limit: int = 20) -> list[dict]:
        return list(self.db.reports.find({"activation_id": activation_id, **scope_query})
                    .sort([("at", DESC), ("_id", ASC)]).limit(limit))

    # hourly reports and closing reports ------------------------------------------------------------------
    def insert_hourly(self, doc: dict, session) -> None:
        self.db.hourly_reports.insert_one(doc, session=session)

    def hourly_report(self, report_id: str) -> dict | None:
        return self.db.hourly_reports.find_one({"_id": report_id})

    def hourly_reports(self, activation_id: str, scope_query: dict, limit: int = 200) -> list[dict]:
        return list(self.db.hourly_reports.find({"activation_id": activation_id, **scope_query})
                    .sort([("at", DESC), ("_id", ASC)]).limit(limit))

    def save_closing_report(self, report: dict, session) -> None:
        self.db.closing_reports.insert_one({**report, "_id": report["activation_id"]}, session=session)

    def closing_report(self, activation_id: str) -> dict | None:
        return self.db.closing_reports.find_one({"_id": activation_id})

    def closing_reports_of(self, plan_id: str) -> list[dict]:
        return list(self.db.closing_reports.find({"plan_id": plan_id}, {
            "activation_id": 1, "plan_version": 1, "drill": 1, "level": 1, "activated_at": 1, "deactivated_at": 1,
            "counts": 1}).sort("deactivated_at", DESC))
