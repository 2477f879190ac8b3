"""The risk rules without I/O: the score is the same whatever order the signals come in, decays by its half-life,
and levels follow the thresholds; overdue tasks escalate a step at a time; the designation rules on a hand-built
township."""
import random
from datetime import date, datetime, timedelta, timezone

from services.risk import domain, model, signals

AT = datetime(2026, 11, 1, tzinfo=timezone.utc)


def signal(n: int, kind: str = "case_reported", category: str | None = "safety", days_ago: float = 0) -> dict:
    return {"_id": f"e{n:03d}", "kind": kind, "category": category, "occurred_at": AT - timedelta(days=days_ago),
            "source": "grid"}


def test_the_score_does_not_depend_on_the_order_of_the_signals():
    found = [signal(i, days_ago=i / 7) for i in range(40)]
    first = model.assess(found, AT, "village")
    for seed in range(5):
        shuffled = found[:]
        random.Random(seed).shuffle(shuffled)
        assert model.assess(shuffled, AT, "village") == first


def test_weights_factors_decay_and_window():
    assert model.assess([signal(1)], AT, "village")["score"] == 1.5  # safety case: 1.0 × 1.5
    assert model.assess([signal(1, days_ago=model.HALF_LIFE_DAYS)], AT, "village")["score"] == 0.75
    assert model.assess([signal(1, days_ago=model.WINDOW_DAYS + 1)], AT, "village")["score"] == 0.0
    later = signal(2, days_ago=-1)  # after the moment asked about: not counted
    assert model.assess([later], AT, "village")["signal_count"] == 0
    assert model.assess([signal(1, "petition_collective", None)], AT, "village")["score"] == 6.0


def test_levels_follow_the_thresholds():
    village, township = model.THRESHOLDS["village"], model.THRESHOLDS["township"]
    assert model.level_for(village["yellow"] - 0.01, "village") == "blue"
    assert model.level_for(village["yellow"], "village") == "yellow"
    assert model.level_for(village["red"], "village") == "red"
    assert model.level_for(township["yellow"], "township") == "yellow"
    assert model.level_for(township["orange"] - 0.01, "township") == "yellow"


def test_signals_of_events_and_the_units_they_concern():
    data = {"case_id": "SJ1", "village_code": "500229101001", "township_code": "500229101", "category": "safety",
            "item_code": "safety.fire"}
    found = signals.from_event("e1", "grid.case.reported", AT, data, AT)
    assert (found["kind"], found["area_path"]) == ("case_reported", ["500229", "500229101", "500229101001"])
    assert signals.kind_of("mediation.dispute.registered", {"major": True}) == "dispute_major"
    assert signals.kind_of("petitions.petition.received", {"collective": True}) == "petition_collective"
    assert signals.units_of([found]) == ["县委政法委", "县应急管理局"]


def test_overdue_tasks_go_up_a_step_at_a_time():
    due = date(2026, 11, 10)
    assert domain.escalation_for(due, date(2026, 11, 10)) is None
    assert domain.escalation_for(due, date(2026, 11, 11)) == (1, "县委政法委督办")
    assert domain.escalation_for(due, date(2026, 11, 17)) == (1, "县委政法委督办")
    assert domain.escalation_for(due, date(2026, 11, 18)) == (2, "县领导挂牌督办")


def nothing_found() -> dict:
    return {d.code: {c.label: [] for c in d.criteria} for d in domain.DESIGNATIONS}


def test_the_designation_rules_on_a_hand_built_township():
    clean = domain.judge(nothing_found())
    assert {code: r["granted"] for code, r in clean.items()} == {
        "drug_free": True, "cult_free": True, "litigation_free": True, "peace_building": True}

    found = nothing_found()
    found["litigation_free"]["纠纷引导诉讼"] = ["TJ7"]
    found["drug_free"]["涉毒线索网格事件"] = []
    judged = domain.judge(found)
    assert {code: r["granted"] for code, r in judged.items()} == {
        "drug_free": True, "cult_free": True, "litigation_free": False, "peace_building": False}
    assert judged["litigation_free"]["evidence"] == [
        {"criterion": "纠纷引导诉讼", "count": 1, "limit": 0, "met": False, "refs": ["TJ7"]}]
    assert {"criterion": "须先评为无讼乡镇", "count": 1, "limit": 0, "met": False, "refs": []} in \
        judged["peace_building"]["evidence"]

    found = nothing_found()
    found["peace_building"]["橙色及以上预警"] = ["YJ1"]
    judged = domain.judge(found)
    assert judged["litigation_free"]["granted"] and not judged["peace_building"]["granted"]


def test_the_test_clock_is_refused_in_production(monkeypatch):
    import pytest

    from services.risk import commands
    from shared.errors import Forbidden

    monkeypatch.setenv("XZ_ENV", "production")
    with pytest.raises(Forbidden) as refused:
        commands._now("2026-11-11T09:00:00+08:00")
    assert refused.value.field == "as_of"


def test_the_folded_sum_decayed_once_is_the_sum_of_the_decayed_signals_and_exact_in_any_order():
    at = AT - timedelta(days=90)  # early in an era: the window reaches back into the one before
    found = [{**signal(i, kind=kind, days_ago=i * 1.7), "occurred_at": at - timedelta(days=i * 2.5)}
             for i, kind in enumerate(["case_reported", "petition_collective", "dispute_major", "case_escalated"] * 12)]
    counted = [s for s in found if model.counts_at(s, at)]
    direct = sum(model.WEIGHTS[s["kind"]] * model.factor_of(s) *
                 0.5 ** ((at - s["occurred_at"]).total_seconds() / 86400 / model.HALF_LIFE_DAYS) for s in counted)
    sums = model.fold(counted)
    assert len(sums) == 2  # the signals span two eras
    assert abs(model.score_at(sums, at) - direct) < 0.01
    for seed in range(5):
        shuffled = counted[:]
        random.Random(seed).shuffle(shuffled)
        assert model.fold(shuffled) == sums  # integers: the same sum whatever the order of additions
    assert model.assess(found, at, "village")["signal_count"] == len(counted) < len(found)


def test_a_signal_keeps_its_moment_as_the_store_does_so_its_units_are_the_same_when_read_back():
    data = {"case_id": "SJ1", "village_code": "500229101001", "township_code": "500229101", "category": "safety"}
    found = signals.from_event("e1", "grid.case.reported", AT.replace(microsecond=123456), data, AT)
    assert found["occurred_at"] == AT.replace(microsecond=123000)
