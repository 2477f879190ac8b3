"""Handling deadlines (办理时限): calendar or working days after the start (counted by shared.clock), the warning
window before the due time, and the escalation ladder once it has passed. Plain rules; the time is always passed in.
"""
from datetime import datetime, timedelta
from enum import IntEnum

from shared import clock
from shared.clock import DayKind, end_after, is_working_day  # noqa: F401 - the grid's rules speak of them

from .api.rpc import DeadlineRule

# Overdue cases go to the township at once and to the county when still open this long after the due time.
COUNTY_AFTER = timedelta(days=3)
# "临期": the last quarter of the time allowed, and never more than the last day.
WARN_SHARE, WARN_MAX = 0.25, timedelta(days=1)


class Escalation(IntEnum):
    none = 0
    township = 1  # 乡镇（街道）督办
    county = 2    # 县级督办


ESCALATION_LABELS = {Escalation.none: "未升级", Escalation.township: "已升级至乡镇", Escalation.county: "已升级至县级"}


def due_at(start: datetime, rule: DeadlineRule) -> datetime:
    """When something started at `start` must be finished under `rule` (UTC)."""
    return end_after(start, rule.days, rule.day_kind)


def deadline(start: datetime, rule: DeadlineRule, calendar=None) -> dict:
    """The deadline a case or order keeps: its start, due time, rule, and whether the due time is provisional
    (counted over a year whose holiday notice is not loaded yet; it is computed again when the notice comes)."""
    period = clock.period(start, rule.days, rule.day_kind, calendar)
    return {"start": start, "due_at": period.end, "provisional": period.provisional,
            "rule": rule.model_dump(mode="json")}


def warn_from(start: datetime, due: datetime) -> datetime:
    return due - min(WARN_MAX, (due - start) * WARN_SHARE)


def timing(start: datetime, due: datetime | None, now: datetime, finished: datetime | None = None) -> str:
    """on_time, due_soon or overdue while open; finished_on_time or finished_late once done."""
    if due is None:
        return "no_deadline"
    if finished is not None:
        return "finished_on_time" if finished <= due else "finished_late"
    if now > due:
        return "overdue"
    return "due_soon" if now >= warn_from(start, due) else "on_time"


TIMING_LABELS = {"no_deadline": "无时限", "on_time": "正常", "due_soon": "临期", "overdue": "逾期",
                 "finished_on_time": "按时办结", "finished_late": "超时办结"}


def escalation_for(due: datetime, now: datetime) -> Escalation:
    """The level an open item should have reached by `now`: none before the due time, then township, then county."""
    if now <= due:
        return Escalation.none
    return Escalation.township if now <= due + COUNTY_AFTER else Escalation.county
