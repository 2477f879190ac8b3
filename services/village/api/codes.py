"""The village service's code tables with their Chinese labels, its permissions and its four transition tables: what
other services, the gateway and the console may rely on to show a record and its buttons. Codes are the glossary's
names; labels are what staff and residents read. The rules a table cannot say stay in the service's domain modules."""
from shared.workflow import Transition, Workflow

SOURCE = "village"

# permissions (granted per role in the gateway's table) -----------------------------------------------------------
V_READ = "village.read"      # rules, councils, matters, sessions, figures of the caller's areas
V_MANAGE = "village.manage"  # the village's own work: drafting and adopting rules, councils, matters, sessions
V_FILE = "village.file"      # the township's: reviewing and filing (备案) rules, following flagged matters

# 一约: village rules ---------------------------------------------------------------------------------------------
RULES_KINDS = {"village_compact": "村规民约", "residents_compact": "居民公约", "compound_rules": "小区守则"}
# Which area each kind belongs to: a village's compact, a community's compact, a compound (a grid of a community).
RULES_KIND_AREA = {"village_compact": "village", "residents_compact": "community", "compound_rules": "grid"}
RULES_STATUS = {"draft": "草案", "adopted": "已表决通过", "submitted": "已报乡镇备案", "reviewed": "乡镇已审查",
                "filed": "已备案", "returned": "备案退回", "published": "已公布施行", "superseded": "已被新版本取代"}
CONDUCT_KINDS = {"good_deed": "善行义举", "breach": "违反约定"}

# 村民会议 / 村民代表会议 ------------------------------------------------------------------------------------------
MEETING_KINDS = {"villagers_meeting": "村民会议", "representatives_meeting": "村民代表会议"}

# 四会: the four councils ------------------------------------------------------------------------------------------
COUNCIL_KINDS = {"wedding_funeral_council": "红白理事会", "villagers_council": "村民议事会",
                 "ethics_council": "道德评议会", "drug_gambling_council": "禁毒禁赌会"}
MEMBER_ROLES = {"chair": "会长", "vice_chair": "副会长", "member": "成员"}
FAMILY_EVENT_KINDS = {"wedding": "婚事", "funeral": "丧事"}
FAMILY_EVENT_STATUS = {"reported": "已报备", "checked": "已核查", "cancelled": "已取消"}
CLAIM_OPINIONS = {"support": "同意", "oppose": "不同意"}

# 四议两公开: important village matters -----------------------------------------------------------------------------
MATTER_KINDS = {"land_contracting": "土地承包经营", "project": "村级建设项目", "collective_funds": "集体资金使用",
                "collective_assets": "集体资产处置", "public_welfare": "公益事业", "other": "其他重大事项"}
# The six steps in their order; each one may be taken only after the one before it.
MATTER_STEPS = {"propose": "村党组织提议", "consult": "村“两委”会议商议", "review": "党员大会审议",
                "resolve": "村民会议或村民代表会议决议", "publish_resolution": "决议公开",
                "publish_result": "实施结果公开"}
MATTER_STATUS = {"registered": "待提议", "proposed": "已提议", "consulted": "已商议", "reviewed": "已审议",
                 "resolved": "已决议", "resolution_published": "决议已公开", "completed": "实施结果已公开",
                 "withdrawn": "已撤回"}
PUBLICATION_CHANNELS = {"notice_board": "村务公开栏", "online": "网上公开平台", "broadcast": "广播",
                        "meeting": "群众会议"}
REFUSAL_REASONS = {"quorum": "未达法定到会人数", "majority": "未获到会人员过半数通过"}

# 村民说事 / 民情恳谈 / 百姓议事 -------------------------------------------------------------------------------------
SESSION_KINDS = {"villagers_talk": "村民说事", "public_consultation": "民情恳谈", "residents_deliberation": "百姓议事"}
TOPICS = {"land": "土地山林", "neighbour": "邻里关系", "family": "婚姻家庭", "labour": "劳资",
          "environment": "环境卫生", "infrastructure": "基础设施", "public_service": "公共服务",
          "village_affairs": "村务管理", "other": "其他"}
SESSION_MATTER_STATUS = {"raised": "待处理", "with_grid": "网格事件办理中", "with_mediation": "人民调解中",
                         "settled": "当场解决", "resolved": "已办结", "unresolved": "未能化解"}
SESSION_MATTER_ROUTES = {"refer_to_grid": "转网格事件", "refer_to_mediation": "转人民调解", "settle": "当场答复解决"}


# The transition tables -----------------------------------------------------------------------------------------
# 一约: a version is adopted, filed with the township (备案), and only then published; the one before is superseded.
RULES_WORKFLOW = Workflow("village_rules", RULES_STATUS, [
    Transition("adopt", frozenset({"draft"}), "adopted", V_MANAGE, "会议表决通过", ("meeting",)),
    Transition("submit", frozenset({"adopted"}), "submitted", V_MANAGE, "报乡镇备案"),
    Transition("review", frozenset({"submitted"}), "reviewed", V_FILE, "乡镇审查", ("opinion",)),
    Transition("file", frozenset({"reviewed"}), "filed", V_FILE, "予以备案"),
    Transition("return", frozenset({"submitted", "reviewed"}), "returned", V_FILE, "退回修改", ("reason",)),
    Transition("publish", frozenset({"filed"}), "published", V_MANAGE, "公布施行"),
    Transition("supersede", frozenset({"published"}), "superseded", V_MANAGE, "由新版本取代"),
])
# 婚丧事宜报备: checked afterwards by the 红白理事会, or cancelled.
FAMILY_EVENT_WORKFLOW = Workflow("family_event_report", FAMILY_EVENT_STATUS, [
    Transition("check", frozenset({"reported"}), "checked", V_MANAGE, "事后核查", ("findings",)),
    Transition("cancel", frozenset({"reported"}), "cancelled", V_MANAGE, "取消报备", ("reason",)),
])
# 四议两公开: the six steps, each only after the one before it; withdrawal only before the villagers have resolved.
_STEP_FROM = dict(zip(MATTER_STEPS, ["registered", "proposed", "consulted", "reviewed", "resolved",
                                     "resolution_published"], strict=True))
_STEP_TO = dict(zip(MATTER_STEPS, ["proposed", "consulted", "reviewed", "resolved", "resolution_published",
                                   "completed"], strict=True))
MATTER_WORKFLOW = Workflow("village_matter", MATTER_STATUS, [
    *(Transition(step, frozenset({_STEP_FROM[step]}), _STEP_TO[step], V_MANAGE, label)
      for step, label in MATTER_STEPS.items()),
    Transition("withdraw", frozenset({"registered", "proposed", "consulted", "reviewed"}), "withdrawn", V_MANAGE,
               "撤回事项", ("reason",)),
])
# A matter raised at a session: staff send it on or settle it; the grid's and mediation's events move it after.
BY_EVENT = "event"
SESSION_MATTER_WORKFLOW = Workflow("session_matter", SESSION_MATTER_STATUS, [
    Transition("refer_to_grid", frozenset({"raised"}), "with_grid", V_MANAGE, "转网格事件", ("item_code",)),
    Transition("refer_to_mediation", frozenset({"raised"}), "with_mediation", V_MANAGE, "转人民调解"),
    Transition("settle", frozenset({"raised"}), "settled", V_MANAGE, "当场答复解决", ("note",)),
    Transition("hand_to_mediation", frozenset({"with_grid"}), "with_mediation", BY_EVENT, "网格转人民调解"),
    Transition("resolve", frozenset({"with_grid", "with_mediation", "unresolved"}), "resolved", BY_EVENT, "办结"),
    Transition("fail", frozenset({"with_mediation"}), "unresolved", BY_EVENT, "未能化解"),
    Transition("reopen", frozenset({"resolved"}), "with_grid", BY_EVENT, "重新办理"),
])


def labels(table: dict) -> dict:
    """A table as plain code → label pairs, for answers and the console."""
    return {str(k): v for k, v in table.items()}
