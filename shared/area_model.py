"""The grid's area tree kept as another service's own read model (docs/adr/0010): the newest state of each area from
the grid's events, and the areas below one for a picker. The collection holds `_id` (the code), kind, name,
parent_code, path and `as_of` (when the event that last wrote it occurred)."""
from shared.scope import Scope

COUNTY_CODE = "500229"


def keep_newest(collection, area: dict, as_of, session) -> bool:
    """Store an area unless what is stored is newer: ordering across queues is not guaranteed, so an older event
    delivered late changes nothing. True when it was applied."""
    known = collection.find_one({"_id": area["code"]}, {"as_of": 1}, session=session)
    if known is not None and known.get("as_of") and known["as_of"] >= as_of:
        return False
    collection.update_one({"_id": area["code"]}, {"$set": {**area, "as_of": as_of}}, upsert=True, session=session)
    return True


def children_query(scope: Scope, parent_code: str | None) -> tuple[str, dict]:
    """The parent a picker lists (the one asked, else the caller's first area, else the county) and the query of
    its children within the caller's scope."""
    code = parent_code or (scope.codes[0] if scope.codes else COUNTY_CODE)
    query: dict = {"parent_code": code}
    if not scope.unrestricted:
        query["path"] = {"$in": list(scope.codes)}
    return code, query
