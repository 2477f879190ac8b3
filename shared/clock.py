"""The one place services read the time, so tests and timers can agree on it, and count days the way the
county's rules do.

Days count in Asia/Shanghai, where the staff work: something that started at 23:30 on a Friday counts from that
Friday, and a period of N days ends at midnight after the Nth day. Working days follow China's official calendar
(`chinese-calendar`), which knows the public holidays and the weekend days made into working days; for a year it
does not cover yet, Monday to Friday is the best that can be said, and the log says so.
"""
import logging
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)

# Stored in UTC, shown and counted (days, periods) where the staff work.
LOCAL = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(value):
    """A date or instant as ISO 8601 text for an answer; anything else (None, text already) as it is."""
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def parse_local(value, field: str, need_offset: bool = False) -> datetime:
    """A date or time a caller sent ("2026-01-01", or with a time and an offset): Asia/Shanghai unless it says
    otherwise, or refused without an offset where an exact instant is meant. A bad value is a ValidationFailed
    naming the field."""
    from shared.errors import ValidationFailed

    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("应为日期，如 2026-01-01", field=field) from None
    if moment.tzinfo is None and need_offset:
        raise ValidationFailed("须带时区，如 2026-01-01T08:00:00+08:00", field=field)
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


class DayKind(StrEnum):
    calendar = "calendar"  # 自然日
    working = "working"    # 工作日


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        log.warning("official calendar does not cover %s; counting Monday to Friday", day.year)
        return day.weekday() < 5


def end_after(start: datetime, days: int, kind: DayKind) -> datetime:
    """The end (UTC) of a period of `days` calendar or working days that started at `start`."""
    day = start.astimezone(LOCAL).date()
    if kind == DayKind.calendar:
        day += timedelta(days=days)
    else:
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            counted += is_working_day(day)
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL).astimezone(timezone.utc)
