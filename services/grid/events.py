"""The grid registry's events. Ids and codes only: no names, ID numbers or phones."""
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
