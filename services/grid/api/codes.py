"""The grid's code tables with their Chinese labels, and the transition tables of cases and service orders (which
action moves a record from which status to which, and the permission it needs): published, so that a client can
show the statuses, the actions and who may take them. The rules beyond the tables stay inside the service."""
from enum import StrEnum

from shared.workflow import Transition, Workflow

COUNTY_CODE = "500229"


class AreaKind(StrEnum):
    county = "county"
    town = "town"            # 镇
    township = "township"    # 乡
    street = "street"        # 街道
    village = "village"      # 村
    community = "community"  # 社区
    grid = "grid"            # 网格
    micro_grid = "micro_grid"  # 微网格


KIND_LABELS = {
    AreaKind.county: "县", AreaKind.town: "镇", AreaKind.township: "乡", AreaKind.street: "街道",
    AreaKind.village: "村", AreaKind.community: "社区", AreaKind.grid: "网格", AreaKind.micro_grid: "微网格",
}


class MicroGridKind(StrEnum):
    villager_group = "villager_group"        # 村民小组
    building = "building"                    # 楼栋
    household_cluster = "household_cluster"  # 家庭（联户）


class Employment(StrEnum):
    full_time = "full_time"
    part_time = "part_time"


class Relation(StrEnum):
    head = "head"          # 户主
    spouse = "spouse"      # 配偶
    child = "child"        # 子女
    parent = "parent"      # 父母
    grandchild = "grandchild"  # 孙子女
    other = "other"        # 其他


RELATION_LABELS = {
    Relation.head: "户主", Relation.spouse: "配偶", Relation.child: "子女", Relation.parent: "父母",
    Relation.grandchild: "孙子女", Relation.other: "其他",
}

# The responsibility catalogue's categories (责任事项大类); a case event names its category by these codes.
CATEGORIES = {
    "dispute": "矛盾纠纷",
    "public_order": "治安隐患",
    "safety": "安全隐患",
    "environment": "环境卫生",
    "livelihood": "民生服务诉求",
    "special_groups": "特殊人群动态",
    "public_opinion": "社情民意",
    "illegal_building": "违建/违规经营",
    "public_health": "公共卫生",
    "other": "其他",
}
# The category whose cases may be referred to the mediation service.
DISPUTE = "dispute"
# The category a resident's service order is handled under (群众点单 is a 民生服务诉求).
LIVELIHOOD = "livelihood"

# The permissions the grid's actions need (the gateway grants them to roles).
REPORT, DISPATCH, HANDLE = "affairs.report", "affairs.dispatch", "affairs.handle"


class CaseStatus(StrEnum):
    collected = "collected"    # 已采集（网格员发现、采集，待筛选上报）
    reported = "reported"      # 已上报（乡镇或责任部门）
    dispatched = "dispatched"  # 已派单（办理中）
    handled = "handled"        # 已办理（待核查）
    verified = "verified"      # 已核查（待办结）
    closed = "closed"          # 已办结
    not_a_case = "not_a_case"  # 不予立案
    referred = "referred"      # 已转人民调解


CASE_STATUS_LABELS = {
    CaseStatus.collected: "已采集", CaseStatus.reported: "已上报", CaseStatus.dispatched: "办理中",
    CaseStatus.handled: "已办理待核查", CaseStatus.verified: "已核查待办结", CaseStatus.closed: "已办结",
    CaseStatus.not_a_case: "不予立案", CaseStatus.referred: "已转人民调解",
}

_C = CaseStatus
CASE_WORKFLOW = Workflow("case", CASE_STATUS_LABELS, [
    Transition("report", frozenset({_C.collected}), _C.reported, REPORT, "上报"),
    Transition("screen_out", frozenset({_C.collected}), _C.not_a_case, REPORT, "不予立案", ("reason",)),
    Transition("return", frozenset({_C.reported}), _C.collected, DISPATCH, "退回网格补充", ("reason",)),
    Transition("dispatch", frozenset({_C.reported}), _C.dispatched, DISPATCH, "派单", ("assignee",)),
    Transition("send_back", frozenset({_C.dispatched}), _C.reported, HANDLE, "退回（非本单位职责）", ("reason",)),
    Transition("handle", frozenset({_C.dispatched}), _C.handled, HANDLE, "办理反馈", ("feedback",)),
    Transition("verify", frozenset({_C.handled}), _C.verified, REPORT, "现场核查通过"),
    Transition("reject", frozenset({_C.handled}), _C.dispatched, REPORT, "核查不通过退回重办", ("reason",)),
    Transition("close", frozenset({_C.verified, _C.handled}), _C.closed, DISPATCH, "办结"),
    Transition("reopen", frozenset({_C.closed}), _C.dispatched, DISPATCH, "重新办理", ("reason",)),
    Transition("refer_to_mediation", frozenset({_C.collected, _C.reported, _C.dispatched}), _C.referred, REPORT,
               "转人民调解"),
])


class CaseSource(StrEnum):
    patrol = "patrol"      # 巡查发现
    resident = "resident"  # 群众反映
    other = "other"        # 其他渠道（电话、上级交办）


class OrderStatus(StrEnum):
    ordered = "ordered"        # 已点单
    dispatched = "dispatched"  # 已派单
    delivered = "delivered"    # 已办理（待评价）
    rated = "rated"            # 已评价办结
    reopened = "reopened"      # 不满意重办


ORDER_STATUS_LABELS = {OrderStatus.ordered: "已点单", OrderStatus.dispatched: "已派单",
                       OrderStatus.delivered: "已办理待评价", OrderStatus.rated: "已评价办结",
                       OrderStatus.reopened: "不满意重办"}

_O = OrderStatus
ORDER_WORKFLOW = Workflow("service_order", ORDER_STATUS_LABELS, [
    Transition("dispatch", frozenset({_O.ordered, _O.reopened}), _O.dispatched, REPORT, "网格派单", ("assignee",)),
    Transition("deliver", frozenset({_O.dispatched}), _O.delivered, HANDLE, "干部买单（办理反馈）", ("feedback",)),
    Transition("rate", frozenset({_O.delivered}), _O.rated, REPORT, "评价", ("rating",)),
])


class RequestKind(StrEnum):
    service_order = "service_order"  # 群众点单
    dispute = "dispute"              # 矛盾纠纷
    petition = "petition"            # 网上信访


REQUEST_KIND_LABELS = {RequestKind.service_order: "服务点单", RequestKind.dispute: "矛盾纠纷",
                       RequestKind.petition: "网上信访"}
