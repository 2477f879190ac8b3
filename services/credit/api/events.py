"""The credit service's events. Ids, codes and numbers only: never a name, ID number or phone."""
from typing import Literal

from pydantic import Field

from shared.events import EventData, event

SOURCE = "credit"


class LedgerEvent(EventData):
    entry_id: str
    household_id: str = Field(description="积分存折即户编号")
    seq: int = Field(ge=1, description="存折内序号")
    rule_code: str
    category: str
    delta: int
    source_kind: Literal["event", "award", "redemption", "correction"]
    source_ref: str = Field(description="触发事件的业务编号、申报编号、兑换编号或被更正的流水编号")
    village_code: str | None
    township_code: str | None


@event(SOURCE, "points.awarded", summary="积分入账 (points were credited to a household's passbook)")
class PointsAwarded(LedgerEvent):
    pass


@event(SOURCE, "points.deducted", summary="积分扣减 (points were deducted for a violation, or a correction)")
class PointsDeducted(LedgerEvent):
    pass


class RedemptionEvent(EventData):
    redemption_id: str
    household_id: str
    store_id: str
    item_id: str
    quantity: int = Field(ge=1)
    points: int = Field(ge=1)
    village_code: str


@event(SOURCE, "points.redeemed", summary="积分超市兑换（积分与库存已预留）(points were redeemed at a store)")
class PointsRedeemed(RedemptionEvent):
    pass


@event(SOURCE, "redemption.cancelled", summary="兑换取消，积分与库存退回 (a redemption was cancelled)")
class RedemptionCancelled(RedemptionEvent):
    pass


@event(SOURCE, "credit_rating.changed", summary="诚信等级变化 (a household's or an enterprise's level changed)")
class CreditRatingChanged(EventData):
    subject_kind: Literal["household", "enterprise"]
    subject_id: str = Field(description="户编号或统一社会信用代码")
    from_level: str | None
    to_level: str
    area_code: str | None


@event(SOURCE, "dishonest_debtor.listed", summary="列入失信被执行人名单（联合惩戒）(a debtor was listed)")
class DishonestDebtorListed(EventData):
    listing_id: str
    subject_kind: Literal["person", "enterprise"]
    household_id: str | None
    enterprise_code: str | None
    area_code: str | None
    flags: list[str]


@event(SOURCE, "dishonest_debtor.delisted",
       summary="移出失信被执行人名单 (a listing ended: expired, appeal upheld or court)")
class DishonestDebtorDelisted(EventData):
    listing_id: str
    subject_kind: Literal["person", "enterprise"]
    household_id: str | None
    enterprise_code: str | None
    area_code: str | None
    reason: Literal["expired", "appeal", "court"]
