"""A manual award's way to the ledger: submitted with evidence, approved by a second person, shown publicly for
the notice period (公示, names masked), then posted. An objection during the notice stops the clock until it is
decided: upheld, the award stops; dismissed, the notice goes on."""
from enum import StrEnum

from shared.workflow import Transition, Workflow


class Status(StrEnum):
    submitted = "submitted"
    rejected = "rejected"
    in_notice = "in_notice"
    objected = "objected"
    stopped = "stopped"
    posted = "posted"


STATUS_LABELS = {Status.submitted: "待复核", Status.rejected: "复核未通过", Status.in_notice: "公示中",
                 Status.objected: "异议核查中", Status.stopped: "异议成立已终止", Status.posted: "已入账"}
S = Status
AWARD, APPROVE = "credit.award", "credit.approve"
WORKFLOW = Workflow("award", {str(k): v for k, v in STATUS_LABELS.items()}, [
    Transition("approve", frozenset({S.submitted}), S.in_notice, APPROVE, "复核通过并公示"),
    Transition("reject", frozenset({S.submitted}), S.rejected, APPROVE, "复核不通过", ("reason",)),
    Transition("object", frozenset({S.in_notice}), S.objected, AWARD, "登记异议", ("reason",)),
    Transition("uphold", frozenset({S.objected}), S.stopped, APPROVE, "异议成立，终止", ("reason",)),
    Transition("dismiss", frozenset({S.objected}), S.in_notice, APPROVE, "异议不成立，继续公示", ("reason",)),
    Transition("post", frozenset({S.in_notice}), S.posted, APPROVE, "公示期满入账"),
])
OPEN = (S.submitted, S.in_notice, S.objected)


def actions_for(permission: str) -> list[str]:
    return [t.action for t in WORKFLOW.transitions.values() if t.duty == permission]
