"""The service layer of emergency plans: save a version, publish it (or review the plan in force), read them.
Each command loads within the caller's scope, applies plans.py, and saves with its event in one transaction."""
from shared import clock
from shared.errors import Conflict, NotFound, ValidationFailed, parse
from shared.scope import area_path

from . import plans
from .api import (
    COMMAND_ROLE_LABELS,
    HAZARD_LABELS,
    LEVEL_LABELS,
    PLAN_STATUS_LABELS,
    TASK_KIND_LABELS,
    TASK_SCOPE_LABELS,
    PlanIn,
    PlanPublished,
    PlanStatus,
)
from .domain import visible_query

COUNTY = "500229"
PLAN_KINDS = {6: {"county"}, 9: {"town", "township", "street"}, 12: {"village", "community"}}



def _plan_area(work, code: str) -> dict:
    area = work.store.area(code) or ({"_id": code, "name": "城口县", "kind": "county", "path": [code]}
                                     if code == COUNTY else None)
    if area is None or area["kind"] not in PLAN_KINDS.get(len(code), set()):
        raise ValidationFailed("区划不存在或尚未同步（预案须定在县、乡镇（街道）或村（社区））", field="area_code",
                               code="area.not_found")
    work.scope.require(code, "area_code")
    return area


def plan_query(work) -> dict:
    return visible_query(work.scope.codes, "area_path", "area_code")


def _versions_in_scope(work, plan_id: str) -> list[dict]:
    versions = work.store.plan_versions(str(plan_id or ""))
    if not versions or not work.scope.allows(area_path(versions[0]["area_code"])):
        raise NotFound("预案不存在或不在辖区内", field="plan_id", code="emergency_plan.not_found")
    return versions


def save_plan(work, plan_id: str, payload: dict) -> dict:
    """A new draft of the plan (or the draft changed again): it takes effect when published."""
    plan_in = parse(PlanIn, {**(payload or {}), "plan_id": plan_id})
    area = _plan_area(work, plan_in.area_code)
    if plan_in.reviewed_on and plan_in.reviewed_on > clock.today():
        raise ValidationFailed("审定日期不能晚于今天", field="reviewed_on")
    for i, shelter in enumerate(plan_in.shelters):
        if not shelter.area_code.startswith(plan_in.area_code):
            raise ValidationFailed("安置点应在预案区域内", field=f"shelters.{i}.area_code",
                                   code="emergency_plan.shelter_outside")
    versions = work.store.plan_versions(plan_in.plan_id)
    if versions and (versions[0]["area_code"], versions[0]["hazard"]) != (plan_in.area_code, plan_in.hazard.value):
        raise Conflict("预案编号已用于另一区域或灾种的预案", field="plan_id", code="emergency_plan.id_taken")
    if versions and not work.scope.allows(area_path(versions[0]["area_code"])):
        raise NotFound("预案不存在或不在辖区内", field="plan_id", code="emergency_plan.not_found")
    version, _ = plans.next_version(versions)
    doc = {**plans.draft_of(plan_in, version, clock.today()), "area_path": area["path"],
           "saved_by": work.actor_ref()}
    work.transaction(lambda tx: work.store.save_plan_version(doc, tx.session))
    return get_plan(work, plan_in.plan_id)


def publish_plan(work, plan_id: str, payload: dict | None = None) -> dict:
    """Publish the draft; with no draft, review the plan in force: the same content as a new version. Reviewed on
    the day given, else the draft's review day, else today. Either way the version before goes out of force."""
    versions = _versions_in_scope(work, plan_id)
    latest = versions[-1]
    current = next((v for v in versions if v["status"] == PlanStatus.published), None)
    review = latest["status"] != PlanStatus.draft
    given = (payload or {}).get("reviewed_on") or (None if review else latest["reviewed_on"])
    reviewed = clock.parse_local(given, "reviewed_on").date() if given else clock.today()
    if reviewed > clock.today():
        raise ValidationFailed("审定日期不能晚于今天", field="reviewed_on")
    if review and current is None:
        raise Conflict("预案没有可发布的版本", field="plan_id", code="emergency_plan.nothing_to_publish")
    chosen = current if review else latest
    version = latest["version"] + 1 if review else latest["version"]
    plans.PLAN.step(PlanStatus.draft if review else chosen["status"], "publish", {})
    changes = {"status": PlanStatus.published.value, "reviewed_on": reviewed.isoformat(),
               "review_due_on": plans.review_due_on(reviewed).isoformat(), "published_at": clock.now(),
               "published_by": work.actor_ref()}
    event = PlanPublished(plan_id=chosen["plan_id"], plan_version=version, area_code=chosen["area_code"],
                          hazard=chosen["hazard"], reviewed_on=reviewed, review_due_on=plans.review_due_on(reviewed),
                          levels=plans.levels_of(chosen), shelters=len(chosen["shelters"]),
                          shelter_capacity=sum(s["capacity"] for s in chosen["shelters"]))

    def save(tx):
        if current is not None:
            plans.PLAN.step(current["status"], "supersede", {})
            work.store.set_plan_status(plan_id, current["version"], {"status": PlanStatus.superseded.value},
                                       tx.session)
        if review:
            work.store.copy_plan_version(plan_id, current["version"], version, changes, tx.session)
        else:
            work.store.set_plan_status(plan_id, version, changes, tx.session)
        tx.emit(event, area_code=chosen["area_code"])

    work.transaction(save)
    return get_plan(work, plan_id)


def present(plan: dict, names: dict[str, str], day) -> dict:
    return {"plan_id": plan["plan_id"], "version": plan["version"], "title": plan["title"],
            "area_code": plan["area_code"], "area_name": names.get(plan["area_code"], plan["area_code"]),
            "level": plan["level"], "hazard": plan["hazard"], "hazard_label": HAZARD_LABELS[plan["hazard"]],
            "status": plan["status"], "status_label": PLAN_STATUS_LABELS[plan["status"]],
            "reviewed_on": plan["reviewed_on"], "review_due_on": plan["review_due_on"],
            "outdated": plans.outdated(plan, day), "levels": plans.summary_of_levels(plan),
            "shelters": len(plan["shelters"]), "shelter_capacity": sum(s["capacity"] for s in plan["shelters"])}


def present_full(plan: dict, names: dict[str, str], day) -> dict:
    return {**present(plan, names, day),
            "command": [{**p, "role_label": COMMAND_ROLE_LABELS[p["role"]]} for p in plan["command"]],
            "task_templates": [{**t, "kind_label": TASK_KIND_LABELS[t["kind"]],
                                "scope_label": TASK_SCOPE_LABELS[t["scope"]],
                                "min_level_label": LEVEL_LABELS[t["min_level"]],
                                "assignee_label": COMMAND_ROLE_LABELS[t["assignee_role"]]}
                               for t in plan["task_templates"]],
            "shelters": [{**s, "area_name": names.get(s["area_code"], s["area_code"])} for s in plan["shelters"]],
            "shelter_capacity": sum(s["capacity"] for s in plan["shelters"]),
            "materials": plan["materials"], "contacts": plan["contacts"]}


def get_plan(work, plan_id: str) -> dict:
    """The plan in force (or the first draft), the draft waiting, every version, the closing reports kept with
    it, and what its area holds in the read models (grids, households)."""
    versions = work.store.plan_versions(str(plan_id or ""))
    if not versions or not work.store.plan_visible(plan_id, plan_query(work)):
        raise NotFound("预案不存在或不在辖区内", field="plan_id", code="emergency_plan.not_found")
    day = clock.today()
    current = next((v for v in versions if v["status"] == PlanStatus.published), None)
    draft = versions[-1] if versions[-1]["status"] == PlanStatus.draft else None
    shown = current or draft
    codes = {shown["area_code"], *(s["area_code"] for s in shown["shelters"])}
    names = work.store.names(codes)
    coverage = work.store.household_counts(shown["area_code"])
    return {**present_full(shown, names, day), "in_force": current is not None,
            "draft": present_full(draft, names, day) if draft and current else None,
            "versions": [{"version": v["version"], "status": v["status"],
                          "status_label": PLAN_STATUS_LABELS[v["status"]], "reviewed_on": v["reviewed_on"],
                          "published_at": clock.iso(v.get("published_at"))} for v in versions],
            "coverage": {"grids": len(coverage), "households": sum(coverage.values())},
            "closing_reports": [{**r, "activated_at": clock.iso(r["activated_at"]),
                                 "deactivated_at": clock.iso(r["deactivated_at"])}
                                for r in work.store.closing_reports_of(plan_id)]}


def list_plans(work, area_code: str | None = None, hazard: str | None = None, outdated: bool = False) -> dict:
    """Each plan the caller may see (their areas' and those above) in the version in force (or its first draft),
    outdated ones flagged."""
    query = plan_query(work)
    if area_code:
        query = {"$and": [query, {"area_path": area_code}]} if query else {"area_path": area_code}
    if hazard:
        if hazard not in HAZARD_LABELS:
            raise ValidationFailed(f"灾种应为以下之一：{'、'.join(map(str, HAZARD_LABELS))}", field="hazard")
        query = {**query, "hazard": hazard}
    heads = work.store.plan_heads(query)
    day = clock.today()
    names = work.store.names({p["area_code"] for p, _ in heads})
    items = [{**present(plan, names, day), "has_draft": has_draft} for plan, has_draft in heads]
    items = [i for i in items if i["outdated"] or not outdated]
    return {"items": items, "total": len(items), "outdated": sum(1 for i in items if i["outdated"])}
