"""The places' collections: checklist versions, governance centres and service facilities (the same shape), their
inspections with photos in GridFS, key areas and their video points, and the places' import jobs.

Every place carries `area_path` (its area's codes, county first) for scope filters, and `state`: the derived
state its events publish, stored so that a change is seen by comparing and a repeat changes nothing.
"""
from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.files import FileBucket
from shared.mongo import ASC, DESC, Index

from .places import Subject

FILES_BUCKET = "inspection_files"
COLLECTIONS = {Subject.governance_centre: "governance_centres", Subject.service_facility: "service_facilities"}


class PlaceStore:
    INDEXES = [
        Index("checklists", [("subject", ASC), ("version", ASC)], unique=True),
        Index("checklists", [("subject", ASC), ("current", ASC)]),
        Index("governance_centres", [("area_path", ASC), ("level", ASC)]),
        Index("service_facilities", [("area_path", ASC)]),
        Index("inspections", [("subject_id", ASC), ("checklist_version", ASC), ("inspected_at", DESC)]),
        Index("inspections", [("area_path", ASC), ("inspected_at", DESC)]),
        Index("inspections", [("client_ref", ASC)], unique=True, sparse=True),
        Index("key_areas", [("area_code", ASC), ("name", ASC)], unique=True),
        Index("key_areas", [("area_path", ASC), ("kind", ASC)]),
        Index("key_areas", [("state.changes_at", ASC)]),
        Index("video_points", [("code", ASC)], unique=True),
        Index("video_points", [("key_area_id", ASC)]),
        Index("video_points", [("area_path", ASC)]),
        Index("place_import_jobs", [("created_at", ASC)]),
        Index(f"{FILES_BUCKET}.files", [("filename", ASC), ("uploadDate", ASC)]),
        Index(f"{FILES_BUCKET}.chunks", [("files_id", ASC), ("n", ASC)], unique=True),
    ]

    def __init__(self, db):
        self.db = db
        self.files = FileBucket(db, FILES_BUCKET)

    def _upsert(self, collection: str, doc: dict, session) -> None:
        """Set the given fields of a record (created with them when new)."""
        now = clock.now()
        fields = {k: v for k, v in doc.items() if k not in ("_id", "created_at")}
        self.db[collection].update_one({"_id": doc["_id"]}, {"$set": {**fields, "updated_at": now},
                                                             "$setOnInsert": {"created_at": now}},
                                       upsert=True, session=session)

    def _page(self, collection: str, query: dict, sort: list, page: int, page_size: int) -> dict:
        total = self.db[collection].count_documents(query)
        items = list(self.db[collection].find(query).sort(sort).skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    # checklists --------------------------------------------------------------------------------------------
    def seed_checklists(self, versions: list[dict]) -> None:
        """The first versions, once per subject: a restart or a second replica finds them and adds nothing."""
        for doc in versions:
            if self.db.checklists.find_one({"subject": doc["subject"]}, {"_id": 1}) is None:
                try:
                    self.db.checklists.insert_one(doc)
                except DuplicateKeyError:
                    pass  # another replica seeded the same version at the same moment

    def current_checklist(self, subject: str, session=None) -> dict | None:
        return self.db.checklists.find_one({"subject": subject, "current": True}, session=session)

    def checklist_versions(self, subject: str) -> list[dict]:
        return list(self.db.checklists.find({"subject": subject}).sort("version", DESC))

    def add_checklist_version(self, doc: dict, session) -> None:
        """The new version becomes current; the unique (subject, version) index stops two editors racing."""
        self.db.checklists.update_many({"subject": doc["subject"], "current": True}, {"$set": {"current": False}},
                                       session=session)
        self.db.checklists.insert_one(doc, session=session)

    # governance centres and service facilities -----------------------------------------------------------------
    def get_place(self, subject: str, place_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db[COLLECTIONS[subject]].find_one({"_id": place_id, **(scope_query or {})}, session=session)

    def places_by_id(self, subject: str, ids, session=None) -> dict[str, dict]:
        return {d["_id"]: d for d in self.db[COLLECTIONS[subject]].find({"_id": {"$in": list(ids)}}, session=session)}

    def save_place(self, subject: str, doc: dict, session) -> None:
        self._upsert(COLLECTIONS[subject], doc, session)

    def set_place_state(self, subject: str, place_id: str, state: dict, session) -> None:
        self.db[COLLECTIONS[subject]].update_one({"_id": place_id}, {"$set": {"state": state}}, session=session)

    def list_places(self, subject: str, query: dict, page: int, page_size: int) -> dict:
        return self._page(COLLECTIONS[subject], query, [("_id", ASC)], page, page_size)

    def place_ids(self, subject: str) -> list[str]:
        return [d["_id"] for d in self.db[COLLECTIONS[subject]].find({}, {"_id": 1}).sort("_id", ASC)]

    def for_figures(self, collection: str, query: dict, fields: list[str]) -> list[dict]:
        return list(self.db[collection].find(query, dict.fromkeys(fields, 1)))

    # inspections -----------------------------------------------------------------------------------------
    def insert_inspection(self, doc: dict, session) -> None:
        self.db.inspections.insert_one(doc, session=session)

    def latest_inspection(self, subject_id: str, version: int, session=None) -> dict | None:
        """The latest inspection under this checklist version, by when it was made (then by when recorded)."""
        return self.db.inspections.find_one({"subject_id": subject_id, "checklist_version": version},
                                            sort=[("inspected_at", DESC), ("recorded_at", DESC)], session=session)

    def latest_inspections(self, subject_ids: list[str], version: int, session=None) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for doc in self.db.inspections.find({"subject_id": {"$in": subject_ids}, "checklist_version": version},
                                            {"photos": 0}, session=session).sort([("inspected_at", ASC),
                                                                                   ("recorded_at", ASC)]):
            found[doc["subject_id"]] = doc  # ascending, so the last one seen is the latest
        return found

    def get_inspection(self, inspection_id: str, scope_query: dict | None = None) -> dict | None:
        return self.db.inspections.find_one({"_id": inspection_id, **(scope_query or {})})

    def inspection_by_client_ref(self, client_ref: str) -> dict | None:
        return self.db.inspections.find_one({"client_ref": client_ref})

    def inspections_of(self, subject_id: str, limit: int = 20) -> list[dict]:
        return list(self.db.inspections.find({"subject_id": subject_id}).sort([("inspected_at", DESC),
                                                                                 ("recorded_at", DESC)]).limit(limit))

    def list_inspections(self, query: dict, page: int, page_size: int) -> dict:
        return self._page("inspections", query, [("inspected_at", DESC), ("_id", ASC)], page, page_size)

    def add_photo(self, inspection_id: str, photo: dict, limit: int) -> bool:
        """Attach a photo unless the inspection already holds `limit` of them (one conditional update)."""
        result = self.db.inspections.update_one({"_id": inspection_id, f"photos.{limit - 1}": {"$exists": False}},
                                                {"$push": {"photos": photo}})
        return result.modified_count == 1

    def put_file(self, content: bytes, filename: str, content_type: str, metadata: dict) -> str:
        return self.files.put(content, filename, content_type, metadata)

    def get_file(self, file_id: str) -> tuple[bytes, dict] | None:
        return self.files.get(file_id)

    # key areas and video points --------------------------------------------------------------------------
    def get_key_area(self, key_area_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db.key_areas.find_one({"_id": key_area_id, **(scope_query or {})}, session=session)

    def key_areas_by_name(self, pairs, session=None) -> dict[tuple[str, str], dict]:
        """Key areas by (area code, name), the natural key a spreadsheet names them by."""
        pairs = list(pairs)
        if not pairs:
            return {}
        query = {"$or": [{"area_code": code, "name": name} for code, name in pairs]}
        return {(d["area_code"], d["name"]): d for d in self.db.key_areas.find(query, session=session)}

    def save_key_area(self, doc: dict, session) -> None:
        self._upsert("key_areas", doc, session)

    def list_key_areas(self, query: dict, page: int, page_size: int) -> dict:
        return self._page("key_areas", query, [("area_code", ASC), ("name", ASC), ("_id", ASC)], page, page_size)

    def key_areas_changing(self, now, limit: int = 500) -> list[str]:
        """Key areas whose coverage lapses by `now` with no new check: an online point's check gone stale."""
        return [d["_id"] for d in self.db.key_areas.find({"state.changes_at": {"$lte": now}}, {"_id": 1})
                .limit(limit)]

    def get_point(self, point_id: str, scope_query: dict | None = None, session=None) -> dict | None:
        return self.db.video_points.find_one({"_id": point_id, **(scope_query or {})}, session=session)

    def points_by_code(self, codes, session=None) -> dict[str, dict]:
        return {d["code"]: d for d in self.db.video_points.find({"code": {"$in": list(codes)}}, session=session)}

    def points_of(self, key_area_ids, session=None) -> list[dict]:
        return list(self.db.video_points.find({"key_area_id": {"$in": list(key_area_ids)}}, session=session)
                    .sort("code", ASC))

    def save_point(self, doc: dict, session) -> None:
        self._upsert("video_points", doc, session)

    def list_points(self, query: dict, page: int, page_size: int) -> dict:
        return self._page("video_points", query, [("code", ASC)], page, page_size)

    # import jobs -------------------------------------------------------------------------------------------
    def start_job(self, job_id: str, fields: dict) -> None:
        self.db.place_import_jobs.update_one({"_id": job_id}, {"$setOnInsert": {
            **fields, "state": "running", "processed": 0, "total": None, "created_at": clock.now()}}, upsert=True)

    def update_job(self, job_id: str, **fields) -> None:
        self.db.place_import_jobs.update_one({"_id": job_id}, {"$set": {**fields, "updated_at": clock.now()}})

    def get_job(self, job_id: str) -> dict | None:
        return self.db.place_import_jobs.find_one({"_id": job_id})
