"""四议两公开: the six steps in one table. Every (status, step) pair is tried: only the next step is taken; an
earlier one is "already done", a later one names the steps it would skip; a completed or withdrawn matter takes
none. The fields each step must carry, dates in order, and a majority at each deliberation."""
from datetime import date

import pytest

from services.village import domain
from services.village.api.codes import MATTER_STATUS, MATTER_STEPS
from shared.errors import Conflict, ValidationFailed

STEPS = list(MATTER_STEPS)
WAITING = {"registered": "propose", "proposed": "consult", "consulted": "review", "reviewed": "resolve",
           "resolved": "publish_resolution", "resolution_published": "publish_result"}
TODAY = date(2026, 5, 20)


def test_the_table_is_the_six_steps_in_order_and_withdrawal_before_the_resolution():
    statuses = ["registered", "proposed", "consulted", "reviewed", "resolved", "resolution_published", "completed"]
    for i, step in enumerate(STEPS):
        transition = domain.MATTER.get(step)
        assert (set(transition.sources), transition.target) == ({statuses[i]}, statuses[i + 1])
    assert set(domain.MATTER.get("withdraw").sources) == {"registered", "proposed", "consulted", "reviewed"}
    assert set(domain.MATTER.transitions) == {*STEPS, "withdraw"}


def test_every_status_takes_only_its_next_step_exhaustively():
    for status in MATTER_STATUS:
        for step in STEPS:
            if WAITING.get(status) == step:
                assert domain.check_step(status, step).action == step
                continue
            with pytest.raises(ValidationFailed) as refused:
                domain.check_step(status, step)
            error = refused.value
            assert error.status == 400 and error.field == "step"
            if status in ("completed", "withdrawn"):
                assert error.code == "village_matter.closed"
            elif STEPS.index(step) < STEPS.index(WAITING[status]):
                assert error.code == "village_matter.step_done" and "已经完成" in error.message
                assert MATTER_STEPS[WAITING[status]] in error.message
            else:
                assert error.code == "village_matter.step_skipped" and "不能跳过" in error.message
                for skipped in STEPS[STEPS.index(WAITING[status]):STEPS.index(step)]:
                    assert MATTER_STEPS[skipped] in error.message


def test_the_resolution_cannot_come_straight_after_the_proposal():
    with pytest.raises(ValidationFailed) as refused:
        domain.check_step("proposed", "resolve")
    assert refused.value.message == ("不能跳过「村“两委”会议商议」「党员大会审议」：须先完成「村“两委”会议商议」，"
                                     "才能村民会议或村民代表会议决议")


def test_an_unknown_step_is_refused_naming_the_six():
    with pytest.raises(ValidationFailed) as refused:
        domain.check_step("registered", "approve")
    assert refused.value.code == "village_matter.unknown_step" and "决议公开" in refused.value.message


def test_withdrawal_after_the_resolution_is_a_conflict():
    for status in ("resolved", "resolution_published", "completed", "withdrawn"):
        with pytest.raises(Conflict):
            domain.MATTER.step(status, "withdraw", {"reason": "不再实施"})


def deliberation(**changes):
    return {"held_on": date(2026, 5, 10), "expected": 7, "present": 6, "votes_for": 5, "votes_against": 1,
            "abstentions": 0, "minutes": "会议讨论了村道硬化项目", **changes}


@pytest.mark.parametrize("step", ["propose", "consult", "review"])
def test_a_deliberation_needs_its_counts_and_a_majority_of_those_present(step):
    assert domain.step_problem(step, deliberation(), None, TODAY) is None
    assert domain.step_problem(step, deliberation(minutes=None), None, TODAY)[0] == "minutes"
    assert domain.step_problem(step, deliberation(expected=None), None, TODAY)[0] == "expected"
    assert domain.step_problem(step, deliberation(present=8), None, TODAY) == ("present", "实到人数不能超过应到人数")
    assert domain.step_problem(step, deliberation(votes_for=5, votes_against=2), None, TODAY)[0] == "votes_for"
    field, message = domain.step_problem(step, deliberation(votes_for=3, votes_against=3), None, TODAY)
    assert field == "votes_for" and "过半数同意" in message and "至少4票" in message
    assert domain.step_problem(step, deliberation(held_on=date(2026, 5, 21)), None, TODAY)[0] == "held_on"
    assert domain.step_problem(step, deliberation(), date(2026, 5, 11), TODAY)[0] == "held_on"


def test_the_resolution_needs_its_meeting_and_the_publications_their_channel_and_text():
    resolve = deliberation(expected=None, meeting_kind="villagers_meeting")
    assert domain.step_problem("resolve", resolve, None, TODAY) is None
    assert domain.step_problem("resolve", {**resolve, "meeting_kind": None}, None, TODAY)[0] == "meeting_kind"
    assert domain.step_problem("resolve", {**resolve, "meeting_kind": "representatives_meeting",
                                           "households_represented": 3}, None, TODAY)[0] == "households_represented"
    publish = {"held_on": date(2026, 5, 12), "channel": "notice_board", "content": "决议：硬化村道2.3公里"}
    for step in ("publish_resolution", "publish_result"):
        assert domain.step_problem(step, publish, date(2026, 5, 10), TODAY) is None
        assert domain.step_problem(step, {**publish, "content": None}, None, TODAY)[0] == "content"
        assert domain.step_problem(step, {**publish, "channel": None}, None, TODAY)[0] == "channel"


def test_a_step_longer_than_the_limit_after_the_one_before_is_late():
    assert not domain.is_late(date(2026, 4, 1), date(2026, 5, 1), 30)
    assert domain.is_late(date(2026, 4, 1), date(2026, 5, 2), 30)
    assert not domain.is_late(None, date(2026, 5, 2), 30)
