"""Credit and points (道德银行、积分存折、积分超市、诚信城口): matching a rule's conditions and caps, integrity levels
and the dishonest-judgment-debtor list (the published codes and inputs are the service's face, `api/`).

Plain rules on pydantic models; no I/O. A debtor's name and ID number arrive here in clear text and leave through
store.py, which encrypts them.
"""
import operator
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.pii import IdNumber
from shared.scope import area_path  # noqa: F401 - the service's rules speak of it

from .api.codes import IntegrityLevel
from .api.rpc import EnterpriseCode, Model

# 《最高人民法院关于公布失信被执行人名单信息的若干规定》: a listing lasts two years unless the court says otherwise.
LISTING_YEARS = 2


_OPERATORS = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
              "in": lambda actual, wanted: actual in wanted}


def matches(conditions: list[dict], data: dict) -> bool:
    """Whether an event body satisfies every condition of a rule (a missing field fails the test)."""
    for c in conditions:
        if c["field"] not in data:
            return False
        try:
            ok = _OPERATORS[c["op"]](data[c["field"]], c["value"])
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


# What each level needs, in the order they are tried (the first that fits is the level).
EXEMPLARY_POINTS, GOOD_POINTS = 100, 50


def household_level(earned: int, violations: int, listed: bool) -> tuple[IntegrityLevel, list[str]]:
    """A household's level from the last twelve months: points earned, violations recorded, an active debtor
    listing of a member; with the reasons, in the words the notice shows."""
    facts = [f"近12个月获得积分{earned}分", f"违反村规民约{violations}次"]
    if listed:
        return IntegrityLevel.C, [*facts, "家庭成员被列入失信被执行人名单"]
    if violations >= 2:
        return IntegrityLevel.B, [*facts, "违反村规民约2次及以上"]
    if violations == 0 and earned >= EXEMPLARY_POINTS:
        return IntegrityLevel.AAA, [*facts, f"无违规且积分达到{EXEMPLARY_POINTS}分"]
    if violations == 0 and earned >= GOOD_POINTS:
        return IntegrityLevel.AA, [*facts, f"无违规且积分达到{GOOD_POINTS}分"]
    return IntegrityLevel.A, facts


def enterprise_level(commendations: int, violations: int, listed: bool) -> tuple[IntegrityLevel, list[str]]:
    facts = [f"近12个月表彰{commendations}次", f"违法违规{violations}次"]
    if listed:
        return IntegrityLevel.C, [*facts, "被列入失信被执行人名单"]
    if violations >= 2:
        return IntegrityLevel.B, [*facts, "违法违规2次及以上"]
    if violations == 0 and commendations >= 2:
        return IntegrityLevel.AAA, [*facts, "无违规且表彰2次及以上"]
    if violations == 0 and commendations >= 1:
        return IntegrityLevel.AA, [*facts, "无违规且受表彰"]
    return IntegrityLevel.A, facts


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


