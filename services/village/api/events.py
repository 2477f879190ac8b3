"""The village service's events. Ids, codes, dates and counts only: never a resident's name, ID number or phone
(a household id names the passbook a points award goes to, as the credit service's own events do)."""
from datetime import date
from typing import Literal

from pydantic import Field

from shared.events import EventData, event

from .codes import SOURCE

RulesKind = Literal["village_compact", "residents_compact", "compound_rules"]
MeetingKind = Literal["villagers_meeting", "representatives_meeting"]
CouncilKind = Literal["wedding_funeral_council", "villagers_council", "ethics_council", "drug_gambling_council"]
Step = Literal["propose", "consult", "review", "resolve", "publish_resolution", "publish_result"]


class Placed(EventData):
    village_code: str = Field(description="村（社区）代码")
    township_code: str = Field(description="乡镇（街道）代码")


# 一约 ----------------------------------------------------------------------------------------------------------
class RulesEvent(Placed):
    rules_id: str = Field(description="村规民约（某一版本）编号")
    kind: RulesKind
    area_code: str = Field(description="村（社区）或小区所在网格代码")
    rules_version: int = Field(ge=1, description="第几版")


@event(SOURCE, "village_rules.adopted", summary="村规民约表决通过 (a version of the village rules was adopted by a "
                                                "villagers' or representatives' meeting that had its quorum)")
class RulesAdopted(RulesEvent):
    meeting_kind: MeetingKind
    adopted_on: date
    clauses: int = Field(ge=1)


@event(SOURCE, "village_rules.submitted", summary="村规民约报乡镇备案 (filing: submitted to the township)")
class RulesSubmitted(RulesEvent):
    submitted_on: date


@event(SOURCE, "village_rules.filed", summary="村规民约备案 (filing: the township filed the version)")
class RulesFiled(RulesEvent):
    filed_on: date


@event(SOURCE, "village_rules.returned", summary="村规民约备案退回 (filing: returned to the village with a reason)")
class RulesReturned(RulesEvent):
    returned_on: date


@event(SOURCE, "village_rules.published", summary="村规民约公布施行 (a filed version was published on the residents' "
                                                  "page; the version before it is superseded)")
class RulesPublished(RulesEvent):
    published_on: date
    supersedes: str | None = Field(description="被取代的上一版本编号")


@event(SOURCE, "conduct.recorded", summary="依村规民约记录善行或违约 (a good deed or a breach under a clause linked to a "
                                           "points rule; the credit service decides the points through its approval)")
class ConductRecorded(Placed):
    conduct_id: str
    rules_id: str
    clause_no: int = Field(ge=1)
    kind: Literal["good_deed", "breach"]
    points_rule_code: str = Field(description="条款关联的积分规则代码")
    household_id: str = Field(description="户编号（积分存折）")
    occurred_on: date


# 四会 ----------------------------------------------------------------------------------------------------------
@event(SOURCE, "council.met", summary="四会开会 (a council met: minutes and decisions recorded)")
class CouncilMet(Placed):
    council_id: str
    kind: CouncilKind
    meeting_id: str
    held_on: date
    attendees: int = Field(ge=1)
    decisions: int = Field(ge=0)


@event(SOURCE, "family_event_report.checked",
       summary="红白理事会婚丧事宜核查 (the council checked a reported wedding or funeral afterwards; a simple one is "
               "what the credit service's points rule for 移风易俗 awards from, through its approval)")
class FamilyEventChecked(Placed):
    report_id: str
    council_id: str
    household_id: str = Field(description="报备户编号（积分存折）")
    kind: Literal["wedding", "funeral"]
    event_date: date
    tables: int = Field(ge=0, description="实际酒席桌数")
    simple: bool = Field(description="理事会认定婚事新办、丧事简办")


@event(SOURCE, "points_claim.reviewed",
       summary="道德评议会评议积分申报 (the ethics council's opinion on a points claim awaiting the credit service's "
               "approval; the credit service records it on the claim)")
class PointsClaimReviewed(Placed):
    review_id: str
    award_id: str = Field(description="积分申报编号（道德银行）")
    council_id: str
    opinion: Literal["support", "oppose"]
    held_on: date


# 四议两公开 ----------------------------------------------------------------------------------------------------
class MatterEvent(Placed):
    matter_id: str
    kind: str = Field(description="事项类别")


@event(SOURCE, "village_matter.step_recorded",
       summary="四议两公开步骤完成 (one of the six steps of an important village matter was recorded, in order)")
class MatterStepRecorded(MatterEvent):
    step: Step
    step_no: int = Field(ge=1, le=6)
    held_on: date
    meeting_kind: MeetingKind | None = Field(description="决议所用会议（仅 resolve）")
    present: int | None = Field(description="实到人数（公开步骤为空）")
    votes_for: int | None
    completed: bool = Field(description="六步均已完成")
    late: bool = Field(description="与上一步相隔超过时限")


@event(SOURCE, "village_matter.resolution_refused",
       summary="决议未成立 (a meeting to resolve the matter lacked the legal quorum or the majority; it is kept in the "
               "matter's history and the matter waits for another meeting)")
class MatterResolutionRefused(MatterEvent):
    meeting_kind: MeetingKind
    held_on: date
    reason: Literal["quorum", "majority"]
    present: int
    required: int = Field(description="法定所需人数（到会或赞成）")


@event(SOURCE, "village_matter.step_overdue",
       summary="四议两公开步骤超时 (a matter has waited at one step longer than the configured time; flagged to the "
               "township)")
class MatterStepOverdue(MatterEvent):
    waiting_for: Step
    since: date
    days: int = Field(ge=1)


@event(SOURCE, "village_matter.withdrawn", summary="事项撤回 (a matter was withdrawn before it was completed)")
class MatterWithdrawn(MatterEvent):
    at_status: str


# 村民说事 ------------------------------------------------------------------------------------------------------
@event(SOURCE, "session.held", summary="村民说事、民情恳谈、百姓议事 (a session was held and its matters recorded)")
class SessionHeld(Placed):
    session_id: str
    kind: Literal["villagers_talk", "public_consultation", "residents_deliberation"]
    held_on: date
    participants: int = Field(ge=1)
    matters: int = Field(ge=0)


@event(SOURCE, "session_matter.referred_to_mediation",
       summary="说事事项转人民调解 (a matter raised at a session goes to mediation; the mediation service opens one "
               "dispute for it)")
class SessionMatterReferredToMediation(Placed):
    session_id: str
    matter_id: str = Field(description="说事事项编号")
    area_code: str = Field(description="事发地：村（社区）或网格代码")
    topic: str
    party_resident_ids: list[str] = Field(description="当事居民编号（不含姓名等个人信息）")


@event(SOURCE, "session_matter.referred_to_grid",
       summary="说事事项转网格事件 (a matter raised at a session became a grid case, reported to the township)")
class SessionMatterReferredToGrid(Placed):
    session_id: str
    matter_id: str
    case_id: str


@event(SOURCE, "session_matter.concluded",
       summary="说事事项办结 (the outcome of a session's matter: settled on the spot, or resolved or not by the grid "
               "or mediation)")
class SessionMatterConcluded(Placed):
    session_id: str
    matter_id: str
    outcome: Literal["settled", "resolved", "unresolved"]
    by: Literal["session", "grid", "mediation"]


# figures ---------------------------------------------------------------------------------------------------------
@event(SOURCE, "figures.period_closed",
       summary="村务自治指标月度结算 (a village's or township's self-governance figures for a month that has ended)")
class FiguresPeriodClosed(EventData):
    area_code: str
    area_level: Literal["village", "township"]
    period: str = Field(description="YYYY-MM")
    rules_adopted: int = Field(ge=0)
    rules_filed: int = Field(ge=0)
    rules_in_force: int = Field(ge=0, description="期末公布施行中的村规民约、居民公约、小区守则")
    councils: int = Field(ge=0)
    councils_active: int = Field(ge=0, description="期内开过会的四会")
    matters_completed: int = Field(ge=0, description="期内完成六步的事项")
    matters_completed_in_time: int = Field(ge=0, description="其中每一步都未超时的")
    matters_late: int = Field(ge=0, description="期内有步骤超时的事项（含未完成）")
    resolutions_refused: int = Field(ge=0)
    sessions_held: int = Field(ge=0)
    session_matters: int = Field(ge=0)
    session_matters_resolved: int = Field(ge=0)
