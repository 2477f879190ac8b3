"""The credit service's code tables with their Chinese labels (rule categories and cap periods, the events a rule
may be triggered by, evidence kinds, integrity levels, joint-discipline measures, redemption statuses) and a manual
award's transition table. Published so that clients can show them; the rules beyond them stay inside."""
from enum import StrEnum

from shared.workflow import Transition, Workflow

CATEGORIES = {
    "volunteer": "志愿服务", "sanitation": "环境卫生", "customs": "移风易俗", "mediation": "矛盾调解",
    "grid_affairs": "参与网格事务", "filial": "孝老爱亲", "violation": "违反村规民约",
}


PERIODS = {"month": "每月", "year": "每年", "ever": "累计"}


# The other services' events a rule may be triggered by, and how the household is found for each.
TRIGGERS = {
    "grid.case.verified": "网格事件现场核查通过（当事居民所在户）",
    "mediation.dispute.resolved": "矛盾纠纷调解成功（配合调解的当事居民所在户）",
    "grid.service_order.rated": "群众点单办结并评价（被服务的户；每单只计一次）",
    # These two submit an award that waits for approval and notice like a manual one (village_intake.py).
    "village.family_event_report.checked": "红白理事会核查婚事新办、丧事简办（报备户，经复核、公示后入账）",
    "village.conduct.recorded": "依村规民约条款记录的善行或违约（所涉户，须与条款关联的规则代码一致，经复核、公示后入账）",
}


EVIDENCE_LABELS = {"photo": "照片", "document": "书面材料", "witness": "证明人", "record": "工作记录"}


# integrity ratings ---------------------------------------------------------------------------------------
class IntegrityLevel(StrEnum):
    AAA = "AAA"   # 诚信示范
    AA = "AA"     # 诚信
    A = "A"       # 基本诚信
    B = "B"       # 失信警示
    C = "C"       # 严重失信


LEVEL_LABELS = {IntegrityLevel.AAA: "诚信示范", IntegrityLevel.AA: "诚信", IntegrityLevel.A: "基本诚信",
                IntegrityLevel.B: "失信警示", IntegrityLevel.C: "严重失信"}


# the dishonest-judgment-debtor list (失信被执行人名单) and joint discipline -----------------------------------
DISCIPLINE = {
    "no_honours": "不得参加评先评优",
    "no_village_post": "不得担任村（社区）干部",
    "subsidy_review": "申请政策性补贴从严审核",
    "no_high_consumption": "限制高消费",
    "no_public_bidding": "限制参与政府采购和招投标",
}



class AwardStatus(StrEnum):
    submitted = "submitted"
    rejected = "rejected"
    in_notice = "in_notice"
    objected = "objected"
    stopped = "stopped"
    posted = "posted"


_S = AwardStatus
AWARD_STATUS_LABELS = {_S.submitted: "待复核", _S.rejected: "复核未通过", _S.in_notice: "公示中",
                 _S.objected: "异议核查中", _S.stopped: "异议成立已终止", _S.posted: "已入账"}




# The permissions an award's actions need (the gateway grants them to roles).
AWARD, APPROVE = "credit.award", "credit.approve"


AWARD_WORKFLOW = Workflow("award", {str(k): v for k, v in AWARD_STATUS_LABELS.items()}, [
    Transition("approve", frozenset({_S.submitted}), _S.in_notice, APPROVE, "复核通过并公示"),
    Transition("reject", frozenset({_S.submitted}), _S.rejected, APPROVE, "复核不通过", ("reason",)),
    Transition("object", frozenset({_S.in_notice}), _S.objected, AWARD, "登记异议", ("reason",)),
    Transition("uphold", frozenset({_S.objected}), _S.stopped, APPROVE, "异议成立，终止", ("reason",)),
    Transition("dismiss", frozenset({_S.objected}), _S.in_notice, APPROVE, "异议不成立，继续公示", ("reason",)),
    Transition("post", frozenset({_S.in_notice}), _S.posted, APPROVE, "公示期满入账"),
])


REDEMPTION_STATUS_LABELS = {"reserved": "已预留待领取", "fulfilled": "已领取", "cancelled": "已取消"}

