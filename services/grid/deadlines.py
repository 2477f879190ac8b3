"""Handling deadlines (办理时限): calendar or working days after the start, the warning window before the due time,
and the escalation ladder once it has passed. Plain rules; the time is always passed in.

Days count in Asia/Shanghai, where the staff work: a case reported at 23:30 on a Friday counts from that Friday.
A deadline of N days ends at midnight after the Nth day. Working days follow China's official calendar
(`chinese-calendar`), which knows the public holidays and the weekend days made into working days; for a year it
does not cover yet, Monday to Friday is the best that can be said, and the log says so.
"""
import logging
from datetime import date, datetime, time, timedelta, timezone
from enum import IntEnum, StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger(__name__)
LOCAL = ZoneInfo("Asia/Shanghai")
# Overdue cases go to the township at once and to the county when still open this long after the due time.
COUNTY_AFTER = timedelta(days=3)
# "临期": the last quarter of the time allowed, and never more than the last day.
WARN_SHARE, WARN_MAX = 0.25, timedelta(days=1)


class DayKind(StrEnum):
    calendar = "calendar"  # 自然日
    working = "working"    # 工作日


class DeadlineRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    days: Annotated[int, Field(ge=1, le=365, description="办理时限（天）")]
    day_kind: DayKind = DayKind.working

    @property
    def label(self) -> str:
        return f"{self.days}个{'工作日' if self.day_kind == DayKind.working else '自然日'}"


class Escalation(IntEnum):
    none = 0
    township = 1  # 乡镇（街道）督办
    county = 2    # 县级督办


ESCALATION_LABELS = {Escalation.none: "未升级", Escalation.township: "已升级至乡镇", Escalation.county: "已升级至县级"}


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        log.warning("official calendar does not cover %s; counting Monday to Friday", day.year)
        return day.weekday() < 5


def due_at(start: datetime, rule: DeadlineRule) -> datetime:
    """When something started at `start` must be finished under `rule` (UTC)."""
    day = start.astimezone(LOCAL).date()
    if rule.day_kind == DayKind.calendar:
        day += timedelta(days=rule.days)
    else:
        counted = 0
        while counted < rule.days:
            day += timedelta(days=1)
            counted += is_working_day(day)
    end_of_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL)
    return end_of_day.astimezone(timezone.utc)


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
