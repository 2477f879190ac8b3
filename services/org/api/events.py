"""The org service's events. Ids, codes and counts only: never a member's name, ID number, phone or political
status."""
from datetime import date
from typing import Literal

from pydantic import Field

from shared.events import EventData, event

SOURCE = "org"


@event(SOURCE, "party_org.created", summary="党组织设立 (a party organisation was created in the tree; on a grid it "
                                            "is the grid's branch or party group)")
class PartyOrgCreated(EventData):
    org_id: str
    kind: Literal["committee", "working_committee", "branch", "group"]
    area_code: str = Field(description="县、乡镇、村（社区）或网格代码")
    parent_org_id: str | None
    grid_code: str | None = Field(description="set when the organisation stands on a grid (支部建在网格上)")


@event(SOURCE, "party_member.registered", summary="党员双报到 (a party member registered at their grid unit or at "
                                                  "their residential community)")
class PartyMemberRegistered(EventData):
    member_id: str
    org_id: str
    registration: Literal["grid", "community"]
    area_code: str = Field(description="the grid or the village (community) registered at")
    both_registered: bool = Field(description="true once both registrations are done")
    registered_on: date


@event(SOURCE, "party_member.transferred", summary="党员组织关系转接 (a member moved between organisations, left "
                                                   "the county's roster or came back; the history stays)")
class PartyMemberTransferred(EventData):
    member_id: str
    action: Literal["transfer", "transfer_out", "transfer_in"]
    from_org_id: str | None
    to_org_id: str | None


@event(SOURCE, "cadre.assigned", summary="干部下沉网格 (an agency cadre was assigned to a grid)")
class CadreAssigned(EventData):
    assignment_id: str
    grid_code: str
    village_code: str
    township_code: str
    assigned_on: date


@event(SOURCE, "area_roster.updated", summary="区划名册更新 (一村一警、一村一法律顾问、一街镇一法官、一乡一检察官、"
                                              "两代表一委员: an area's roster for one role changed)")
class AreaRosterUpdated(EventData):
    area_code: str
    role: Literal["police", "legal_adviser", "judge", "prosecutor", "deputy_contact"]
    people: int = Field(ge=0, description="how many people the roster now lists")
    complete: bool


@event(SOURCE, "deputy_contact.visited", summary="两代表一委员联系群众 (a deputy on a community's roster visited it; "
                                                 "the next contact is due by the schedule)")
class DeputyContactVisited(EventData):
    visit_id: str
    person_id: str = Field(description="名册人员编号（不含姓名）")
    area_code: str = Field(description="社区代码")
    deputy_kind: Literal["npc_deputy", "party_congress_deputy", "cppcc_member"]
    visited_on: date
    next_contact_on: date | None


@event(SOURCE, "deputy_contact.overdue", summary="两代表一委员联系逾期 (a deputy's regular contact with a community is "
                                                 "past due; flagged once for each due day)")
class DeputyContactOverdue(EventData):
    person_id: str
    area_code: str
    deputy_kind: Literal["npc_deputy", "party_congress_deputy", "cppcc_member"]
    due_on: date
    days_overdue: int = Field(ge=1)
