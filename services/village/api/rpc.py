"""The bodies the village service's RPC methods take, as the gateway documents them and the service validates them.
Each refusal names its field and says in Chinese what is wrong; rules that need stored state (the step a matter is
at, the quorum of a meeting) are the service's, in its domain modules."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){1,3}$", description="区划代码（乡镇、村或网格）")]
VillageCode = Annotated[str, Field(pattern=r"^500229\d{6}$", description="村（社区）代码（12位）")]
GridCode = Annotated[str, Field(pattern=r"^500229\d{9}$", description="网格代码（15位）")]
ResidentId = Annotated[str, Field(pattern=r"^RS[0-9a-f]{16}$", description="居民编号（网格服务所发）")]
HouseholdId = Annotated[str, Field(pattern=r"^HH[0-9a-f]{16}$", description="户编号（网格服务所发）")]
RuleCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_-]{1,30}$", description="积分规则代码（道德银行）")]
ClientRef = Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$",
                                        description="客户端生成的提交编号，重复提交只登记一次")]
Title = Annotated[str, Field(min_length=4, max_length=60)]
Text = Annotated[str, Field(min_length=2, max_length=500)]
Minutes = Annotated[str, Field(min_length=2, max_length=2000, description="会议记录摘要")]
Count = Annotated[int, Field(ge=0, le=100000)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# 一约: a version of the village rules ------------------------------------------------------------------------------
class Clause(Model):
    no: int = Field(ge=1, le=200, description="条款序号")
    text: Text
    conduct: Literal["good_deed", "breach"] | None = Field(default=None, description="记录善行或违约时所依据的条款")
    points_rule_code: Annotated[RuleCode | None, Field(default=None, validate_default=True,
                                                       description="关联的道德银行积分规则")]

    @field_validator("points_rule_code", mode="after")
    @classmethod
    def _needs_conduct(cls, code, info):
        if code and not info.data.get("conduct"):
            raise ValueError("关联积分规则的条款须注明是善行还是违约")
        return code


def _numbered(clauses: list[Clause]) -> list[Clause]:
    if [c.no for c in clauses] != list(range(1, len(clauses) + 1)):
        raise ValueError("条款应从第1条起连续编号")
    return clauses


class RulesDraftIn(Model):
    """A new version of a village's, community's or compound's rules, as a draft to be put to the meeting."""
    area_code: AreaCode
    kind: Literal["village_compact", "residents_compact", "compound_rules"]
    title: Title
    clauses: Annotated[list[Clause], Field(min_length=1, max_length=200)]
    client_ref: ClientRef = None

    @field_validator("area_code")
    @classmethod
    def _level(cls, code):
        if len(code) not in (12, 15):
            raise ValueError("应选择村（社区）或小区所在网格")
        return code

    @field_validator("clauses")
    @classmethod
    def _numbers(cls, clauses):
        return _numbered(clauses)

    @model_validator(mode="after")
    def _area_fits_kind(self):
        if (self.kind == "compound_rules") != (len(self.area_code) == 15):
            raise ValueError("小区守则按小区（网格）制定，村规民约、居民公约按村（社区）制定")
        return self


class RulesDraftChange(Model):
    title: Title | None = None
    clauses: Annotated[list[Clause] | None, Field(default=None, min_length=1, max_length=200)]

    @field_validator("clauses")
    @classmethod
    def _numbers(cls, clauses):
        return _numbered(clauses) if clauses is not None else clauses


class MeetingIn(Model):
    """A villagers' meeting (村民会议) or representatives' meeting (村民代表会议) that voted on something."""
    meeting_kind: Literal["villagers_meeting", "representatives_meeting"]
    held_on: date
    attendees: Count = Field(description="到会人数（村民会议按到会村民或户代表计）")
    households_represented: Count | None = Field(default=None, description="到会户代表所代表的户数（仅村民会议）")
    votes_for: Count
    votes_against: Count
    abstentions: Count = 0
    minutes: Minutes

    @model_validator(mode="after")
    def _counts(self):
        if self.votes_for + self.votes_against + self.abstentions > self.attendees:
            raise ValueError("赞成、反对、弃权票数之和不能超过到会人数")
        if self.households_represented is not None and self.meeting_kind != "villagers_meeting":
            raise ValueError("到会户数只用于村民会议")
        return self


class RulesActionBody(Model):
    """What a step of a rules version carries; which fields it needs is in the table."""
    meeting: MeetingIn | None = Field(default=None, description="表决的会议（adopt）")
    opinion: Text | None = Field(default=None, description="乡镇审查意见（review）")
    reason: Text | None = Field(default=None, description="退回理由（return）")
    filing_number: Annotated[str | None, Field(default=None, min_length=2, max_length=40,
                                               description="备案编号（file）")]
    on: date | None = Field(default=None, description="报备、备案或公布的日期（默认今天）")


class RulesActionIn(RulesActionBody):
    action: str


class ConductIn(Model):
    """A good deed or a breach under one clause of the rules in force, for one household."""
    clause_no: int = Field(ge=1, le=200)
    household_id: HouseholdId
    occurred_on: date
    note: Text
    client_ref: ClientRef = None


# 四会: councils, their meetings, family-event reports, points-claim reviews ------------------------------------------
class CouncilMemberIn(Model):
    resident_id: ResidentId
    role: Literal["chair", "vice_chair", "member"] = "member"


class CouncilIn(Model):
    """One of the four councils of a village, with its term and members (residents of the village, by reference)."""
    village_code: VillageCode
    kind: Literal["wedding_funeral_council", "villagers_council", "ethics_council", "drug_gambling_council"]
    term_start: date
    term_end: date
    members: Annotated[list[CouncilMemberIn], Field(min_length=3, max_length=25)]
    charter: Annotated[str | None, Field(default=None, max_length=2000, description="章程要点")]
    max_tables: Annotated[int | None, Field(default=None, ge=1, le=100, validate_default=True,
                                            description="红白理事会简办标准：酒席桌数上限")]

    @field_validator("term_end")
    @classmethod
    def _term(cls, end, info):
        start = info.data.get("term_start")
        if start and not (start < end <= start.replace(year=start.year + 5)):
            raise ValueError("任期应在开始之后、五年以内")
        return end

    @field_validator("members")
    @classmethod
    def _members(cls, members):
        if len({m.resident_id for m in members}) != len(members):
            raise ValueError("成员不能重复")
        if sum(1 for m in members if m.role == "chair") != 1:
            raise ValueError("须有且只有一名会长")
        return members

    @field_validator("max_tables", mode="after")
    @classmethod
    def _standard(cls, tables, info):
        wedding = info.data.get("kind") == "wedding_funeral_council"
        if wedding and tables is None:
            raise ValueError("红白理事会须定简办标准（酒席桌数上限）")
        if not wedding and tables is not None:
            raise ValueError("简办标准只用于红白理事会")
        return tables


class CouncilMeetingIn(Model):
    held_on: date
    topic: Annotated[str, Field(min_length=2, max_length=60)]
    attendees: int = Field(ge=1, le=1000, description="到会人数")
    present_member_ids: Annotated[list[ResidentId], Field(default_factory=list, max_length=25)]
    minutes: Minutes
    decisions: Annotated[list[Text], Field(default_factory=list, max_length=20, description="议定事项")]
    client_ref: ClientRef = None


class FamilyEventIn(Model):
    """婚丧事宜报备: a household reports a wedding or a funeral to the village's 红白理事会."""
    household_id: HouseholdId
    kind: Literal["wedding", "funeral"]
    event_date: date
    planned_tables: int = Field(ge=1, le=200, description="计划酒席桌数")
    planned_guests: int = Field(ge=1, le=5000, description="计划规模（人）")
    simple_declared: bool = Field(description="承诺婚事新办、丧事简办")
    client_ref: ClientRef = None


class FamilyEventActionBody(Model):
    checked_on: date | None = None
    actual_tables: int | None = Field(default=None, ge=0, le=200)
    actual_guests: int | None = Field(default=None, ge=0, le=5000)
    simple: bool | None = Field(default=None, description="理事会认定：是否简办")
    findings: Text | None = Field(default=None, description="核查情况")
    reason: Text | None = Field(default=None, description="取消原因")


class FamilyEventActionIn(FamilyEventActionBody):
    action: str


class ClaimReviewIn(Model):
    """道德评议会 reviews a points claim waiting for the credit service's approval."""
    award_id: Annotated[str, Field(pattern=r"^AW[0-9a-f]{16}$", description="积分申报编号")]
    opinion: Literal["support", "oppose"]
    held_on: date
    note: Text


# 四议两公开 ------------------------------------------------------------------------------------------------------
class MatterIn(Model):
    village_code: VillageCode
    kind: Literal["land_contracting", "project", "collective_funds", "collective_assets", "public_welfare", "other"]
    title: Title
    description: Annotated[str, Field(min_length=5, max_length=2000)]
    amount_yuan: int | None = Field(default=None, ge=0, le=10 ** 10, description="涉及金额（元）")
    client_ref: ClientRef = None


class StepIn(Model):
    """One of the six steps. The deliberations (propose, consult, review, resolve) carry the meeting, its
    attendance and votes; the publications carry where and what was made public."""
    held_on: date = Field(description="会议或公开日期")
    expected: Count | None = Field(default=None, description="应到人数（决议由村民人数或代表人数核定）")
    present: Count | None = Field(default=None, description="实到人数")
    households_represented: Count | None = Field(default=None, description="到会户数（村民会议）")
    votes_for: Count | None = None
    votes_against: Count | None = None
    abstentions: Count | None = None
    meeting_kind: Literal["villagers_meeting", "representatives_meeting"] | None = None
    minutes: Minutes | None = None
    channel: Literal["notice_board", "online", "broadcast", "meeting"] | None = None
    content: Annotated[str | None, Field(default=None, min_length=2, max_length=2000, description="公开内容")]


class WithdrawIn(Model):
    reason: Text


class RepresentativesIn(Model):
    """村民代表会议组成人员 (村民委员会成员和村民代表) of a village, residents by reference."""
    resident_ids: Annotated[list[ResidentId], Field(min_length=3, max_length=200)]

    @field_validator("resident_ids")
    @classmethod
    def _unique(cls, ids):
        if len(set(ids)) != len(ids):
            raise ValueError("组成人员不能重复")
        return ids


# 村民说事 ------------------------------------------------------------------------------------------------------
class RaisedMatterIn(Model):
    summary: Annotated[str, Field(min_length=5, max_length=500)]
    topic: Literal["land", "neighbour", "family", "labour", "environment", "infrastructure", "public_service",
                   "village_affairs", "other"]
    party_resident_ids: Annotated[list[ResidentId], Field(default_factory=list, max_length=20)]
    grid_code: GridCode | None = None


class SessionIn(Model):
    """村民说事、民情恳谈、百姓议事: who came, and what they raised."""
    village_code: VillageCode
    kind: Literal["villagers_talk", "public_consultation", "residents_deliberation"]
    held_on: date
    place: Annotated[str, Field(min_length=2, max_length=60)]
    topic: Annotated[str, Field(min_length=2, max_length=60)]
    participants: int = Field(ge=1, le=5000, description="参加人数")
    participant_ids: Annotated[list[ResidentId], Field(default_factory=list, max_length=200)]
    matters: Annotated[list[RaisedMatterIn], Field(default_factory=list, max_length=30)]
    client_ref: ClientRef = None

    @model_validator(mode="after")
    def _known_fewer(self):
        if len(self.participant_ids) > self.participants:
            raise ValueError("登记的参加居民多于参加人数")
        return self


class SessionMatterActionBody(Model):
    item_code: Annotated[str | None, Field(default=None, pattern=r"^[a-z_]{2,30}\.[a-z_]{2,30}$",
                                           description="网格责任事项（转网格事件）")]
    grid_code: GridCode | None = Field(default=None, description="事发网格（转网格事件，默认登记时所填）")
    note: Text | None = Field(default=None, description="当场答复情况（当场解决）")


class SessionMatterActionIn(SessionMatterActionBody):
    action: str
