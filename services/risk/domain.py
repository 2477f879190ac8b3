"""What joint risk assessment ("16+N") is made of: member units, the risk register, assessment meetings with
opinions and follow-up tasks, and the peace-building designations. Plain rules, no I/O. Names follow the
glossary: `member_unit`, `risk_item`, levels red/orange/yellow/blue, `assessment_meeting`, `peace_building`,
`drug_free`/`cult_free`/`litigation_free`."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.scope import area_path  # noqa: F401 - the service's rules speak of it

from .api.codes import LEVELS

# The sixteen standing member units (the "16"), with the register categories each one's domain covers. The
# county configures them (save_member_unit); these are what a new installation starts from.
STANDING_UNITS: list[dict] = [
    {"name": "县委政法委", "domains": ["社会稳定", "群体性事件苗头", "禁毒", "反邪教"]},
    {"name": "县公安局", "domains": ["公共安全", "社会稳定", "群体性事件苗头", "禁毒", "反邪教"]},
    {"name": "县法院", "domains": ["社会稳定", "涉众金融"]},
    {"name": "县检察院", "domains": ["社会稳定", "涉众金融"]},
    {"name": "县司法局", "domains": ["社会稳定"]},
    {"name": "县信访办", "domains": ["社会稳定", "群体性事件苗头"]},
    {"name": "县应急管理局", "domains": ["安全生产", "自然灾害"]},
    {"name": "县卫生健康委", "domains": ["公共卫生"]},
    {"name": "县民政局", "domains": ["社会稳定"]},
    {"name": "县人力社保局", "domains": ["社会稳定", "群体性事件苗头"]},
    {"name": "县住房城乡建委", "domains": ["安全生产", "公共安全"]},
    {"name": "县交通局", "domains": ["安全生产", "公共安全"]},
    {"name": "县市场监管局", "domains": ["涉众金融", "公共卫生", "安全生产"]},
    {"name": "县教委", "domains": ["公共安全", "公共卫生"]},
    {"name": "县规划自然资源局", "domains": ["自然灾害"]},
    {"name": "县农业农村委", "domains": ["社会稳定", "自然灾害"]},
]


# Overdue follow-up tasks go up a step at a time: the day after the deadline to the 县委政法委 (督办), a week later to
# the county leader in charge (挂牌).
ESCALATION = ((1, 1, "县委政法委督办"), (2, 8, "县领导挂牌督办"))  # (level, days past the deadline, to whom)


def escalation_for(due_on: date, today: date) -> tuple[int, str] | None:
    """The step an open task has reached on `today`: None while it is on time."""
    late = (today - due_on).days
    reached = None
    for level, days, to in ESCALATION:
        if late >= days:
            reached = (level, to)
    return reached


def raise_level(current: str, suggested: str) -> str:
    return suggested if LEVELS.index(suggested) > LEVELS.index(current) else current


# Peace-building designations (平安创建) per township, from criteria over the stored signals and the register.
# Each criterion counts something in the period and allows at most `limit` of it; every designation shows what it
# counted (the evidence). 平安示范 needs the three others and no alert at orange or red.
@dataclass(frozen=True)
class Criterion:
    label: str
    kinds: tuple[str, ...] = ()                 # signal kinds counted
    item_codes: tuple[str, ...] = ()            # ... narrowed to these grid item codes
    referred_to: tuple[str, ...] = ()           # ... or to these referrals
    register_categories: tuple[str, ...] = ()   # open risk items of these categories counted
    alert_levels: tuple[str, ...] = ()          # alerts reaching these levels counted
    limit: int = 0


@dataclass(frozen=True)
class Designation:
    code: str
    label: str
    criteria: tuple[Criterion, ...]
    requires: tuple[str, ...] = ()


PERIOD_DAYS = 365
DESIGNATIONS: tuple[Designation, ...] = (
    Designation("drug_free", "无毒乡镇", (
        Criterion("涉毒线索网格事件", kinds=("case_reported",), item_codes=("public_order.drugs",)),
        Criterion("在册禁毒类风险", register_categories=("禁毒",)),
    )),
    Designation("cult_free", "无邪教乡镇", (
        Criterion("在册反邪教类风险", register_categories=("反邪教",)),
    )),
    Designation("litigation_free", "无讼乡镇", (
        Criterion("纠纷引导诉讼", kinds=("dispute_referred",), referred_to=("litigation",)),
    )),
    Designation("peace_building", "平安示范乡镇", (
        Criterion("橙色及以上预警", alert_levels=("orange", "red")),
        Criterion("集体访", kinds=("petition_collective",)),
    ), requires=("drug_free", "cult_free", "litigation_free")),
)


def period(as_of: datetime) -> tuple[datetime, datetime]:
    return as_of - timedelta(days=PERIOD_DAYS), as_of


def judge(found: dict[str, dict[str, list[str]]]) -> dict[str, dict]:
    """Designations of one township from what each criterion found ({designation: {criterion label: [refs]}}):
    granted when every criterion stays within its limit and every required designation is granted."""
    out: dict[str, dict] = {}
    for d in DESIGNATIONS:
        evidence = []
        ok = True
        for c in d.criteria:
            refs = found[d.code][c.label]
            within = len(refs) <= c.limit
            ok = ok and within
            evidence.append({"criterion": c.label, "count": len(refs), "limit": c.limit, "met": within,
                             "refs": refs[:20]})
        for code in d.requires:
            met = out[code]["granted"]
            ok = ok and met
            evidence.append({"criterion": f"须先评为{out[code]['label']}", "count": 0 if met else 1, "limit": 0,
                             "met": met, "refs": []})
        out[d.code] = {"designation": d.code, "label": d.label, "granted": ok, "evidence": evidence}
    return out
