"""People's mediation (人民调解) after 《人民调解法》: the ladder of committees, what a grid case is as a dispute, and
the agreement the law requires (its models and code tables are the service's face, `api/`).

Plain rules on pydantic models; no I/O. Personal data of outside persons arrives here in clear text and leaves
through store.py, which encrypts it.
"""
from datetime import date, timedelta

from shared.scope import area_path  # noqa: F401 - the service's rules speak of it

from .api.codes import CommitteeLevel
from .api.rpc import AgreementIn

# 《人民调解法》第三十三条: the parties may apply for judicial confirmation within 30 days of the agreement taking effect.
JUDICIAL_CONFIRMATION_DAYS = 30


# Escalation goes up this ladder (a professional committee sits beside the township, below the county).
LEVEL_RANK = {CommitteeLevel.village: 0, CommitteeLevel.township: 1, CommitteeLevel.professional: 1, CommitteeLevel.county: 2}
GRASSROOTS = (CommitteeLevel.village, CommitteeLevel.township)

# The topics of a matter raised at a village's session (村民说事) and what they are as disputes.
FROM_VILLAGE_TOPIC = {"land": "land_forest", "neighbour": "neighbour", "family": "marriage_family",
                      "labour": "labour"}
# Grid case items (category.item) and what they are as disputes.
FROM_GRID_ITEM = {"dispute.neighbour": "neighbour", "dispute.family": "marriage_family",
                  "dispute.land": "land_forest", "dispute.labour": "labour"}


def agreement_problem(agreement: AgreementIn, party_count: int) -> tuple[str, str] | None:
    """(field, message) of what makes the agreement invalid, or None."""
    signed = {s.party_index for s in agreement.party_signatures}
    if any(i >= party_count for i in signed):
        return "party_signatures", "签名的当事人序号不存在"
    if signed != set(range(party_count)):
        return "party_signatures", "调解协议须由全部当事人签名"
    last = max(s.signed_on for s in agreement.party_signatures)
    if agreement.mediator_signed_on < last:
        return "mediator_signed_on", "调解员签名日期不应早于当事人签名"
    if any(t.deadline < agreement.mediator_signed_on for t in agreement.terms):
        return "terms", "履行期限不应早于协议签订日期"
    return None


def effective_on(agreement: dict) -> date:
    """The agreement takes effect when the last of the parties and the mediator has signed."""
    return date.fromisoformat(agreement["mediator_signed_on"])


def judicial_confirmation_until(agreement: dict) -> date:
    return effective_on(agreement) + timedelta(days=JUDICIAL_CONFIRMATION_DAYS)


