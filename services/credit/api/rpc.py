"""The models of the credit service's RPC requests: what staff (through the gateway) send, validated by the
service."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared import clock

from .codes import CATEGORIES, TRIGGERS

AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,3}$", description="区划代码（县、乡镇、村或网格）")]


VillageCode = Annotated[str, Field(pattern=r"^500229\d{6}$", description="村（社区）代码")]


HouseholdId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{4,40}$", description="户编号（网格服务所发）")]


Text = Annotated[str, Field(min_length=2, max_length=500)]


Short = Annotated[str, Field(min_length=1, max_length=60)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# rules ------------------------------------------------------------------------------------------------
class RuleCondition(Model):
    """One test on the triggering event's body: `field op value`, e.g. rating >= 4."""
    field: Annotated[str, Field(pattern=r"^[a-z_]{2,40}$")]
    op: Literal["==", "!=", ">=", "<=", "in"]
    value: str | int | float | bool | list[str]


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


# manual awards ------------------------------------------------------------------------------------------
class AwardEvidence(Model):
    kind: Literal["photo", "document", "witness", "record"]
    description: Text
    ref: Annotated[str | None, Field(default=None, max_length=200, description="照片或材料编号")]


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
        if value > clock.today():
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


class CreditAppealIn(Model):
    target: Literal["listing", "rating"]
    ref: Annotated[str, Field(min_length=2, max_length=60, description="名单编号，或评级对象（户编号或统一社会信用代码）")]
    reason: Annotated[str, Field(min_length=5, max_length=1000)]


class CreditAppealDecision(Model):
    outcome: Literal["upheld", "dismissed"]
    note: Annotated[str, Field(min_length=2, max_length=500)]



# bodies of the requests that carry a field or two -------------------------------------------------------------
class PublicPassbookIn(Model):
    household_number: Annotated[str, Field(min_length=1, max_length=30, description="户号")]
    phone_last4: Annotated[str, Field(pattern=r"^\d{4}$", description="家庭成员登记手机号的后四位")]


class RedemptionCancelIn(Model):
    reason: Annotated[str | None, Field(default=None, max_length=200, description="取消原因")]


class DisciplineQueryIn(Model):
    """Who to look up on the debtor list: an ID number (in the body, never in a URL), a household or an enterprise."""
    id_number: Annotated[str | None, Field(default=None, max_length=18)]
    household_id: HouseholdId | None = None
    enterprise_code: EnterpriseCode | None = None
