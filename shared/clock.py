"""The one place services read the time, so tests and timers can agree on it."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

# Stored in UTC, shown and counted (days, periods) where the staff work.
LOCAL = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(timezone.utc)


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
