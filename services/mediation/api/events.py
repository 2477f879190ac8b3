"""The mediation service's events. Ids, codes and outcomes only: never a party's name, ID number or phone."""
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from shared.events import EventData, event

SOURCE = "mediation"


class DisputeEvent(EventData):
    dispute_id: str
    source: Literal["grid_case", "talk_office", "resident_request", "petition", "village_session"]
    source_ref: str | None = Field(description="case_id, request_id, petition_id or the session matter it came from")
    category: str
    major: bool
    level: Literal["village", "township", "professional", "county"] | None
    committee_id: str | None
    village_code: str | None
    township_code: str
    status: str
    # The dispute's clock, so a read model counts the targets as this service does (docs/mediation.md).
    registered_at: datetime = Field(description="登记时间 (UTC)")
    due_at: datetime = Field(description="调解期限 (UTC): open past it, the dispute counts against every rate")
    resolved_at: datetime | None = Field(description="达成调解协议的时间 (UTC), null until resolved")


@event(SOURCE, "dispute.registered", summary="矛盾纠纷登记 (a dispute was registered from one of its doors)")
class DisputeRegistered(DisputeEvent):
    pass


@event(SOURCE, "dispute.accepted", summary="纠纷受理 (a committee accepted the dispute)")
class DisputeAccepted(DisputeEvent):
    pass


@event(SOURCE, "dispute.declined", summary="不予受理 (declined, with where it was referred)")
class DisputeDeclined(DisputeEvent):
    referred_to: str


@event(SOURCE, "dispute.escalated", summary="移送上级调委会 (escalated to a higher committee; the history stays)")
class DisputeEscalated(DisputeEvent):
    from_level: str


@event(SOURCE, "dispute.resolved", summary="达成调解协议 (an agreement was signed)")
class DisputeResolved(DisputeEvent):
    judicial_confirmation_until: date
    days_to_resolve: float = Field(ge=0)


@event(SOURCE, "dispute.failed", summary="调解不成 (mediation failed)")
class DisputeFailed(DisputeEvent):
    pass


@event(SOURCE, "dispute.referred", summary="引导诉讼、仲裁或转出 (referred to litigation, arbitration, petitions or "
                                            "an administrative body)")
class DisputeReferred(DisputeEvent):
    referred_to: Literal["litigation", "arbitration", "petitions", "administrative"]


@event(SOURCE, "dispute.followed_up", summary="回访 (a follow-up visit was recorded)")
class DisputeFollowedUp(DisputeEvent):
    performed: Literal["fully", "partly", "not"]


@event(SOURCE, "dispute.closed", summary="结案 (the dispute was closed)")
class DisputeClosed(DisputeEvent):
    outcome: Literal["resolved", "referred"]
