"""The petitions service's events. Ids, codes, categories and flags only: never a petitioner's name, ID number,
phone, or the matter's words (the risk service counts these; department systems subscribe to them)."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events import EventData, event

SOURCE = "petitions"


class PetitionEvent(EventData):
    petition_id: str
    channel: Literal["online", "letter", "visit", "phone"]
    category: str
    collective: bool = Field(description="集体访（五人以上）")
    repeat: bool = Field(description="重复信访")
    hard_case: bool = Field(description="疑难信访（骨头案）")
    area_code: str
    village_code: str | None
    township_code: str
    first_handler: str | None = Field(description="首办责任单位")
    unit: str | None = Field(description="当前承办单位")
    status: str
    received_at: datetime = Field(description="收到时间 (UTC): the day a letter arrived, not the day it was typed in")


@event(SOURCE, "petition.received", summary="信访件登记 (a petition was received on one of the four channels)")
class PetitionReceived(PetitionEvent):
    pass


@event(SOURCE, "petition.assigned", summary="转送交办 (assigned to a receiving unit with a deadline)")
class PetitionAssigned(PetitionEvent):
    due_at: datetime


@event(SOURCE, "petition.transferred",
       summary="改转其他单位 (moved to another unit; the first handler stays accountable)")
class PetitionTransferred(PetitionEvent):
    from_unit: str


@event(SOURCE, "petition.accepted", summary="受理 (the receiving unit accepted it; the 60-day handling clock starts)")
class PetitionAccepted(PetitionEvent):
    handle_due_at: datetime


@event(SOURCE, "petition.extended", summary="延期 (handling extended with a reason and an approval, at most 30 days)")
class PetitionExtended(PetitionEvent):
    extension_days: int = Field(description="累计延长天数")
    handle_due_at: datetime


@event(SOURCE, "petition.replied", summary="答复 (the written reply was issued)")
class PetitionReplied(PetitionEvent):
    on_time: bool


@event(SOURCE, "petition.overdue", summary="逾期 (a statutory clock passed; supervision is raised to the level given)")
class PetitionOverdue(PetitionEvent):
    clock: str = Field(description="register, notice, handle, review, re_review")
    due_at: datetime
    supervision_level: Literal["general", "key", "listed"]


@event(SOURCE, "petition.review_requested", summary="请求复查或复核 (the petitioner asked for a review or a second review)")
class PetitionReviewRequested(PetitionEvent):
    stage: Literal["review", "re_review"]


@event(SOURCE, "petition.concluded", summary="办结 (concluded: not accepted, concluded after the reply or a review, "
                                              "or finally after the second review)")
class PetitionConcluded(PetitionEvent):
    outcome: Literal["not_accepted", "replied", "reviewed", "re_reviewed"]


@event(SOURCE, "petition.concluded", version=2,
       summary="信访件办结 v2 (concluded; also after mediation, with the dispute; published beside v1, which has no "
               "outcome for a conclusion after mediation)")
class PetitionConcludedV2(PetitionEvent):
    outcome: Literal["not_accepted", "replied", "reviewed", "re_reviewed", "mediated"]
    dispute_id: str | None = Field(default=None, description="the mediation dispute it was concluded from")


@event(SOURCE, "petition.repeat_detected",
       summary="重复信访 (the same petitioner on a similar matter again; linked to the first petition)")
class PetitionRepeatDetected(PetitionEvent):
    repeat_of: str = Field(description="该信访人同类事项的第一件信访件")
    repeat_count: int = Field(description="连同本件的件数")


@event(SOURCE, "petition.deadline_changed",
       summary="法定时限重算 (a running working-day clock's end moved when a year's holiday notice was loaded)")
class PetitionDeadlineChanged(PetitionEvent):
    clock: str = Field(description="the clock of services/petitions/clocks.py, e.g. objection")
    due_at: datetime
    previous_due_at: datetime
    provisional: bool = Field(description="still counted over a year whose holiday notice is not loaded")


@event(SOURCE, "petition.converted_to_mediation",
       summary="信访事项转人民调解 (a petition that is a civil dispute goes to mediation; the mediation service "
               "opens one dispute for it)")
class PetitionConvertedToMediation(EventData):
    petition_id: str
    area_code: str = Field(description="事发地：村（社区）或网格代码")
    village_code: str
    township_code: str
    dispute_category: str = Field(description="mediation category, e.g. neighbour, land_forest, labour")
    collective: bool = Field(description="集体访")
    petitioner_resident_ids: list[str] = Field(description="登记居民的信访人编号（不含姓名等个人信息）")
    registered_at: datetime
