"""What the emergency service shows: the situation board (live while active, frozen once deactivated), an
activation with its command and timeline, its tasks, the closing report, the grid worker's own emergency work,
and the reference tables. Reads only, each within the caller's scope."""
from shared import clock
from shared.errors import NotFound, ValidationFailed
from shared.paging import page_request

from . import board as boards
from . import plans
from .api import (
    ACTIVATION_STATUS_LABELS,
    COMMAND_ROLE_LABELS,
    HAZARD_LABELS,
    HOUSEHOLD_STATUS_LABELS,
    LEVEL_LABELS,
    SEVERITY,
    TASK_KIND_LABELS,
    TASK_SCOPE_LABELS,
    TaskKind,
    labels,
)
from .commands import activation_in_scope
from .domain import ACTIVATION, HOUSEHOLD, visible_query
from .plans import PLAN


def reference() -> dict:
    return {"hazards": labels(HAZARD_LABELS), "levels": labels(LEVEL_LABELS),
            "severity": {str(k): v for k, v in SEVERITY.items()}, "command_roles": labels(COMMAND_ROLE_LABELS),
            "task_kinds": labels(TASK_KIND_LABELS), "task_scopes": labels(TASK_SCOPE_LABELS),
            "household_statuses": labels(HOUSEHOLD_STATUS_LABELS),
            "activation_statuses": labels(ACTIVATION_STATUS_LABELS), "activation_workflow": ACTIVATION.table(),
            "household_workflow": HOUSEHOLD.table(), "plan_workflow": PLAN.table()}


def summary(activation: dict, names: dict[str, str]) -> dict:
    return {"activation_id": activation["_id"], "plan_id": activation["plan_id"],
            "plan_version": activation["plan_version"], "plan_title": activation.get("plan_title"),
            "hazard": activation["hazard"], "hazard_label": HAZARD_LABELS[activation["hazard"]],
            "level": activation["level"], "level_label": LEVEL_LABELS[activation["level"]],
            "drill": activation["drill"], "status": activation["status"],
            "status_label": ACTIVATION_STATUS_LABELS[activation["status"]], "reason": activation["reason"],
            "area_codes": activation["area_codes"],
            "area_names": [names.get(c, c) for c in activation["area_codes"]],
            "activated_at": clock.iso(activation["activated_at"]),
            "activated_by": (activation.get("activated_by") or {}).get("name"),
            "deactivated_at": clock.iso(activation.get("deactivated_at"))}


def build_board(work, activation: dict, now, session=None, scope_query: dict | None = None) -> dict:
    """The board at `now` (the moment of deactivation for a frozen one), over the counters in `scope_query`."""
    scope_query = scope_query or {}
    shards = work.store.counters(activation["_id"], scope_query, session)
    task_docs = work.store.tasks({"activation_id": activation["_id"], **scope_query})
    hourly_docs = work.store.hourly_reports(activation["_id"], scope_query)
    codes = {s["grid_code"] for s in shards} | {s["village_code"] for s in shards} | \
        {t["area_code"] for t in task_docs} | {s["area_code"] for s in activation["shelters"]} | \
        set(activation["area_codes"])
    names = work.store.names(codes)
    totals, villages, grids, occupants = boards.rows(shards, names)
    plan = work.store.plan_version(activation["plan_id"], activation["plan_version"])
    hourly_areas = sorted({t["area_code"] for t in task_docs if t["kind"] == TaskKind.hourly_report})
    recent = work.store.recent_reports(activation["_id"], scope_query)
    grid_names = {g["area_code"]: g["name"] for g in grids}
    return {
        "activation": summary(activation, names), "frozen": activation["status"] == "deactivated",
        "as_of": clock.iso(now), "totals": totals, "villages": villages, "grids": grids,
        "shelters": boards.shelter_rows(activation["shelters"], occupants, names),
        "overdue": boards.overdue_tasks(task_docs, work.store.pending_overdue(activation["_id"], now, scope_query),
                                        now, names),
        "hourly": boards.hourly_status(hourly_areas, hourly_docs, plans.templates_at(plan, activation["level"]),
                                       activation["activated_at"], now, names),
        "hourly_reports": [{"area_code": r["area_code"], "area_name": names.get(r["area_code"], r["area_code"]),
                            "summary": r["summary"], "at": clock.iso(r["at"]), "by": (r.get("by") or {}).get("name")}
                           for r in hourly_docs[:10]],
        "recent_reports": [{"grid_code": r["grid_code"], "grid_name": grid_names.get(r["grid_code"], r["grid_code"]),
                            "status": r["status"], "status_label": HOUSEHOLD_STATUS_LABELS[r["status"]],
                            "at": clock.iso(r["at"])} for r in recent],
        "status_labels": labels(HOUSEHOLD_STATUS_LABELS),
    }


def board(work, activation_id: str) -> dict:
    """The situation board: live while the response runs, as it stood at deactivation afterwards."""
    activation = activation_in_scope(work, activation_id)
    now = activation.get("deactivated_at") or clock.now()
    shown = build_board(work, activation, now, scope_query=work.scope.query())
    shown["version"] = boards.version_of(shown)
    return shown


def get_activation(work, activation_id: str) -> dict:
    activation = activation_in_scope(work, activation_id)
    names = work.store.names(activation["area_codes"])
    return {**summary(activation, names), "command": activation["command"],
            "shelters": activation["shelters"], "allowed": ACTIVATION.allowed(activation["status"]),
            "timeline": [{**e, "at": clock.iso(e["at"])} for e in activation["timeline"]],
            "closing_report": activation["status"] == "deactivated"}


def list_activations(work, status=None, drill=None, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = visible_query(work.scope.codes)
    if status:
        if status not in ACTIVATION_STATUS_LABELS:
            raise ValidationFailed("状态应为 active 或 deactivated", field="status")
        query = {**query, "status": status}
    if drill is not None:
        query = {**query, "drill": bool(drill)}
    result = work.store.activations(query, paging.page, paging.page_size)
    names = work.store.names({c for a in result["items"] for c in a["area_codes"]})
    result["items"] = [summary(a, names) for a in result["items"]]
    result["drills"] = work.store.count_activations({**visible_query(work.scope.codes), "drill": True})
    result["real"] = work.store.count_activations({**visible_query(work.scope.codes), "drill": False})
    return result


def list_tasks(work, activation_id: str, grid_code=None, status=None) -> dict:
    activation = activation_in_scope(work, activation_id)
    query = {"activation_id": activation["_id"], **work.scope.query()}
    if grid_code:
        query["grid_code"] = grid_code
    if status:
        if status not in ("open", "done"):
            raise ValidationFailed("状态应为 open 或 done", field="status")
        query["status"] = status
    found = work.store.tasks(query)
    names = work.store.names({t["area_code"] for t in found})
    now = clock.now()
    return {"items": [present_task(t, names, now, activation) for t in found], "total": len(found)}


def present_task(t: dict, names: dict[str, str], now, activation: dict) -> dict:
    ended = activation.get("deactivated_at") or now
    return {"task_id": t["_id"], "kind": t["kind"], "kind_label": TASK_KIND_LABELS[t["kind"]], "title": t["title"],
            "area_code": t["area_code"], "area_name": names.get(t["area_code"], t["area_code"]),
            "assignee_role": t["assignee_role"], "assignee_label": COMMAND_ROLE_LABELS[t["assignee_role"]],
            "due_at": clock.iso(t["due_at"]), "repeat_minutes": t.get("repeat_minutes"), "status": t["status"],
            "overdue": t["status"] == "open" and not t.get("repeat_minutes") and t["due_at"] < ended,
            "done_at": clock.iso(t.get("done_at")), "done_note": t.get("done_note")}


def closing_report(work, activation_id: str) -> dict:
    activation = activation_in_scope(work, activation_id)
    report = work.store.closing_report(activation["_id"])
    if report is None:
        raise NotFound("响应尚未解除，没有总结报告", field="activation_id", code="closing_report.not_found")
    report.pop("_id", None)
    names = work.store.names(report["area_codes"])
    return {**report, "area_names": [names.get(c, c) for c in report["area_codes"]],
            "hazard_label": HAZARD_LABELS[report["hazard"]], "level_label": LEVEL_LABELS[report["level"]],
            "activated_at": clock.iso(report["activated_at"]), "deactivated_at": clock.iso(report["deactivated_at"])}


def my_work(work) -> dict:
    """The grid worker's emergency view: each running activation over their grids, with their households (ids and
    statuses: names and addresses come from the grid) and their grids' own tasks. Empty means normal work."""
    scope = work.scope.query()
    found = work.store.activations({"status": "active", **visible_query(work.scope.codes)}, 1, 20)["items"]
    out = []
    for a in found:
        full = work.store.activation(a["_id"])
        households = work.store.household_tasks({"activation_id": a["_id"], **scope}, {
            "household_id": 1, "grid_code": 1, "status": 1, "evacuate": 1, "vulnerable_resident_ids": 1,
            "shelter_id": 1, "revision": 1, "resident_count": 1, "last_report_id": 1})
        own = work.store.tasks({"activation_id": a["_id"], **scope})
        if not households and not own:
            continue
        names = work.store.names({*a["area_codes"], *(s["area_code"] for s in full["shelters"]),
                                  *(t["area_code"] for t in own)})
        now = clock.now()
        out.append({**summary(a, names),
                    "shelters": [{"shelter_id": s["shelter_id"], "name": s["name"],
                                  "area_name": names.get(s["area_code"], s["area_code"])} for s in full["shelters"]],
                    "households": [{"household_id": h["household_id"], "grid_code": h["grid_code"],
                                    "status": h["status"], "evacuate": h["evacuate"],
                                    "assist": len(h["vulnerable_resident_ids"]), "shelter_id": h["shelter_id"],
                                    "people": h["resident_count"], "report_id": h.get("last_report_id")}
                                   for h in households],
                    "tasks": [present_task(t, names, now, a) for t in own if t["status"] == "open"]})
    result = {"activations": out, "status_labels": labels(HOUSEHOLD_STATUS_LABELS)}
    result["version"] = boards.version_of(result)
    return result


def my_household_ids(work, activation_id: str) -> list[str]:
    """The households of one activation within the caller's grids (for the grid's masked visit list)."""
    activation = activation_in_scope(work, activation_id)
    return [h["household_id"] for h in work.store.household_tasks(
        {"activation_id": activation["_id"], **work.scope.query()}, {"household_id": 1})]
