"""Party organisation on the grids (党建引领, plan section 二(一)) and the rule-of-law rosters of 二(二)二: the
organisation tree from the county committee down to grid branches, party members and their transfers, the two
registrations of "三亮双报到", cadres sent down to grids, joint building, and the area rosters.

Plain rules on pydantic models; no I/O. Personal data (ID numbers, phones) arrives here in clear text and leaves
through store.py, which encrypts it. Political status is kept apart from the rest of a member: see `SENSITIVE`.
"""
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import clock
from shared.pii import IdNumber, Phone
from shared.scope import area_path  # noqa: F401 - the service's rules speak of it
from shared.workflow import Transition, Workflow

MANAGE = "org.manage"

COUNTY_CODE = "500229"
AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,3}$", description="区划代码（县、乡镇、村或网格）")]
GridCode = Annotated[str, Field(pattern=r"^500229\d{9}$", description="网格代码（15位）")]
VillageCode = Annotated[str, Field(pattern=r"^500229\d{6}$", description="村（社区）代码（12位）")]
Name = Annotated[str, Field(min_length=1, max_length=60)]
Text = Annotated[str, Field(min_length=2, max_length=500)]
OrgId = Annotated[str, Field(pattern=r"^PO[0-9A-Za-z_-]{2,40}$", description="党组织编号")]


def local_today() -> date:
    """Today where the staff work: dates they enter may not lie after it."""
    return clock.now().astimezone(clock.LOCAL).date()


LEVEL_NAMES = {6: "县", 9: "乡镇（街道）", 12: "村（社区）", 15: "网格"}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# the organisation tree --------------------------------------------------------------------------------------
class OrgKind(StrEnum):
    committee = "committee"                  # 党委（县委、乡镇党委、村或社区党委）
    working_committee = "working_committee"  # 党工委（街道）
    branch = "branch"                        # 党支部
    group = "group"                          # 党小组


KIND_LABELS = {OrgKind.committee: "党委", OrgKind.working_committee: "党工委", OrgKind.branch: "党支部",
               OrgKind.group: "党小组"}
# What may stand at each level of the tree; a street has a working committee, a town or township a committee.
KINDS_AT_LEVEL = {6: {OrgKind.committee}, 9: {OrgKind.committee, OrgKind.working_committee},
                  12: {OrgKind.committee, OrgKind.branch}, 15: {OrgKind.branch, OrgKind.group}}
# "支部建在网格上": a grid counts as covered when a branch or a party group stands on it.
GRID_KINDS = {OrgKind.branch, OrgKind.group}


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


def org_problem(org: PartyOrgIn, area_kind: str | None, parent: dict | None) -> tuple[str, str] | None:
    """(field, message) of what makes the organisation not fit the tree, or None. `area_kind` is the read model's
    kind of the area; `parent` the stored parent organisation."""
    if area_kind in ("street",) and org.kind == OrgKind.committee:
        return "kind", "街道设立党工委"
    if area_kind in ("town", "township") and org.kind == OrgKind.working_committee:
        return "kind", "乡镇设立党委"
    if len(org.area_code) == 6:
        return ("parent_org_id", "县委是组织树的根，没有上级党组织") if org.parent_org_id else None
    if parent is None:
        return "parent_org_id", "上级党组织不存在"
    if parent["area_code"] != org.area_code[:len(org.area_code) - 3]:
        return "parent_org_id", "上级党组织应设在上一级区划"
    if not parent.get("active", True):
        return "parent_org_id", "上级党组织已撤销"
    return None


# party members -----------------------------------------------------------------------------------------------
class Category(StrEnum):
    resident = "resident"              # 辖区居民党员
    transferred_in = "transferred_in"  # 流入党员
    agency = "agency"                  # 机关企事业单位在职党员（居住在辖区）


CATEGORY_LABELS = {Category.resident: "辖区党员", Category.transferred_in: "流入党员",
                   Category.agency: "机关在职党员"}


class PoliticalStatus(StrEnum):
    full = "full"                  # 正式党员
    probationary = "probationary"  # 预备党员


POLITICAL_STATUS_LABELS = {PoliticalStatus.full: "正式党员", PoliticalStatus.probationary: "预备党员"}
# A member's political status and the day they joined are shown only to roles granted `org.sensitive`.
SENSITIVE = ("political_status", "political_status_label", "joined_on")


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
        if joined_on > local_today():
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


class RegistrationKind(StrEnum):
    grid = "grid"            # 在网格单位报到
    community = "community"  # 在居住地社区（村）党组织报到


REGISTRATION_LABELS = {RegistrationKind.grid: "网格报到", RegistrationKind.community: "居住地社区报到"}


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
        if registered_on > local_today():
            raise ValueError("报到日期不能晚于今天")
        return registered_on


def both_registered(registrations: dict) -> bool:
    return all(kind.value in (registrations or {}) for kind in RegistrationKind)


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


ACTIVITY_KINDS = {"visit": "走访群众", "publicity": "政策宣讲", "mediation": "化解矛盾", "service": "志愿服务",
                  "patrol": "参与巡查", "other": "其他"}


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


PARTNER_KINDS = {"agency": "机关", "enterprise": "企业", "institution": "事业单位"}


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


# area rosters -----------------------------------------------------------------------------------------------
class RosterRole(StrEnum):
    police = "police"                  # 一村一警
    legal_adviser = "legal_adviser"    # 一村一法律顾问
    judge = "judge"                    # 一街镇一法官
    prosecutor = "prosecutor"          # 一乡一检察官
    deputy_contact = "deputy_contact"  # 两代表一委员


ROSTER_LABELS = {RosterRole.police: "一村一警", RosterRole.legal_adviser: "一村一法律顾问",
                 RosterRole.judge: "一街镇一法官", RosterRole.prosecutor: "一乡一检察官",
                 RosterRole.deputy_contact: "两代表一委员"}
# Where each role stands: the police officer and the legal adviser in every village and community, the judge and
# the prosecutor in every township-level area (town, township and street alike), the deputies at communities.
ROSTER_LEVEL = {RosterRole.police: 12, RosterRole.legal_adviser: 12, RosterRole.judge: 9, RosterRole.prosecutor: 9,
                RosterRole.deputy_contact: 12}
DEPUTY_KINDS = {"npc_deputy": "人大代表", "party_congress_deputy": "党代表", "cppcc_member": "政协委员"}
FREQUENCY_DAYS = {"monthly": 30, "bimonthly": 61, "quarterly": 92}
FREQUENCY_LABELS = {"monthly": "每月", "bimonthly": "每两月", "quarterly": "每季度"}


def required_roles(area_kind: str) -> list[RosterRole]:
    """The roster roles an area must fill, by its kind in the area tree."""
    if area_kind in ("town", "township", "street"):
        return [RosterRole.judge, RosterRole.prosecutor]
    if area_kind == "village":
        return [RosterRole.police, RosterRole.legal_adviser]
    if area_kind == "community":
        return [RosterRole.police, RosterRole.legal_adviser, RosterRole.deputy_contact]
    return []


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


def roster_complete(role: str, people: list[dict]) -> bool:
    """A slot is filled by its one person; 两代表一委员 needs a people's congress deputy, a party congress deputy
    and a CPPCC member who contact the community."""
    if role == RosterRole.deputy_contact:
        return set(DEPUTY_KINDS) <= {p.get("deputy_kind") for p in people}
    return len(people) >= 1


def next_contact_on(person: dict) -> date | None:
    """The day a deputy's next contact with the community is due: the last one plus the schedule's interval."""
    if not person.get("frequency") or not person.get("last_contact_on"):
        return None
    last = person["last_contact_on"]
    last = date.fromisoformat(last) if isinstance(last, str) else last
    return last + timedelta(days=FREQUENCY_DAYS[person["frequency"]])


# a member's place on the roster: transfers keep the history --------------------------------------------------
MEMBER_STATUS_LABELS = {"active": "在册", "transferred_out": "已转出"}
MEMBERSHIP = Workflow("party_member", MEMBER_STATUS_LABELS, [
    Transition("transfer", frozenset({"active"}), "active", MANAGE, "组织内调转", ("to_org_id",)),
    Transition("transfer_out", frozenset({"active"}), "transferred_out", MANAGE, "转出", ("destination",)),
    Transition("transfer_in", frozenset({"transferred_out"}), "active", MANAGE, "转回", ("to_org_id",)),
])
