"""Grid cases (网格事件): the flow 巡查—发现—采集—筛选—上报—核查, its transition table (published in api.codes), who a
case waits on (定人), and the rules for duplicates, referral and escalation. Plain rules on dicts and pydantic models;
no I/O.

A case always has a grid, an assignee and a responsibility item (定格、定人、定责). The assignee is whoever must act
next: the grid worker while it is being collected or verified, the township (or the owner department) once it is
reported, the handler once it is dispatched.
"""
from datetime import datetime, timedelta

from shared.errors import Conflict, Forbidden
from shared.workflow import Transition

from . import deadlines
from .api.codes import CASE_STATUS_LABELS, CASE_WORKFLOW, DISPUTE, HANDLE, CaseStatus
from .api.rpc import CaseActionIn

# Possible duplicates: the same grid and category, discovered this close in time.
DUPLICATE_WINDOW = timedelta(hours=48)
STATUS_LABELS = CASE_STATUS_LABELS
WORKFLOW = CASE_WORKFLOW
S = CaseStatus
OPEN = (S.collected, S.reported, S.dispatched, S.handled, S.verified)
FINISHED = (S.closed, S.not_a_case, S.referred)


def assignee_after(case: dict, transition: Transition, command: CaseActionIn, township_name: str) -> dict:
    """Who the case waits on once `transition` is taken (定人)."""
    target = transition.target
    if target in (S.collected, S.not_a_case) or (target == S.handled and case["item"]["verify_on_site"]):
        return case["reporter"]
    if target == S.reported:
        if transition.action == "report" and command.to == "department":
            return {"kind": "department", "id": case["item"]["owner_department"],
                    "name": case["item"]["owner_department"]}
        if transition.action == "report":
            return {"kind": "township", "id": case["area_path"][1], "name": township_name}
        return case["reported_to"]
    if target == S.dispatched:
        return command.assignee.model_dump() if command.assignee else case["handler"]
    if target in (S.handled, S.verified):
        return case["reported_to"]
    if target == S.referred:
        return {"kind": "mediation", "id": "mediation", "name": "人民调解"}
    return case["assignee"]  # closed: stays with whoever closed it out


def check_rules(case: dict, transition: Transition, actor_id: str | None) -> None:
    """The rules a table cannot say: verification the item requires, referral only of disputes, and handling
    only by the person the case was dispatched to."""
    if transition.action == "close" and case["status"] == S.handled and case["item"]["verify_on_site"]:
        raise Conflict("该事项须网格员现场核查后才能办结", field="action", code="case.verification_required")
    if transition.action == "refer_to_mediation" and case["item"]["category"] != DISPUTE:
        raise Conflict("只有矛盾纠纷类事件可以转人民调解", field="action", code="case.not_a_dispute")
    assignee = case["assignee"]
    if (transition.duty == HANDLE and assignee["kind"] == "staff" and actor_id is not None
            and assignee["id"] != actor_id):
        raise Forbidden("只有被派单人可以办理或退回", field="action", code="case.not_assignee")


def history_entry(action: str, source: str | None, target: str, at: datetime, actor: dict | None,
                  note: str | None = None) -> dict:
    return {"action": action, "from": source, "to": target, "at": at, "actor": actor, "note": note}


def escalation_step(case: dict, now: datetime) -> deadlines.Escalation | None:
    """The escalation level an open case must be raised to now, or None when it is where it should be."""
    due = case["deadline"]["due_at"]
    wanted = deadlines.escalation_for(due, now)
    return wanted if wanted > case.get("escalation", 0) else None


def possible_duplicate(case: dict, other: dict) -> bool:
    return (other["_id"] != case["_id"] and other["grid_code"] == case["grid_code"]
            and other["item"]["category"] == case["item"]["category"]
            and abs(other["discovered_at"] - case["discovered_at"]) <= DUPLICATE_WINDOW)
