"""The petitions figures for petitions received in a period, by area one level below and by first-handling unit.

Definitions (also in docs/petitions.md). Honest denominators: a clock still running within its time counts in no
rate yet; one running past it counts against the rate.
- 网上信访占比 (target ≥60%) = petitions received online ÷ all petitions received.
- 按期登记转送交办率 = petitions registered and transferred or assigned (or converted to mediation) within 15 days
  of receipt ÷ (those done + those overdue and not done): the register duty 登记并转送、交办.
- 按期受理率 = written notices given within 15 days ÷ (notices given + notices overdue and not given).
- 按期办结率 = replies within the handling time (with any approved extension) ÷ (replies + handling overdue).
- 重复信访率 = petitions linked to an earlier one of the same petitioner and matter ÷ all petitions received.
- 满意率 = rated satisfied or basically satisfied ÷ rated.
- 存量 (backlog) = petitions received before the period and still open at its start; 化解 = of those, concluded
  (or not accepted, or converted to mediation) before its end; 清仓见底率 = 化解 ÷ 存量.
"""
from datetime import datetime

from . import clocks

TARGETS = {"online_share": 0.60}
DEFINITIONS = {
    "online_share": "网上信访占比 = 网上信访件数 ÷ 信访总件数（目标不低于60%）",
    "on_time_registration": "按期登记转送交办率 = 收到之日起15日内登记并转送、交办（或转人民调解）的件数 ÷"
                            "（已转送交办件数 + 逾期未转送交办件数）",
    "on_time_acceptance": "按期受理率 = 15日内书面告知是否受理的件数 ÷（已告知件数 + 逾期未告知件数）",
    "on_time_handling": "按期办结率 = 在办理期限（含批准延长）内答复的件数 ÷（已答复件数 + 逾期未答复件数）",
    "repeat_rate": "重复信访率 = 同一信访人同类事项再次信访的件数 ÷ 信访总件数",
    "satisfaction_rate": "满意率 =（满意 + 基本满意）件数 ÷ 已评价件数",
    "clearance_rate": "清仓见底率 = 期初存量中期末前已办结的件数 ÷ 期初存量件数",
}
ENDS = ("concluded", "declined", "converted")
UNASSIGNED = "尚未转送交办"


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def closed_at(times: dict) -> datetime | None:
    return min((times[m] for m in ENDS if times.get(m)), default=None)


def _on_time(rows: list[dict], clock_name: str, now) -> tuple[int, int]:
    """(on time, denominator) of one duty clock over the rows."""
    good = bad = 0
    for row in rows:
        found = clocks.state(clocks.BY_NAME[clock_name], row["times"], now, row.get("extension_days", 0))
        if found is None:
            continue
        good += found["state"] == "done"
        bad += found["state"] in ("late", "red")
    return good, good + bad


def _counts(rows: list[dict], now) -> dict:
    online = sum(r["channel"] == "online" for r in rows)
    registered_on_time, registration_base = _on_time(rows, "register", now)
    accepted_on_time, acceptance_base = _on_time(rows, "notice", now)
    handled_on_time, handling_base = _on_time(rows, "handle", now)
    repeats = sum(bool(r.get("repeat_of")) for r in rows)
    rated = [r["satisfaction"]["value"] for r in rows if r.get("satisfaction")]
    satisfied = sum(v in ("satisfied", "basically_satisfied") for v in rated)
    by_channel: dict[str, int] = {}
    for row in rows:
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + 1
    return {"received": len(rows), "online": online, "by_channel": dict(sorted(by_channel.items())),
            "online_share": _rate(online, len(rows)),
            "registered_on_time": registered_on_time, "registration_counted": registration_base,
            "registration_late": registration_base - registered_on_time,
            "on_time_registration": _rate(registered_on_time, registration_base),
            "accepted_on_time": accepted_on_time, "acceptance_counted": acceptance_base,
            "on_time_acceptance": _rate(accepted_on_time, acceptance_base),
            "handled_on_time": handled_on_time, "handling_counted": handling_base,
            "on_time_handling": _rate(handled_on_time, handling_base),
            "repeats": repeats, "repeat_rate": _rate(repeats, len(rows)),
            "collective": sum(bool(r.get("collective")) for r in rows),
            "hard_cases": sum(bool(r.get("hard_case")) for r in rows),
            "rated": len(rated), "satisfied": satisfied, "satisfaction_rate": _rate(satisfied, len(rated))}


def backlog(earlier: list[dict], start, end) -> dict:
    """Petitions received before `start`: those still open at `start`, and how many of them closed before `end`."""
    stock = [r for r in earlier if (closed_at(r["times"]) or end) >= start]
    cleared = [r for r in stock if (c := closed_at(r["times"])) is not None and c < end]
    return {"backlog_at_start": len(stock), "backlog_cleared": len(cleared),
            "clearance_rate": _rate(len(cleared), len(stock))}


def compute(rows: list[dict], earlier: list[dict], start, end, now, level: int) -> dict:
    """`level` is the length of the area's path: rows are also broken down by the area one level below, and by the
    first-handling unit (首办责任单位)."""
    by_area = []
    for code in sorted({r["area_path"][level] for r in rows + earlier if len(r["area_path"]) > level}):
        mine = [r for r in rows if len(r["area_path"]) > level and r["area_path"][level] == code]
        before = [r for r in earlier if len(r["area_path"]) > level and r["area_path"][level] == code]
        by_area.append({"area_code": code, **_counts(mine, now), **backlog(before, start, end)})
    by_unit = [{"unit": unit, "unit_label": unit, **_counts([r for r in rows if r.get("first_handler") == unit], now)}
               for unit in sorted({r["first_handler"] for r in rows if r.get("first_handler")})]
    unassigned = [r for r in rows if not r.get("first_handler")]
    if unassigned:  # the register duty's late ones are mostly here: nobody has been assigned yet
        by_unit.append({"unit": None, "unit_label": UNASSIGNED, **_counts(unassigned, now)})
    return {**_counts(rows, now), **backlog(earlier, start, end), "by_area": by_area, "by_unit": by_unit,
            "targets": TARGETS, "definitions": DEFINITIONS}
