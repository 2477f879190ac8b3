"""Mediation's code tables with their Chinese labels (levels, dispute categories, the criteria of a major dispute,
referrals, follow-up), and a dispute's transition table (which action moves it from which status to which, and the
permission it needs). Published so that clients can show them; the rules beyond the table stay in the service."""
from enum import StrEnum

from shared.workflow import Transition, Workflow


class CommitteeLevel(StrEnum):
    village = "village"            # 村（社区）人民调解委员会
    township = "township"          # 乡镇（街道）人民调解委员会
    professional = "professional"  # 专业性、行业性人民调解委员会
    county = "county"              # 县级（联合调解中心）


LEVEL_LABELS = {CommitteeLevel.village: "村级", CommitteeLevel.township: "乡镇级", CommitteeLevel.professional: "专业性行业性",
                CommitteeLevel.county: "县级"}


CATEGORIES = {
    "marriage_family": "婚姻家庭", "neighbour": "邻里", "land_forest": "土地山林", "labour": "劳资",
    "contract": "合同", "damages": "损害赔偿", "land_requisition": "征地拆迁", "traffic": "交通事故",
    "medical": "医疗", "property_management": "物业", "other": "其他",
}


# The criteria of a major dispute (重大矛盾纠纷); any one makes it major.
MAJOR_CRITERIA = {
    "many_parties": "涉及当事人30人以上或10户以上",
    "large_amount": "争议标的额50万元以上",
    "violence_risk": "有激化为刑事案件或群体性事件风险",
    "cross_area": "跨乡镇（街道）或跨县",
    "repeat_petition": "经多次信访或调解未果",
    "public_attention": "引发较大社会关注",
}


class Specialty(StrEnum):
    traffic = "traffic"      # 交通事故
    labour = "labour"        # 劳动争议
    medical = "medical"      # 医疗纠纷
    family = "family"        # 婚姻家庭
    property = "property"    # 物业
    general = "general"      # 综合


FOLLOW_UP_LABELS = {"fully": "已全部履行", "partly": "部分履行", "not": "未履行"}


REFERRAL_LABELS = {"litigation": "引导诉讼", "arbitration": "申请仲裁", "petitions": "转信访部门",
                   "administrative": "转行政机关处理"}

# The permissions a dispute's actions need (the gateway grants them to roles).
INTAKE, MEDIATE = "mediation.intake", "mediation.mediate"


class DisputeStatus(StrEnum):
    registered = "registered"      # 已登记
    accepted = "accepted"          # 已受理
    in_mediation = "in_mediation"  # 调解中
    resolved = "resolved"          # 已达成协议
    failed = "failed"              # 调解不成
    referred = "referred"          # 已转出（诉讼、仲裁、信访、行政）
    performed = "performed"        # 已履行
    followed_up = "followed_up"    # 已回访
    closed = "closed"              # 已结案
    declined = "declined"          # 不予受理


_S = DisputeStatus
STATUS_LABELS = {
    _S.registered: "已登记", _S.accepted: "已受理", _S.in_mediation: "调解中",
    _S.resolved: "已达成协议", _S.failed: "调解不成", _S.referred: "已转出",
    _S.performed: "已履行", _S.followed_up: "已回访", _S.closed: "已结案", _S.declined: "不予受理",
}

WORKFLOW = Workflow("dispute", STATUS_LABELS, [
    Transition("accept", frozenset({_S.registered}), _S.accepted, MEDIATE, "受理", ("committee_id",)),
    Transition("decline", frozenset({_S.registered}), _S.declined, MEDIATE, "不予受理", ("reason", "referral")),
    Transition("hold_session", frozenset({_S.accepted, _S.in_mediation}), _S.in_mediation, MEDIATE, "记录调解",
               ("session",)),
    Transition("sign_agreement", frozenset({_S.in_mediation}), _S.resolved, MEDIATE, "签订调解协议", ("agreement",)),
    Transition("fail", frozenset({_S.in_mediation}), _S.failed, MEDIATE, "调解不成", ("reason",)),
    Transition("escalate", frozenset({_S.accepted, _S.in_mediation, _S.failed}), _S.accepted, MEDIATE,
               "移送上级调委会", ("committee_id", "reason")),
    Transition("refer", frozenset({_S.failed}), _S.referred, MEDIATE, "引导诉讼、仲裁或转出", ("referral",)),
    Transition("confirm_performance", frozenset({_S.resolved}), _S.performed, MEDIATE, "确认履行", ("reason",)),
    Transition("follow_up", frozenset({_S.resolved, _S.performed, _S.referred}), _S.followed_up, MEDIATE, "回访",
               ("follow_up",)),
    Transition("close", frozenset({_S.followed_up}), _S.closed, MEDIATE, "结案"),
])

