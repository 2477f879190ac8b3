"""Handling deadlines on China's official calendar, worked out by hand in Asia/Shanghai (UTC+8, no daylight saving).

Around National Day 2025 the official calendar reads: Saturday 27 September a rest day, Sunday 28 September a
make-up working day, 1 to 8 October public holidays, Thursday 9 and Friday 10 October working days, Saturday
11 October a make-up working day, Sunday 12 October a rest day, Monday 13 October a working day.
"""
from datetime import date, datetime, timedelta, timezone

import chinese_calendar
import pytest
from pydantic import ValidationError

from services.grid import deadlines
from services.grid.api.rpc import DeadlineRule
from services.grid.deadlines import DayKind, Escalation

UTC = timezone.utc
CST = timezone(timedelta(hours=8))  # Asia/Shanghai, written out by hand


def working(days):
    return DeadlineRule(days=days, day_kind=DayKind.working)


def calendar(days):
    return DeadlineRule(days=days, day_kind=DayKind.calendar)


def test_the_official_calendar_reads_as_these_tests_assume():
    assert chinese_calendar.is_workday(date(2025, 9, 28)) and date(2025, 9, 28).weekday() == 6
    assert chinese_calendar.is_workday(date(2025, 10, 11)) and date(2025, 10, 11).weekday() == 5
    assert not any(chinese_calendar.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert not chinese_calendar.is_workday(date(2025, 9, 27)) and not chinese_calendar.is_workday(date(2025, 10, 12))


def test_working_days_skip_the_national_day_holidays_and_count_the_make_up_saturday():
    # Tuesday 30 September 10:00: 1-8 October do not count; Thu 9 (1), Fri 10 (2), Sat 11 (3, make-up day).
    start = datetime(2025, 9, 30, 10, 0, tzinfo=CST)
    due = deadlines.due_at(start, working(3))
    assert due == datetime(2025, 10, 12, 0, 0, tzinfo=CST)
    assert due == datetime(2025, 10, 11, 16, 0, tzinfo=UTC) and due.tzinfo == UTC
    # One more working day skips Sunday 12 October and lands on Monday 13 October.
    assert deadlines.due_at(start, working(4)) == datetime(2025, 10, 13, 16, 0, tzinfo=UTC)


def test_a_make_up_sunday_counts_as_a_working_day():
    # Friday 26 September 09:00: Sat 27 rests, Sun 28 (1, make-up day), Mon 29 (2).
    start = datetime(2025, 9, 26, 9, 0, tzinfo=CST)
    assert deadlines.due_at(start, working(2)) == datetime(2025, 9, 29, 16, 0, tzinfo=UTC)
    assert deadlines.is_working_day(date(2025, 9, 28)) and not deadlines.is_working_day(date(2025, 9, 27))


def test_calendar_days_run_through_holidays_and_weekends():
    start = datetime(2025, 9, 30, 10, 0, tzinfo=CST)
    # Day 1 is 1 October, day 2 is 2 October: due at midnight after 2 October.
    assert deadlines.due_at(start, calendar(2)) == datetime(2025, 10, 2, 16, 0, tzinfo=UTC)
    assert deadlines.due_at(start, calendar(10)) == datetime(2025, 10, 10, 16, 0, tzinfo=UTC)


def test_a_late_evening_start_counts_from_that_local_day():
    # Friday 10 October 23:30 local is 15:30 UTC the same day; the next working day is the make-up Saturday.
    evening = datetime(2025, 10, 10, 15, 30, tzinfo=UTC)
    assert deadlines.due_at(evening, working(1)) == datetime(2025, 10, 11, 16, 0, tzinfo=UTC)
    assert deadlines.due_at(evening, calendar(1)) == datetime(2025, 10, 11, 16, 0, tzinfo=UTC)


def test_a_start_past_local_midnight_counts_from_the_local_day_not_the_utc_one():
    # 16:30 UTC on Friday 10 October is 00:30 on Saturday 11 October in Chengkou. Counting from the local
    # Saturday, the next working day is Monday 13 October; counting from the UTC Friday would wrongly give
    # Saturday 11 October.
    just_after_midnight = datetime(2025, 10, 10, 16, 30, tzinfo=UTC)
    assert deadlines.due_at(just_after_midnight, working(1)) == datetime(2025, 10, 13, 16, 0, tzinfo=UTC)
    assert deadlines.due_at(just_after_midnight, calendar(1)) == datetime(2025, 10, 12, 16, 0, tzinfo=UTC)


def test_a_year_the_official_calendar_does_not_cover_counts_its_statutory_holidays_provisionally():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2099, 1, 1))
    # Wednesday 31 December 2098 10:00: 1 January (元旦, Thursday) is known to be off by law; Fri 2 (1), Sat and
    # Sun skipped, Mon 5 (2). Whatever the State Council adds later is not known: the due time is provisional.
    start = datetime(2098, 12, 31, 10, 0, tzinfo=CST)
    assert deadlines.due_at(start, working(2)) == datetime(2099, 1, 5, 16, 0, tzinfo=UTC)
    kept = deadlines.deadline(start, working(2))
    assert kept["provisional"] and kept["due_at"] == datetime(2099, 1, 5, 16, 0, tzinfo=UTC)
    assert not deadlines.deadline(datetime(2025, 9, 30, 10, 0, tzinfo=CST), working(3))["provisional"]


def test_rule_labels_and_limits():
    assert working(3).label == "3个工作日" and calendar(2).label == "2个自然日"
    assert DeadlineRule(days=5).day_kind == DayKind.working
    for bad in ({"days": 0}, {"days": 366}, {"days": 3, "day_kind": "lunar"}, {"days": 3, "extra": 1}):
        with pytest.raises(ValidationError):
            DeadlineRule.model_validate(bad)


def test_the_warning_window_is_the_last_quarter_but_never_more_than_a_day():
    start = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
    # 28 hours allowed: the last quarter is 7 hours.
    assert deadlines.warn_from(start, start + timedelta(hours=28)) == start + timedelta(hours=21)
    # 10 days allowed: a quarter would be 2.5 days, capped at the last day.
    assert deadlines.warn_from(start, start + timedelta(days=10)) == start + timedelta(days=9)
    # Exactly 4 days: a quarter is exactly one day.
    assert deadlines.warn_from(start, start + timedelta(days=4)) == start + timedelta(days=3)


def test_timing_labels_at_their_boundaries():
    start = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
    due = start + timedelta(hours=28)
    warn = start + timedelta(hours=21)
    tick = timedelta(microseconds=1)
    assert deadlines.timing(start, None, start) == "no_deadline"
    assert deadlines.timing(start, due, start) == "on_time"
    assert deadlines.timing(start, due, warn - tick) == "on_time"
    assert deadlines.timing(start, due, warn) == "due_soon"
    assert deadlines.timing(start, due, due) == "due_soon"  # due at that instant, not yet past it
    assert deadlines.timing(start, due, due + tick) == "overdue"
    # Once finished, only the finishing time matters, not the time of looking.
    assert deadlines.timing(start, due, due + timedelta(days=30), finished=due) == "finished_on_time"
    assert deadlines.timing(start, due, due, finished=due + tick) == "finished_late"
    assert deadlines.TIMING_LABELS["due_soon"] == "临期" and deadlines.TIMING_LABELS["overdue"] == "逾期"


def test_the_escalation_ladder_at_its_boundaries():
    due = datetime(2025, 10, 11, 16, 0, tzinfo=UTC)
    tick = timedelta(microseconds=1)
    assert deadlines.escalation_for(due, due - timedelta(days=5)) == Escalation.none
    assert deadlines.escalation_for(due, due) == Escalation.none
    assert deadlines.escalation_for(due, due + tick) == Escalation.township
    assert deadlines.escalation_for(due, due + timedelta(days=3)) == Escalation.township
    assert deadlines.escalation_for(due, due + timedelta(days=3) + tick) == Escalation.county
    assert deadlines.escalation_for(due, due + timedelta(days=365)) == Escalation.county
    assert Escalation.none < Escalation.township < Escalation.county
    assert deadlines.ESCALATION_LABELS[Escalation.county] == "已升级至县级"
