"""The models of the org service's RPC requests: what staff (through the gateway) send, validated by the service.
A member's ID number and phone arrive in clear text and are encrypted at rest."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import clock
from shared.pii import IdNumber, Phone

from .codes import (
    ACTIVITY_KINDS,
    KIND_LABELS,
    KINDS_AT_LEVEL,
    LEVEL_NAMES,
    ROSTER_LABELS,
    ROSTER_LEVEL,
    VISIT_KINDS,
    Category,
    OrgKind,
    PoliticalStatus,
    RegistrationKind,
    RosterRole,
)

AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,3}$", description="区划代码（县、乡镇、村或网格）")]


GridCode = Annotated[str, Field(pattern=r"^500229\d{9}$", description="网格代码（15位）")]


VillageCode = Annotated[str, Field(pattern=r"^500229\d{6}$", description="村（社区）代码（12位）")]


Name = Annotated[str, Field(min_length=1, max_length=60)]


Text = Annotated[str, Field(min_length=2, max_length=500)]


OrgId = Annotated[str, Field(pattern=r"^PO[0-9A-Za-z_-]{2,40}$", description="党组织编号")]



class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartyOrgIn(Model):
    # Field validators, so that each refusal names its field (the console shows it beside that field).
    org_id: OrgId
    name: Annotated[str, Field(min_length=4, max_length=60)]
    area_code: AreaCode
    kind: OrgKind
    parent_org_id: Annotated[OrgId | None, Field(default=None, validate_default=True)]
    secretary: Annotated[str | None, Field(default=None, max_length=30, description="书记（组长）")]
    founded_on: date | None = None
    active: bool = True

    @field_validator("kind")
    @classmethod
    def _fits_level(cls, kind, info):
        code = info.data.get("area_code")
        if code is None:
            return kind
        allowed = KINDS_AT_LEVEL.get(len(code), set())
        if kind not in allowed:
            labels = "、".join(KIND_LABELS[k] for k in sorted(allowed))
            raise ValueError(f"{LEVEL_NAMES.get(len(code), '该级')}只能设立{labels}")
        return kind

    @field_validator("parent_org_id", mode="after")
    @classmethod
    def _has_parent(cls, parent, info):
        code = info.data.get("area_code")
        if code is not None and len(code) > 6 and not parent:
            raise ValueError("须指定上级党组织")
        return parent


class MemberIn(Model):
    org_id: OrgId
    name: Name
    gender: Literal["male", "female"]
    id_number: Annotated[IdNumber, Field(description="身份证号（加密保存，脱敏显示）")]
    phone: Phone = None
    category: Category = Category.resident
    political_status: PoliticalStatus
    joined_on: date = Field(description="入党日期")
    work_unit: Annotated[str | None, Field(default=None, max_length=60, validate_default=True,
                                           description="工作单位（机关在职党员必填）")]
    origin: Annotated[str | None, Field(default=None, max_length=100, validate_default=True,
                                        description="流出地党组织（流入党员必填）")]

    @field_validator("id_number")
    @classmethod
    def _required(cls, value):
        if not value:
            raise ValueError("必填")
        return value

    @field_validator("joined_on")
    @classmethod
    def _not_future(cls, joined_on):
        if joined_on > clock.today():
            raise ValueError("入党日期不能晚于今天")
        return joined_on

    @field_validator("work_unit", mode="after")
    @classmethod
    def _agency_has_unit(cls, work_unit, info):
        if info.data.get("category") == Category.agency and not work_unit:
            raise ValueError("机关在职党员须填写工作单位")
        return work_unit

    @field_validator("origin", mode="after")
    @classmethod
    def _transferred_in_has_origin(cls, origin, info):
        if info.data.get("category") == Category.transferred_in and not origin:
            raise ValueError("流入党员须填写流出地党组织")
        return origin


class TransferBody(Model):
    """转入、转出、组织内调转: the destination (an organisation here, or a place outside the county)."""
    to_org_id: OrgId | None = None
    destination: Annotated[str | None, Field(default=None, min_length=2, max_length=100)]
    on: date
    note: Annotated[str | None, Field(default=None, max_length=200)]


class TransferIn(TransferBody):
    action: Literal["transfer", "transfer_out", "transfer_in"]


class RegistrationIn(Model):
    """One of the two registrations of 双报到, with what the member shows (三亮): identity, duty and pledge."""
    kind: RegistrationKind
    area_code: AreaCode
    registered_on: date
    identity: Annotated[str, Field(min_length=2, max_length=100, description="亮身份：在网格（社区）亮明的身份")]
    duty: Annotated[str, Field(min_length=2, max_length=200, description="亮职责：认领的岗位或职责")]
    pledge: Annotated[str, Field(min_length=2, max_length=300, description="亮承诺：公开的服务承诺")]

    @field_validator("area_code")
    @classmethod
    def _area_fits_kind(cls, code, info):
        kind = info.data.get("kind")
        wanted = 15 if kind == RegistrationKind.grid else 12
        if kind is not None and len(code) != wanted:
            raise ValueError("网格报到应选择网格" if wanted == 15 else "居住地报到应选择村（社区）")
        return code

    @field_validator("registered_on")
    @classmethod
    def _not_future(cls, registered_on):
        if registered_on > clock.today():
            raise ValueError("报到日期不能晚于今天")
        return registered_on


# cadres sent down to grids, joint building -----------------------------------------------------------------
class CadreAssignmentIn(Model):
    """下沉网格: an agency cadre assigned to a grid."""
    name: Name
    phone: Phone = None
    work_unit: Annotated[str, Field(min_length=2, max_length=60, description="派出单位")]
    post: Annotated[str | None, Field(default=None, max_length=30, description="职务")]
    grid_code: GridCode
    assigned_on: date
    client_ref: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$")]


class CadreActivityIn(Model):
    held_on: date
    kind: str
    content: Text

    @field_validator("kind")
    @classmethod
    def _known(cls, kind):
        if kind not in ACTIVITY_KINDS:
            raise ValueError(f"活动类型应为以下之一：{'、'.join(ACTIVITY_KINDS)}")
        return kind


class JointBuildingIn(Model):
    """联建共建: an agency, enterprise or institution paired with a village (community) or township organisation."""
    partner_name: Annotated[str, Field(min_length=2, max_length=60)]
    partner_kind: Literal["agency", "enterprise", "institution"]
    org_id: OrgId
    since: date
    content: Text
    client_ref: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$")]


class JointActivityIn(Model):
    held_on: date
    title: Annotated[str, Field(min_length=2, max_length=60)]
    content: Text
    participants: int = Field(ge=1, le=10000, description="参加人数")


class RosterPerson(Model):
    name: Name
    unit: Annotated[str, Field(min_length=2, max_length=60, description="所在单位")]
    phone: Phone = None
    deputy_kind: Literal["npc_deputy", "party_congress_deputy", "cppcc_member"] | None = None
    frequency: Literal["monthly", "bimonthly", "quarterly"] | None = None
    last_contact_on: date | None = None


class RosterBody(Model):
    people: Annotated[list[RosterPerson], Field(default_factory=list, max_length=20)]


class RosterIn(Model):
    role: RosterRole
    area_code: AreaCode
    people: Annotated[list[RosterPerson], Field(default_factory=list, max_length=20)]  # after role: checked by it

    @field_validator("area_code")
    @classmethod
    def _fits(cls, code, info):
        role = info.data.get("role")
        if role is not None and len(code) != ROSTER_LEVEL[role]:
            raise ValueError(f"{ROSTER_LABELS[role]}应按{LEVEL_NAMES[ROSTER_LEVEL[role]]}配备")
        return code

    @field_validator("people")
    @classmethod
    def _people(cls, people, info):
        role = info.data.get("role")
        if role is None:
            return people
        if role != RosterRole.deputy_contact:
            if len(people) > 1:
                raise ValueError(f"{ROSTER_LABELS[role]}：每个区划配备一人")
            if any(p.deputy_kind or p.frequency for p in people):
                raise ValueError("代表类别和联系频次只用于两代表一委员")
            return people
        if any(not p.deputy_kind or not p.frequency for p in people):
            raise ValueError("两代表一委员须填写代表类别和联系频次")
        return people



class CadreEndIn(Model):
    ended_on: date = Field(description="结束下沉日期")


class DeputyVisitIn(Model):
    """两代表一委员: a deputy's visit to a community on whose roster they are."""
    area_code: VillageCode
    person_id: Annotated[str, Field(pattern=r"^DP[0-9a-f]{16}$", description="名册人员编号")]
    visited_on: date
    kind: str
    content: Text
    participants: int = Field(ge=1, le=1000, description="接触群众人数")
    client_ref: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$")]

    @field_validator("kind")
    @classmethod
    def _known(cls, kind):
        if kind not in VISIT_KINDS:
            raise ValueError(f"联系方式应为以下之一：{'、'.join(VISIT_KINDS.values())}")
        return kind
