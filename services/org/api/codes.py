"""The org service's code tables with their Chinese labels (organisation kinds and what may stand at each level,
member categories and political status, the two registrations, activity and partner kinds, the area rosters' roles
and where each stands, deputies and contact schedules) and a member's transition table (transfers). Published so that
clients can show them; the rules beyond them stay inside."""
from enum import StrEnum

from shared.workflow import Transition, Workflow

# The permission a member's transfers need (the gateway grants it to roles).
MANAGE = "org.manage"


LEVEL_NAMES = {6: "县", 9: "乡镇（街道）", 12: "村（社区）", 15: "网格"}


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


class RegistrationKind(StrEnum):
    grid = "grid"            # 在网格单位报到
    community = "community"  # 在居住地社区（村）党组织报到


REGISTRATION_LABELS = {RegistrationKind.grid: "网格报到", RegistrationKind.community: "居住地社区报到"}


ACTIVITY_KINDS = {"visit": "走访群众", "publicity": "政策宣讲", "mediation": "化解矛盾", "service": "志愿服务",
                  "patrol": "参与巡查", "other": "其他"}


PARTNER_KINDS = {"agency": "机关", "enterprise": "企业", "institution": "事业单位"}


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


FREQUENCY_LABELS = {"monthly": "每月", "bimonthly": "每两月", "quarterly": "每季度"}
# How a deputy contacts the community (两代表一委员 visits, recorded against the roster).
VISIT_KINDS = {"visit": "走访群众", "reception": "接待群众", "forum": "座谈议事"}


# a member's place on the roster: transfers keep the history --------------------------------------------------
MEMBER_STATUS_LABELS = {"active": "在册", "transferred_out": "已转出"}


MEMBERSHIP = Workflow("party_member", MEMBER_STATUS_LABELS, [
    Transition("transfer", frozenset({"active"}), "active", MANAGE, "组织内调转", ("to_org_id",)),
    Transition("transfer_out", frozenset({"active"}), "transferred_out", MANAGE, "转出", ("destination",)),
    Transition("transfer_in", frozenset({"transferred_out"}), "active", MANAGE, "转回", ("to_org_id",)),
])

