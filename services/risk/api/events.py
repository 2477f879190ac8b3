"""The risk service's events: levels, area codes, categories, unit names and ids only, never a person or the words
of a case. Member units' systems subscribe to `alert.raised` and pick the alerts whose `units` name them."""
from datetime import date
from typing import Literal

from pydantic import Field

from shared.events import EventData, event

SOURCE = "risk"
LevelName = Literal["red", "orange", "yellow", "blue"]


@event(SOURCE, "alert.raised", summary="风险预警 (an area's score reached an alert level; one open alert per area)")
class AlertRaised(EventData):
    alert_id: str
    area_code: str
    area_kind: Literal["village", "township"]
    township_code: str
    level: LevelName
    category: str = Field(description="风险类别，如 社会稳定、安全生产")
    score: float
    signal_count: int
    units: list[str] = Field(description="预警涉及其职责的成员单位")


@event(SOURCE, "level.changed", summary="风险等级变化 (an area's level moved with its score)")
class LevelChanged(EventData):
    area_code: str
    area_kind: Literal["village", "township"]
    township_code: str
    from_level: LevelName
    to_level: LevelName
    score: float


@event(SOURCE, "meeting.concluded", summary="研判会形成结论 (an assessment meeting concluded with a level and tasks)")
class MeetingConcluded(EventData):
    meeting_id: str
    trigger: Literal["alert", "schedule"]
    alert_id: str | None
    area_code: str | None
    level: LevelName
    units: list[str] = Field(description="发表意见的成员单位（常设与列席）")
    task_count: int


@event(SOURCE, "task.assigned", summary="研判会交办任务 (a follow-up task was given to a unit with a deadline)")
class TaskAssigned(EventData):
    task_id: str
    meeting_id: str
    owner_unit: str
    due_on: date
    area_code: str | None


@event(SOURCE, "task.overdue", summary="交办任务逾期升级 (an overdue task went up a step of escalation)")
class TaskOverdue(EventData):
    task_id: str
    meeting_id: str
    owner_unit: str
    due_on: date
    area_code: str | None
    escalation_level: int = Field(ge=1)
    escalated_to: str


@event(SOURCE, "designation.changed", summary="平安创建称号变化 (a township gained or lost 无毒、无邪、无讼 or 平安示范)")
class DesignationChanged(EventData):
    township_code: str
    designation: Literal["drug_free", "cult_free", "litigation_free", "peace_building"]
    granted: bool
