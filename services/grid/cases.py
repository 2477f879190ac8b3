"""Grid cases (网格事件): the flow 巡查—发现—采集—筛选—上报—核查, its one transition table, who a case waits on
(定人), and the rules for duplicates, referral and escalation. Plain rules on dicts and pydantic models; no I/O.

A case always has a grid, an assignee and a responsibility item (定格、定人、定责). The assignee is whoever must act
next: the grid worker while it is being collected or verified, the township (or the owner department) once it is
reported, the handler once it is dispatched.
"""
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.errors import Conflict, Forbidden
from shared.workflow import Transition, Workflow

from . import deadlines, responsibility

REPORT, DISPATCH, HANDLE = "affairs.report", "affairs.dispatch", "affairs.handle"
GridCode = Annotated[str, Field(pattern=r"^500229\d{9}$", description="网格代码（15位）")]
Reason = Annotated[str, Field(min_length=2, max_length=200)]
# A phone on a weak signal sends the same report twice; the page's own reference for it makes the second a no-op.
ClientRef = Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$",
                                        description="客户端生成的提交编号，重复提交只登记一次")]
# Possible duplicates: the same grid and category, discovered this close in time.
DUPLICATE_WINDOW = timedelta(hours=48)


class CaseStatus(StrEnum):
    collected = "collected"    # 已采集（网格员发现、采集，待筛选上报）
    reported = "reported"      # 已上报（乡镇或责任部门）
    dispatched = "dispatched"  # 已派单（办理中）
    handled = "handled"        # 已办理（待核查）
    verified = "verified"      # 已核查（待办结）
    closed = "closed"          # 已办结
    not_a_case = "not_a_case"  # 不予立案
    referred = "referred"      # 已转人民调解


STATUS_LABELS = {
    CaseStatus.collected: "已采集", CaseStatus.reported: "已上报", CaseStatus.dispatched: "办理中",
    CaseStatus.handled: "已办理待核查", CaseStatus.verified: "已核查待办结", CaseStatus.closed: "已办结",
    CaseStatus.not_a_case: "不予立案", CaseStatus.referred: "已转人民调解",
}
OPEN = (CaseStatus.collected, CaseStatus.reported, CaseStatus.dispatched, CaseStatus.handled, CaseStatus.verified)
FINISHED = (CaseStatus.closed, CaseStatus.not_a_case, CaseStatus.referred)

S = CaseStatus
WORKFLOW = Workflow("case", STATUS_LABELS, [
    Transition("report", frozenset({S.collected}), S.reported, REPORT, "上报"),
    Transition("screen_out", frozenset({S.collected}), S.not_a_case, REPORT, "不予立案", ("reason",)),
    Transition("return", frozenset({S.reported}), S.collected, DISPATCH, "退回网格补充", ("reason",)),
    Transition("dispatch", frozenset({S.reported}), S.dispatched, DISPATCH, "派单", ("assignee",)),
    Transition("send_back", frozenset({S.dispatched}), S.reported, HANDLE, "退回（非本单位职责）", ("reason",)),
    Transition("handle", frozenset({S.dispatched}), S.handled, HANDLE, "办理反馈", ("feedback",)),
    Transition("verify", frozenset({S.handled}), S.verified, REPORT, "现场核查通过"),
    Transition("reject", frozenset({S.handled}), S.dispatched, REPORT, "核查不通过退回重办", ("reason",)),
    Transition("close", frozenset({S.verified, S.handled}), S.closed, DISPATCH, "办结"),
    Transition("reopen", frozenset({S.closed}), S.dispatched, DISPATCH, "重新办理", ("reason",)),
    Transition("refer_to_mediation", frozenset({S.collected, S.reported, S.dispatched}), S.referred, REPORT,
               "转人民调解"),
])


class Source(StrEnum):
    patrol = "patrol"      # 巡查发现
    resident = "resident"  # 群众反映
    other = "other"        # 其他渠道（电话、上级交办）


class Assignee(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: Literal["grid_worker", "staff", "department", "township", "mediation"]
    id: Annotated[str, Field(min_length=1, max_length=64, description="账号编号、部门名称或区划代码")]
    name: Annotated[str, Field(min_length=1, max_length=40)]


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    grid_code: GridCode
    item_code: responsibility.ItemCode
    title: Annotated[str, Field(min_length=2, max_length=60, description="事件标题")]
    description: Annotated[str, Field(min_length=5, max_length=2000, description="事件描述")]
    location: Annotated[str | None, Field(default=None, max_length=100, description="地点")]
    source: Source = Source.patrol
    patrol_id: str | None = None
    party_resident_ids: Annotated[list[Annotated[str, Field(pattern=r"^RS[0-9a-f]{16}$")]],
                                  Field(default_factory=list, max_length=20, description="当事居民编号")]
    client_ref: ClientRef = None


class ActionBody(BaseModel):
    """What a transition may carry; which fields it needs is in the table."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: Reason | None = None
    feedback: Annotated[str | None, Field(default=None, min_length=2, max_length=2000)]
    assignee: Assignee | None = None
    to: Literal["township", "department"] = Field(default="township", description="上报对象（仅上报时）")


class ActionIn(ActionBody):
    action: str


def actions_for(duty: str) -> list[str]:
    """The actions a duty (permission) covers, for the gateway's routes."""
    return [a for a, t in WORKFLOW.transitions.items() if t.duty == duty]


def assignee_after(case: dict, transition: Transition, command: ActionIn, township_name: str) -> dict:
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
    if transition.action == "refer_to_mediation" and case["item"]["category"] != responsibility.DISPUTE:
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
