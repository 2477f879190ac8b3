"""The statutory clocks of a petition under 《信访工作条例》(2022), in one table: when the regulation changes, the
change is one row here. Plain rules; the time is always passed in.

Each clock starts at one moment of the petition (its `times`) and stops at the first of some others. An organ's
duty (`duty=True`) goes amber in its warning window, red once passed, and is escalated by supervision; a
petitioner's window (`duty=False`) only opens and closes: after it closes the request is refused, nobody is late.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.clock import DayKind, period

MAX_EXTENSION_DAYS = 30  # 经本机关负责人批准可以适当延长办理期限，延长期限不得超过30日


@dataclass(frozen=True)
class Clock:
    name: str
    label: str
    starts: str               # the moment in `times` that starts it
    stops: tuple[str, ...]    # the moments that stop it (the first one after the start counts)
    days: int
    day_kind: DayKind
    warn_days: int            # amber this many days before the end
    duty: bool                # an organ's duty (can be late) or a petitioner's window (only closes)
    basis: str                # the article, for the docs and the console


CLOCKS = (
    Clock("register", "登记并转送、交办", "received", ("forwarded", "declined", "converted"), 15, DayKind.calendar, 3,
          True, "自收到之日起15日内登记，并转送、交办有权处理的机关"),
    Clock("notice", "书面告知是否受理", "forwarded", ("accepted", "declined", "objected", "converted"), 15,
          DayKind.calendar, 3, True, "有权处理的机关自收到之日起15日内书面告知信访人是否受理"),
    Clock("objection", "提出非本单位职责的异议", "forwarded", ("accepted", "declined", "objected", "converted"), 5,
          DayKind.working, 1, False, "认为不属于本单位职责范围的，5个工作日内向转送、交办机关提出异议"),
    Clock("handle", "办理并书面答复", "accepted", ("replied",), 60, DayKind.calendar, 10, True,
          "自受理之日起60日内办结；情况复杂的经批准可延长，延长不超过30日"),
    Clock("review_request", "请求复查", "replied", ("review_requested", "concluded"), 30, DayKind.calendar, 5, False,
          "自收到书面答复之日起30日内请求上一级机关复查"),
    Clock("review", "提出复查意见", "review_requested", ("reviewed",), 30, DayKind.calendar, 5, True,
          "收到复查请求之日起30日内提出复查意见"),
    Clock("re_review_request", "请求复核", "reviewed", ("re_review_requested", "concluded"), 30, DayKind.calendar, 5,
          False, "自收到复查意见之日起30日内请求复核"),
    Clock("re_review", "提出复核意见", "re_review_requested", ("re_reviewed",), 30, DayKind.calendar, 5, True,
          "收到复核请求之日起30日内提出复核意见；复核后以同一事实和理由提出的不再受理"),
)
BY_NAME = {c.name: c for c in CLOCKS}

# Overdue duties are supervised (督办), rising a level as they stay overdue: how long after the due time each
# level is reached. The first is the moment the clock goes red.
SUPERVISION_AFTER = (("general", timedelta(0)), ("key", timedelta(days=10)), ("listed", timedelta(days=30)))

STATE_LABELS = {"green": "正常", "amber": "临期", "red": "逾期", "done": "按时完成", "late": "超时完成",
                "open": "可申请", "closed": "已过期", "used": "已结束"}


def due(clock: Clock, start: datetime, extension_days: int = 0, calendar=None) -> datetime:
    return period(start, clock.days + extension_days, clock.day_kind, calendar).end


def state(clock: Clock, times: dict, now: datetime, extension_days: int = 0, calendar=None) -> dict | None:
    """A clock's state on `now`, None when it has not started. A duty: green, amber, red while running; done or
    late once stopped. A window: open, closed, or used. `provisional`: its end counts working days over a year
    whose holiday notice is not loaded yet, and may move when it is."""
    start = times.get(clock.starts)
    if start is None:
        return None
    end, provisional = period(start, clock.days + (extension_days if clock.name == "handle" else 0),
                              clock.day_kind, calendar)
    stopped = min((times[s] for s in clock.stops if times.get(s) and times[s] >= start), default=None)
    if clock.duty:
        if stopped is not None:
            value = "done" if stopped <= end else "late"
        elif now > end:
            value = "red"
        else:
            value = "amber" if now >= end - timedelta(days=clock.warn_days) else "green"
    else:
        value = "used" if stopped is not None else ("closed" if now > end else "open")
    left = (end - now).total_seconds() / 86400
    return {"clock": clock.name, "label": clock.label, "state": value, "state_label": STATE_LABELS[value],
            "started_at": start, "due_at": end, "provisional": provisional, "stopped_at": stopped, "duty": clock.duty,
            "days_left": None if stopped is not None else max(0, int(left) + (left % 1 > 0)) if left > 0 else 0}


def states(times: dict, now: datetime, extension_days: int = 0) -> list[dict]:
    return [s for c in CLOCKS if (s := state(c, times, now, extension_days)) is not None]


def worst(clock_states: list[dict]) -> str:
    """The petition's colour in the queue: red if any duty is overdue, amber if any is due soon, else green."""
    running = {s["state"] for s in clock_states if s["duty"]}
    return "red" if "red" in running else "amber" if "amber" in running else "green"


def supervision_level(due_at: datetime, now: datetime) -> str | None:
    """The supervision an overdue duty should have reached by `now`; None while it is not overdue."""
    level = None
    for name, after in SUPERVISION_AFTER:
        if now > due_at + after:
            level = name
    return level


def window_open(clock_name: str, times: dict, now: datetime) -> bool:
    found = state(BY_NAME[clock_name], times, now)
    return found is not None and found["state"] == "open"


def markdown() -> str:
    """The table as the docs show it; a test keeps the docs and the code the same."""
    rows = ["| clock | 时限 | starts | stops | kind | basis |", "|---|---|---|---|---|---|"]
    rows += [f"| `{c.name}` {c.label} | {c.days}个{'工作日' if c.day_kind == DayKind.working else '自然日'} | "
             f"`{c.starts}` | {', '.join(f'`{s}`' for s in c.stops)} | {'duty' if c.duty else 'window'} | "
             f"{c.basis} |" for c in CLOCKS]
    return "\n".join(rows)
