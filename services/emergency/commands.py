"""The service layer of activations: 平→战 (activate), the level changed, more areas taken in, 战→平 (deactivate
with the closing report). Each command reads what it needs first (the grid's households and residents listed for
assisted evacuation, the org's secretaries: by RPC, outside any transaction), applies domain.py, plans.py and
tasks.py, and saves the change with its events in one transaction."""
import uuid
from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from shared import clock
from shared.errors import Conflict, NotFound, ValidationFailed, parse

from . import board as boards
from . import plans, staffing, tasks
from .api import (
    ActivationActivated,
    ActivationDeactivated,
    ActivationIn,
    ActivationLevelChanged,
    DeactivationIn,
    DrillHeld,
    ExtendIn,
    LevelChangeIn,
    TaskAssigned,
    TaskKind,
)
from .domain import ACTIVATION, graver, paths, visible_query, within_plan

ACTIVATION_KINDS = {9: {"town", "township", "street"}, 12: {"village", "community"}}
MAX_HOUSEHOLDS = 20000  # one transaction writes every household's task: a county-wide response is per township


def new_activation_id() -> str:
    return f"EA{uuid.uuid4().hex[:16]}"


def activation_in_scope(work, activation_id: str) -> dict:
    activation = work.store.activation(str(activation_id or ""), visible_query(work.scope.codes))
    if activation is None:
        raise NotFound("应急响应不存在或不在辖区内", field="activation_id", code="activation.not_found")
    return activation


def _areas(work, codes: list[str], plan: dict) -> None:
    for i, code in enumerate(codes):
        field = f"area_codes.{i}"
        area = work.store.area(code)
        if area is None or area["kind"] not in ACTIVATION_KINDS.get(len(code), set()):
            raise ValidationFailed("区划不存在或尚未同步（应启动乡镇（街道）或村（社区））", field=field,
                                   code="area.not_found")
        work.scope.require(code, field)
    outside = within_plan(plan["area_code"], codes)
    if outside:
        raise ValidationFailed("区域不在预案范围内", field=f"area_codes.{codes.index(outside[0])}",
                               code="activation.outside_plan")


def _roster(work, ask, codes: list[str]) -> dict:
    roster = ask("grid", "emergency_roster", codes)
    if len(roster["households"]) > MAX_HOUSEHOLDS:
        raise ValidationFailed(f"一次启动最多覆盖{MAX_HOUSEHOLDS}户，请按乡镇分别启动", field="area_codes",
                               code="activation.too_large")
    return roster


def _entry(work, action: str, label: str, detail: str | None) -> dict:
    return {"at": clock.now(), "action": action, "label": label, "detail": detail, "actor": work.actor_ref()}


def _hand_out(tx, activation: dict, roster: dict, household_docs: list[dict], area_docs: list[dict],
              assignees: dict) -> None:
    """Write the tasks and counters of new areas, and tell each grid what it got."""
    work = tx.work
    work.store.insert_household_tasks(household_docs, tx.session)
    work.store.insert_tasks(area_docs, tx.session)
    work.store.insert_counters(tasks.counter_shards(activation["_id"], roster["grids"], household_docs), tx.session)
    for batch in tasks.batches(roster["grids"], household_docs, area_docs, assignees):
        tx.emit(TaskAssigned(activation_id=activation["_id"], drill=activation["drill"], **batch),
                area_code=batch["grid_code"])


def _announce(tx, activation: dict, codes: list[str], extension: bool) -> None:
    for code in codes:
        tx.emit(ActivationActivated(
            activation_id=activation["_id"], plan_id=activation["plan_id"], plan_version=activation["plan_version"],
            area_code=code, township_code=code[:9], village_code=code if len(code) == 12 else None,
            hazard=activation["hazard"], level=activation["level"], drill=activation["drill"], extension=extension,
            activated_at=activation["activated_at"]), area_code=code)


def _known(work, client_ref: str) -> dict:
    """The activation a repeated client reference made, when the caller may see it."""
    known = work.store.activation_by_ref(client_ref)
    if known is None or not work.store.activation(known["_id"], visible_query(work.scope.codes)):
        raise Conflict("该引用编号已被使用", field="client_ref", code="activation.ref_taken")
    return {"activation_id": known["_id"], "duplicate": True}


def activate(work, payload: dict, ask) -> dict:
    """平→战: the plan in force for one or more areas at a level, by someone who commands there, with a reason."""
    command_in = parse(ActivationIn, payload)
    if command_in.client_ref and work.store.activation_by_ref(command_in.client_ref):
        return _known(work, command_in.client_ref)
    plan = work.store.plan_in_force(command_in.plan_id)
    if plan is None or not work.store.plan_visible(plan["plan_id"],
                                                   visible_query(work.scope.codes, "area_path", "area_code")):
        raise ValidationFailed("预案不存在、未发布或不在辖区内", field="plan_id", code="emergency_plan.not_in_force")
    codes = list(command_in.area_codes)
    _areas(work, codes, plan)
    roster = _roster(work, ask, codes)
    command = staffing.fill(work, plan, roster, ask)
    assignees = staffing.assignees_of(command)
    now = clock.now()
    level = command_in.level.value
    activation = {"_id": new_activation_id(), "plan_id": plan["plan_id"], "plan_version": plan["version"],
                  "plan_title": plan["title"], "hazard": plan["hazard"], "level": level, "drill": command_in.drill,
                  "reason": command_in.reason, "area_codes": codes, "area_paths": paths(codes), "status": "active",
                  "revision": 0, "activated_at": now, "activated_by": work.actor_ref(), "command": command,
                  "shelters": plan["shelters"], "timeline": [_entry(work, "activate", "启动响应",
                                                                     f"{level}级：{command_in.reason}")]}
    if command_in.client_ref:
        activation["client_ref"] = command_in.client_ref
    templates = plans.templates_at(plan, level)
    household_docs = tasks.household_tasks(activation, templates, roster, assignees, now)
    area_docs = tasks.area_tasks(activation, templates, roster["grids"], assignees, now)

    def save(tx):
        taken = work.store.lock_areas(activation["_id"], codes, tx.session)
        if taken:
            raise Conflict("该区域已在应急响应中，请调整等级或扩大原响应", field="area_codes",
                           code="activation.area_active")
        work.store.insert_activation(activation, tx.session)
        _hand_out(tx, activation, roster, household_docs, area_docs, assignees)
        _announce(tx, activation, codes, extension=False)

    try:
        work.transaction(save)
    except DuplicateKeyError:
        if not command_in.client_ref:
            raise
        return _known(work, command_in.client_ref)  # the same form sent twice, both at once
    return {"activation_id": activation["_id"], "duplicate": False, "households": len(household_docs),
            "tasks": len(area_docs), "grids": len(roster["grids"])}


def change_level(work, activation_id: str, payload: dict) -> dict:
    """A graver level brings the tasks its templates add (evacuation where it now applies); a lighter one keeps
    the tasks already handed out."""
    change = parse(LevelChangeIn, payload)
    activation = activation_in_scope(work, activation_id)
    ACTIVATION.step(activation["status"], "change_level", change.model_dump())
    old, new = activation["level"], change.level.value
    if old == new:
        raise ValidationFailed("已是该响应等级", field="level", code="activation.same_level")
    plan = work.store.plan_version(activation["plan_id"], activation["plan_version"])
    added = plans.newly_applying(plan, old, new) if graver(new, old) else []
    grids = [{"grid_code": g["grid_code"], "village_code": g["village_code"], "township_code": g["grid_code"][:9]}
             for g in activation["command"]["grids"]]
    assignees = staffing.assignees_of(activation["command"])
    now = clock.now()
    area_docs = tasks.area_tasks(activation, added, grids, assignees, now)
    evacuation = min((t["due_minutes"] for t in added if t["kind"] == TaskKind.evacuation), default=None)
    listed = work.store.household_tasks({"activation_id": activation["_id"], "evacuate": False,
                                         "vulnerable_resident_ids.0": {"$exists": True}}, {"grid_code": 1}) \
        if evacuation is not None else []

    def save(tx):
        changed = work.store.change_activation(activation["_id"], activation["revision"], {"level": new},
                                               _entry(work, "change_level", "调整响应等级", f"{old}级→{new}级："
                                                      f"{change.reason}"), tx.session)
        if changed is None:
            raise Conflict("应急响应刚被他人更改，请刷新后重试", code="activation.changed")
        work.store.insert_tasks(area_docs, tx.session)
        if evacuation is not None:
            work.store.mark_evacuations(activation["_id"], now + timedelta(minutes=evacuation), tx.session)
        tx.emit(ActivationLevelChanged(activation_id=activation["_id"], area_codes=activation["area_codes"],
                                       from_level=old, to_level=new, drill=activation["drill"]),
                area_code=activation["area_codes"][0])
        for grid in grids:
            own = [t for t in area_docs if t["area_code"] in (grid["grid_code"], grid["village_code"])]
            marked = sum(1 for h in listed if h["grid_code"] == grid["grid_code"])
            if own or marked:
                tx.emit(TaskAssigned(activation_id=activation["_id"], grid_code=grid["grid_code"],
                                     village_code=grid["village_code"], township_code=grid["township_code"],
                                     worker_ids=assignees.get(grid["grid_code"], []), household_tasks=0,
                                     evacuations=marked, task_ids=[t["_id"] for t in own],
                                     task_kinds=sorted({t["kind"] for t in own}),
                                     first_due_at=min([t["due_at"] for t in own], default=None),
                                     drill=activation["drill"]), area_code=grid["grid_code"])

    work.transaction(save)
    return {"activation_id": activation["_id"], "level": new, "tasks_added": len(area_docs),
            "evacuations_added": len(listed)}


def extend(work, activation_id: str, payload: dict, ask) -> dict:
    """More areas under a running activation, at its level: their tasks, their command, their counters."""
    change = parse(ExtendIn, payload)
    activation = activation_in_scope(work, activation_id)
    ACTIVATION.step(activation["status"], "extend", change.model_dump())
    codes = list(change.area_codes)
    plan = work.store.plan_version(activation["plan_id"], activation["plan_version"])
    _areas(work, codes, plan)
    inside = [c for c in codes if any(c.startswith(a) or a.startswith(c) for a in activation["area_codes"])]
    if inside:
        raise ValidationFailed("该区域已在本次响应中", field=f"area_codes.{codes.index(inside[0])}",
                               code="activation.area_included")
    roster = _roster(work, ask, codes)
    command = staffing.fill(work, plan, roster, ask)
    assignees = staffing.assignees_of(command)
    now = clock.now()
    templates = plans.templates_at(plan, activation["level"])
    household_docs = tasks.household_tasks(activation, templates, roster, assignees, now)
    area_docs = tasks.area_tasks(activation, templates, roster["grids"], assignees, now)
    all_codes = [*activation["area_codes"], *codes]

    def save(tx):
        taken = work.store.lock_areas(activation["_id"], codes, tx.session)
        if taken:
            raise Conflict("该区域已在另一应急响应中", field="area_codes", code="activation.area_active")
        changed = work.store.change_activation(
            activation["_id"], activation["revision"],
            {"area_codes": all_codes, "area_paths": paths(all_codes),
             "command": staffing.merged(activation["command"], command)},
            _entry(work, "extend", "扩大响应区域", f"{'、'.join(codes)}：{change.reason}"), tx.session)
        if changed is None:
            raise Conflict("应急响应刚被他人更改，请刷新后重试", code="activation.changed")
        _hand_out(tx, changed, roster, household_docs, area_docs, assignees)
        _announce(tx, changed, codes, extension=True)

    work.transaction(save)
    return {"activation_id": activation["_id"], "area_codes": all_codes, "households_added": len(household_docs),
            "tasks_added": len(area_docs)}


def deactivate(work, activation_id: str, payload: dict, board_of) -> dict:
    """战→平: the board freezes as it stands, the closing report is written from it and kept with the plan, and
    the grid workers' phones return to normal work. `board_of(activation, now, session)` builds the board."""
    change = parse(DeactivationIn, payload)
    activation = activation_in_scope(work, activation_id)
    ACTIVATION.step(activation["status"], "deactivate", change.model_dump())
    plan = work.store.plan_version(activation["plan_id"], activation["plan_version"])
    follow_ups = [f.model_dump(mode="json") for f in change.follow_ups]

    def save(tx):
        now = clock.now()
        entry = _entry(work, "deactivate", "解除响应", change.reason)
        changed = work.store.change_activation(activation["_id"], activation["revision"], {
            "status": "deactivated", "deactivated_at": now, "deactivated_by": work.actor_ref(),
            "deactivation_reason": change.reason}, entry, tx.session)
        if changed is None:
            raise Conflict("应急响应刚被他人更改，请刷新后重试", code="activation.changed")
        work.store.freeze_counters(activation["_id"], tx.session)
        work.store.release_areas(activation["_id"], activation["area_codes"], tx.session)
        frozen = board_of(changed, now, tx.session)
        report = boards.closing_report(activation, plan, frozen, work.store.reports_span(activation["_id"]),
                                       activation["command"], list(change.went_wrong), follow_ups, now)
        report["deactivation_reason"] = change.reason
        work.store.save_closing_report(report, tx.session)
        tx.emit(ActivationDeactivated(
            activation_id=activation["_id"], plan_id=activation["plan_id"], area_codes=activation["area_codes"],
            hazard=activation["hazard"], level=activation["level"], drill=activation["drill"],
            activated_at=activation["activated_at"], deactivated_at=now, counts=report["counts"],
            overdue_tasks=len(frozen["overdue"]), follow_ups=len(follow_ups)), area_code=activation["area_codes"][0])
        if activation["drill"]:
            tx.emit(DrillHeld(activation_id=activation["_id"], plan_id=activation["plan_id"],
                              plan_version=activation["plan_version"], area_codes=activation["area_codes"],
                              hazard=activation["hazard"], level=activation["level"],
                              held_on=now.astimezone(clock.LOCAL).date(), households=report["counts"]["households"],
                              households_reached=report["households_reached"], minutes=report["minutes"]),
                    area_code=activation["area_codes"][0])
        return report

    report = work.transaction(save)
    return {"activation_id": activation["_id"], "status": "deactivated", "counts": report["counts"]}
