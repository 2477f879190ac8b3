"""A petition's transition table: registration, transfer and assignment (转送、交办), the receiving unit's answer
(受理、不予受理、异议), handling with its extension, the reply, review (复查) and second review (复核), conversion to
mediation. Enforced only by shared.workflow; the clocks that run between these moves are in clocks.py."""
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from shared.workflow import Transition, Workflow

from .domain import Model, Unit

# Permissions: read; register (the petitions office: register, transfer and assign, conclude, convert, ask for a
# review on the petitioner's behalf); handle (the receiving unit and the reviewing organ: accept, decline, object,
# extend, reply, decide reviews); supervise (supervision orders, leaders' ownership, visits, hard cases).
P_READ, P_REGISTER, P_HANDLE, P_SUPERVISE = ("petitions.read", "petitions.register", "petitions.handle",
                                             "petitions.supervise")


class Status(StrEnum):
    received = "received"
    forwarded = "forwarded"
    accepted = "accepted"
    not_accepted = "not_accepted"
    replied = "replied"
    review_requested = "review_requested"
    reviewed = "reviewed"
    re_review_requested = "re_review_requested"
    concluded = "concluded"
    converted = "converted"


STATUS_LABELS = {
    Status.received: "已登记", Status.forwarded: "已转送交办", Status.accepted: "已受理办理中",
    Status.not_accepted: "不予受理", Status.replied: "已答复", Status.review_requested: "复查中",
    Status.reviewed: "已复查", Status.re_review_requested: "复核中", Status.concluded: "已办结",
    Status.converted: "已转人民调解",
}
OPEN = frozenset(Status) - {Status.not_accepted, Status.concluded, Status.converted}
CLOSED = frozenset(Status) - OPEN

S = Status
WORKFLOW = Workflow("petition", {str(k): v for k, v in STATUS_LABELS.items()}, [
    Transition("forward", frozenset({S.received}), S.forwarded, P_REGISTER, "转送交办", ("unit",)),
    Transition("transfer", frozenset({S.forwarded}), S.forwarded, P_REGISTER, "改转其他单位", ("unit", "reason")),
    Transition("object", frozenset({S.forwarded}), S.received, P_HANDLE, "提出非本单位职责异议", ("reason",)),
    Transition("accept", frozenset({S.forwarded}), S.accepted, P_HANDLE, "受理并书面告知", ("notice",)),
    Transition("decline", frozenset({S.forwarded}), S.not_accepted, P_HANDLE, "不予受理并书面告知", ("reason",)),
    Transition("extend", frozenset({S.accepted}), S.accepted, P_HANDLE, "延长办理期限",
               ("days", "reason", "approved_by")),
    Transition("reply", frozenset({S.accepted}), S.replied, P_HANDLE, "出具处理意见并答复", ("reply",)),
    Transition("request_review", frozenset({S.replied}), S.review_requested, P_REGISTER, "登记复查请求", ("reason",)),
    Transition("decide_review", frozenset({S.review_requested}), S.reviewed, P_HANDLE, "出具复查意见", ("opinion",)),
    Transition("request_re_review", frozenset({S.reviewed}), S.re_review_requested, P_REGISTER, "登记复核请求",
               ("reason",)),
    Transition("decide_re_review", frozenset({S.re_review_requested}), S.concluded, P_HANDLE, "出具复核意见",
               ("opinion",)),
    Transition("conclude", frozenset({S.replied, S.reviewed}), S.concluded, P_REGISTER, "办结", ()),
    Transition("convert_to_mediation", frozenset({S.received, S.forwarded}), S.converted, P_REGISTER, "转人民调解",
               ()),
])

# The moment each move records in the petition's `times`, which the clocks read.
MOMENTS = {"forward": "forwarded", "transfer": "forwarded", "object": "objected", "accept": "accepted",
           "decline": "declined", "reply": "replied", "request_review": "review_requested",
           "decide_review": "reviewed", "request_re_review": "re_review_requested",
           "decide_re_review": "re_reviewed", "conclude": "concluded", "convert_to_mediation": "converted"}


class ActionBody(Model):
    """The fields of a petition action; which ones an action needs is in the table."""
    unit: Unit | None = None
    due_on: date | None = Field(default=None, description="交办期限（不晚于法定时限）")
    reason: Annotated[str | None, Field(min_length=2, max_length=1000)] = None
    notice: Annotated[str | None, Field(min_length=2, max_length=2000, description="受理告知书内容")] = None
    reply: Annotated[str | None, Field(min_length=5, max_length=5000, description="处理意见书内容")] = None
    opinion: Annotated[str | None, Field(min_length=5, max_length=5000, description="复查或复核意见")] = None
    days: Annotated[int | None, Field(ge=1, le=30, description="延长天数，累计不超过30日")] = None
    approved_by: Annotated[str | None, Field(min_length=1, max_length=40, description="批准延期的负责人")] = None
    dispute_category: Annotated[str | None, Field(max_length=40)] = None


class ActionIn(ActionBody):
    action: str
