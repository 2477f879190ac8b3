"""The assessment service's names other services and the gateway use: its permissions, the plan's eight targets
(一、(二) 工作目标) with their labels, thresholds and exact definitions, and the survey indicators."""
from typing import NamedTuple

COUNTY_CODE = "500229"
AS_READ = "assessment.read"      # the scorecard, the ranking, the records behind a figure, the export
AS_MANAGE = "assessment.manage"  # the survey figures and the city averages of each year, closing a month


class Target(NamedTuple):
    code: str
    label: str
    threshold: float | None  # the plan's target as a ratio; None: not below the city average of the year
    definition: str
    source: str


TARGETS = (
    Target("governance_centre", "综治中心规范化建成率", 1.0,
           "已规范化建成的综治中心数 ÷ 在用的县、乡、村三级综治中心数（期末状态）", "grid"),
    Target("service_facility", "村（社区）综合服务设施达标率", 0.9,
           "综合服务设施达标的村（社区）数 ÷ 村（社区）数（期末状态，未登记设施的村计为未达标）", "grid"),
    Target("video_coverage", "公共安全重点区域视频监控覆盖率", 1.0,
           "视频监控覆盖的重点区域数 ÷ 在用的重点区域数（期末状态）", "grid"),
    Target("grassroots_rate", "乡村两级化解率", 0.9,
           "在村（社区）、乡镇（街道）两级达成调解协议的纠纷数 ÷（已办结纠纷数 + 超期未结纠纷数），按登记时间", "mediation"),
    Target("success_rate", "调解成功率", 0.95,
           "达成调解协议的纠纷数 ÷（已受理且已办结的纠纷数 + 已受理超期未结的纠纷数），按登记时间", "mediation"),
    Target("major_rate", "重大社会矛盾化解率", 0.85,
           "达成调解协议的重大纠纷数 ÷（已办结的重大纠纷数 + 超期未结的重大纠纷数），按登记时间", "mediation"),
    Target("online_share", "网上信访占比", 0.6, "网上信访件数 ÷ 信访总件数，按收到时间", "petitions"),
    Target("public_opinion", "群众安全感、政法队伍满意度、司法公信力", None,
           "三项测评得分均不低于全市平均水平（测评年度的得分与全市平均由县里录入）", "survey"),
)
BY_CODE = {t.code: t for t in TARGETS}

SURVEY_INDICATORS = {"sense_of_security": "群众安全感", "team_satisfaction": "政法队伍满意度",
                     "judicial_credibility": "司法公信力"}

# 线上考核 and 评选 ---------------------------------------------------------------------------------------------------
AS_APPEAL = "assessment.appeal"  # a township's or village's own: appeal a point of its result, nominate for 评选

# The plan asks to limit the burden of assessment: a scheme has at most this many indicators, few of them scored
# by hand, and areas are assessed at most monthly.
MAX_INDICATORS, MAX_MANUAL = 12, 4
FREQUENCIES = {"quarterly": "按季度", "monthly": "按月"}
LEVELS = {"township": "乡镇（街道）", "village": "村（社区）"}
SCHEME_STATUS = {"draft": "草案", "in_force": "执行中"}
ROUND_STATUS = {"scoring": "评分中", "in_notice": "公示中", "published": "已发布"}
APPEAL_STATUS = {"pending": "待裁定", "upheld": "申诉成立", "rejected": "申诉不成立"}
SELECTION_KINDS = {"advanced_village": "社会治理先进村（社区）", "excellent_worker": "优秀基层治理工作者",
                   "innovation": "基层治理创新成果"}
SELECTION_STATUS = {"nominating": "推荐中", "in_notice": "公示中", "awarded": "已表彰"}
NOMINATION_STATUS = {"nominated": "已推荐", "shortlisted": "拟表彰", "rejected": "未入选", "awarded": "已表彰",
                     "withdrawn": "因异议成立撤销"}

# surveys -------------------------------------------------------------------------------------------------------------
SURVEY_STATUS = {"open": "测评中", "closed": "已结束"}
ANSWER_SCALE = {1: "很不满意（很不安全）", 2: "不太满意", 3: "一般", 4: "比较满意", 5: "很满意（很安全）"}
DEFAULT_QUESTIONS = [
    {"code": "q1", "indicator": "sense_of_security", "text": "您觉得本村（社区）的治安状况安全吗？"},
    {"code": "q2", "indicator": "sense_of_security", "text": "您晚上独自出门觉得安全吗？"},
    {"code": "q3", "indicator": "team_satisfaction", "text": "您对本地派出所、司法所工作人员的工作满意吗？"},
    {"code": "q4", "indicator": "team_satisfaction", "text": "您对政法干警办事公正、作风清廉满意吗？"},
    {"code": "q5", "indicator": "judicial_credibility", "text": "您相信法院、检察院能公正处理案件吗？"},
    {"code": "q6", "indicator": "judicial_credibility", "text": "遇到纠纷时，您愿意依法通过调解或诉讼解决吗？"},
]
