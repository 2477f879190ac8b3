"""The emergency service's RPC request models: what the gateway (and any other caller) sends. Each refusal names
its field in Chinese (shared.errors.parse)."""
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.pii import Phone

from .codes import HOUSEHOLD_KINDS, CommandRole, Hazard, HouseholdStatus, Level, TaskKind, TaskScope

PlanId = Annotated[str, Field(pattern=r"^EP[0-9A-Za-z_-]{2,40}$", description="预案编号（各版本共用）")]
ShelterId = Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{1,40}$", description="安置点编号")]
ClientId = Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{8,64}$", description="客户端生成的编号，重复提交只算一次")]
PlanArea = Annotated[str, Field(pattern=r"^500229(\d{3}){0,2}$", description="县、乡镇（街道）或村（社区）代码")]
ActivationArea = Annotated[str, Field(pattern=r"^500229(\d{3}){1,2}$", description="乡镇（街道）或村（社区）代码")]
ReportArea = Annotated[str, Field(pattern=r"^500229(\d{3}){2,3}$", description="村（社区）或网格代码")]
Title = Annotated[str, Field(min_length=2, max_length=60)]
Text = Annotated[str, Field(min_length=2, max_length=500)]
Reason = Annotated[str, Field(min_length=4, max_length=500, description="理由")]
Line = Annotated[str, Field(min_length=2, max_length=200)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CommandPost(Model):
    """One role of the wartime command, its duty, and for the roles no register keeps (deputies, village cadres)
    the people the plan names."""
    role: CommandRole
    duty: Text
    people: Annotated[list[Annotated[str, Field(min_length=1, max_length=30)]], Field(max_length=20)] = []


class TaskTemplate(Model):
    kind: TaskKind
    title: Title
    min_level: Level = Field(description="applies at this level and every graver one")
    scope: TaskScope = TaskScope.grid
    assignee_role: CommandRole = CommandRole.grid_worker
    due_minutes: int = Field(ge=10, le=7 * 24 * 60, description="minutes after activation")
    repeat_minutes: Annotated[int | None, Field(default=None, ge=30, le=24 * 60, validate_default=True,
                                                description="每小时报告 etc.: due again")]

    # Field validators, so that each refusal names its field (the console shows it beside that field).
    @field_validator("scope")
    @classmethod
    def _scope_fits_kind(cls, scope, info):
        kind = info.data.get("kind")
        if kind is not None and (kind in HOUSEHOLD_KINDS) != (scope == TaskScope.household):
            raise ValueError("入户排查与转移安置按户生成，其他任务按网格或村生成")
        return scope

    @field_validator("repeat_minutes")
    @classmethod
    def _hourly_repeats(cls, minutes, info):
        if info.data.get("kind") == TaskKind.hourly_report and not minutes:
            raise ValueError("每小时报告须填写报告间隔")
        return minutes


class Shelter(Model):
    shelter_id: ShelterId
    name: Title
    area_code: ReportArea
    capacity: int = Field(ge=1, le=100000, description="可安置人数")
    address: Annotated[str | None, Field(default=None, max_length=120)] = None


class Material(Model):
    name: Title
    quantity: int = Field(ge=0, le=10 ** 7)
    unit: Annotated[str, Field(min_length=1, max_length=10)]
    location: Annotated[str, Field(min_length=2, max_length=80)]


class Contact(Model):
    name: Annotated[str, Field(min_length=1, max_length=30)]
    title: Annotated[str, Field(min_length=2, max_length=40, description="职务，如 乡应急办主任")]
    unit: Annotated[str, Field(min_length=2, max_length=60)]
    phone: Phone = None


class PlanIn(Model):
    plan_id: PlanId
    title: Annotated[str, Field(min_length=4, max_length=80)]
    area_code: PlanArea
    hazard: Hazard
    command: Annotated[list[CommandPost], Field(min_length=1, max_length=12)]
    task_templates: Annotated[list[TaskTemplate], Field(min_length=1, max_length=30)]
    shelters: Annotated[list[Shelter], Field(max_length=50)] = []
    materials: Annotated[list[Material], Field(max_length=50)] = []
    contacts: Annotated[list[Contact], Field(max_length=30)] = []
    reviewed_on: date | None = Field(default=None, description="审定日期，默认今天；满一年须复审")

    @field_validator("command")
    @classmethod
    def _one_commander(cls, posts):
        roles = [p.role for p in posts]
        if roles.count(CommandRole.commander) != 1:
            raise ValueError("须设且只设一名指挥长")
        if len(set(roles)) != len(roles):
            raise ValueError("同一角色只列一次")
        return posts

    @field_validator("task_templates")
    @classmethod
    def _checks_every_household(cls, templates):
        if not any(t.kind == TaskKind.household_check for t in templates):
            raise ValueError("须有入户排查任务（逐户核查）")
        return templates

    @field_validator("shelters")
    @classmethod
    def _unique_shelters(cls, shelters):
        ids = [s.shelter_id for s in shelters]
        if len(set(ids)) != len(ids):
            raise ValueError("安置点编号重复")
        return shelters


class ActivationIn(Model):
    plan_id: PlanId
    area_codes: Annotated[list[ActivationArea], Field(min_length=1, max_length=30)]
    level: Level
    reason: Reason
    drill: bool = Field(default=False, description="演练：单独统计，不计入风险")
    client_ref: ClientId | None = None

    @field_validator("area_codes")
    @classmethod
    def _distinct(cls, codes):
        if len(set(codes)) != len(codes):
            raise ValueError("区划重复")
        return codes


class LevelChangeIn(Model):
    level: Level
    reason: Reason


class ExtendIn(Model):
    area_codes: Annotated[list[ActivationArea], Field(min_length=1, max_length=30)]
    reason: Reason


class HouseholdReportIn(Model):
    """A grid worker's report on one household: two taps on the phone, sent again until the service answers."""
    report_id: ClientId
    status: HouseholdStatus
    shelter_id: Annotated[ShelterId | None, Field(default=None, validate_default=True)]
    people: int | None = Field(default=None, ge=0, le=50, description="转移人数，默认为该户人数")
    note: Annotated[str | None, Field(default=None, max_length=200)] = None

    @field_validator("status")
    @classmethod
    def _reported(cls, status):
        if status == HouseholdStatus.pending:
            raise ValueError("应报告已核查、未联系上、已转移或需要帮助")
        return status

    @field_validator("shelter_id")
    @classmethod
    def _shelter_when_evacuated(cls, shelter_id, info):
        status = info.data.get("status")
        if status is not None and (status == HouseholdStatus.evacuated) != bool(shelter_id):
            raise ValueError("已转移须选择安置点；其他情况不填安置点")
        return shelter_id


class HourlyReportIn(Model):
    report_id: ClientId
    area_code: ReportArea
    summary: Text


class TaskDoneIn(Model):
    note: Annotated[str, Field(min_length=2, max_length=200)]


class FollowUp(Model):
    title: Line
    owner: Annotated[str, Field(min_length=2, max_length=40, description="责任单位或责任人")]
    due_on: date


class DeactivationIn(Model):
    reason: Reason
    went_wrong: Annotated[list[Line], Field(max_length=20, description="存在的问题")] = []
    follow_ups: Annotated[list[FollowUp], Field(max_length=20, description="后续整改任务")] = []
