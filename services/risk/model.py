"""The scoring model, configured in this one place: what each kind of signal weighs, how a grid case's category
scales it, how fast a signal fades, and the score at which an area's level turns yellow, orange or red.

A score is a pure function of the stored signals and one moment (`at`, the area's latest signal): each signal
inside the window contributes `weight × factor × 0.5 ** (age_days / HALF_LIFE_DAYS)`. Because the decay is
exponential, the sum folds: Σ w·0.5^((at − tᵢ)/h) = 0.5^((at − E)/h) · Σ w·0.5^((E − tᵢ)/h) for any fixed moment
E, so each signal adds a constant, `units`, to a sum referred to E, and the score at any later moment is that sum
decayed once. E is the start of the signal's era (ERA_DAYS long, so the referred values stay small), and the units
are integers (SCALE per 1.0 of score): the sums are exact whatever order they were added in, the live score kept
by additions (`$inc`) equals the one the rebuild folds from the stored signals, and scoring a signal costs the
same however many signals its area already has.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .api.codes import LEVELS

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
    "emergency_activated": 10.0,  # 应急响应启动（平→战）：一次即达村级黄色
    "emergency_drill": 0.0,      # 应急演练：单独统计，不计分
}

KIND_LABELS: dict[str, str] = {
    "case_reported": "网格事件上报", "case_overdue": "网格事件逾期", "case_escalated": "网格事件升级督办",
    "dispute_registered": "矛盾纠纷登记", "dispute_major": "重大矛盾纠纷", "dispute_failed": "调解不成",
    "dispute_referred": "纠纷转出（诉讼、仲裁等）", "petition_received": "信访件登记", "petition_collective": "集体访",
    "petition_repeat": "重复信访", "petition_overdue": "信访逾期", "debtor_listed": "失信被执行人列入名单",
    "emergency_activated": "应急响应启动", "emergency_drill": "应急演练",
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

# The folded sums: a signal's units are referred to the start of its era (EPOCH + k × ERA_DAYS), so one signal
# adds at most 9 × 2^(ERA_DAYS / HALF_LIFE_DAYS) × SCALE ≈ 7·10^10 and an area's sum of an era stays far inside a
# 64-bit integer.
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
ERA_DAYS = 182
SCALE = 10 ** 6

# Score at or above which an area is at the level (below yellow it is blue, 低风险). A township's score adds up
# all its villages, so its thresholds are higher.
THRESHOLDS: dict[str, dict[str, float]] = {
    "village": {"red": 30.0, "orange": 20.0, "yellow": 10.0},
    "township": {"red": 80.0, "orange": 50.0, "yellow": 25.0},
}

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


def window_start(at: datetime) -> datetime:
    """The oldest moment a signal may have and still count at `at`."""
    return at - timedelta(days=WINDOW_DAYS)


def counts_at(signal: dict, at: datetime) -> bool:
    return window_start(at) <= signal["occurred_at"] <= at


def era_of(moment: datetime) -> int:
    return math.floor((moment - EPOCH).total_seconds() / (ERA_DAYS * 86400))


def _era_start(era: int) -> datetime:
    return EPOCH + timedelta(days=ERA_DAYS * era)


def units(signal: dict) -> tuple[str, int]:
    """(era, integer units) a signal adds to its area's sums: weight × factor referred to its era's start."""
    era = era_of(signal["occurred_at"])
    since = (signal["occurred_at"] - _era_start(era)).total_seconds() / 86400
    value = WEIGHTS.get(signal["kind"], 0.0) * factor_of(signal) * 2 ** (since / HALF_LIFE_DAYS)
    return str(era), round(value * SCALE)


def fold(signals: list[dict]) -> dict[str, int]:
    """The sums of the given signals, by era (eras that add up to nothing left out)."""
    sums: dict[str, int] = {}
    for s in signals:
        era, value = units(s)
        sums[era] = sums.get(era, 0) + value
    return {era: value for era, value in sums.items() if value}


def score_at(sums: dict[str, int], at: datetime) -> float:
    """The score at `at` of folded sums: each era's sum decayed from its start to `at`, added in era order."""
    total = 0.0
    for era in sorted(sums, key=int):
        days = (at - _era_start(int(era))).total_seconds() / 86400
        total += sums[era] / SCALE * 0.5 ** (days / HALF_LIFE_DAYS)
    return round(total, 2)


def contributions(signals: list[dict], at: datetime) -> list[Contribution]:
    """Each signal's part of the score at `at` (for the reasons staff read): later signals and those older than
    the window count nothing."""
    out = []
    for s in sorted(signals, key=lambda s: (s["occurred_at"], s["_id"])):
        if not counts_at(s, at):
            continue
        age_days = (at - s["occurred_at"]).total_seconds() / 86400
        weight, factor = WEIGHTS.get(s["kind"], 0.0), factor_of(s)
        decay = round(0.5 ** (age_days / HALF_LIFE_DAYS), 6)
        out.append(Contribution(s["_id"], s["kind"], s.get("category"), s["occurred_at"], weight, factor, decay,
                                round(weight * factor * decay, 4)))
    return out


def level_for(value: float, area_kind: str) -> str:
    for level in ("red", "orange", "yellow"):
        if value >= THRESHOLDS[area_kind][level]:
            return level
    return "blue"


def reasons(signals: list[dict], at: datetime, limit: int | None = None) -> list[dict]:
    """The parts of the signals counted at `at`, largest first (at most `limit`)."""
    parts = sorted(contributions(signals, at), key=lambda p: (-p.value, p.event_id))
    return [p.as_dict() for p in parts[:limit]]


def assess(signals: list[dict], at: datetime, area_kind: str) -> dict:
    """The score of one area at `at` with its level and the signals behind it (largest part first)."""
    counted = [s for s in signals if counts_at(s, at)]
    value = score_at(fold(counted), at)
    return {"score": value, "level": level_for(value, area_kind), "at": at, "signal_count": len(counted),
            "reasons": reasons(counted, at)}


def markdown() -> str:
    """The weights, factors, decay and thresholds as docs/risk.md prints them (a test keeps the two equal)."""
    lines = ["| signal kind | 含义 | weight |", "|---|---|---|"]
    lines += [f"| `{kind}` | {KIND_LABELS[kind]} | {weight} |" for kind, weight in WEIGHTS.items()]
    lines += ["", "| grid case category | factor |", "|---|---|"]
    lines += [f"| `{category}` | {factor} |" for category, factor in CATEGORY_FACTORS.items()]
    lines += ["", f"Half-life {HALF_LIFE_DAYS} days; window {WINDOW_DAYS} days; sums referred to eras of {ERA_DAYS} "
              f"days from {EPOCH.date().isoformat()}, in units of 1/{SCALE:,} of a point.", "",
              "| area | yellow | orange | red |", "|---|---|---|---|"]
    lines += [f"| {kind} | {t['yellow']} | {t['orange']} | {t['red']} |" for kind, t in THRESHOLDS.items()]
    return "\n".join(lines)
