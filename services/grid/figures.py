"""Grid affairs' figures for an area and a period, computed from the cases and orders themselves. Plain rules.

The on-time rate has an honest denominator: a case still open past its due time counts against it, so leaving
late cases open cannot raise the rate. Cases screened out or referred to mediation are counted by status but
are neither on time nor late here (mediation reports on its own disputes).
"""
from statistics import fmean

CASE_FIELDS = ["area_path", "status", "item.category", "deadline.due_at", "discovered_at", "closed_at"]
ORDER_FIELDS = ["area_path", "status", "ratings", "delivered_at"]
OPEN = {"collected", "reported", "dispatched", "handled", "verified"}
SATISFIED = 4  # a rating of 4 or 5

DEFINITIONS = {
    "on_time_rate": "按时办结率 = 按时办结数 ÷（已办结数 + 未办结且已逾期数）",
    "mean_handling_hours": "平均办理时长 = 已办结事件从发现到办结的平均小时数",
    "mean_rating": "群众满意度 = 服务单全部评价的平均分（1-5分），重办后的再次评价也计入",
    "satisfied_share": "满意率 = 4分及以上的评价数 ÷ 评价总数",
    "orders_delivered": "已办理服务单 = 至少办理反馈过一次的服务单",
}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _case_counts(rows: list[dict], now) -> dict:
    closed = [r for r in rows if r["status"] == "closed"]
    on_time = sum(1 for r in closed if r["closed_at"] <= r["deadline"]["due_at"])
    overdue = sum(1 for r in rows if r["status"] in OPEN and r["deadline"]["due_at"] < now)
    hours = [(r["closed_at"] - r["discovered_at"]).total_seconds() / 3600 for r in closed]
    return {"total": len(rows), "closed": len(closed), "closed_on_time": on_time, "open_overdue": overdue,
            "on_time_rate": _rate(on_time, len(closed) + overdue),
            "mean_handling_hours": round(fmean(hours), 2) if hours else None}


def _order_counts(rows: list[dict]) -> dict:
    ratings = [r["rating"] for row in rows for r in row.get("ratings", [])]
    return {"placed": len(rows), "delivered": sum(1 for r in rows if r.get("delivered_at")),
            "rated": sum(1 for r in rows if r["status"] == "rated"),
            "reopened": sum(1 for r in rows if r["status"] == "reopened"), "ratings": len(ratings),
            "mean_rating": round(fmean(ratings), 2) if ratings else None,
            "satisfied_share": _rate(sum(1 for r in ratings if r >= SATISFIED), len(ratings))}


def _tally(rows: list[dict], key) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[key(row)] = counts.get(key(row), 0) + 1
    return dict(sorted(counts.items()))


def compute(case_rows: list[dict], order_rows: list[dict], now, level: int, child_names: dict[str, str]) -> dict:
    """`level` is the length of the area's path: rows are broken down by the area one level below it."""
    cases = {**_case_counts(case_rows, now), "by_status": _tally(case_rows, lambda r: r["status"]),
             "by_category": _tally(case_rows, lambda r: r["item"]["category"])}
    by_area = []
    for code in sorted({r["area_path"][level] for r in case_rows + order_rows if len(r["area_path"]) > level}):
        mine = [r for r in case_rows if len(r["area_path"]) > level and r["area_path"][level] == code]
        theirs = [r for r in order_rows if len(r["area_path"]) > level and r["area_path"][level] == code]
        by_area.append({"area_code": code, "area_name": child_names.get(code, code), **_case_counts(mine, now),
                        "orders": _order_counts(theirs)})
    return {"cases": cases, "orders": _order_counts(order_rows), "by_area": by_area, "definitions": DEFINITIONS}
