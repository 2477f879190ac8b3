"""The one place services read the time, so tests and timers can agree on it."""
from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
