"""四议两公开 in the service layer: a matter registered, then its six steps in order, each with its date, attendance
and votes or its publication; the resolution checked against the law's quorum with the village's numbers from the
grid (a meeting that falls short is kept in the matter's history, and nothing moves on); a matter waiting at one
step longer than the limit is flagged to the township once for that step."""
from datetime import date, timedelta

from pymongo.errors import DuplicateKeyError

from shared import clock, pii
from shared.errors import Conflict, ValidationFailed, parse
from shared.paging import page_request

from . import domain
from .api import codes
from .api.events import MatterResolutionRefused, MatterStepOverdue, MatterStepRecorded, MatterWithdrawn
from .api.rpc import MatterIn, StepIn, WithdrawIn
from .commands import (
    VILLAGE_KINDS,
    actor,
    area_in_scope,
    check_attendance,
    entry,
    in_scope,
    meeting_basis,
    new_id,
    present_history,
    view_area,
)

LABELS = {"register": "登记事项", "refused": "决议会议未成立", "overdue": "超时督办",
          **{a: t.label for a, t in domain.MATTER.transitions.items()}}


def _matter(work, matter_id: str) -> dict:
    return in_scope(work, "matters", matter_id, "事项不存在或不在辖区内", "matter.not_found")


def _fields(matter: dict) -> dict:
    return {"matter_id": matter["_id"], "kind": matter["kind"], "village_code": matter["village_code"],
            "township_code": matter["township_code"]}


def register_matter(work, payload: dict) -> dict:
    body = parse(MatterIn, payload)
    if body.client_ref and (known := work.store.by_ref("matters", body.client_ref)):
        return present_matter(known, full=True)
    area = area_in_scope(work, body.village_code, "village_code", VILLAGE_KINDS)
    today = clock.today().isoformat()
    doc = {"_id": new_id("VM"), "village_code": area["_id"], "township_code": area["path"][1],
           "area_path": area["path"], **body.model_dump(mode="json", exclude={"village_code", "client_ref"}),
           "status": "registered", "registered_on": today, "waiting_since": today, "steps": [], "refusals": [],
           "flags": [], "history": [entry(work, "register", None, "registered", body.title)]}
    if body.client_ref:
        doc["client_ref"] = body.client_ref
    try:
        work.transaction(lambda tx: work.store.insert("matters", doc, tx.session))
    except DuplicateKeyError:
        return present_matter(work.store.by_ref("matters", body.client_ref), full=True)
    return present_matter(doc, full=True)


def record_step(work, matter_id: str, step: str, payload: dict, lookups) -> dict:
    """The next of the six steps; any other is refused with the step that must come first (400)."""
    body = parse(StepIn, payload)
    matter = _matter(work, matter_id)
    transition = domain.check_step(matter["status"], str(step))
    data = body.model_dump()
    previous = date.fromisoformat(matter["steps"][-1]["held_on"]) if matter["steps"] else None
    today = clock.today()
    problem = domain.step_problem(step, data, previous, today)
    if problem:
        raise ValidationFailed(problem[1], field=problem[0], code="village_matter.bad_step")
    record = {name: data.get(name) for name in domain.STEP_FIELDS[step]}
    record = {"step": step, "step_no": domain.STEPS.index(step) + 1, **{
        k: v.isoformat() if isinstance(v, date) else v for k, v in record.items()}, "recorded_by": actor(work)}
    if step == "resolve":
        area = work.store.get_area(matter["village_code"])
        basis = meeting_basis(work, lookups, area, body.meeting_kind)
        check_attendance(body.meeting_kind, body.present, body.households_represented, basis)
        refused = domain.meeting_problem(body.meeting_kind, body.present, body.households_represented, body.votes_for,
                                         basis)
        if refused:
            _keep_refusal(work, matter, record, basis, refused)
            raise ValidationFailed(refused[2], field="present" if refused[0] == "quorum" else "votes_for",
                                   code=f"village_matter.{refused[0]}")
        record["expected"] = basis.get("adults", basis.get("representatives"))
        record["basis"] = {k: v for k, v in basis.items() if k != "counted_at"}
    since = previous or date.fromisoformat(matter["registered_on"])
    record["late"] = (domain.is_late(since, body.held_on, domain.step_limit_days())
                      or any(f["waiting_for"] == step for f in matter["flags"]))
    changes = {"status": transition.target, "waiting_since": body.held_on.isoformat()}

    def save(tx):
        moved = work.store.move("matters", matter, changes, entry(work, step, matter["status"], transition.target,
                                                                  _note(record)), tx.session, push={"steps": record})
        if moved is None:
            raise Conflict("该事项刚被他人处理，请刷新后重试", field="step", code="village_matter.changed")
        tx.emit(MatterStepRecorded(**_fields(matter), step=step, step_no=record["step_no"], held_on=body.held_on,
                                   meeting_kind=body.meeting_kind if step == "resolve" else None,
                                   present=body.present if step in domain.DELIBERATIONS else None,
                                   votes_for=body.votes_for if step in domain.DELIBERATIONS else None,
                                   completed=transition.target == "completed", late=record["late"]),
                area_code=matter["village_code"])
        return moved

    return present_matter(work.transaction(save), full=True)


def _note(record: dict) -> str:
    if record["step"] in domain.PUBLICATIONS:
        return f"{codes.PUBLICATION_CHANNELS[record['channel']]}公开"
    return f"到会{record['present']}人，赞成{record['votes_for']}票、反对{record['votes_against']}票"


def _keep_refusal(work, matter: dict, record: dict, basis: dict, refused: tuple[str, int, str]) -> None:
    """A meeting that could not resolve (流会, or a vote that did not pass) is a fact of the matter's history; the
    matter stays where it was, waiting for another meeting."""
    reason, required, message = refused
    kept = {**{k: record.get(k) for k in ("held_on", "meeting_kind", "present", "households_represented",
                                          "votes_for", "votes_against", "abstentions")},
            "reason": reason, "required": required, "message": message,
            "basis": {k: v for k, v in basis.items() if k != "counted_at"}, "recorded_at": clock.now(),
            "recorded_by": actor(work)}

    def save(tx):
        moved = work.store.move("matters", matter, {}, entry(work, "refused", matter["status"], matter["status"],
                                                             message), tx.session, push={"refusals": kept})
        if moved is None:
            raise Conflict("该事项刚被他人处理，请刷新后重试", field="step", code="village_matter.changed")
        tx.emit(MatterResolutionRefused(**_fields(matter), meeting_kind=record["meeting_kind"],
                                        held_on=date.fromisoformat(record["held_on"]), reason=reason,
                                        present=record["present"], required=required), area_code=matter["village_code"])

    work.transaction(save)


def withdraw(work, matter_id: str, payload: dict) -> dict:
    body = parse(WithdrawIn, payload)
    matter = _matter(work, matter_id)
    transition = domain.MATTER.step(matter["status"], "withdraw", body.model_dump())

    def save(tx):
        moved = work.store.move("matters", matter, {"status": transition.target},
                                entry(work, "withdraw", matter["status"], transition.target, body.reason), tx.session)
        if moved is None:
            raise Conflict("该事项刚被他人处理，请刷新后重试", field="action", code="village_matter.changed")
        tx.emit(MatterWithdrawn(**_fields(matter), at_status=matter["status"]), area_code=matter["village_code"])
        return moved

    return present_matter(work.transaction(save), full=True)


def sweep_overdue(work, as_of: str | None = None) -> dict:
    """Flag every matter waiting at one step longer than the limit, once for that wait (the township is told by
    `village.village_matter.step_overdue`). `as_of` (a date) sweeps as if it were that day."""
    today = clock.parse_local(as_of, "as_of").date() if as_of else clock.today()
    limit = domain.step_limit_days()
    cutoff = (today - timedelta(days=limit)).isoformat()
    flagged = []
    for matter in work.store.all("matters", {"status": {"$in": list(domain.OPEN)}, "waiting_since": {"$lt": cutoff}}):
        waiting = domain.next_step(matter["status"])
        if any(f["waiting_for"] == waiting and f["since"] == matter["waiting_since"] for f in matter["flags"]):
            continue
        days = domain.waiting_days(date.fromisoformat(matter["waiting_since"]), today)
        flag = {"waiting_for": waiting, "since": matter["waiting_since"], "flagged_on": today.isoformat(), "days": days}

        def save(tx, matter=matter, flag=flag, waiting=waiting, days=days):
            note = f"等待「{codes.MATTER_STEPS[waiting]}」已{days}天，超过{limit}天"
            if work.store.move("matters", matter, {}, entry(work, "overdue", matter["status"], matter["status"], note),
                               tx.session, push={"flags": flag}) is None:
                return False  # moved meanwhile: the next sweep sees it as it is now
            tx.emit(MatterStepOverdue(**_fields(matter), waiting_for=waiting,
                                      since=date.fromisoformat(matter["waiting_since"]), days=days),
                    area_code=matter["village_code"])
            return True

        if work.transaction(save):
            flagged.append(matter["_id"])
    return {"as_of": today.isoformat(), "limit_days": limit, "flagged": flagged}


def get_matter(work, matter_id: str) -> dict:
    matter = _matter(work, matter_id)
    view = present_matter(matter, full=True)
    view["village_name"] = work.store.area_names([matter["village_code"]]).get(matter["village_code"])
    return view


def list_matters(work, area_code=None, status=None, flagged: bool = False, page=1, page_size=20) -> dict:
    paging = page_request(page, page_size)
    query = work.scope.within(view_area(work, area_code))
    wanted = domain.MATTER.statuses(status)
    if wanted:
        query["status"] = {"$in": wanted}
    if flagged:
        query["flags.0"] = {"$exists": True}
    result = work.store.page("matters", query, paging.page, paging.page_size, [("waiting_since", 1)], {"history": 0})
    names = work.store.area_names({m["village_code"] for m in result["items"]})
    result["items"] = [{**present_matter(m), "village_name": names.get(m["village_code"])} for m in result["items"]]
    return result


def present_matter(m: dict, full: bool = False) -> dict:
    waiting = domain.next_step(m["status"])
    today = clock.today()
    days = domain.waiting_days(date.fromisoformat(m["waiting_since"]), today) if waiting else None
    view = {"matter_id": m["_id"], "village_code": m["village_code"], "township_code": m["township_code"],
            "kind": m["kind"], "kind_label": codes.MATTER_KINDS[m["kind"]], "title": m["title"],
            "status": m["status"], "status_label": codes.MATTER_STATUS[m["status"]], "registered_on": m["registered_on"],
            "next_step": waiting, "next_step_label": codes.MATTER_STEPS.get(waiting),
            "waiting_since": m["waiting_since"] if waiting else None, "waiting_days": days,
            "overdue": bool(waiting) and days > domain.step_limit_days(), "flags": len(m["flags"]),
            "late_steps": [s["step"] for s in m["steps"] if s.get("late")], "refusals": len(m["refusals"])}
    if full:
        view.update(description=pii.mask_text(m["description"]), amount_yuan=m.get("amount_yuan"),
                    steps=[_present_step(s) for s in m["steps"]],
                    refused_meetings=[{**{k: r.get(k) for k in ("held_on", "meeting_kind", "present",
                                                                "households_represented", "votes_for", "reason",
                                                                "required", "message")},
                                       "meeting_label": codes.MEETING_KINDS[r["meeting_kind"]],
                                       "reason_label": codes.REFUSAL_REASONS[r["reason"]]} for r in m["refusals"]],
                    overdue_flags=[{**f, "waiting_for_label": codes.MATTER_STEPS[f["waiting_for"]]} for f in m["flags"]],
                    actions=domain.MATTER.allowed(m["status"]), history=present_history(m.get("history", []), LABELS))
    return view


def _present_step(s: dict) -> dict:
    view = {k: v for k, v in s.items() if k not in ("recorded_by",)}
    view["label"] = codes.MATTER_STEPS[s["step"]]
    view["recorded_by"] = (s.get("recorded_by") or {}).get("name")
    if s.get("meeting_kind"):
        view["meeting_label"] = codes.MEETING_KINDS[s["meeting_kind"]]
    if s.get("channel"):
        view["channel_label"] = codes.PUBLICATION_CHANNELS[s["channel"]]
    for text in ("minutes", "content"):
        if s.get(text):
            view[text] = pii.mask_text(s[text])
    return view
