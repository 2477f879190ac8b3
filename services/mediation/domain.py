"""People's mediation (人民调解) after 《人民调解法》: committees, mediators and talk offices; disputes with their
parties, categories and the major flag; sessions; the agreement the law requires; follow-up visits.

Plain rules on pydantic models; no I/O. Personal data of outside persons arrives here in clear text and leaves
through store.py, which encrypts it.
"""
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.pii import IdNumber, Phone
from shared.scope import area_path  # noqa: F401 - the service's rules speak of it

AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,3}$", description="区划代码（县、乡镇、村或网格）")]
Text = Annotated[str, Field(min_length=2, max_length=2000)]
Short = Annotated[str, Field(min_length=1, max_length=60)]
# 《人民调解法》第三十三条: the parties may apply for judicial confirmation within 30 days of the agreement taking effect.
JUDICIAL_CONFIRMATION_DAYS = 30


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Level(StrEnum):
    village = "village"            # 村（社区）人民调解委员会
    township = "township"          # 乡镇（街道）人民调解委员会
    professional = "professional"  # 专业性、行业性人民调解委员会
    county = "county"              # 县级（联合调解中心）


LEVEL_LABELS = {Level.village: "村级", Level.township: "乡镇级", Level.professional: "专业性行业性",
                Level.county: "县级"}
# Escalation goes up this ladder (a professional committee sits beside the township, below the county).
LEVEL_RANK = {Level.village: 0, Level.township: 1, Level.professional: 1, Level.county: 2}
GRASSROOTS = (Level.village, Level.township)

CATEGORIES = {
    "marriage_family": "婚姻家庭", "neighbour": "邻里", "land_forest": "土地山林", "labour": "劳资",
    "contract": "合同", "damages": "损害赔偿", "land_requisition": "征地拆迁", "traffic": "交通事故",
    "medical": "医疗", "property_management": "物业", "other": "其他",
}
# Grid case items (category.item) and what they are as disputes.
FROM_GRID_ITEM = {"dispute.neighbour": "neighbour", "dispute.family": "marriage_family",
                  "dispute.land": "land_forest", "dispute.labour": "labour"}

# The criteria of a major dispute (重大矛盾纠纷); any one makes it major.
MAJOR_CRITERIA = {
    "many_parties": "涉及当事人30人以上或10户以上",
    "large_amount": "争议标的额50万元以上",
    "violence_risk": "有激化为刑事案件或群体性事件风险",
    "cross_area": "跨乡镇（街道）或跨县",
    "repeat_petition": "经多次信访或调解未果",
    "public_attention": "引发较大社会关注",
}


class Specialty(StrEnum):
    traffic = "traffic"      # 交通事故
    labour = "labour"        # 劳动争议
    medical = "medical"      # 医疗纠纷
    family = "family"        # 婚姻家庭
    property = "property"    # 物业
    general = "general"      # 综合


class CommitteeIn(Model):
    committee_id: Annotated[str, Field(pattern=r"^MC[0-9A-Za-z_-]{2,30}$")]
    name: Annotated[str, Field(min_length=4, max_length=60)]
    level: Level
    area_code: AreaCode
    specialty: Specialty = Specialty.general

    @model_validator(mode="after")
    def _level_fits_area(self):
        wanted = {Level.village: 12, Level.township: 9, Level.county: 6}.get(self.level)
        if wanted and len(self.area_code) != wanted:
            raise ValueError(f"{LEVEL_LABELS[self.level]}调委会应设在{ {12: '村（社区）', 9: '乡镇（街道）', 6: '县'}[wanted]}")
        if self.level == Level.professional and len(self.area_code) > 9:
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


class SessionIn(Model):
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


class FollowUpIn(Model):
    """回访: whether the agreement was performed and how the parties see it now."""
    visited_on: date
    visitor: Short
    performed: Literal["fully", "partly", "not"]
    record: Text


FOLLOW_UP_LABELS = {"fully": "已全部履行", "partly": "部分履行", "not": "未履行"}


class Referral(Model):
    to: Literal["litigation", "arbitration", "petitions", "administrative"]
    note: Annotated[str, Field(min_length=2, max_length=500)]


REFERRAL_LABELS = {"litigation": "引导诉讼", "arbitration": "申请仲裁", "petitions": "转信访部门",
                   "administrative": "转行政机关处理"}
