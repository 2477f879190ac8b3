"""The assessment service's MongoDB collections (database `<prefix>_assessment`).

The read models of other services' events, written only by the handlers in intake.py: `areas` (the grid's tree),
`disputes` (each dispute's clock and outcome), `petitions` (each petition's channel and when it was received),
`places` (each governance centre, service facility and key area with the history of its state), `households` (id
and village only, to draw survey samples from).

The county's own records: survey figures, closed months, schemes, rounds, appeals, selections and nominations,
surveys. Survey codes are kept as hashes with their village, answers with their village and scores: neither names
the household. No record holds a resident: ids, area codes, states and times only.
"""
from pymongo import InsertOne, ReturnDocument, UpdateOne

from shared import area_model, clock
from shared.mongo import ASC, Index


class AssessmentStore:
    INDEXES = [
        Index("areas", [("path", ASC), ("kind", ASC)]),
        Index("disputes", [("area_path", ASC), ("registered_at", ASC)]),
        Index("petitions", [("area_path", ASC), ("received_at", ASC)]),
        Index("places", [("kind", ASC), ("area_path", ASC)]),
        Index("survey_figures", [("area_code", ASC), ("year", ASC)]),
        Index("schemes", [("year", ASC), ("level", ASC)]),
        Index("rounds", [("scheme_id", ASC), ("period", ASC)], unique=True),
        Index("appeals", [("round_id", ASC), ("area_code", ASC), ("indicator", ASC)]),
        Index("selections", [("year", ASC), ("kind", ASC)], unique=True),
        Index("nominations", [("selection_id", ASC), ("area_code", ASC)]),
        Index("households", [("village_code", ASC)]),
        Index("survey_codes", [("survey_id", ASC), ("village_code", ASC)]),
        Index("survey_answers", [("survey_id", ASC), ("area_path", ASC)]),
    ]

    def __init__(self, db):
        self.db = db

    # the read models ----------------------------------------------------------------------------------------
    def apply_area(self, area: dict, as_of, session) -> bool:
        return area_model.keep_newest(self.db.areas, area, as_of, session)

    def get_area(self, code: str) -> dict | None:
        return self.db.areas.find_one({"_id": code})

    def areas(self, query: dict) -> list[dict]:
        return list(self.db.areas.find(query, {"kind": 1, "name": 1, "path": 1, "parent_code": 1}).sort("_id", ASC))

    def keep_newest(self, tx, collection: str, record_id: str, fields: dict, as_of) -> None:
        """Set a record's fields unless a newer event already did (events of one record may arrive out of order).
        The transaction's events are gathered and written together just before it commits (Newest)."""
        tx.gather(f"newest:{collection}", lambda: Newest(self.db[collection])).add(record_id, fields, as_of)

    def add_place_state(self, place: dict, entry: dict, session) -> None:
        """A place's state as of one event, kept in the order the events occurred (a late one is slotted in)."""
        self.db.places.update_one({"_id": place["_id"]}, {"$set": place, "$push": {"history": {
            "$each": [entry], "$sort": {"at": 1}}}}, upsert=True, session=session)

    def rows(self, collection: str, query: dict) -> list[dict]:
        return list(self.db[collection].find(query))

    # the county's own records: schemes, rounds, appeals, selections, nominations ---------------------------------
    def insert(self, collection: str, doc: dict, session) -> None:
        now = clock.now()
        self.db[collection].insert_one({"revision": 0, "created_at": now, "updated_at": now, **doc}, session=session)

    def get(self, collection: str, record_id: str, session=None) -> dict | None:
        return self.db[collection].find_one({"_id": record_id}, session=session)

    def find(self, collection: str, query: dict, sort=("created_at", ASC)) -> list[dict]:
        return list(self.db[collection].find(query).sort([sort]))

    def move(self, collection: str, doc: dict, changes: dict, entry: dict, session) -> dict | None:
        """Apply changes and append a history entry if nobody changed the record since it was read (None then)."""
        return self.db[collection].find_one_and_update(
            {"_id": doc["_id"], "revision": doc["revision"]},
            {"$set": {**changes, "updated_at": clock.now()}, "$inc": {"revision": 1}, "$push": {"history": entry}},
            return_document=ReturnDocument.AFTER, session=session)

    # survey figures and closed months --------------------------------------------------------------------------------
    def save_survey_figure(self, doc: dict, session) -> dict:
        return self.db.survey_figures.find_one_and_update(
            {"_id": doc["_id"]}, {"$set": {**doc, "updated_at": clock.now()}}, upsert=True,
            return_document=ReturnDocument.AFTER, session=session)

    def survey_figures(self, query: dict) -> list[dict]:
        return list(self.db.survey_figures.find(query).sort([("year", ASC), ("indicator", ASC)]))

    def close_period(self, doc: dict, session) -> bool:
        """True the first time a month of an area is closed: closing again publishes nothing twice."""
        found = self.db.closed_periods.find_one({"_id": doc["_id"]}, session=session)
        if found is not None:
            return False
        self.db.closed_periods.insert_one({**doc, "closed_at": clock.now()}, session=session)
        return True


class Newest:
    """The newest state of each record a transaction's events carry, written with one read and one bulk write for
    all of them (a batch of events costs the store a few commands, not two per event)."""

    def __init__(self, collection):
        self.collection = collection
        self.latest: dict[str, tuple[dict, object]] = {}

    def add(self, record_id: str, fields: dict, as_of) -> None:
        known = self.latest.get(record_id)
        if known is None or known[1] < as_of:
            self.latest[record_id] = (fields, as_of)

    def flush(self, tx) -> None:
        if not self.latest:
            return
        stored = {d["_id"]: d.get("as_of") for d in self.collection.find(
            {"_id": {"$in": list(self.latest)}}, {"as_of": 1}, session=tx.session)}
        writes = []
        for record_id, (fields, as_of) in self.latest.items():
            if record_id not in stored:
                writes.append(InsertOne({"_id": record_id, **fields, "as_of": as_of}))
            elif stored[record_id] is None or stored[record_id] < as_of:
                writes.append(UpdateOne({"_id": record_id}, {"$set": {**fields, "as_of": as_of}}))
        if writes:
            self.collection.bulk_write(writes, ordered=False, session=tx.session)
        self.latest = {}
