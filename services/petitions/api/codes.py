"""The petitions service's code tables with their Chinese labels (channels, categories, the units a petition is
transferred to, visit kinds, supervision levels, satisfaction), the permissions its actions need, and a petition's
transition table. Published so that clients can show them; the statutory clocks and other rules stay inside."""
from enum import StrEnum

from shared.workflow import Transition, Workflow


class Channel(StrEnum):
    online = "online"  # 网上信访
    letter = "letter"  # 来信
    visit = "visit"    # 来访
    phone = "phone"    # 来电


CHANNEL_LABELS = {Channel.online: "网上信访", Channel.letter: "来信", Channel.visit: "来访", Channel.phone: "来电"}


CATEGORIES = {
    "land_requisition": "征地拆迁", "rural_affairs": "农村农业", "labour_social_security": "劳动社保",
    "urban_construction": "城乡建设", "law_litigation": "涉法涉诉", "civil_affairs": "民政", "health": "卫生健康",
    "education": "教育", "environment": "生态环境", "natural_resources": "自然资源", "neighbour_dispute": "邻里纠纷",
    "conduct_of_officials": "干部作风", "other": "其他",
}


# The units a petition is transferred or assigned to (转送、交办): the county's departments and the townships' own
# governments. Which unit is responsible is the officer's judgement; the list keeps the names one spelling each.
UNITS = ("县信访办", "县公安局", "县人力社保局", "县住房城乡建委", "县规划自然资源局", "县农业农村委", "县民政局",
         "县卫生健康委", "县教委", "县生态环境局", "县市场监管局", "县司法局", "县交通局", "县水利局",
         "属地乡镇（街道）")


class VisitKind(StrEnum):
    appointment = "appointment"  # 约访：约信访人面谈
    reception = "reception"      # 接访：领导干部接待日
    outreach = "outreach"        # 下访：到信访人所在地


VISIT_LABELS = {VisitKind.appointment: "约访", VisitKind.reception: "接访", VisitKind.outreach: "下访"}


class SupervisionLevel(StrEnum):
    general = "general"  # 一般督办
    key = "key"          # 重点督办
    listed = "listed"    # 挂牌督办


SUPERVISION_LABELS = {SupervisionLevel.general: "一般督办", SupervisionLevel.key: "重点督办",
                      SupervisionLevel.listed: "挂牌督办"}


class Satisfaction(StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


SATISFACTION_LABELS = {Satisfaction.satisfied: "满意", Satisfaction.basically_satisfied: "基本满意",
                       Satisfaction.unsatisfied: "不满意"}



# Permissions: read; register (the petitions office: register, transfer and assign, conclude, convert, ask for a
# review on the petitioner's behalf); handle (the receiving unit and the reviewing organ: accept, decline, object,
# extend, reply, decide reviews); supervise (supervision orders, leaders' ownership, visits, hard cases).
P_READ, P_REGISTER, P_HANDLE, P_SUPERVISE = ("petitions.read", "petitions.register", "petitions.handle",
                                             "petitions.supervise")


class PetitionStatus(StrEnum):
    received = "received"
    forwarded = "forwarded"
    accepted = "accepted"
    not_accepted = "not_accepted"
    replied = "replied"
    review_requested = "review_requested"
    reviewed = "reviewed"
    re_review_requested = "re_review_requested"
    concluded = "concluded"
    converted = "converted"


_S = PetitionStatus
STATUS_LABELS = {
    _S.received: "已登记", _S.forwarded: "已转送交办", _S.accepted: "已受理办理中",
    _S.not_accepted: "不予受理", _S.replied: "已答复", _S.review_requested: "复查中",
    _S.reviewed: "已复查", _S.re_review_requested: "复核中", _S.concluded: "已办结",
    _S.converted: "已转人民调解",
}




WORKFLOW = Workflow("petition", {str(k): v for k, v in STATUS_LABELS.items()}, [
    Transition("forward", frozenset({_S.received}), _S.forwarded, P_REGISTER, "转送交办", ("unit",)),
    Transition("transfer", frozenset({_S.forwarded}), _S.forwarded, P_REGISTER, "改转其他单位", ("unit", "reason")),
    Transition("object", frozenset({_S.forwarded}), _S.received, P_HANDLE, "提出非本单位职责异议", ("reason",)),
    Transition("accept", frozenset({_S.forwarded}), _S.accepted, P_HANDLE, "受理并书面告知", ("notice",)),
    Transition("decline", frozenset({_S.forwarded}), _S.not_accepted, P_HANDLE, "不予受理并书面告知", ("reason",)),
    Transition("extend", frozenset({_S.accepted}), _S.accepted, P_HANDLE, "延长办理期限",
               ("days", "reason", "approved_by")),
    Transition("reply", frozenset({_S.accepted}), _S.replied, P_HANDLE, "出具处理意见并答复", ("reply",)),
    Transition("request_review", frozenset({_S.replied}), _S.review_requested, P_REGISTER, "登记复查请求", ("reason",)),
    Transition("decide_review", frozenset({_S.review_requested}), _S.reviewed, P_HANDLE, "出具复查意见", ("opinion",)),
    Transition("request_re_review", frozenset({_S.reviewed}), _S.re_review_requested, P_REGISTER, "登记复核请求",
               ("reason",)),
    Transition("decide_re_review", frozenset({_S.re_review_requested}), _S.concluded, P_HANDLE, "出具复核意见",
               ("opinion",)),
    Transition("conclude", frozenset({_S.replied, _S.reviewed}), _S.concluded, P_REGISTER, "办结", ()),
    Transition("convert_to_mediation", frozenset({_S.received, _S.forwarded}), _S.converted, P_REGISTER, "转人民调解",
               ()),
    Transition("conclude_mediated", frozenset({_S.converted}), _S.concluded, P_REGISTER, "据调解结果办结", ()),
])

