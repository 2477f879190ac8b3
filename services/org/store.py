"""The org service's MongoDB collections.

`areas` is a read model of the grid service's area tree (townships, villages, communities and grids), written
only by the handlers of its events; the org service never reads the grid's database nor calls it. Members' ID
numbers and phones, and the phones of cadres and roster people, are encrypted field by field; a keyed blind index
of the ID number keeps one member record per person.
"""
import uuid

from pymongo import ReturnDocument

from shared import area_model, clock, config
from shared.mongo import ASC, Index
from shared.pii import PiiCipher


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class OrgStore:
    INDEXES = [
        Index("areas", [("path", ASC), ("kind", ASC)]),
        Index("party_orgs", [("area_path", ASC), ("kind", ASC)]),
        Index("party_orgs", [("area_code", ASC)]),
        Index("members", [("id_index", ASC)], unique=True),
        Index("members", [("area_path", ASC), ("status", ASC)]),
        Index("members", [("org_id", ASC)]),
        Index("cadre_assignments", [("area_path", ASC), ("status", ASC)]),
        Index("cadre_assignments", [("client_ref", ASC)], unique=True, sparse=True),
        Index("joint_buildings", [("area_path", ASC)]),
        Index("joint_buildings", [("client_ref", ASC)], unique=True, sparse=True),
        Index("area_rosters", [("area_path", ASC), ("role", ASC)]),
        Index("deputy_visits", [("area_path", ASC), ("visited_on", ASC)]),
        Index("deputy_visits", [("client_ref", ASC)], unique=True, sparse=True),
    ]

    def __init__(self, db):
        self.db = db
        self.cipher = PiiCipher(*config.pii_keys())

    # the read model of the grid's areas ----------------------------------------------------------------------
    def apply_area(self, area: dict, as_of, session) -> bool:
        """Keep the newest state of an area: an event older than what is stored (delivered out of order) changes
        nothing. True when it was applied."""
        return area_model.keep_newest(self.db.areas, area, as_of, session)

    def get_area(self, code: str) -> dict | None:
        return self.db.areas.find_one({"_id": code})

    def areas(self, query: dict, fields=("code", "kind", "name", "path", "parent_code")) -> list[dict]:
        return list(self.db.areas.find(query, dict.fromkeys(fields, 1)).sort("_id", ASC))

    def area_names(self, codes) -> dict[str, str]:
        return {a["_id"]: a["name"] for a in self.db.areas.find({"_id": {"$in": list(codes)}}, {"name": 1})}

    # organisations ---------------------------------------------------------------------------------------
    def get_org(self, org_id: str, session=None) -> dict | None:
        return self.db.party_orgs.find_one({"_id": org_id}, session=session)

    def save_org(self, org: dict, session) -> bool:
        """Insert or change an organisation; True when it is new."""
        result = self.db.party_orgs.update_one(
            {"_id": org["org_id"]}, {"$set": {**org, "updated_at": clock.now()},
                                     "$setOnInsert": {"created_at": clock.now()}}, upsert=True, session=session)
        return result.upserted_id is not None

    def orgs(self, query: dict, fields: dict | None = None) -> list[dict]:
        return list(self.db.party_orgs.find(query, fields).sort([("area_code", ASC), ("_id", ASC)]))

    # members ---------------------------------------------------------------------------------------------
    def id_index(self, id_number: str) -> str:
        return self.cipher.blind_index("id_number", id_number)

    def insert_member(self, member: dict, session) -> None:
        doc = {**member, "id_index": self.id_index(member["id_number"]),
               "id_number": self.cipher.encrypt("id_number", member["id_number"]),
               "phone": self.cipher.encrypt("phone", member.get("phone"))}
        self.db.members.insert_one(doc, session=session)

    def _opened(self, doc: dict) -> dict:
        return {**doc, "id_number": self.cipher.decrypt("id_number", doc.get("id_number")),
                "phone": self.cipher.decrypt("phone", doc.get("phone"))}

    def get_member(self, member_id: str, scope_query: dict | None = None) -> dict | None:
        doc = self.db.members.find_one({"_id": member_id, **(scope_query or {})})
        return self._opened(doc) if doc else None

    def member_by_id_number(self, id_number: str) -> dict | None:
        doc = self.db.members.find_one({"id_index": self.id_index(id_number)})
        return self._opened(doc) if doc else None

    def change_member(self, member: dict, changes: dict, entry: dict | None, session) -> dict | None:
        """Apply a change unless someone else changed the member first (None then)."""
        update: dict = {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1}}
        if entry:
            update["$push"] = {"history": entry}
        doc = self.db.members.find_one_and_update({"_id": member["_id"], "revision": member["revision"]}, update,
                                                  return_document=ReturnDocument.AFTER, session=session)
        return self._opened(doc) if doc else None

    def list_members(self, query: dict, page: int, page_size: int, sort: list) -> dict:
        total = self.db.members.count_documents(query)
        items = [self._opened(d) for d in self.db.members.find(query, {"history": 0}).sort(sort)
                 .skip((page - 1) * page_size).limit(page_size)]
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def members_for_figures(self, query: dict) -> list[dict]:
        return list(self.db.members.find(query, {"area_path": 1, "status": 1, "registrations": 1}))

    # cadres in the grids ---------------------------------------------------------------------------------
    def insert_assignment(self, assignment: dict, session) -> None:
        doc = {**assignment, "phone": self.cipher.encrypt("phone", assignment.get("phone"))}
        self.db.cadre_assignments.insert_one(doc, session=session)

    def _opened_assignment(self, doc: dict) -> dict:
        return {**doc, "phone": self.cipher.decrypt("phone", doc.get("phone"))}

    def get_assignment(self, assignment_id: str, scope_query: dict | None = None) -> dict | None:
        doc = self.db.cadre_assignments.find_one({"_id": assignment_id, **(scope_query or {})})
        return self._opened_assignment(doc) if doc else None

    def assignment_by_ref(self, client_ref: str) -> dict | None:
        doc = self.db.cadre_assignments.find_one({"client_ref": client_ref})
        return self._opened_assignment(doc) if doc else None

    def update_assignment(self, assignment_id: str, update: dict, session) -> dict:
        doc = self.db.cadre_assignments.find_one_and_update({"_id": assignment_id}, update,
                                                            return_document=ReturnDocument.AFTER, session=session)
        return self._opened_assignment(doc)

    def list_assignments(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.cadre_assignments.count_documents(query)
        items = [self._opened_assignment(d) for d in self.db.cadre_assignments.find(query)
                 .sort([("grid_code", ASC), ("_id", ASC)]).skip((page - 1) * page_size).limit(page_size)]
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def assignments_for_figures(self, query: dict) -> list[dict]:
        return list(self.db.cadre_assignments.find(query, {"grid_code": 1, "area_path": 1, "status": 1}))

    # joint building --------------------------------------------------------------------------------------
    def insert_joint_building(self, pair: dict, session) -> None:
        self.db.joint_buildings.insert_one(pair, session=session)

    def joint_building_by_ref(self, client_ref: str) -> dict | None:
        return self.db.joint_buildings.find_one({"client_ref": client_ref})

    def get_joint_building(self, pair_id: str, scope_query: dict | None = None) -> dict | None:
        return self.db.joint_buildings.find_one({"_id": pair_id, **(scope_query or {})})

    def update_joint_building(self, pair_id: str, update: dict, session) -> dict:
        return self.db.joint_buildings.find_one_and_update({"_id": pair_id}, update,
                                                           return_document=ReturnDocument.AFTER, session=session)

    def list_joint_buildings(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.joint_buildings.count_documents(query)
        items = list(self.db.joint_buildings.find(query).sort([("org_id", ASC), ("_id", ASC)])
                     .skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    # area rosters ----------------------------------------------------------------------------------------
    def save_roster(self, roster: dict, session) -> None:
        doc = {**roster, "people": [{**p, "phone": self.cipher.encrypt("phone", p.get("phone"))}
                                    for p in roster["people"]]}
        self.db.area_rosters.update_one({"_id": f"{roster['area_code']}:{roster['role']}"},
                                        {"$set": {**doc, "updated_at": clock.now()}}, upsert=True, session=session)

    def rosters(self, query: dict) -> list[dict]:
        return [{**r, "people": [{**p, "phone": self.cipher.decrypt("phone", p.get("phone"))} for p in r["people"]]}
                for r in self.db.area_rosters.find(query).sort("_id", ASC)]

    # deputies' visits (两代表一委员) -------------------------------------------------------------------------
    def insert_deputy_visit(self, visit: dict, session) -> None:
        self.db.deputy_visits.insert_one(visit, session=session)

    def deputy_visit_by_ref(self, client_ref: str) -> dict | None:
        return self.db.deputy_visits.find_one({"client_ref": client_ref})

    def list_deputy_visits(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.deputy_visits.count_documents(query)
        items = list(self.db.deputy_visits.find(query).sort([("visited_on", -1), ("_id", ASC)])
                     .skip((page - 1) * page_size).limit(page_size))
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def flag_deputy_contact(self, key: str, session) -> bool:
        """Note an overdue contact for one due day; False when it was noted before."""
        result = self.db.deputy_contact_flags.update_one({"_id": key}, {"$setOnInsert": {"flagged_at": clock.now()}},
                                                         upsert=True, session=session)
        return result.upserted_id is not None
