"""Credit and points (道德银行、积分存折、积分超市、诚信城口): the rule catalogue and its triggers, manual awards with
evidence, the store's items and stock, integrity levels and the dishonest-judgment-debtor list.

Plain rules on pydantic models; no I/O. A debtor's name and ID number arrive here in clear text and leave through
store.py, which encrypts them.
"""
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.pii import IdNumber
from shared.scope import area_path  # noqa: F401 - the service's rules speak of it

AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,3}$", description="区划代码（县、乡镇、村或网格）")]
VillageCode = Annotated[str, Field(pattern=r"^500229\d{6}$", description="村（社区）代码")]
HouseholdId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{4,40}$", description="户编号（网格服务所发）")]
Text = Annotated[str, Field(min_length=2, max_length=500)]
Short = Annotated[str, Field(min_length=1, max_length=60)]
# 《最高人民法院关于公布失信被执行人名单信息的若干规定》: a listing lasts two years unless the court says otherwise.
LISTING_YEARS = 2


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


CATEGORIES = {
    "volunteer": "志愿服务", "sanitation": "环境卫生", "customs": "移风易俗", "mediation": "矛盾调解",
    "grid_affairs": "参与网格事务", "filial": "孝老爱亲", "violation": "违反村规民约",
}
PERIODS = {"month": "每月", "year": "每年", "ever": "累计"}


# rules ------------------------------------------------------------------------------------------------
class RuleCondition(Model):
    """One test on the triggering event's body: `field op value`, e.g. rating >= 4."""
    field: Annotated[str, Field(pattern=r"^[a-z_]{2,40}$")]
    op: Literal["==", "!=", ">=", "<=", "in"]
    value: str | int | float | bool | list[str]


# The other services' events a rule may be triggered by, and how the household is found for each.
TRIGGERS = {
    "grid.case.verified": "网格事件现场核查通过（当事居民所在户）",
    "mediation.dispute.resolved": "矛盾纠纷调解成功（配合调解的当事居民所在户）",
}


class PointsRuleIn(Model):
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_-]{1,30}$", description="规则代码")]
    name: Annotated[str, Field(min_length=2, max_length=60)]
    category: str
    points: int = Field(description="每次加（正）或扣（负）的积分", ge=-500, le=500)
    trigger: str = Field(default="manual", description="manual，或触发事件类型")
    conditions: Annotated[list[RuleCondition], Field(default_factory=list, max_length=5)]
    cap_points: Annotated[int | None, Field(default=None, ge=1, le=10000, description="每户每周期此规则累计上限")]
    cap_period: Literal["month", "year", "ever"] = "year"
    active: bool = True

    @field_validator("category")
    @classmethod
    def _category(cls, value):
        if value not in CATEGORIES:
            raise ValueError(f"类别应为以下之一：{'、'.join(CATEGORIES.values())}")
        return value

    @field_validator("trigger")
    @classmethod
    def _trigger(cls, value):
        if value != "manual" and value not in TRIGGERS:
            raise ValueError("触发方式应为手工申报或已知的事件类型")
        return value

    @field_validator("points")
    @classmethod
    def _not_zero(cls, value):
        if value == 0:
            raise ValueError("积分不能为0")
        return value

    @model_validator(mode="after")
    def _violation_deducts(self):
        if (self.category == "violation") != (self.points < 0):
            raise ValueError("违反村规民约的规则扣分，其他类别加分")
        return self


def matches(conditions: list[dict], data: dict) -> bool:
    """Whether an event body satisfies every condition of a rule (a missing field fails the test)."""
    for c in conditions:
        if c["field"] not in data:
            return False
        actual, wanted = data[c["field"]], c["value"]
        try:
            ok = {"==": lambda: actual == wanted, "!=": lambda: actual != wanted,
                  ">=": lambda: actual >= wanted, "<=": lambda: actual <= wanted,
                  "in": lambda: actual in wanted}[c["op"]]()
        except TypeError:
            ok = False
        if not ok:
            return False
    return True


def period_start(period: str, now: datetime, local) -> datetime | None:
    """The start of the cap's period in local time; None for a lifetime cap."""
    here = now.astimezone(local)
    if period == "month":
        return here.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == "year":
        return here.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return None


def within_cap(points: int, used: int, cap: int | None) -> int:
    """How many of `points` still fit under the cap (all of them without a cap; deductions are not capped)."""
    if cap is None or points < 0:
        return points
    return max(0, min(points, cap - used))


# manual awards ------------------------------------------------------------------------------------------
class AwardEvidence(Model):
    kind: Literal["photo", "document", "witness", "record"]
    description: Text
    ref: Annotated[str | None, Field(default=None, max_length=200, description="照片或材料编号")]


EVIDENCE_LABELS = {"photo": "照片", "document": "书面材料", "witness": "证明人", "record": "工作记录"}


class CreditAwardIn(Model):
    """A manual award (or deduction) for one household under a manual rule, with the evidence behind it."""
    household_id: HouseholdId
    rule_code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_-]{1,30}$")]
    reason: Text
    occurred_on: date
    evidence: Annotated[list[AwardEvidence], Field(min_length=1, max_length=10)]
    client_ref: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$")]

    @field_validator("occurred_on")
    @classmethod
    def _not_future(cls, value):
        if value > date.today():
            raise ValueError("发生日期不能晚于今天")
        return value


class AwardActionIn(Model):
    action: str
    reason: Annotated[str | None, Field(default=None, min_length=2, max_length=500)]


class AwardObjectionIn(Model):
    reason: Annotated[str, Field(min_length=5, max_length=500)]


class EntryCorrectionIn(Model):
    reason: Annotated[str, Field(min_length=5, max_length=500)]


# the points supermarket -----------------------------------------------------------------------------------
class PointsStoreIn(Model):
    store_id: Annotated[str, Field(pattern=r"^ST[0-9A-Za-z_-]{2,30}$")]
    name: Annotated[str, Field(min_length=2, max_length=60)]
    village_code: VillageCode
    address: Annotated[str | None, Field(default=None, max_length=120)]


class PointsItemIn(Model):
    item_id: Annotated[str, Field(pattern=r"^IT[0-9A-Za-z_-]{2,30}$")]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    points: int = Field(ge=1, le=100000, description="兑换所需积分")
    unit: Annotated[str, Field(min_length=1, max_length=10)] = "件"
    active: bool = True


class PointsStockIn(Model):
    item_id: Annotated[str, Field(pattern=r"^IT[0-9A-Za-z_-]{2,30}$")]
    add: int = Field(ge=-100000, le=100000, description="入库（正）或盘亏（负）数量")

    @field_validator("add")
    @classmethod
    def _not_zero(cls, value):
        if value == 0:
            raise ValueError("数量不能为0")
        return value


class RedeemIn(Model):
    household_id: HouseholdId
    store_id: Annotated[str, Field(pattern=r"^ST[0-9A-Za-z_-]{2,30}$")]
    item_id: Annotated[str, Field(pattern=r"^IT[0-9A-Za-z_-]{2,30}$")]
    quantity: int = Field(default=1, ge=1, le=20)
    client_ref: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$")]


# integrity ratings ---------------------------------------------------------------------------------------
class Level(StrEnum):
    AAA = "AAA"   # 诚信示范
    AA = "AA"     # 诚信
    A = "A"       # 基本诚信
    B = "B"       # 失信警示
    C = "C"       # 严重失信


LEVEL_LABELS = {Level.AAA: "诚信示范", Level.AA: "诚信", Level.A: "基本诚信", Level.B: "失信警示",
                Level.C: "严重失信"}
# What each level needs, in the order they are tried (the first that fits is the level).
EXEMPLARY_POINTS, GOOD_POINTS = 100, 50


def household_level(earned: int, violations: int, listed: bool) -> tuple[Level, list[str]]:
    """A household's level from the last twelve months: points earned, violations recorded, an active debtor
    listing of a member; with the reasons, in the words the notice shows."""
    facts = [f"近12个月获得积分{earned}分", f"违反村规民约{violations}次"]
    if listed:
        return Level.C, [*facts, "家庭成员被列入失信被执行人名单"]
    if violations >= 2:
        return Level.B, [*facts, "违反村规民约2次及以上"]
    if violations == 0 and earned >= EXEMPLARY_POINTS:
        return Level.AAA, [*facts, f"无违规且积分达到{EXEMPLARY_POINTS}分"]
    if violations == 0 and earned >= GOOD_POINTS:
        return Level.AA, [*facts, f"无违规且积分达到{GOOD_POINTS}分"]
    return Level.A, facts


def enterprise_level(commendations: int, violations: int, listed: bool) -> tuple[Level, list[str]]:
    facts = [f"近12个月表彰{commendations}次", f"违法违规{violations}次"]
    if listed:
        return Level.C, [*facts, "被列入失信被执行人名单"]
    if violations >= 2:
        return Level.B, [*facts, "违法违规2次及以上"]
    if violations == 0 and commendations >= 2:
        return Level.AAA, [*facts, "无违规且表彰2次及以上"]
    if violations == 0 and commendations >= 1:
        return Level.AA, [*facts, "无违规且受表彰"]
    return Level.A, facts


# 统一社会信用代码: 18 characters of digits and capitals (I, O, S, V, Z are never used).
EnterpriseCode = Annotated[str, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")]


class CreditEnterpriseIn(Model):
    enterprise_code: EnterpriseCode
    name: Annotated[str, Field(min_length=2, max_length=80)]
    area_code: AreaCode


class EnterpriseRecordIn(Model):
    kind: Literal["commendation", "violation"]
    description: Text
    occurred_on: date


# the dishonest-judgment-debtor list (失信被执行人名单) and joint discipline -----------------------------------
DISCIPLINE = {
    "no_honours": "不得参加评先评优",
    "no_village_post": "不得担任村（社区）干部",
    "subsidy_review": "申请政策性补贴从严审核",
    "no_high_consumption": "限制高消费",
    "no_public_bidding": "限制参与政府采购和招投标",
}
PERSON_DISCIPLINE = ["no_honours", "no_village_post", "subsidy_review", "no_high_consumption"]
ENTERPRISE_DISCIPLINE = ["no_honours", "no_high_consumption", "no_public_bidding"]


class DebtorRow(Model):
    """One row of the court's list."""
    name: Annotated[str, Field(min_length=2, max_length=80)]
    kind: Literal["person", "enterprise"]
    id_number: IdNumber = None
    enterprise_code: EnterpriseCode | None = None
    case_number: Annotated[str, Field(min_length=4, max_length=60, description="执行案号")]
    court: Annotated[str, Field(min_length=2, max_length=60)]
    listed_on: date
    expires_on: date | None = None
    obligation: Annotated[str | None, Field(default=None, max_length=300)]

    @model_validator(mode="after")
    def _identified(self):
        if self.kind == "person" and not self.id_number:
            raise ValueError("自然人须有身份证号")
        if self.kind == "enterprise" and not self.enterprise_code:
            raise ValueError("单位须有统一社会信用代码")
        if self.expires_on and self.expires_on <= self.listed_on:
            raise ValueError("届满日期应晚于列入日期")
        return self


def listing_expiry(listed_on: date, expires_on: date | None) -> date:
    if expires_on:
        return expires_on
    try:
        return listed_on.replace(year=listed_on.year + LISTING_YEARS)
    except ValueError:  # 29 February
        return listed_on.replace(year=listed_on.year + LISTING_YEARS, day=28)


# Column headings a court list may use, to our field names.
DEBTOR_COLUMNS = {"姓名/名称": "name", "被执行人姓名/名称": "name", "姓名": "name", "名称": "name",
                  "类型": "kind", "身份证号码": "id_number", "身份证号": "id_number",
                  "统一社会信用代码": "enterprise_code", "执行案号": "case_number", "案号": "case_number",
                  "执行法院": "court", "发布日期": "listed_on", "列入日期": "listed_on", "届满日期": "expires_on",
                  "生效法律文书确定的义务": "obligation", "义务": "obligation"}
KIND_WORDS = {"自然人": "person", "个人": "person", "person": "person", "法人": "enterprise", "单位": "enterprise",
              "企业": "enterprise", "enterprise": "enterprise"}


class CreditAppealIn(Model):
    target: Literal["listing", "rating"]
    ref: Annotated[str, Field(min_length=2, max_length=60, description="名单编号，或评级对象（户编号或统一社会信用代码）")]
    reason: Annotated[str, Field(min_length=5, max_length=1000)]


class CreditAppealDecision(Model):
    outcome: Literal["upheld", "dismissed"]
    note: Annotated[str, Field(min_length=2, max_length=500)]
