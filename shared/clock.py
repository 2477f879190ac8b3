"""The one place services read the time, so tests and timers can agree on it, and count days the way the
county's rules do.

Days count in Asia/Shanghai, where the staff work: something that started at 23:30 on a Friday counts from that
Friday, and a period of N days ends at midnight after the Nth day. Working days follow China's official calendar
as this process knows it (`shared.holidays`: the State Council's notices the county loaded, the package's years,
and the statutory holidays for any other year); a working-day period that counts over a year known only by the
statutory holidays is provisional and is computed again when that year's notice is loaded.
"""
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from shared import holidays

# Stored in UTC, shown and counted (days, periods) where the staff work.
LOCAL = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    """Today where the staff work (Asia/Shanghai), whatever the machine's own zone: from 16:00 UTC it is already
    tomorrow in the county, and the dates staff enter may not lie after it."""
    return now().astimezone(LOCAL).date()


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


def is_working_day(day: date, calendar: holidays.Calendar | None = None) -> bool:
    return (calendar or holidays.current()).is_working_day(day)


class Period(NamedTuple):
    end: datetime       # UTC: local midnight after the last day
    provisional: bool   # counted over a year whose holiday notice is not known yet


def period(start: datetime, days: int, kind: DayKind, calendar: holidays.Calendar | None = None) -> Period:
    """A period of `days` calendar or working days that started at `start`. Calendar days are never provisional;
    working days are when any day counted over belongs to a year known only by its statutory holidays."""
    calendar = calendar or holidays.current()
    day = start.astimezone(LOCAL).date()
    provisional = False
    if kind == DayKind.calendar:
        day += timedelta(days=days)
    else:
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            found = calendar.day(day)
            provisional |= found.basis == holidays.STATUTORY
            counted += found.working
    return Period(datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL).astimezone(timezone.utc),
                  provisional)


def end_after(start: datetime, days: int, kind: DayKind, calendar: holidays.Calendar | None = None) -> datetime:
    """The end (UTC) of a period of `days` calendar or working days that started at `start`."""
    return period(start, days, kind, calendar).end
