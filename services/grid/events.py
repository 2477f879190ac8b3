"""The grid registry's events. Ids and codes only: no names, ID numbers or phones."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events import EventData, event

SOURCE = "grid"


@event(SOURCE, "area.upserted", summary="行政区划或网格新增/变更 (an area of the tree was created or changed)")
class AreaUpserted(EventData):
    area_code: str
    parent_code: str | None
    kind: Literal["county", "town", "township", "street", "village", "community", "grid", "micro_grid"]
    area_name: str = Field(description="the area's official or registered name (not personal data)")
    path: list[str] = Field(description="codes from the county down to this area")


@event(SOURCE, "grid.upserted", summary="网格新增/变更 (a grid was created or changed)")
class GridUpserted(EventData):
    grid_code: str
    village_code: str
    township_code: str
    grid_name: str


@event(SOURCE, "grid_worker.assigned", summary="网格员定格 (a grid worker was assigned to a grid)")
class GridWorkerAssigned(EventData):
    worker_id: str
    grid_code: str
    employment: Literal["full_time", "part_time"]


@event(SOURCE, "household.registered", summary="户登记 (a household was registered in a micro-grid)")
class HouseholdRegistered(EventData):
    household_id: str
    micro_grid_code: str
    grid_code: str
    village_code: str
    township_code: str
    resident_count: int = Field(ge=0)


@event(SOURCE, "household.moved", summary="户迁移 (a household moved to another micro-grid)")
class HouseholdMoved(EventData):
    household_id: str
    from_micro_grid_code: str | None
    to_micro_grid_code: str
    to_grid_code: str


@event(SOURCE, "resident.registered", summary="居民登记 (a resident was registered in a household)")
class ResidentRegistered(EventData):
    resident_id: str
    household_id: str
    micro_grid_code: str


@event(SOURCE, "resident_request.received",
       summary="群众来件受理 (a resident's service order, dispute or online petition was received)")
class ResidentRequestReceived(EventData):
    request_id: str
    kind: Literal["service_order", "dispute", "petition"]
    area_code: str


# grid affairs (网格事件) and service orders (三单) -----------------------------------------------------------
class CaseEvent(EventData):
    case_id: str
    grid_code: str
    village_code: str
    township_code: str
    item_code: str = Field(description="责任事项代码 category.item")
    item_version: int = Field(ge=1)
    category: str = Field(description="责任事项大类")
    status: str
    assignee_kind: str = Field(description="grid_worker, staff, department, township or mediation")
    due_at: datetime = Field(description="办理时限（UTC）")


@event(SOURCE, "case.reported", summary="网格事件上报 (a grid case was reported to the township or department)")
class CaseReported(CaseEvent):
    reported_to: Literal["township", "department"]
    owner_department: str


@event(SOURCE, "case.dispatched", summary="网格事件派单 (a case was dispatched, or dispatched again)")
class CaseDispatched(CaseEvent):
    assignee_id: str = Field(description="staff account id or department name")


@event(SOURCE, "case.handled", summary="网格事件办理反馈 (the handler reported back)")
class CaseHandled(CaseEvent):
    pass


@event(SOURCE, "case.verified", summary="网格事件现场核查通过 (verified on site)")
class CaseVerified(CaseEvent):
    pass


@event(SOURCE, "case.closed", summary="网格事件办结 (a case was closed)")
class CaseClosed(CaseEvent):
    on_time: bool
    handling_hours: float = Field(ge=0, description="from discovery to closing")


@event(SOURCE, "case.reopened", summary="网格事件重新办理 (a closed case was reopened)")
class CaseReopened(CaseEvent):
    pass


@event(SOURCE, "case.overdue", summary="网格事件逾期 (a case passed its deadline while open)")
class CaseOverdue(CaseEvent):
    pass


@event(SOURCE, "case.escalated", summary="网格事件逾期升级督办 (an overdue case went up to the township or county)")
class CaseEscalated(CaseEvent):
    level: Literal["township", "county"]


@event(SOURCE, "case.referred_to_mediation",
       summary="矛盾纠纷转人民调解 (a dispute case was referred; what the mediation service needs to open a "
               "dispute; the narrative, free text that may hold names, is read with grid.get_case_for_referral)")
class CaseReferredToMediation(CaseEvent):
    party_resident_ids: list[str] = Field(description="当事居民编号（不含姓名等个人信息）")
    discovered_at: datetime
    reported_at: datetime | None


class OrderEvent(EventData):
    order_id: str
    area_code: str
    village_code: str
    township_code: str
    channel: Literal["public", "grid_worker"]
    status: str


@event(SOURCE, "service_order.placed", summary="群众点单 (a resident ordered a service)")
class OrderPlaced(OrderEvent):
    pass


@event(SOURCE, "service_order.dispatched", summary="网格派单 (the grid dispatched an order)")
class OrderDispatched(OrderEvent):
    assignee_kind: Literal["staff", "department", "grid_worker", "township"]
    assignee_id: str
    due_at: datetime


@event(SOURCE, "service_order.delivered", summary="干部买单 (the cadre or department delivered)")
class OrderDelivered(OrderEvent):
    on_time: bool


@event(SOURCE, "service_order.rated", summary="群众评价 (the resident rated the service; 2 or less reopens it)")
class OrderRated(OrderEvent):
    rating: int = Field(ge=1, le=5)
    reopened: bool
