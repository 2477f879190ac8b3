"""The petition's pure rules: the clock table against the official calendar, the colours, the supervision ladder,
the transition table, and the figures against a fixture computed by hand."""
from datetime import datetime, timedelta, timezone

import pytest

from services.petitions import clocks, figures
from services.petitions.api.codes import WORKFLOW
from services.petitions.domain import is_collective
from shared.errors import Conflict, ValidationFailed
from shared.workflow import Workflow

CST = timezone(timedelta(hours=8))
UTC = timezone.utc


def t(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=CST)


def test_calendar_day_clocks_end_at_local_midnight_after_the_last_day():
    times = {"received": t("2025-03-03", 9)}
    state = clocks.state(clocks.BY_NAME["register"], times, t("2025-03-04"))
    assert state["due_at"] == datetime(2025, 3, 18, 16, 0, tzinfo=UTC) and state["state"] == "green"
    assert state["days_left"] == 15


def test_the_working_day_window_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    times = {"forwarded": t("2025-09-30")}
    due = clocks.state(clocks.BY_NAME["objection"], times, t("2025-10-01"))["due_at"]
    assert due == datetime(2025, 10, 14, 16, 0, tzinfo=UTC)  # 9, 10, 11 (Sat, a working day), 13, 14 October
    assert clocks.window_open("objection", times, t("2025-10-14", 23))
    assert not clocks.window_open("objection", times, t("2025-10-15", 1))


@pytest.mark.parametrize("now, expected", [("2025-03-14", "green"), ("2025-03-16", "amber"), ("2025-03-19", "red")])
def test_a_duty_is_green_then_amber_in_its_last_days_then_red(now, expected):
    assert clocks.state(clocks.BY_NAME["register"], {"received": t("2025-03-03")}, t(now))["state"] == expected


def test_a_duty_stopped_in_time_is_done_and_one_stopped_late_is_late():
    register = clocks.BY_NAME["register"]
    assert clocks.state(register, {"received": t("2025-03-03"), "forwarded": t("2025-03-10")},
                        t("2025-05-01"))["state"] == "done"
    assert clocks.state(register, {"received": t("2025-03-03"), "forwarded": t("2025-03-20")},
                        t("2025-05-01"))["state"] == "late"


def test_a_stop_before_the_clock_started_does_not_stop_it():
    # Forwarded, objected (back to registration), forwarded again: the notice clock restarts at the new forward.
    times = {"forwarded": t("2025-04-20"), "objected": t("2025-04-10")}
    assert clocks.state(clocks.BY_NAME["notice"], times, t("2025-04-21"))["state"] == "green"


def test_the_extension_moves_only_the_handling_clock():
    times = {"accepted": t("2025-05-08")}
    plain = clocks.state(clocks.BY_NAME["handle"], times, t("2025-05-09"))["due_at"]
    longer = clocks.state(clocks.BY_NAME["handle"], times, t("2025-05-09"), extension_days=30)["due_at"]
    assert longer - plain == timedelta(days=30)
    assert clocks.state(clocks.BY_NAME["review"], {"review_requested": t("2025-05-08")}, t("2025-05-09"),
                        extension_days=30)["due_at"] == datetime(2025, 6, 7, 16, 0, tzinfo=UTC)


def test_a_petitioners_window_opens_closes_or_is_used_and_is_never_late():
    review = clocks.BY_NAME["review_request"]
    replied = {"replied": t("2025-01-10")}
    assert clocks.state(review, replied, t("2025-02-01"))["state"] == "open"
    assert clocks.state(review, replied, t("2025-02-12"))["state"] == "closed"
    assert clocks.state(review, {**replied, "review_requested": t("2025-01-20")}, t("2025-03-01"))["state"] == "used"
    assert clocks.worst(clocks.states(replied, t("2025-03-01"))) == "green"


def test_the_supervision_ladder():
    due = datetime(2025, 3, 18, 16, 0, tzinfo=UTC)
    assert clocks.supervision_level(due, due) is None
    assert clocks.supervision_level(due, due + timedelta(minutes=1)) == "general"
    assert clocks.supervision_level(due, due + timedelta(days=10, minutes=1)) == "key"
    assert clocks.supervision_level(due, due + timedelta(days=30, minutes=1)) == "listed"


def test_the_table_refuses_a_third_review_and_a_reply_before_acceptance():
    with pytest.raises(Conflict):
        WORKFLOW.step("concluded", "request_review", {"reason": "再次申请"})
    with pytest.raises(Conflict):
        WORKFLOW.step("reviewed", "request_review", {"reason": "再次申请"})
    with pytest.raises(Conflict):
        WORKFLOW.step("forwarded", "reply", {"reply": "答复"})
    with pytest.raises(ValidationFailed) as missing:
        WORKFLOW.step("accepted", "extend", {"days": 10, "reason": "复杂"})
    assert missing.value.field == "approved_by"
    assert isinstance(WORKFLOW, Workflow) and set(WORKFLOW.allowed("replied")) == {"request_review", "conclude"}


def test_five_or_more_people_make_a_collective_petition():
    assert not is_collective(1, None) and not is_collective(2, 4)
    assert is_collective(1, 5) and is_collective(5, None)


# The figures fixture: six petitions received in March 2025 and two before it, worked out by hand below.
NOW = t("2025-04-30")


def row(code: str, channel: str, **times) -> dict:
    return {"area_path": ["500229", code[:9], code], "channel": channel,
            "times": {k: t(v) for k, v in times.items()}, "extension_days": 0, "repeat_of": None,
            "satisfaction": None, "first_handler": "县人力社保局" if channel != "phone" else "县民政局"}


A, B = "500229001001", "500229002001"
ROWS = [
    # notice: done in time; handling: done in time; satisfied
    {**row(A, "online", received="2025-03-01", forwarded="2025-03-02", accepted="2025-03-05",
           replied="2025-04-01"), "satisfaction": {"value": "satisfied"}},
    # notice: late (forwarded 3 March, accepted 25 March > 18 March); handling still running within 60 days
    row(A, "online", received="2025-03-02", forwarded="2025-03-03", accepted="2025-03-25"),
    # notice: overdue and not given (forwarded 5 March, nothing by 30 April); a repeat
    {**row(A, "letter", received="2025-03-04", forwarded="2025-03-05"), "repeat_of": "XF1"},
    # notice: running within its time (forwarded 20 April, due 5 May): in no rate yet
    row(B, "online", received="2025-03-10", forwarded="2025-04-20"),
    # not yet forwarded: its notice clock has not started
    row(B, "phone", received="2025-03-20"),
    # notice done; replied 20 April, inside the 60 days to 11 May; unsatisfied
    {**row(B, "online", received="2025-03-11", forwarded="2025-03-11", accepted="2025-03-12",
           replied="2025-04-20"), "satisfaction": {"value": "unsatisfied"}},
]
EARLIER = [
    row(A, "visit", received="2025-01-10", forwarded="2025-01-11", concluded="2025-03-15"),  # in stock, cleared
    row(B, "online", received="2025-02-01", declined="2025-02-20"),                            # closed before
]


def test_the_figures_match_the_hand_computed_fixture():
    result = figures.compute(ROWS, EARLIER, t("2025-03-01", 0), t("2025-04-01", 0), NOW, level=1)
    # 4 of 6 online.
    assert (result["received"], result["online"], result["online_share"]) == (6, 4, 0.6667)
    # Notices: done in time rows 1 and 6; late row 2; overdue row 3; row 4 running, row 5 not started: 2 / 4.
    assert (result["accepted_on_time"], result["acceptance_counted"], result["on_time_acceptance"]) == (2, 4, 0.5)
    # Handling: replied in time rows 1 and 6; rows 2 running within 60 days: 2 / 2.
    assert (result["handled_on_time"], result["handling_counted"], result["on_time_handling"]) == (2, 2, 1.0)
    assert (result["repeats"], result["repeat_rate"]) == (1, 0.1667)
    assert (result["rated"], result["satisfied"], result["satisfaction_rate"]) == (2, 1, 0.5)
    # Stock at 1 March: the January visit (open then); the February one closed before. Cleared by 1 April: 1.
    assert (result["backlog_at_start"], result["backlog_cleared"], result["clearance_rate"]) == (1, 1, 1.0)
    by_area = {a["area_code"]: a for a in result["by_area"]}
    assert (by_area["500229001"]["received"], by_area["500229001"]["online_share"]) == (3, 0.6667)
    assert (by_area["500229002"]["received"], by_area["500229002"]["online_share"]) == (3, 0.6667)
    assert by_area["500229002"]["backlog_at_start"] == 0
    by_unit = {u["unit"]: u["received"] for u in result["by_unit"]}
    assert by_unit == {"县人力社保局": 5, "县民政局": 1}


def test_the_register_duty_in_the_figures_is_the_hand_count_by_area_and_by_first_handling_unit():
    result = figures.compute(ROWS, EARLIER, t("2025-03-01", 0), t("2025-04-01", 0), NOW, level=1)
    # 15 days from receipt to registration and assignment (登记并转送、交办): rows 1, 2, 3 and 6 within it; row 4
    # forwarded on 20 April, 41 days after 10 March (late); row 5 received 20 March and not assigned by 30 April
    # (overdue, counts against): 4 of 6.
    assert (result["registered_on_time"], result["registration_counted"], result["registration_late"],
            result["on_time_registration"]) == (4, 6, 2, 0.6667)
    by_area = {a["area_code"]: a for a in result["by_area"]}
    assert (by_area["500229001"]["registered_on_time"], by_area["500229001"]["on_time_registration"]) == (3, 1.0)
    assert (by_area["500229002"]["registration_late"], by_area["500229002"]["on_time_registration"]) == (2, 0.3333)
    by_unit = {u["unit"]: (u["registered_on_time"], u["registration_counted"]) for u in result["by_unit"]}
    assert by_unit == {"县人力社保局": (4, 5), "县民政局": (0, 1)}
    assert "15日内登记并转送、交办" in result["definitions"]["on_time_registration"]


def test_petitions_nobody_was_assigned_yet_have_their_own_row_in_the_units():
    waiting = [{**row(A, "letter", received="2025-03-01"), "first_handler": None},   # overdue since 16 March
               {**row(A, "letter", received="2025-04-25"), "first_handler": None}]   # still inside its 15 days
    result = figures.compute(ROWS + waiting, [], t("2025-03-01", 0), t("2025-05-01", 0), NOW, level=1)
    [unassigned] = [u for u in result["by_unit"] if u["unit"] is None]
    assert (unassigned["unit_label"], unassigned["received"]) == ("尚未转送交办", 2)
    assert (unassigned["registered_on_time"], unassigned["registration_late"]) == (0, 1)
    assert (result["registered_on_time"], result["registration_counted"]) == (4, 7)
