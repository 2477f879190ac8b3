"""The emergency service's events, for the risk service (an activation raises its area's risk), the assessment
service (drills held, plans kept current) and department systems (县应急管理局). Ids, codes and counts only:
never a resident, a vulnerable resident's kind, a name or a phone."""
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import EventData, event

from .codes import SOURCE, Hazard, HouseholdStatus, Level


class Counts(BaseModel):
    """Households by their last reported status, and the vulnerable residents among them."""
    model_config = ConfigDict(extra="forbid")
    households: int = Field(ge=0)
    pending: int = Field(ge=0, description="待核查")
    checked: int = Field(ge=0, description="已核查")
    not_reached: int = Field(ge=0, description="未联系上")
    evacuated: int = Field(ge=0, description="已转移")
    needs_help: int = Field(ge=0, description="需要帮助")
    vulnerable: int = Field(ge=0, description="名单内需协助转移的居民人数")
    vulnerable_accounted: int = Field(ge=0, description="其中所在户已核查或已转移的人数")
    evacuated_people: int = Field(ge=0, description="转移至安置点的人数")


@event(SOURCE, "plan.published", summary="应急预案发布（新版本或年度复审） (a plan version took effect)")
class PlanPublished(EventData):
    plan_id: str
    plan_version: int = Field(ge=1)
    area_code: str = Field(description="县、乡镇（街道）或村（社区）")
    hazard: Hazard
    reviewed_on: date
    review_due_on: date = Field(description="须在此日前复审，过期即为过期预案")
    levels: list[Level] = Field(description="预案设有任务的响应等级")
    shelters: int = Field(ge=0)
    shelter_capacity: int = Field(ge=0)


@event(SOURCE, "activation.activated", summary="平→战：预案对一个区划启动（演练另计） (an area was activated; "
                                              "one event per area, also when an activation is extended)")
class ActivationActivated(EventData):
    activation_id: str
    plan_id: str
    plan_version: int = Field(ge=1)
    area_code: str = Field(description="the activated township or village")
    township_code: str
    village_code: str | None
    hazard: Hazard
    level: Level
    drill: bool = Field(description="演练")
    extension: bool = Field(description="true when the area was added to a running activation")
    activated_at: datetime


@event(SOURCE, "activation.level_changed", summary="响应等级调整 (the response level of an activation changed)")
class ActivationLevelChanged(EventData):
    activation_id: str
    area_codes: list[str]
    from_level: Level
    to_level: Level
    drill: bool


@event(SOURCE, "task.assigned", summary="战时任务下达到网格 (one batch per grid: the household tasks and the grid's "
                                      "own tasks, for the grid's workers)")
class TaskAssigned(EventData):
    activation_id: str
    grid_code: str
    village_code: str
    township_code: str
    worker_ids: list[str] = Field(description="网格员编号（网格服务）")
    household_tasks: int = Field(ge=0, description="本批新下达的入户任务数（每户一个）")
    evacuations: int = Field(ge=0, description="其中须协助转移的户数")
    task_ids: list[str] = Field(description="本批新下达的网格、村级任务")
    task_kinds: list[str]
    first_due_at: datetime | None
    drill: bool


@event(SOURCE, "household.status_reported", summary="入户核查结果上报 (a household's status changed; a report "
                                                  "sent twice counts once)")
class HouseholdStatusReported(EventData):
    activation_id: str
    report_id: str
    household_id: str
    grid_code: str
    village_code: str
    township_code: str
    status: Literal["checked", "not_reached", "evacuated", "needs_help"]
    previous_status: HouseholdStatus
    shelter_id: str | None
    drill: bool


@event(SOURCE, "activation.deactivated", summary="战→平：响应解除，形成总结报告 (an activation ended; its counts are "
                                                "the closing report's)")
class ActivationDeactivated(EventData):
    activation_id: str
    plan_id: str
    area_codes: list[str]
    hazard: Hazard
    level: Level
    drill: bool
    activated_at: datetime
    deactivated_at: datetime
    counts: Counts
    overdue_tasks: int = Field(ge=0)
    follow_ups: int = Field(ge=0)


@event(SOURCE, "drill.held", summary="应急演练完成 (a drill ended; counted apart from real activations)")
class DrillHeld(EventData):
    activation_id: str
    plan_id: str
    plan_version: int = Field(ge=1)
    area_codes: list[str]
    hazard: Hazard
    level: Level
    held_on: date
    households: int = Field(ge=0)
    households_reached: int = Field(ge=0, description="已核查或已转移的户数")
    minutes: int = Field(ge=0, description="演练时长")
