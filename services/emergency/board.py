"""The situation board (态势图) and the closing report (总结报告) from the stored counters, tasks and reports.
Plain data; no I/O. The board's figures are sums of the counter documents; the closing report takes the board as
it stood when the response ended, so its counts are the frozen board's."""
import hashlib
import json
from datetime import datetime

from shared import clock

from .api import ACCOUNTED, HOUSEHOLD_STATUS_LABELS, TASK_KIND_LABELS, HouseholdStatus

STATUSES = [s.value for s in HouseholdStatus]


def _zero() -> dict:
    return {"households": 0, **dict.fromkeys(STATUSES, 0), "vulnerable": 0, "vulnerable_accounted": 0,
            "evacuated_people": 0, "reports": 0}


def _add(total: dict, shard: dict) -> None:
    total["households"] += shard["households"]
    for s in STATUSES:
        total[s] += shard["counts"].get(s, 0)
    for key in ("vulnerable", "vulnerable_accounted", "evacuated_people", "reports"):
        total[key] += shard.get(key, 0)


def rows(shards: list[dict], names: dict[str, str]) -> tuple[dict, list[dict], list[dict], dict[str, int]]:
    """(totals, villages, grids, shelter occupants) summed over the counter documents."""
    totals, villages, grids, shelters = _zero(), {}, {}, {}
    for shard in shards:
        _add(totals, shard)
        _add(villages.setdefault(shard["village_code"], {**_zero(), "area_code": shard["village_code"]}), shard)
        _add(grids.setdefault(shard["grid_code"], {**_zero(), "area_code": shard["grid_code"],
                                                   "village_code": shard["village_code"]}), shard)
        for shelter_id, n in (shard.get("shelters") or {}).items():
            shelters[shelter_id] = shelters.get(shelter_id, 0) + n
    for row in [*villages.values(), *grids.values()]:
        row["name"] = names.get(row["area_code"], row["area_code"])
    return totals, sorted(villages.values(), key=lambda r: r["area_code"]), \
        sorted(grids.values(), key=lambda r: r["area_code"]), shelters


def counts_of(totals: dict) -> dict:
    """The event's and the closing report's `Counts` from the board's totals."""
    return {k: totals[k] for k in ("households", *STATUSES, "vulnerable", "vulnerable_accounted",
                                   "evacuated_people")}


def shelter_rows(plan_shelters: list[dict], occupants: dict[str, int], names: dict[str, str]) -> list[dict]:
    out = []
    for s in plan_shelters:
        n = occupants.get(s["shelter_id"], 0)
        out.append({"shelter_id": s["shelter_id"], "name": s["name"], "area_code": s["area_code"],
                    "area_name": names.get(s["area_code"], s["area_code"]), "capacity": s["capacity"],
                    "occupants": n, "share": round(n / s["capacity"], 3), "full": n >= s["capacity"]})
    return out


def hourly_status(areas: list[str], reports: list[dict], templates: list[dict], started: datetime,
                  now: datetime, names: dict[str, str]) -> list[dict]:
    """Per area that owes hourly reports: the last one, and whether the next is overdue (none within the plan's
    interval of the last one, or of the activation when none came yet)."""
    interval = min((t["repeat_minutes"] for t in templates if t.get("repeat_minutes")), default=None)
    if interval is None:
        return []
    last: dict[str, dict] = {}
    for r in reports:
        if r["area_code"] not in last or r["at"] > last[r["area_code"]]["at"]:
            last[r["area_code"]] = r
    out = []
    for code in areas:
        seen = last.get(code)
        since = seen["at"] if seen else started
        out.append({"area_code": code, "name": names.get(code, code), "last_at": clock.iso(seen["at"]) if seen
                    else None, "overdue": (now - since).total_seconds() > interval * 60,
                    "interval_minutes": interval})
    return out


def overdue_tasks(tasks: list[dict], pending_overdue: dict[str, int], now: datetime,
                  names: dict[str, str]) -> list[dict]:
    """Open area tasks past their time, and per grid the households still unchecked past the check's time."""
    out = [{"kind": t["kind"], "kind_label": TASK_KIND_LABELS[t["kind"]], "task_id": t["_id"], "title": t["title"],
            "area_code": t["area_code"], "area_name": names.get(t["area_code"], t["area_code"]),
            "due_at": clock.iso(t["due_at"])}
           for t in tasks if t["status"] == "open" and not t.get("repeat_minutes") and t["due_at"] < now]
    out += [{"kind": "household_check", "kind_label": TASK_KIND_LABELS["household_check"], "task_id": None,
             "title": f"逾期未核查 {n} 户", "area_code": grid, "area_name": names.get(grid, grid), "households": n,
             "due_at": None} for grid, n in sorted(pending_overdue.items()) if n]
    return out


def version_of(board: dict) -> str:
    """A digest of everything the board shows: an unchanged board answers 304 to a poll."""
    text = json.dumps({k: v for k, v in board.items() if k not in ("version", "as_of")}, sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def closing_report(activation: dict, plan: dict, board: dict, reports_span: tuple, command: dict,
                   went_wrong: list[str], follow_ups: list[dict], ended_at: datetime) -> dict:
    """The closing report (总结报告): the timeline, the frozen board's counts, what went wrong and the follow-ups."""
    first, last = reports_span
    timeline = list(activation["timeline"])
    if first:
        timeline.append({"at": first, "action": "first_report", "label": "首户核查上报", "detail": None})
    if last and last != first:
        timeline.append({"at": last, "action": "last_report", "label": "最后一次入户上报", "detail": None})
    timeline.append({"at": ended_at, "action": "deactivate", "label": "解除响应", "detail": None})
    timeline.sort(key=lambda e: e["at"])
    totals = board["totals"]
    reached = sum(totals[s] for s in ACCOUNTED)
    return {"activation_id": activation["_id"], "plan_id": plan["plan_id"], "plan_version": plan["version"],
            "plan_title": plan["title"], "hazard": activation["hazard"], "level": activation["level"],
            "drill": activation["drill"], "area_codes": activation["area_codes"],
            "activated_at": activation["activated_at"], "deactivated_at": ended_at,
            "minutes": int((ended_at - activation["activated_at"]).total_seconds() // 60),
            "timeline": [{**e, "at": clock.iso(e["at"])} for e in timeline],
            "counts": counts_of(totals), "reports": totals["reports"],
            "households_reached": reached, "status_labels": {s: HOUSEHOLD_STATUS_LABELS[s] for s in STATUSES},
            "villages": board["villages"], "grids": board["grids"], "shelters": board["shelters"],
            "overdue_tasks": board["overdue"], "hourly": board["hourly"], "command": command,
            "went_wrong": went_wrong, "follow_ups": follow_ups}
