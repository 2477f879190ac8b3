"""The grid registry's MongoDB collections, indexes and queries.

Personal fields are encrypted here on the way in and decrypted on the way out; the database holds only
ciphertexts and keyed blind indexes of them (the ID number's index is unique: one person, one record).
Every record below the county carries `area_path` (its area's codes, county first) for scope filters.
"""
import uuid

from pymongo import ReturnDocument

from shared import clock, config
from shared.mongo import ASC, Index
from shared.pii import PiiCipher

from . import checklists, responsibility
from .affairs_store import AffairsStore
from .domain import PERSONAL_FIELDS, Area
from .places_store import PlaceStore

ENCRYPTED = PERSONAL_FIELDS  # id_number, phone, religion, health, special_group


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


def page_of(cursor_fn, total: int, page: int, page_size: int) -> dict:
    return {"items": cursor_fn(), "total": total, "page": page, "page_size": page_size}


class GridStore:
    INDEXES = [
        Index("areas", [("parent_code", ASC), ("code", ASC)]),
        Index("areas", [("path", ASC), ("kind", ASC)]),
        Index("grid_workers", [("grid_codes", ASC)]),
        Index("grid_workers", [("area_path", ASC)]),
        Index("households", [("household_number", ASC)], unique=True),
        Index("households", [("area_path", ASC), ("household_number", ASC)]),
        Index("households", [("micro_grid_codes", ASC)]),
        Index("residents", [("id_index", ASC)], unique=True),
        Index("residents", [("household_id", ASC)]),
        Index("residents", [("area_path", ASC)]),
        Index("import_jobs", [("created_at", ASC)]),
        Index("personal_data_reads", [("at", ASC)]),
        Index("resident_requests", [("tracking_code", ASC)], unique=True),
        Index("resident_requests", [("area_path", ASC), ("submitted_at", ASC)]),
        *AffairsStore.INDEXES,
        *PlaceStore.INDEXES,
    ]

    def __init__(self, db):
        self.db = db
        self.cipher = PiiCipher(*config.pii_keys())
        self.affairs = AffairsStore(db, self.cipher)
        self.places = PlaceStore(db)

    def on_start(self) -> None:
        self.affairs.seed_items(responsibility.default_versions(clock.now()))
        self.places.seed_checklists(checklists.default_versions(clock.now()))

    # areas -------------------------------------------------------------------------------------------
    def get_area(self, code: str, session=None) -> Area | None:
        doc = self.db.areas.find_one({"_id": code}, session=session)
        return Area.model_validate(_area_fields(doc)) if doc else None

    def areas_by_code(self, codes, session=None) -> dict[str, Area]:
        return {d["_id"]: Area.model_validate(_area_fields(d))
                for d in self.db.areas.find({"_id": {"$in": list(codes)}}, session=session)}

    def upsert_area(self, area: Area, session) -> bool:
        """Store the area; False when nothing changed (so a repeated load emits no event)."""
        current = self.db.areas.find_one({"_id": area.code}, session=session)
        fields = area.model_dump(mode="json")
        if current and _area_fields(current) == fields:
            return False
        self.db.areas.update_one({"_id": area.code}, {"$set": {**fields, "updated_at": clock.now()},
                                                      "$setOnInsert": {"created_at": clock.now()}},
                                 upsert=True, session=session)
        return True

    def list_areas(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.areas.count_documents(query)
        return page_of(lambda: [_area_fields(d) for d in self.db.areas.find(query).sort("_id", ASC)
                                .skip((page - 1) * page_size).limit(page_size)], total, page, page_size)

    def names_of_kinds(self, kinds: tuple[str, ...], scope_query: dict) -> dict[str, str]:
        """code → name of every area of the kinds within the scope (an import checks the names a sheet typed)."""
        return {d["_id"]: d["name"] for d in self.db.areas.find({"kind": {"$in": list(kinds)},
                                                                 **_path_query(scope_query)}, {"name": 1})}

    def codes_of_kind(self, kind: str, scope_query: dict) -> list[str]:
        return [d["_id"] for d in self.db.areas.find({"kind": kind, **_path_query(scope_query)}, {"_id": 1})]

    # grid workers ------------------------------------------------------------------------------------
    def get_worker(self, worker_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        doc = self.db.grid_workers.find_one({"_id": worker_id, **(scope_query or {})}, session=session)
        return self._worker_out(doc) if doc else None

    def save_worker(self, worker: dict, session) -> None:
        doc = {k: v for k, v in worker.items() if k != "phone"}
        doc["phone"] = self.cipher.encrypt("phone", worker.get("phone"))
        self.db.grid_workers.update_one({"_id": worker["worker_id"]},
                                        {"$set": {**doc, "updated_at": clock.now()},
                                         "$setOnInsert": {"created_at": clock.now()}},
                                        upsert=True, session=session)

    def list_workers(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.grid_workers.count_documents(query)
        return page_of(lambda: [self._worker_out(d) for d in self.db.grid_workers.find(query).sort("_id", ASC)
                                .skip((page - 1) * page_size).limit(page_size)], total, page, page_size)

    def grids_with_workers(self, grid_codes: list[str]) -> set[str]:
        return set(self.db.grid_workers.distinct("grid_codes", {"grid_codes": {"$in": grid_codes}}))

    def _worker_out(self, doc: dict) -> dict:
        return {"worker_id": doc["_id"], "name": doc["name"], "employment": doc["employment"],
                "grid_codes": doc.get("grid_codes", []), "phone": self.cipher.decrypt("phone", doc.get("phone"))}

    # households --------------------------------------------------------------------------------------
    def get_household(self, household_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db.households.find_one({"_id": household_id, **(scope_query or {})}, session=session)

    def households_by_number(self, numbers, session=None) -> dict[str, dict]:
        return {d["household_number"]: d
                for d in self.db.households.find({"household_number": {"$in": list(numbers)}}, session=session)}

    def insert_households(self, households: list[dict], session) -> None:
        if households:
            now = clock.now()
            self.db.households.insert_many([{**h, "created_at": now, "updated_at": now} for h in households],
                                           session=session)

    def update_household(self, household_id: str, changes: dict, session) -> dict:
        return self.db.households.find_one_and_update(
            {"_id": household_id}, {"$set": {**changes, "updated_at": clock.now()}},
            return_document=ReturnDocument.AFTER, session=session)

    def list_households(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.households.count_documents(query)
        return page_of(lambda: list(self.db.households.find(query).sort(sort)
                                    .skip((page - 1) * page_size).limit(page_size)), total, page, page_size)

    def households_without_micro_grid(self, scope_query: dict, limit: int = 100) -> list[dict]:
        return list(self.db.households.find({"micro_grid_codes": {"$size": 0}, **scope_query},
                                            {"household_number": 1}).limit(limit))

    def households_in_several_micro_grids(self, scope_query: dict, limit: int = 100) -> list[dict]:
        return list(self.db.households.find({"micro_grid_codes.1": {"$exists": True}, **scope_query},
                                            {"household_number": 1, "micro_grid_codes": 1}).limit(limit))

    # residents ---------------------------------------------------------------------------------------
    def id_index(self, id_number: str) -> str:
        return self.cipher.blind_index("id_number", id_number)

    def residents_by_index(self, indexes, session=None) -> dict[str, dict]:
        return {d["id_index"]: d for d in self.db.residents.find({"id_index": {"$in": list(indexes)}},
                                                                 session=session)}

    def sealed_resident(self, resident: dict) -> dict:
        """The stored form: personal fields encrypted, the ID number also as its blind index."""
        doc = {k: v for k, v in resident.items() if k not in ENCRYPTED}
        for field in ENCRYPTED:
            doc[field] = self.cipher.encrypt(field, resident.get(field))
        doc["id_index"] = self.id_index(resident["id_number"])
        return doc

    def insert_residents(self, residents: list[dict], session) -> None:
        if residents:
            now = clock.now()
            self.db.residents.insert_many([{**self.sealed_resident(r), "created_at": now, "updated_at": now}
                                           for r in residents], session=session)

    def replace_resident(self, resident_id: str, resident: dict, session) -> None:
        self.db.residents.update_one({"_id": resident_id},
                                     {"$set": {**self.sealed_resident(resident), "updated_at": clock.now()}},
                                     session=session)

    def set_residents_area(self, household_id: str, area_path: list[str], session) -> None:
        self.db.residents.update_many({"household_id": household_id}, {"$set": {"area_path": area_path}},
                                      session=session)

    def get_resident(self, resident_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        doc = self.db.residents.find_one({"_id": resident_id, **(scope_query or {})}, session=session)
        return self.opened_resident(doc) if doc else None

    def find_resident_by_id_number(self, id_number: str, scope_query: dict) -> dict | None:
        doc = self.db.residents.find_one({"id_index": self.id_index(id_number), **scope_query})
        return self.opened_resident(doc) if doc else None

    def residents_of(self, household_id: str) -> list[dict]:
        return [self.opened_resident(d) for d in self.db.residents.find({"household_id": household_id})
                .sort([("relation_rank", ASC), ("_id", ASC)])]

    def list_residents(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.residents.count_documents(query)
        return page_of(lambda: [self.opened_resident(d) for d in self.db.residents.find(query).sort(sort)
                                .skip((page - 1) * page_size).limit(page_size)], total, page, page_size)

    def opened_resident(self, doc: dict) -> dict:
        out = {k: v for k, v in doc.items() if k not in (*ENCRYPTED, "id_index", "_id", "created_at",
                                                          "updated_at", "relation_rank")}
        out["resident_id"] = doc["_id"]
        for field in ENCRYPTED:
            out[field] = self.cipher.decrypt(field, doc.get(field))
        return out

    def population(self, area_code: str, born_by: int) -> dict:
        """Households, residents and residents born in or before `born_by` registered in an area."""
        where = {"area_path": area_code}
        return {"households": self.db.households.count_documents(where),
                "residents": self.db.residents.count_documents(where),
                "adults": self.db.residents.count_documents({**where, "birth_year": {"$lte": born_by}})}

    def record_personal_data_read(self, entry: dict) -> None:
        self.db.personal_data_reads.insert_one({**entry, "at": clock.now()})

    # for the emergency service (emergency_roster.py) ---------------------------------------------------------
    def areas_of_kind_under(self, codes: list[str], kind: str) -> list[dict]:
        return list(self.db.areas.find({"path": {"$in": codes}, "kind": kind}, {"name": 1, "path": 1, "code": 1})
                    .sort("_id", ASC))

    def workers_of_grids(self, grid_codes: list[str]) -> list[dict]:
        return [self._worker_out(d) for d in self.db.grid_workers.find({"grid_codes": {"$in": grid_codes}})
                .sort("_id", ASC)]

    def households_under(self, codes: list[str]) -> list[dict]:
        return list(self.db.households.find({"area_path": {"$in": codes}}, {"area_path": 1}).sort("_id", ASC))

    def households_by_ids(self, ids: list[str], scope_query: dict) -> list[dict]:
        return list(self.db.households.find({"_id": {"$in": ids}, **scope_query},
                                            {"household_number": 1, "address": 1, "area_path": 1})
                    .sort("household_number", ASC))

    def _flags(self, query: dict) -> list[dict]:
        """Residents with only what deciding on assisted evacuation needs, the two fields decrypted here."""
        return [{"resident_id": d["_id"], "household_id": d["household_id"], "name": d["name"],
                 "relation": d["relation"], "special_group": self.cipher.decrypt("special_group", d.get("special_group")),
                 "health": self.cipher.decrypt("health", d.get("health"))}
                for d in self.db.residents.find(query, {"household_id": 1, "name": 1, "relation": 1,
                                                        "special_group": 1, "health": 1})
                .sort([("household_id", ASC), ("relation_rank", ASC), ("_id", ASC)])]

    def resident_flags_under(self, codes: list[str]) -> list[dict]:
        return self._flags({"area_path": {"$in": codes}})

    def resident_flags_of(self, household_ids: list[str]) -> list[dict]:
        return self._flags({"household_id": {"$in": household_ids}})

    # residents' requests ----------------------------------------------------------------------------------
    def insert_resident_request(self, request: dict, session) -> None:
        doc = {**request, "contact_name": self.cipher.encrypt("contact_name", request["contact_name"]),
               "phone": self.cipher.encrypt("phone", request["phone"])}
        self.db.resident_requests.insert_one(doc, session=session)

    def resident_request_by_id(self, request_id: str, scope_query: dict) -> dict | None:
        return self._opened_request(self.db.resident_requests.find_one({"_id": request_id, **scope_query}))

    def resident_request_by_code(self, code: str) -> dict | None:
        return self._opened_request(self.db.resident_requests.find_one({"tracking_code": code}))

    def _opened_request(self, doc: dict | None) -> dict | None:
        if doc:
            doc["contact_name"] = self.cipher.decrypt("contact_name", doc["contact_name"])
            doc["phone"] = self.cipher.decrypt("phone", doc["phone"])
        return doc

    def list_resident_requests(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.resident_requests.count_documents(query)
        return page_of(lambda: [{**d, "contact_name": self.cipher.decrypt("contact_name", d["contact_name"]),
                                 "phone": self.cipher.decrypt("phone", d["phone"])}
                                for d in self.db.resident_requests.find(query).sort("submitted_at", -1)
                                .skip((page - 1) * page_size).limit(page_size)], total, page, page_size)

    # imports -----------------------------------------------------------------------------------------
    def start_import_job(self, job_id: str, filename: str, dry_run: bool) -> None:
        self.db.import_jobs.update_one({"_id": job_id}, {"$setOnInsert": {
            "filename": filename, "dry_run": dry_run, "state": "running", "processed": 0, "total": None,
            "created_at": clock.now()}}, upsert=True)

    def update_import_job(self, job_id: str, **fields) -> None:
        self.db.import_jobs.update_one({"_id": job_id}, {"$set": {**fields, "updated_at": clock.now()}})

    def get_import_job(self, job_id: str) -> dict | None:
        doc = self.db.import_jobs.find_one({"_id": job_id})
        if doc:
            doc["job_id"] = doc.pop("_id")
            for key in ("created_at", "updated_at"):
                if doc.get(key):
                    doc[key] = doc[key].isoformat()
        return doc


def _area_fields(doc: dict) -> dict:
    return {k: doc.get(k) for k in ("code", "name", "kind", "parent_code", "micro_grid_kind", "path")}


def _path_query(scope_query: dict) -> dict:
    """Areas carry their codes in `path`; other records in `area_path`."""
    return {"path": scope_query["area_path"]} if "area_path" in scope_query else {}
