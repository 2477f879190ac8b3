"""The models of the risk service's RPC requests: what staff and member units (through the gateway) send, validated
by the service."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .codes import CATEGORIES


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Level = Literal["red", "orange", "yellow", "blue"]


AreaCode = Annotated[str, Field(pattern=r"^500229\d{3}(\d{3})?$", description="乡镇（9位）或村（12位）代码")]


UnitName = Annotated[str, Field(min_length=2, max_length=40)]


class MemberUnitIn(Model):
    name: UnitName
    standing: bool = True
    domains: Annotated[list[Literal[CATEGORIES]], Field(max_length=len(CATEGORIES))] = []  # type: ignore[valid-type]
    active: bool = True


class RiskItemIn(Model):
    title: Annotated[str, Field(min_length=2, max_length=80)]
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    area_code: AreaCode
    level: Level
    owner_unit: UnitName
    measures: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=20)] = []
    client_ref: Annotated[str, Field(max_length=64)] | None = None


class RiskItemChange(Model):
    level: Level | None = None
    status: Literal["open", "controlled", "closed"] | None = None
    measures: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=20)] | None = None
    owner_unit: UnitName | None = None


class InvitedUnit(Model):
    name: UnitName
    reason: Annotated[str, Field(min_length=2, max_length=100)]


class AssessmentMeetingIn(Model):
    title: Annotated[str, Field(min_length=2, max_length=80)]
    trigger: Literal["alert", "schedule"]
    alert_id: str | None = None
    area_code: AreaCode | None = None
    held_on: date
    standing_units: Annotated[list[UnitName], Field(max_length=40)] | None = None  # default: every standing unit
    invited_units: Annotated[list[InvitedUnit], Field(max_length=20)] = []
    client_ref: Annotated[str, Field(max_length=64)] | None = None


class OpinionIn(Model):
    unit: UnitName
    opinion: Annotated[str, Field(min_length=2, max_length=1000)]
    suggested_level: Level | None = None


class TaskIn(Model):
    title: Annotated[str, Field(min_length=2, max_length=200)]
    owner_unit: UnitName
    due_on: date


class ConclusionIn(Model):
    resolution: Annotated[str, Field(min_length=2, max_length=2000)]
    level: Level
    tasks: Annotated[list[TaskIn], Field(max_length=30)] = []


class TaskDoneIn(Model):
    note: Annotated[str, Field(min_length=2, max_length=500)]



class DesignationRunIn(Model):
    township_codes: Annotated[list[Annotated[str, Field(pattern=r"^500229\d{3}$")]] | None,
                              Field(default=None, max_length=40, description="评定的乡镇（默认全部）")]
