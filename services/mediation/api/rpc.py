"""The models of mediation's RPC requests: what the gateway (or another caller) sends, validated by the service.
Personal data of outside persons (parties, volunteers, mediators) arrives in clear text and is encrypted at rest."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.pii import IdNumber, Phone

from .codes import CATEGORIES, LEVEL_LABELS, MAJOR_CRITERIA, CommitteeLevel, Specialty

AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,3}$", description="区划代码（县、乡镇、村或网格）")]


Text = Annotated[str, Field(min_length=2, max_length=2000)]


Short = Annotated[str, Field(min_length=1, max_length=60)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CommitteeIn(Model):
    committee_id: Annotated[str, Field(pattern=r"^MC[0-9A-Za-z_-]{2,30}$")]
    name: Annotated[str, Field(min_length=4, max_length=60)]
    level: CommitteeLevel
    area_code: AreaCode
    specialty: Specialty = Specialty.general

    @model_validator(mode="after")
    def _level_fits_area(self):
        wanted = {CommitteeLevel.village: 12, CommitteeLevel.township: 9, CommitteeLevel.county: 6}.get(self.level)
        if wanted and len(self.area_code) != wanted:
            raise ValueError(f"{LEVEL_LABELS[self.level]}调委会应设在{ {12: '村（社区）', 9: '乡镇（街道）', 6: '县'}[wanted]}")
        if self.level == CommitteeLevel.professional and len(self.area_code) > 9:
            raise ValueError("专业性行业性调委会应设在县或乡镇（街道）")
        return self


class MediatorIn(Model):
    mediator_id: Annotated[str, Field(pattern=r"^M[0-9A-Za-z_-]{2,30}$")]
    name: Short
    phone: Phone = None
    employment: Literal["full_time", "part_time"]
    committee_ids: Annotated[list[str], Field(min_length=1, max_length=10)]
    account_id: Annotated[str | None, Field(default=None, max_length=64, description="工作人员账号（可选）")]


class Volunteer(Model):
    name: Short
    kind: Literal["retired_cadre", "local_worthy", "lawyer", "other"]
    phone: Phone = None


class TalkOfficeIn(Model):
    """群众说事处 at a township governance centre."""
    township_code: Annotated[str, Field(pattern=r"^500229\d{3}$")]
    name: Annotated[str, Field(min_length=4, max_length=60)]
    address: Annotated[str, Field(min_length=2, max_length=120)]
    volunteers: Annotated[list[Volunteer], Field(default_factory=list, max_length=50)]


class PartyIn(Model):
    """A party: a registered resident by id, or an outside person whose details are personal data."""
    role: Literal["applicant", "respondent", "third_party"]
    resident_id: Annotated[str | None, Field(default=None, pattern=r"^RS[0-9a-f]{16}$")]  # as the grid issues it
    name: Annotated[str | None, Field(default=None, min_length=1, max_length=60)]
    id_number: IdNumber = None
    phone: Phone = None
    address: Annotated[str | None, Field(default=None, max_length=120)]

    @model_validator(mode="after")
    def _who(self):
        if not self.resident_id and not self.name:
            raise ValueError("当事人须为登记居民（居民编号）或填写姓名")
        return self


class DisputeIn(Model):
    """A walk-in at the talk office, or any dispute staff register by hand."""
    area_code: Annotated[str, Field(pattern=r"^500229\d{6}(\d{3}){0,2}$", description="纠纷发生地（村、网格）")]
    category: str
    summary: Text
    parties: Annotated[list[PartyIn], Field(min_length=2, max_length=50)]
    major_reasons: Annotated[list[str], Field(default_factory=list, max_length=len(MAJOR_CRITERIA))]
    talk_office_township: Annotated[str | None, Field(default=None, pattern=r"^500229\d{3}$")]
    client_ref: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$")]

    # Field validators, so that each refusal names its field (the console shows it beside that field).
    @field_validator("category")
    @classmethod
    def _known_category(cls, category):
        if category not in CATEGORIES:
            raise ValueError(f"纠纷类别应为以下之一：{'、'.join(CATEGORIES)}")
        return category

    @field_validator("major_reasons")
    @classmethod
    def _known_criteria(cls, reasons):
        if any(r not in MAJOR_CRITERIA for r in reasons):
            raise ValueError(f"重大纠纷认定依据应为以下之一：{'、'.join(MAJOR_CRITERIA)}")
        return reasons

    @field_validator("parties")
    @classmethod
    def _both_sides(cls, parties):
        if not any(p.role == "applicant" for p in parties) or not any(p.role == "respondent" for p in parties):
            raise ValueError("至少须有一名申请人和一名被申请人")
        return parties


class MediationSessionIn(Model):
    """One mediation session and its record (调解笔录)."""
    held_on: date
    place: Annotated[str, Field(min_length=2, max_length=60)]
    attendees: Annotated[list[Short], Field(min_length=2, max_length=50, description="参加人员")]
    record: Text
    agreed: Annotated[str | None, Field(default=None, max_length=2000, description="本次达成的共识")]


class Term(Model):
    content: Annotated[str, Field(min_length=2, max_length=500, description="协议内容")]
    manner: Annotated[str, Field(min_length=2, max_length=200, description="履行方式")]
    deadline: date = Field(description="履行期限")


class Signature(Model):
    party_index: int = Field(ge=0, description="当事人序号（从0开始）")
    signed_on: date


class AgreementIn(Model):
    """人民调解协议书 (《人民调解法》第二十九条): the parties, the facts and matters in dispute, each side's
    responsibility, the terms with manner and deadline of performance, the parties' and the mediator's signatures."""
    facts: Text
    matters: Text
    responsibilities: Text
    # validate_default: an agreement that leaves out its terms or signatures altogether is refused as well.
    terms: Annotated[list[Term], Field(default_factory=list, max_length=30, validate_default=True)]
    party_signatures: Annotated[list[Signature], Field(default_factory=list, max_length=50, validate_default=True)]
    mediator_id: Annotated[str, Field(pattern=r"^M[0-9A-Za-z_-]{2,30}$")]
    mediator_signed_on: date

    @field_validator("terms")
    @classmethod
    def _has_terms(cls, terms):
        if not terms:
            raise ValueError("调解协议须载明履行的内容、方式和期限")
        return terms

    @field_validator("party_signatures")
    @classmethod
    def _has_signatures(cls, signatures):
        if not signatures:
            raise ValueError("调解协议须由当事人签名")
        return signatures


class FollowUpIn(Model):
    """回访: whether the agreement was performed and how the parties see it now."""
    visited_on: date
    visitor: Short
    performed: Literal["fully", "partly", "not"]
    record: Text


class Referral(Model):
    to: Literal["litigation", "arbitration", "petitions", "administrative"]
    note: Annotated[str, Field(min_length=2, max_length=500)]



class DisputeActionBody(Model):
    """What a dispute's transition may carry; which fields it needs is in the table (codes.WORKFLOW)."""
    reason: Annotated[str | None, Field(default=None, min_length=2, max_length=500)]
    committee_id: Annotated[str | None, Field(default=None, pattern=r"^MC[0-9A-Za-z_-]{2,30}$")]
    mediator_ids: Annotated[list[str], Field(default_factory=list, max_length=5)]
    session: MediationSessionIn | None = None
    agreement: AgreementIn | None = None
    referral: Referral | None = None
    follow_up: FollowUpIn | None = None


class DisputeActionIn(DisputeActionBody):
    action: str



class DisputeChange(Model):
    """What intake staff may complete or correct while the dispute is still open."""
    category: str | None = None
    summary: Text | None = None
    parties: list[PartyIn] | None = None
    add_parties: list[PartyIn] = []
    major_reasons: list[str] | None = None

