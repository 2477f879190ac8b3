"""A dispute's life, as one transition table (published in api.codes): registered → accepted (or declined with a
referral) → sessions → agreement or failure → referral → performance → follow-up (回访) → closed; escalation to a
higher committee keeps the whole history. The rules the table cannot say are here. Plain rules; no I/O."""
from datetime import datetime, timedelta

from shared.errors import Conflict, ValidationFailed

from .api.codes import LEVEL_LABELS, CommitteeLevel, DisputeStatus
from .api.rpc import AgreementIn
from .domain import LEVEL_RANK, agreement_problem

OPEN = (DisputeStatus.registered, DisputeStatus.accepted, DisputeStatus.in_mediation)


def check_committee(dispute: dict, committee: dict | None, action: str) -> None:
    """A committee may take a dispute of its own area; escalation must go up the ladder."""
    if committee is None:
        raise ValidationFailed("调解委员会不存在", field="committee_id", code="committee.not_found")
    if not dispute["area_code"].startswith(committee["area_code"]):
        raise Conflict("该调委会不负责纠纷发生地", field="committee_id", code="dispute.committee_out_of_area")
    if action == "escalate":
        current = CommitteeLevel(dispute["level"])
        if LEVEL_RANK[CommitteeLevel(committee["level"])] <= LEVEL_RANK[current]:
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
