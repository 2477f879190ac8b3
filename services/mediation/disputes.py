"""A dispute's life, as one transition table: registered → accepted (or declined with a referral) → sessions →
agreement or failure → referral → performance → follow-up (回访) → closed; escalation to a higher committee keeps
the whole history. Plain rules; no I/O."""
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from shared.errors import Conflict, ValidationFailed
from shared.workflow import Transition, Workflow

from .domain import (LEVEL_LABELS, LEVEL_RANK, AgreementIn, FollowUpIn, Level, Model, Referral, SessionIn,
                     agreement_problem)

INTAKE, MEDIATE = "mediation.intake", "mediation.mediate"


class Status(StrEnum):
    registered = "registered"      # 已登记
    accepted = "accepted"          # 已受理
    in_mediation = "in_mediation"  # 调解中
    resolved = "resolved"          # 已达成协议
    failed = "failed"              # 调解不成
    referred = "referred"          # 已转出（诉讼、仲裁、信访、行政）
    performed = "performed"        # 已履行
    followed_up = "followed_up"    # 已回访
    closed = "closed"              # 已结案
    declined = "declined"          # 不予受理


STATUS_LABELS = {
    Status.registered: "已登记", Status.accepted: "已受理", Status.in_mediation: "调解中",
    Status.resolved: "已达成协议", Status.failed: "调解不成", Status.referred: "已转出",
    Status.performed: "已履行", Status.followed_up: "已回访", Status.closed: "已结案", Status.declined: "不予受理",
}
OPEN = (Status.registered, Status.accepted, Status.in_mediation)

S = Status
WORKFLOW = Workflow("dispute", STATUS_LABELS, [
    Transition("accept", frozenset({S.registered}), S.accepted, MEDIATE, "受理", ("committee_id",)),
    Transition("decline", frozenset({S.registered}), S.declined, MEDIATE, "不予受理", ("reason", "referral")),
    Transition("hold_session", frozenset({S.accepted, S.in_mediation}), S.in_mediation, MEDIATE, "记录调解",
               ("session",)),
    Transition("sign_agreement", frozenset({S.in_mediation}), S.resolved, MEDIATE, "签订调解协议", ("agreement",)),
    Transition("fail", frozenset({S.in_mediation}), S.failed, MEDIATE, "调解不成", ("reason",)),
    Transition("escalate", frozenset({S.accepted, S.in_mediation, S.failed}), S.accepted, MEDIATE,
               "移送上级调委会", ("committee_id", "reason")),
    Transition("refer", frozenset({S.failed}), S.referred, MEDIATE, "引导诉讼、仲裁或转出", ("referral",)),
    Transition("confirm_performance", frozenset({S.resolved}), S.performed, MEDIATE, "确认履行", ("reason",)),
    Transition("follow_up", frozenset({S.resolved, S.performed, S.referred}), S.followed_up, MEDIATE, "回访",
               ("follow_up",)),
    Transition("close", frozenset({S.followed_up}), S.closed, MEDIATE, "结案"),
])


class ActionBody(Model):
    reason: Annotated[str | None, Field(default=None, min_length=2, max_length=500)]
    committee_id: Annotated[str | None, Field(default=None, pattern=r"^MC[0-9A-Za-z_-]{2,30}$")]
    mediator_ids: Annotated[list[str], Field(default_factory=list, max_length=5)]
    session: SessionIn | None = None
    agreement: AgreementIn | None = None
    referral: Referral | None = None
    follow_up: FollowUpIn | None = None


class ActionIn(ActionBody):
    action: str


def check_committee(dispute: dict, committee: dict | None, action: str) -> None:
    """A committee may take a dispute of its own area; escalation must go up the ladder."""
    if committee is None:
        raise ValidationFailed("调解委员会不存在", field="committee_id", code="committee.not_found")
    if not dispute["area_code"].startswith(committee["area_code"]):
        raise Conflict("该调委会不负责纠纷发生地", field="committee_id", code="dispute.committee_out_of_area")
    if action == "escalate":
        current = Level(dispute["level"])
        if LEVEL_RANK[Level(committee["level"])] <= LEVEL_RANK[current]:
            raise Conflict(f"只能移送比{LEVEL_LABELS[current]}更高一级的调委会", field="committee_id",
                           code="dispute.not_higher")


def check_agreement(agreement: AgreementIn, party_count: int) -> None:
    problem = agreement_problem(agreement, party_count)
    if problem:
        field, message = problem
        raise ValidationFailed(message, field=f"agreement.{field}", code="agreement.invalid")


def due_at(registered_at: datetime, limit_days: int) -> datetime:
    """Mediation should normally conclude within a month (limit configurable)."""
    return registered_at + timedelta(days=limit_days)
