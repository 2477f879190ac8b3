"""The models of the grid's RPC requests: what the gateway (or another caller) sends, validated by the service."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared import idnumber, pii
from shared.clock import DayKind
from shared.holidays import FIRST_YEAR, LAST_YEAR, HolidayRange

from .codes import CATEGORIES, KIND_LABELS, AreaKind, CaseSource, Employment, MicroGridKind, Relation, RequestKind

# Each level of the tree: the kinds allowed there and the length of its code.
LEVELS = [
    ({AreaKind.county}, 6),
    ({AreaKind.town, AreaKind.township, AreaKind.street}, 9),
    ({AreaKind.village, AreaKind.community}, 12),
    ({AreaKind.grid}, 15),
    ({AreaKind.micro_grid}, 18),
]
CODE_LENGTH = {kind: length for kinds, length in LEVELS for kind in kinds}

Code = Annotated[str, Field(pattern=r"^\d{6}(\d{3}){0,4}$")]
Phone = pii.Phone
Name = Annotated[str, Field(min_length=1, max_length=60)]
GridCode = Annotated[str, Field(pattern=r"^500229\d{9}$", description="网格代码（15位）")]
ItemCode = Annotated[str, Field(pattern=r"^[a-z_]+\.[a-z_]+$", description="category.item, e.g. safety.fire")]
Reason = Annotated[str, Field(min_length=2, max_length=200)]
# A phone on a weak signal sends the same report twice; the page's own reference for it makes the second a no-op.
ClientRef = Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$",
                                        description="客户端生成的提交编号，重复提交只登记一次")]
ResidentId = Annotated[str, Field(pattern=r"^RS[0-9a-f]{16}$")]
VillageOrBelow = Annotated[str, Field(pattern=r"^500229\d{6}(\d{3}){0,2}$", description="村、网格或微网格代码")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# the registry -------------------------------------------------------------------------------------------------
class AreaIn(Model):
    code: Code
    name: Name
    kind: AreaKind
    parent_code: Code | None = None
    micro_grid_kind: MicroGridKind | None = None

    @model_validator(mode="after")
    def _code_fits_kind(self):
        if len(self.code) != CODE_LENGTH[self.kind]:
            raise ValueError(f"{KIND_LABELS[self.kind]}的区划代码应为{CODE_LENGTH[self.kind]}位")
        if self.kind == AreaKind.county:
            if self.parent_code is not None:
                raise ValueError("县级区划没有上级")
        else:
            if not self.parent_code:
                raise ValueError("缺少上级区划代码")
            if not self.code.startswith(self.parent_code) or len(self.parent_code) + 3 != len(self.code):
                raise ValueError("区划代码应以上级代码开头并多三位")
        if (self.kind == AreaKind.micro_grid) != (self.micro_grid_kind is not None):
            raise ValueError("只有微网格需要（且必须）注明类型：村民小组、楼栋或联户")
        return self


class GridWorkerIn(Model):
    worker_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")] | None = None  # given by imports for idempotency
    name: Name
    employment: Employment
    phone: Phone = None
    grid_codes: list[Annotated[str, Field(pattern=r"^\d{15}$")]] = []


class ResidentIn(Model):
    name: Name
    id_number: str
    relation: Relation = Relation.head
    phone: Phone = None
    religion: str | None = Field(default=None, max_length=40)
    health: str | None = Field(default=None, max_length=80)
    special_group: str | None = Field(default=None, max_length=80)
    household_id: str | None = None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value):
        try:
            return idnumber.validate(value)
        except idnumber.InvalidIdNumber as exc:
            raise ValueError(str(exc)) from None


class HouseholdIn(Model):
    household_number: Annotated[str, Field(min_length=1, max_length=30)]  # 户号, as on the household register
    micro_grid_code: Annotated[str, Field(pattern=r"^\d{18}$")]
    address: Annotated[str, Field(min_length=1, max_length=120)]
    residents: list[ResidentIn] = []

    @model_validator(mode="after")
    def _one_head(self):
        heads = sum(1 for r in self.residents if r.relation == Relation.head)
        if self.residents and heads != 1:
            raise ValueError("每户应有且只有一名户主")
        seen = set()
        for r in self.residents:
            if r.id_number in seen:
                raise ValueError("同一户中身份证号重复")
            seen.add(r.id_number)
        return self


# the responsibility catalogue ---------------------------------------------------------------------------------
class DeadlineRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    days: Annotated[int, Field(ge=1, le=365, description="办理时限（天）")]
    day_kind: DayKind = DayKind.working

    @property
    def label(self) -> str:
        return f"{self.days}个{'工作日' if self.day_kind == DayKind.working else '自然日'}"


class ResponsibilityItemIn(Model):
    code: ItemCode
    name: Annotated[str, Field(min_length=2, max_length=40, description="事项名称")]
    owner_department: Annotated[str, Field(min_length=2, max_length=40, description="责任部门")]
    deadline: DeadlineRule
    verify_on_site: bool = Field(default=True, description="办结前是否须网格员现场核查")
    active: bool = True

    @model_validator(mode="after")
    def _known_category(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"事项大类应为以下之一：{'、'.join(CATEGORIES)}")
        return self

    @property
    def category(self) -> str:
        return self.code.split(".", 1)[0]


# cases -----------------------------------------------------------------------------------------------------
class Assignee(Model):
    kind: Literal["grid_worker", "staff", "department", "township", "mediation"]
    id: Annotated[str, Field(min_length=1, max_length=64, description="账号编号、部门名称或区划代码")]
    name: Annotated[str, Field(min_length=1, max_length=40)]


class CaseIn(Model):
    grid_code: GridCode
    item_code: ItemCode
    title: Annotated[str, Field(min_length=2, max_length=60, description="事件标题")]
    description: Annotated[str, Field(min_length=5, max_length=2000, description="事件描述")]
    location: Annotated[str | None, Field(default=None, max_length=100, description="地点")]
    source: CaseSource = CaseSource.patrol
    patrol_id: str | None = None
    party_resident_ids: Annotated[list[ResidentId], Field(default_factory=list, max_length=20,
                                                          description="当事居民编号")]
    client_ref: ClientRef = None


class CaseActionBody(Model):
    """What a case's transition may carry; which fields it needs is in the table (codes.CASE_WORKFLOW)."""
    reason: Reason | None = None
    feedback: Annotated[str | None, Field(default=None, min_length=2, max_length=2000)]
    assignee: Assignee | None = None
    to: Literal["township", "department"] = Field(default="township", description="上报对象（仅上报时）")


class CaseActionIn(CaseActionBody):
    action: str


# service orders (三单) --------------------------------------------------------------------------------------
class OrderIn(Model):
    """An order a grid worker places on a resident's behalf (the residents' channel has its own form)."""
    area_code: VillageOrBelow
    content: Annotated[str, Field(min_length=5, max_length=1000, description="服务需求")]
    contact_name: Annotated[str, Field(min_length=1, max_length=30)]
    phone: Phone = None
    resident_id: Annotated[str | None, Field(default=None, pattern=r"^RS[0-9a-f]{16}$")]
    household_id: Annotated[str | None, Field(default=None, pattern=r"^HH[0-9a-f]{16}$",
                                              description="被服务的户（登记居民所在户可由居民编号得出）")]
    client_ref: ClientRef = None


class OrderActionBody(Model):
    assignee: Assignee | None = None
    feedback: Annotated[str | None, Field(default=None, min_length=2, max_length=2000)]
    rating: Annotated[int | None, Field(default=None, ge=1, le=5, description="满意度 1-5")]
    comment: Annotated[str | None, Field(default=None, max_length=200)]


class OrderActionIn(OrderActionBody):
    action: str


# the residents' channel ---------------------------------------------------------------------------------------
class ResidentRequestIn(Model):
    kind: RequestKind
    area_code: Annotated[str, Field(pattern=r"^500229\d{6}(\d{3}){0,2}$", description="village, grid or micro-grid")]
    content: Annotated[str, Field(min_length=5, max_length=1000)]
    contact_name: Annotated[str, Field(min_length=1, max_length=30)]
    phone: Annotated[Phone, Field(description="11-digit mobile; its last four digits unlock the status")]
    household_number: Annotated[str | None, Field(
        default=None, min_length=4, max_length=30, pattern=r"^[0-9A-Za-z-]+$",
        description="户号（服务点单可填）：与登记的家庭成员手机号相符时，记为被服务的户，评价后按积分规则计分")] = None


# bodies of the requests that carry a field or two -------------------------------------------------------------
class HouseholdChangeIn(Model):
    address: Annotated[str, Field(min_length=1, max_length=120, description="住址")]


class HouseholdMoveIn(Model):
    micro_grid_code: Annotated[str, Field(pattern=r"^\d{18}$", description="迁入的微网格代码")]


class ResidentSearchIn(Model):
    """An ID number travels in a body, never in a URL."""
    id_number: Annotated[str, Field(min_length=15, max_length=18, description="身份证号")]


class RevealIn(Model):
    reason: Annotated[str, Field(min_length=2, max_length=200, description="查看完整个人信息的理由（记录审计）")]


class PatrolStartIn(Model):
    grid_code: GridCode


class PatrolEndIn(Model):
    notes: Annotated[str | None, Field(default=None, max_length=1000, description="巡查记录")]


class RequestTrackIn(Model):
    tracking_code: Annotated[str, Field(min_length=4, max_length=20, description="查询码")]
    phone_last4: Annotated[str, Field(pattern=r"^\d{4}$", description="手机号后四位")]


class RequestRatingIn(RequestTrackIn):
    rating: Annotated[int, Field(ge=1, le=5, description="满意度 1-5（2分及以下重新办理）")]
    comment: Annotated[str | None, Field(default=None, max_length=200)]


# the holiday calendar (节假日安排) ----------------------------------------------------------------------------
class HolidayNoticeIn(Model):
    """Either the notice's text as published (年份 read from it unless given), or its days entered one by one."""
    year: Annotated[int | None, Field(ge=FIRST_YEAR, le=LAST_YEAR)] = None
    text: Annotated[str | None, Field(min_length=10, max_length=5000, description="通知原文")] = None
    title: Annotated[str | None, Field(min_length=4, max_length=100)] = None
    document_number: Annotated[str | None, Field(max_length=40)] = None
    holidays: Annotated[list[HolidayRange] | None, Field(max_length=12)] = None
    workdays: Annotated[list[date], Field(max_length=15)] = []

    @model_validator(mode="after")
    def _one_way(self):
        if not self.text and not self.holidays:
            raise ValueError("请粘贴通知原文，或逐项填写放假安排")
        return self
