"""The scoring model, configured in this one place: what each kind of signal weighs, how a grid case's category
scales it, how fast a signal fades, and the score at which an area's level turns yellow, orange or red.

A score is a pure function of the stored signals and one moment (`at`, the area's latest signal): each signal
inside the window contributes `weight × factor × 0.5 ** (age_days / HALF_LIFE_DAYS)`, and the contributions are
added in (occurred_at, event_id) order and rounded. Nothing depends on the order the events arrived in, so the
rebuild reproduces the live score exactly, and every score can list the signals behind it.
"""
from dataclasses import dataclass
from datetime import datetime

# Weight of one signal by kind (the kinds come from the events the other services publish; see signals.py).
WEIGHTS: dict[str, float] = {
    "case_reported": 1.0,        # 网格事件上报
    "case_overdue": 1.5,         # 网格事件逾期
    "case_escalated": 2.0,       # 网格事件逾期升级督办
    "dispute_registered": 1.0,   # 矛盾纠纷登记
    "dispute_major": 4.0,        # 重大矛盾纠纷登记
    "dispute_failed": 3.0,       # 调解不成
    "dispute_referred": 1.0,     # 引导诉讼、仲裁或转出
    "petition_received": 1.0,    # 信访件登记
    "petition_collective": 6.0,  # 集体访
    "petition_repeat": 3.0,      # 重复信访
    "petition_overdue": 2.0,     # 信访法定时限逾期
    "debtor_listed": 2.0,        # 失信被执行人列入名单（联合惩戒）
}

KIND_LABELS: dict[str, str] = {
    "case_reported": "网格事件上报", "case_overdue": "网格事件逾期", "case_escalated": "网格事件升级督办",
    "dispute_registered": "矛盾纠纷登记", "dispute_major": "重大矛盾纠纷", "dispute_failed": "调解不成",
    "dispute_referred": "纠纷转出（诉讼、仲裁等）", "petition_received": "信访件登记", "petition_collective": "集体访",
    "petition_repeat": "重复信访", "petition_overdue": "信访逾期", "debtor_listed": "失信被执行人列入名单",
}

# A grid case's category (the part of its item code before the dot) scales its weight: a safety or public-order
# hazard says more about stability than a sanitation report. Categories not listed count 1.0.
CATEGORY_FACTORS: dict[str, float] = {
    "safety": 1.5,
    "public_order": 1.5,
    "public_health": 1.5,
    "dispute": 1.2,
    "special_groups": 1.2,
    "environment": 0.5,
    "livelihood": 0.5,
}

HALF_LIFE_DAYS = 14   # a signal counts half after two weeks
WINDOW_DAYS = 90      # and not at all after three months

# Score at or above which an area is at the level (below yellow it is blue, 低风险). A township's score adds up
# all its villages, so its thresholds are higher.
THRESHOLDS: dict[str, dict[str, float]] = {
    "village": {"red": 30.0, "orange": 20.0, "yellow": 10.0},
    "township": {"red": 80.0, "orange": 50.0, "yellow": 25.0},
}

LEVELS = ("blue", "yellow", "orange", "red")
LEVEL_LABELS = {"red": "红色（重大风险）", "orange": "橙色（较大风险）", "yellow": "黄色（一般风险）",
                "blue": "蓝色（低风险）"}
ALERT_LEVELS = ("yellow", "orange", "red")  # levels that raise an alert


def rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass(frozen=True)
class Contribution:
    event_id: str
    kind: str
    category: str | None
    occurred_at: datetime
    weight: float
    factor: float
    decay: float
    value: float

    def as_dict(self) -> dict:
        return {"event_id": self.event_id, "kind": self.kind, "kind_label": KIND_LABELS.get(self.kind, self.kind),
                "category": self.category, "occurred_at": self.occurred_at.isoformat(), "weight": self.weight,
                "factor": self.factor, "decay": self.decay, "value": self.value}


def factor_of(signal: dict) -> float:
    if signal["kind"].startswith("case_"):
        return CATEGORY_FACTORS.get(signal.get("category") or "", 1.0)
    return 1.0


def contributions(signals: list[dict], at: datetime) -> list[Contribution]:
    """Each signal's part of the score at `at`: later signals and those older than the window count nothing."""
    out = []
    for s in sorted(signals, key=lambda s: (s["occurred_at"], s["_id"])):
        age_days = (at - s["occurred_at"]).total_seconds() / 86400
        if age_days < 0 or age_days > WINDOW_DAYS:
            continue
        weight, factor = WEIGHTS.get(s["kind"], 0.0), factor_of(s)
        decay = round(0.5 ** (age_days / HALF_LIFE_DAYS), 6)
        out.append(Contribution(s["_id"], s["kind"], s.get("category"), s["occurred_at"], weight, factor, decay,
                                round(weight * factor * decay, 4)))
    return out


def score(parts: list[Contribution]) -> float:
    total = 0.0
    for part in parts:  # already in (occurred_at, event_id) order: the same sum every time
        total += part.value
    return round(total, 2)


def level_for(value: float, area_kind: str) -> str:
    for level in ("red", "orange", "yellow"):
        if value >= THRESHOLDS[area_kind][level]:
            return level
    return "blue"


def assess(signals: list[dict], at: datetime, area_kind: str) -> dict:
    """The score of one area at `at` with its level and the signals behind it (largest part first)."""
    parts = contributions(signals, at)
    value = score(parts)
    return {"score": value, "level": level_for(value, area_kind), "at": at, "signal_count": len(parts),
            "reasons": [p.as_dict() for p in sorted(parts, key=lambda p: (-p.value, p.event_id))]}


def markdown() -> str:
    """The weights, factors, decay and thresholds as docs/risk.md prints them (a test keeps the two equal)."""
    lines = ["| signal kind | 含义 | weight |", "|---|---|---|"]
    lines += [f"| `{kind}` | {KIND_LABELS[kind]} | {weight} |" for kind, weight in WEIGHTS.items()]
    lines += ["", "| grid case category | factor |", "|---|---|"]
    lines += [f"| `{category}` | {factor} |" for category, factor in CATEGORY_FACTORS.items()]
    lines += ["", f"Half-life {HALF_LIFE_DAYS} days; window {WINDOW_DAYS} days.", "",
              "| area | yellow | orange | red |", "|---|---|---|---|"]
    lines += [f"| {kind} | {t['yellow']} | {t['orange']} | {t['red']} |" for kind, t in THRESHOLDS.items()]
    return "\n".join(lines)
