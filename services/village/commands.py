"""The village service layer, the parts every concept shares: areas as the read model knows them, the caller's
scope, the numbers a meeting's quorum is counted against, the representatives' meeting of a village, the reference
tables, and the residents' page of a village. The concepts have their own modules: rules_commands, council_commands,
matter_commands, session_commands, figure_commands; intake handles the other services' events."""
from shared import area_model, clock, pii
from shared.errors import NotFound, ValidationFailed, parse

from . import councils, domain, figures, sessions, village_rules
from .api import codes
from .api.rpc import RepresentativesIn
from .domain import COUNTY_CODE
from .store import new_id  # noqa: F401 - the concepts' modules take it from here

SYSTEM = {"id": "system", "role": None, "name": "系统"}


# areas and scope ------------------------------------------------------------------------------------------------
def area_in_scope(work, code: str, field: str, kinds: tuple[str, ...] | None = None) -> dict:
    """An area the caller may act in, as the read model knows it (400 naming the field otherwise)."""
    area = work.store.get_area(str(code or ""))
    if area is None or not work.scope.allows(area["path"]):
        raise ValidationFailed("区划不存在或不在辖区内（新建的区划须待网格服务同步）", field=field, code="area.not_found")
    if kinds and area["kind"] not in kinds:
        wanted = "、".join({"village": "村", "community": "社区", "grid": "网格"}.get(k, k) for k in kinds)
        raise ValidationFailed(f"应选择{wanted}", field=field, code="area.wrong_kind")
    return area


VILLAGE_KINDS = ("village", "community")


def view_area(work, area_code: str | None) -> str:
    """The area a list or figure is for: the one asked, else the caller's first area, else the county."""
    code = area_code or (work.scope.codes[0] if work.scope.codes else COUNTY_CODE)
    work.scope.require(code, "area_code")
    return code


def in_scope(work, collection: str, record_id: str, message: str, code: str) -> dict:
    """A record of the caller's areas; anything else is not found (404)."""
    found = work.store.get(collection, str(record_id or ""), work.scope.query())
    if found is None:
        raise NotFound(message, field=code.split(".")[0] + "_id", code=code)
    return found


def actor(work) -> dict:
    return work.actor_ref() or SYSTEM


def entry(work, action: str, source: str | None, target: str | None, note: str | None = None, **extra) -> dict:
    return {"action": action, "from": source, "to": target, "at": clock.now(), "actor": actor(work), "note": note,
            **extra}


def present_history(items: list[dict], labels: dict[str, str]) -> list[dict]:
    return [{"action": h["action"], "label": labels.get(h["action"], h["action"]), "at": clock.iso(h["at"]),
             "actor": (h.get("actor") or {}).get("name"), "note": h.get("note")} for h in items]


def list_areas(work, parent_code: str | None = None) -> dict:
    code, query = area_model.children_query(work.scope, parent_code)
    return {"parent_code": code, "items": [{"code": a["_id"], "name": a["name"], "kind": a["kind"]}
                                           for a in work.store.areas(query)]}


# the numbers a meeting's quorum is counted against -----------------------------------------------------------------
def meeting_basis(work, lookups, area: dict, meeting_kind: str) -> dict:
    """For a villagers' meeting, the area's residents, adults and households as the grid has them registered now;
    for a representatives' meeting, the members registered for the village's representatives' meeting."""
    if meeting_kind == "villagers_meeting":
        counted = lookups.population(area["_id"])
        return {"residents": counted["residents"], "adults": counted["adults"], "households": counted["households"],
                "source": "grid", "counted_at": clock.now()}
    if area["kind"] == "grid":
        raise ValidationFailed("小区守则由小区居民会议表决", field="meeting_kind", code="meeting.wrong_kind")
    village = area["path"][2]
    found = work.store.representatives(village) or {}
    return {"representatives": len(found.get("resident_ids", [])), "source": "representatives",
            "counted_at": clock.now()}


def check_attendance(meeting_kind: str, attendees: int, households: int | None, basis: dict, prefix: str = "") -> None:
    problem = domain.attendance_problem(meeting_kind, attendees, households, basis)
    if problem:
        raise ValidationFailed(problem[1], field=prefix + problem[0], code="meeting.impossible_counts")


# the representatives' meeting of a village --------------------------------------------------------------------
def save_representatives(work, village_code: str, payload: dict, lookups) -> dict:
    """村民代表会议组成人员: the whole list (it replaces the one before)."""
    body = parse(RepresentativesIn, payload)
    area = area_in_scope(work, village_code, "village_code", VILLAGE_KINDS)
    found = lookups.residents(body.resident_ids)
    problem = councils.member_problem([{"resident_id": r} for r in body.resident_ids], found, area["_id"])
    if problem:
        raise ValidationFailed(problem[1], field=problem[0].replace("members", "resident_ids").replace(
            ".resident_id", ""), code="resident.not_in_village")
    doc = {"area_path": area["path"], "resident_ids": body.resident_ids,
           "names": {r: found[r]["name"] for r in body.resident_ids}, "updated_by": actor(work)}
    work.transaction(lambda tx: work.store.save_representatives(area["_id"], doc, tx.session))
    return get_representatives(work, area["_id"])


def get_representatives(work, village_code: str) -> dict:
    area = area_in_scope(work, village_code, "village_code", VILLAGE_KINDS)
    found = work.store.representatives(area["_id"]) or {}
    ids = found.get("resident_ids", [])
    return {"village_code": area["_id"], "village_name": area["name"], "count": len(ids),
            "members": [{"resident_id": r, "name": found["names"].get(r)} for r in ids],
            "quorum": domain.least_two_thirds(len(ids)) if ids else None}


# reference ---------------------------------------------------------------------------------------------------
def reference() -> dict:
    """Labels, tables and definitions for the console."""
    tables = {name: codes.labels(getattr(codes, name)) for name in (
        "RULES_KINDS", "RULES_STATUS", "CONDUCT_KINDS", "MEETING_KINDS", "COUNCIL_KINDS", "MEMBER_ROLES",
        "FAMILY_EVENT_KINDS", "FAMILY_EVENT_STATUS", "CLAIM_OPINIONS", "MATTER_KINDS", "MATTER_STEPS",
        "MATTER_STATUS", "PUBLICATION_CHANNELS", "REFUSAL_REASONS", "SESSION_KINDS", "TOPICS",
        "SESSION_MATTER_STATUS", "SESSION_MATTER_ROUTES")}
    return {**{k.lower(): v for k, v in tables.items()}, "rules_workflow": village_rules.WORKFLOW.table(),
            "matter_workflow": domain.MATTER.table(), "family_event_workflow": councils.FAMILY_EVENT.table(),
            "session_matter_workflow": sessions.WORKFLOW.table(), "step_fields": domain.STEP_FIELDS,
            "step_limit_days": domain.step_limit_days(), "definitions": figures.DEFINITIONS}


# the residents' page of a village ------------------------------------------------------------------------------
def public_village(work, village_code: str) -> dict:
    """What a village shows on the residents' page: its rules in force, and the resolutions of its important
    matters and their results as published, each with its date. Nothing before it is published (a rules version
    only once filed and published); no names."""
    code = str(village_code or "")
    area = work.store.get_area(code) if len(code) == 12 and code.isdigit() else None
    if area is None or area["kind"] not in VILLAGE_KINDS:
        raise NotFound("未找到该村（社区）", field="village_code", code="area.not_found")
    rules = work.store.all("village_rules", {"area_path": code, "status": "published"}, sort=[("area_code", 1)])
    names = work.store.area_names({r["area_code"] for r in rules})
    matters = work.store.all("matters", {"area_path": code, "status": {"$in": ["resolution_published", "completed"]}},
                             sort=[("registered_on", -1)])
    return {"village_code": code, "village_name": area["name"], "rules": [{
        "rules_id": r["_id"], "kind": r["kind"], "kind_label": codes.RULES_KINDS[r["kind"]], "title": r["title"],
        "version": r["version"], "area_name": names.get(r["area_code"]), "adopted_on": r["adoption"]["held_on"],
        "adopted_by": codes.MEETING_KINDS[r["adoption"]["meeting_kind"]], "filed_on": r["filing"]["filed_on"],
        "published_on": r["published_on"], "clauses": [{"no": c["no"], "text": pii.mask_text(c["text"])}
                                                       for c in r["clauses"]]} for r in rules],
        "matters": [{"matter_id": m["_id"], "title": m["title"], "kind_label": codes.MATTER_KINDS[m["kind"]],
                     "publications": [{"step": s["step"], "label": codes.MATTER_STEPS[s["step"]],
                                       "published_on": s["held_on"],
                                       "channel_label": codes.PUBLICATION_CHANNELS[s["channel"]],
                                       "content": pii.mask_text(s["content"])}
                                      for s in m["steps"] if s["step"] in domain.PUBLICATIONS]} for m in matters]}
