"""The plan's three mediation targets over dispute rows, as this service counts them: part of its public face, so
that a read model of its events (the assessment service's) counts them the same way. A row has status, level,
major, registered_at, due_at and resolved_at, all carried by every dispute event.

Honest denominators: a dispute still open past its time limit counts against every rate; one still open within
its limit counts in none yet. Definitions (also in docs/mediation.md):
- 基层化解率 (≥90%) = resolved by agreement at village or township level ÷ (concluded + open and overdue);
  declined disputes are in the denominator (they were not resolved at the grassroots).
- 调解成功率 (≥95%) = resolved by agreement ÷ (accepted disputes concluded + accepted disputes open and overdue);
  a dispute declined at registration was never mediated and is left out.
- 重大矛盾纠纷化解率 (≥85%) = major disputes resolved ÷ (major disputes concluded + major open and overdue).
"""
from statistics import fmean

OPEN = {"registered", "accepted", "in_mediation"}
GRASSROOTS = {"village", "township"}
TARGETS = {"grassroots_rate": 0.90, "success_rate": 0.95, "major_rate": 0.85}
DEFINITIONS = {
    "grassroots_rate": "基层化解率 = 在村（社区）、乡镇（街道）两级达成调解协议的纠纷数 ÷（已办结纠纷数 + 超期未结纠纷数）",
    "success_rate": "调解成功率 = 达成调解协议的纠纷数 ÷（已受理且已办结的纠纷数 + 已受理超期未结的纠纷数）",
    "major_rate": "重大矛盾纠纷化解率 = 达成调解协议的重大纠纷数 ÷（已办结的重大纠纷数 + 超期未结的重大纠纷数）",
    "mean_days_to_resolve": "平均化解天数 = 达成协议的纠纷从登记到签订协议的平均天数",
    "overdue": "超期未结 = 未结且已超过调解期限（默认30日）的纠纷数",
}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def counts(rows: list[dict], now) -> dict:
    overdue = [r for r in rows if r["status"] in OPEN and r["due_at"] < now]
    concluded = [r for r in rows if r["status"] not in OPEN]
    resolved = [r for r in rows if r.get("resolved_at")]
    grassroots = [r for r in resolved if r.get("level") in GRASSROOTS]
    accepted_concluded = [r for r in concluded if r.get("level")]
    accepted_overdue = [r for r in overdue if r.get("level")]
    major = [r for r in rows if r.get("major")]
    major_resolved = [r for r in major if r.get("resolved_at")]
    major_denominator = sum(1 for r in major if r["status"] not in OPEN or (r["due_at"] < now))
    days = [(r["resolved_at"] - r["registered_at"]).total_seconds() / 86400 for r in resolved]
    return {
        "registered": len(rows), "concluded": len(concluded), "open": len(rows) - len(concluded),
        "overdue": len(overdue), "resolved": len(resolved), "resolved_at_grassroots": len(grassroots),
        "major": len(major), "major_resolved": len(major_resolved),
        "grassroots_rate": _rate(len(grassroots), len(concluded) + len(overdue)),
        "success_rate": _rate(len(resolved), len(accepted_concluded) + len(accepted_overdue)),
        "major_rate": _rate(len(major_resolved), major_denominator),
        "mean_days_to_resolve": round(fmean(days), 2) if days else None,
    }
