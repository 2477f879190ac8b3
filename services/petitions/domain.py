"""What a petition (信访件) is made of: channels, categories, petitioners, and the inputs staff and residents send.
Plain rules, no I/O. Names follow the glossary: channel `online`/`letter`/`visit`/`phone`, `first_handler`,
`assignment`/`supervision`, `case_owner_leader`, visit kinds `appointment`/`reception`/`outreach`, `review` and
`re_review`, `repeat`, `hard_case`."""
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.pii import IdNumber, Phone
from shared.scope import area_path  # noqa: F401 - the service's rules speak of it


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Channel(StrEnum):
    online = "online"  # 网上信访
    letter = "letter"  # 来信
    visit = "visit"    # 来访
    phone = "phone"    # 来电


CHANNEL_LABELS = {Channel.online: "网上信访", Channel.letter: "来信", Channel.visit: "来访", Channel.phone: "来电"}

CATEGORIES = {
    "land_requisition": "征地拆迁", "rural_affairs": "农村农业", "labour_social_security": "劳动社保",
    "urban_construction": "城乡建设", "law_litigation": "涉法涉诉", "civil_affairs": "民政", "health": "卫生健康",
    "education": "教育", "environment": "生态环境", "natural_resources": "自然资源", "neighbour_dispute": "邻里纠纷",
    "conduct_of_officials": "干部作风", "other": "其他",
}
# A petition of these categories is often a civil dispute that people's mediation can settle (the event names the
# mediation category the mediation service files it under).
DISPUTE_CATEGORIES = {"neighbour_dispute": "neighbour", "rural_affairs": "land_forest",
                      "labour_social_security": "labour", "other": "other"}

# The units a petition is transferred or assigned to (转送、交办): the county's departments and the townships' own
# governments. Which unit is responsible is the officer's judgement; the list keeps the names one spelling each.
UNITS = ("县信访办", "县公安局", "县人力社保局", "县住房城乡建委", "县规划自然资源局", "县农业农村委", "县民政局",
         "县卫生健康委", "县教委", "县生态环境局", "县市场监管局", "县司法局", "县交通局", "县水利局",
         "属地乡镇（街道）")

COLLECTIVE_HEADCOUNT = 5  # 五人以上为集体访


class VisitKind(StrEnum):
    appointment = "appointment"  # 约访：约信访人面谈
    reception = "reception"      # 接访：领导干部接待日
    outreach = "outreach"        # 下访：到信访人所在地


VISIT_LABELS = {VisitKind.appointment: "约访", VisitKind.reception: "接访", VisitKind.outreach: "下访"}


class SupervisionLevel(StrEnum):
    general = "general"  # 一般督办
    key = "key"          # 重点督办
    listed = "listed"    # 挂牌督办


SUPERVISION_LABELS = {SupervisionLevel.general: "一般督办", SupervisionLevel.key: "重点督办",
                      SupervisionLevel.listed: "挂牌督办"}
SUPERVISION_ORDER = list(SupervisionLevel)


class Satisfaction(StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


SATISFACTION_LABELS = {Satisfaction.satisfied: "满意", Satisfaction.basically_satisfied: "基本满意",
                       Satisfaction.unsatisfied: "不满意"}

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


def is_collective(petitioner_count: int, headcount: int | None) -> bool:
    return max(petitioner_count, headcount or 0) >= COLLECTIVE_HEADCOUNT


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
