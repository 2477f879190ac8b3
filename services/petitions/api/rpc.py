"""The models of the petitions service's RPC requests: what staff (through the gateway) and petitioners send,
validated by the service. A petitioner's details arrive in clear text and are encrypted at rest."""
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.pii import IdNumber, Phone

from .codes import CATEGORIES, Channel, Satisfaction, SupervisionLevel, VisitKind


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Text = Annotated[str, Field(min_length=2, max_length=2000)]


Unit = Annotated[str, Field(min_length=2, max_length=40)]


AreaCode = Annotated[str, Field(pattern=r"^500229\d{6}(\d{3}){0,2}$", description="村（社区）、网格或微网格代码")]


class PetitionerIn(Model):
    """A registered resident (by id) or a person entered by the officer; their details are encrypted at rest, and
    the ID number is kept also as a blind index, which is how a repeat petition by the same person is found."""
    resident_id: Annotated[str | None, Field(pattern=r"^RS[0-9a-f]{16}$")] = None
    name: Annotated[str | None, Field(min_length=1, max_length=30)] = None
    id_number: IdNumber = None
    phone: Phone = None
    address: Annotated[str | None, Field(max_length=100)] = None

    @model_validator(mode="after")
    def _someone(self):
        if not self.resident_id and not self.name:
            raise ValueError("信访人须为登记居民或填写姓名")
        return self


class PetitionIn(Model):
    """A petition registered by an officer (letter, visit, phone, or online on the resident's behalf)."""
    channel: Channel
    area_code: AreaCode
    category: str
    matter: Text
    petitioners: Annotated[list[PetitionerIn], Field(min_length=1, max_length=50)]
    headcount: Annotated[int | None, Field(ge=1, le=10000, description="来访人数（集体访可多于登记的信访人）")] = None
    departments: Annotated[list[Unit], Field(max_length=10, description="涉及部门")] = []
    received_on: date | None = Field(default=None, description="收到日期（补录来信时用，默认今天）")
    client_ref: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")] = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, value):
        if value not in CATEGORIES:
            raise ValueError(f"类别应为以下之一：{'、'.join(CATEGORIES)}")
        return value


class VisitIn(Model):
    kind: VisitKind
    on: date
    place: Annotated[str, Field(min_length=2, max_length=100)]
    host: Annotated[str, Field(min_length=1, max_length=40, description="接谈的领导或干部")]
    held: bool = Field(default=False, description="已开展（否则为约定的安排）")
    notes: Annotated[str | None, Field(max_length=2000)] = None


class SupervisionIn(Model):
    level: SupervisionLevel
    reason: Annotated[str, Field(min_length=2, max_length=500)]
    due_on: date


class LeaderIn(Model):
    leader_name: Annotated[str, Field(min_length=1, max_length=40)]
    leader_account_id: Annotated[str | None, Field(max_length=64)] = None


class HardCaseIn(Model):
    hard_case: bool
    reason: Annotated[str | None, Field(max_length=500)] = None


class PublicReviewIn(Model):
    tracking_code: Annotated[str, Field(min_length=4, max_length=20)]
    phone_last4: Annotated[str, Field(pattern=r"^\d{4}$")]
    reason: Annotated[str, Field(min_length=5, max_length=1000)]


class PublicRatingIn(Model):
    tracking_code: Annotated[str, Field(min_length=4, max_length=20)]
    phone_last4: Annotated[str, Field(pattern=r"^\d{4}$")]
    satisfaction: Satisfaction
    comment: Annotated[str | None, Field(max_length=500)] = None



class PetitionActionBody(Model):
    """The fields of a petition action; which ones an action needs is in the table (codes.WORKFLOW)."""
    unit: Unit | None = None
    due_on: date | None = Field(default=None, description="交办期限（不晚于法定时限）")
    reason: Annotated[str | None, Field(min_length=2, max_length=1000)] = None
    notice: Annotated[str | None, Field(min_length=2, max_length=2000, description="受理告知书内容")] = None
    reply: Annotated[str | None, Field(min_length=5, max_length=5000, description="处理意见书内容")] = None
    opinion: Annotated[str | None, Field(min_length=5, max_length=5000, description="复查或复核意见")] = None
    days: Annotated[int | None, Field(ge=1, le=30, description="延长天数，累计不超过30日")] = None
    approved_by: Annotated[str | None, Field(min_length=1, max_length=40, description="批准延期的负责人")] = None
    dispute_category: Annotated[str | None, Field(max_length=40)] = None


class PetitionActionIn(PetitionActionBody):
    action: str

