"""The grid registry's events. Ids and codes only: no names, ID numbers or phones."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events import EventData, event
from shared.holidays import HolidayNotice

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


class ImportedResident(EventData):
    resident_id: str
    household_id: str
    micro_grid_code: str


@event(SOURCE, "residents.imported",
       summary="居民批量导入 (the residents an import registered in one village, in one event instead of one each)")
class ResidentsImported(EventData):
    village_code: str
    residents: list[ImportedResident]


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
    household_id: str | None = Field(default=None, description="the household served, when known (积分 rules award "
                                                                "it); added compatibly: older events lack it")


@event(SOURCE, "service_order.deadline_changed",
       summary="服务单时限重算 (an open order's due time moved when a year's holiday notice was loaded)")
class OrderDeadlineChanged(OrderEvent):
    due_at: datetime
    previous_due_at: datetime
    provisional: bool = Field(description="still counted over a year whose holiday notice is not loaded")


@event(SOURCE, "case.deadline_changed",
       summary="网格事件时限重算 (an open case's due time moved when a year's holiday notice was loaded)")
class CaseDeadlineChanged(CaseEvent):
    previous_due_at: datetime
    provisional: bool = Field(description="still counted over a year whose holiday notice is not loaded")


# the holiday calendar (节假日安排) ----------------------------------------------------------------------------
@event(SOURCE, "holiday_notice.loaded",
       summary="节假日安排导入 (the county loaded a year's State Council holiday notice; every service that counts "
               "working days keeps it and recomputes its open deadlines)")
class HolidayNoticeLoaded(EventData):
    year: int
    revision: int = Field(ge=1, description="this year's load number; a higher one replaces a lower one")
    notice: HolidayNotice


# places (综治中心、综合服务设施、公共安全重点区域、视频点位) --------------------------------------------------------
# A consumer's read model of a place is the latest `*.upserted` event per id by `occurred_at`: each carries the
# full derived state, so an older one delivered late or again is recognised and ignored.
CHECKLIST_VERSION = Field(ge=1, description="the current checklist version the state is judged against")
ITEMS_TOTAL = Field(ge=0, description="items of the current checklist")
ITEMS_PASSED = Field(ge=0, description="items the latest inspection under the current checklist passed (0 when "
                                       "there is none yet)")
INSPECTED_AT = Field(description="the latest inspection under the current checklist (UTC); null when none yet")


@event(SOURCE, "governance_centre.upserted",
       summary="综治中心状态变更：登记、检查、清单版本变更或停用后的完整状态 (a governance centre's full current state)")
class GovernanceCentreUpserted(EventData):
    centre_id: str
    level: Literal["county", "township", "village"]
    area_code: str
    township_code: str | None = Field(description="null for the county's centre")
    village_code: str | None = Field(description="null above village level")
    standardised: bool = Field(description="规范化建成: the latest inspection under the current checklist passed "
                                           "every required item")
    checklist_version: int = CHECKLIST_VERSION
    items_total: int = ITEMS_TOTAL
    items_passed: int = ITEMS_PASSED
    inspected_at: datetime | None = INSPECTED_AT
    active: bool


@event(SOURCE, "service_facility.upserted",
       summary="村（社区）综合服务设施状态变更后的完整状态 (a village service facility's full current state)")
class ServiceFacilityUpserted(EventData):
    facility_id: str
    village_code: str
    township_code: str
    up_to_standard: bool = Field(description="达标: the latest inspection under the current checklist passed every "
                                             "required item")
    checklist_version: int = CHECKLIST_VERSION
    items_total: int = ITEMS_TOTAL
    items_passed: int = ITEMS_PASSED
    inspected_at: datetime | None = INSPECTED_AT
    active: bool


@event(SOURCE, "key_area.upserted",
       summary="公共安全重点区域状态变更后的完整状态，含视频覆盖 (a key public-safety area's full current state)")
class KeyAreaUpserted(EventData):
    key_area_id: str
    kind: str = Field(description="重点区域类别代码: school, market, bus_station, main_road, hospital, scenic_spot, …")
    area_code: str
    township_code: str
    village_code: str | None = Field(description="null for a key area of the township as a whole")
    covered: bool = Field(description="视频覆盖: at least one of its video points is online and was checked within "
                                      "the freshness window")
    video_points_total: int = Field(ge=0, description="active video points covering the area")
    video_points_online: int = Field(ge=0, description="of them, online and checked within the window")
    active: bool


@event(SOURCE, "inspection.recorded",
       summary="综治中心或综合服务设施检查记录 (an inspection of a governance centre or service facility)")
class InspectionRecorded(EventData):
    inspection_id: str
    subject_kind: Literal["governance_centre", "service_facility"]
    subject_id: str
    area_code: str
    township_code: str | None = Field(description="null for the county's centre")
    village_code: str | None
    passed: bool = Field(description="every required item of its checklist passed")
    items_total: int = Field(ge=0)
    items_passed: int = Field(ge=0)
    inspected_at: datetime


@event(SOURCE, "video_point.state_changed",
       summary="视频点位在线状态首次检查或变化（雪亮工程） (a video point's online state was first checked or changed)")
class VideoPointStateChanged(EventData):
    video_point_id: str
    key_area_id: str
    area_code: str
    online: bool
    checked_at: datetime = Field(description="the check that found this state (UTC)")
