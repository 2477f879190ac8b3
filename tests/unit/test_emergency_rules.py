"""The emergency service's rules without a database: the activation and household tables, what a report does to the
counters, which templates apply at which level, what an activation hands out, the board's sums, the plan's versions
and yearly review, and the face's refusals."""
import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from services.emergency import board, domain, plans, tasks
from services.emergency.api import ActivationIn, HouseholdReportIn, PlanIn
from shared.errors import Conflict, ValidationFailed
from tests import factories

NOW = datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc)
TOWN = "500229201"
VILLAGE = "500229201200"
GRID_A, GRID_B = "500229201200001", "500229201201001"
STATUSES = ("pending", "checked", "not_reached", "evacuated", "needs_help")
LEGAL = {  # (from, report) → allowed
    "checked": {"pending", "checked", "not_reached", "needs_help"},
    "not_reached": {"pending", "not_reached"},
    "evacuated": {"pending", "checked", "not_reached", "needs_help", "evacuated"},
    "needs_help": {"pending", "checked", "not_reached", "needs_help", "evacuated"},
}


def plan_dict(**changes) -> dict:
    plan = PlanIn.model_validate({**factories.emergency_plan(TOWN, [VILLAGE]), "plan_id": "EP201-flood", **changes})
    return plans.draft_of(plan, 1, date(2026, 3, 1))


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("report", LEGAL)
def test_each_household_report_is_allowed_exactly_from_its_table(start, report):
    given = {"shelter_id": "S2000"} if report == "evacuated" else {}
    if start in LEGAL[report]:
        assert domain.HOUSEHOLD.step(start, report, given).target == report
    else:
        with pytest.raises(Conflict) as refused:
            domain.HOUSEHOLD.step(start, report, given)
        assert refused.value.code == "household_check.illegal_transition"


def test_evacuated_needs_a_shelter_and_nothing_moves_after_deactivation():
    with pytest.raises(ValidationFailed) as missing:
        domain.HOUSEHOLD.step("pending", "evacuated", {})
    assert missing.value.field == "shelter_id"
    for action in ("change_level", "extend", "deactivate"):
        assert domain.ACTIVATION.step("active", action, {"reason": "暴雨持续"}).duty == "emergency.command"
        with pytest.raises(Conflict):
            domain.ACTIVATION.step("deactivated", action, {"reason": "暴雨持续"})
    with pytest.raises(ValidationFailed):
        domain.ACTIVATION.step("active", "deactivate", {})


def test_a_report_moves_one_household_between_counts_and_its_vulnerable_residents_with_it():
    pending = {"status": "pending", "vulnerable": 2, "people": 0, "shelter_id": None}
    evacuated = {"status": "evacuated", "vulnerable": 2, "people": 4, "shelter_id": "S1"}
    assert domain.counter_delta(pending, evacuated) == {
        "reports": 1, "counts.pending": -1, "counts.evacuated": 1, "vulnerable_accounted": 2,
        "evacuated_people": 4, "shelters.S1": 4}
    moved = {**evacuated, "shelter_id": "S2", "people": 3}
    assert domain.counter_delta(evacuated, moved) == {"reports": 1, "evacuated_people": -1, "shelters.S1": -4,
                                                      "shelters.S2": 3}
    helped = {"status": "needs_help", "vulnerable": 2, "people": 0, "shelter_id": None}
    assert domain.counter_delta(evacuated, helped) == {
        "reports": 1, "counts.evacuated": -1, "counts.needs_help": 1, "vulnerable_accounted": -2,
        "evacuated_people": -4, "shelters.S1": -4}
    again = {"status": "checked", "vulnerable": 0, "people": 0, "shelter_id": None}
    assert domain.counter_delta(again, again) == {"reports": 1}  # a repeated report counts as a report only


def test_deltas_summed_over_any_order_of_reports_end_at_the_last_status():
    steps = ["not_reached", "checked", "needs_help", "evacuated"]
    states = [{"status": "pending", "vulnerable": 1, "people": 0, "shelter_id": None}]
    for s in steps:
        states.append({"status": s, "vulnerable": 1, "people": 3 if s == "evacuated" else 0,
                       "shelter_id": "S1" if s == "evacuated" else None})
    total: dict[str, int] = {}
    for before, after in itertools.pairwise(states):
        for k, v in domain.counter_delta(before, after).items():
            total[k] = total.get(k, 0) + v
    assert {k: v for k, v in total.items() if v} == {"reports": 4, "counts.pending": -1, "counts.evacuated": 1,
                                                     "vulnerable_accounted": 1, "evacuated_people": 3,
                                                     "shelters.S1": 3}


def test_templates_apply_at_their_level_and_every_graver_one():
    plan = plan_dict()
    kinds = lambda level: sorted(t["kind"] for t in plans.templates_at(plan, level))  # noqa: E731
    assert kinds("IV") == ["hourly_report", "household_check", "watch"]
    assert kinds("III") == ["evacuation", "hourly_report", "household_check", "materials", "watch"]
    assert kinds("I") == kinds("II") == sorted([*kinds("III"), "road_closure"])
    assert [t["kind"] for t in plans.newly_applying(plan, "IV", "II")] == ["evacuation", "road_closure", "materials"]
    assert plans.newly_applying(plan, "II", "IV") == []
    assert plans.levels_of(plan) == ["I", "II", "III", "IV"]
    assert domain.graver("I", "II") and not domain.graver("IV", "III")


def test_a_plan_is_outdated_a_year_after_its_review_and_a_draft_is_saved_over():
    plan = {**plan_dict(), "status": "published"}
    assert plan["review_due_on"] == "2027-03-01"
    assert not plans.outdated(plan, date(2027, 3, 1)) and plans.outdated(plan, date(2027, 3, 2))
    assert not plans.outdated({**plan, "status": "draft"}, date(2030, 1, 1))
    assert plans.next_version([]) == (1, None)
    assert plans.next_version([{"version": 1, "status": "published"}]) == (2, None)
    draft = {"version": 2, "status": "draft"}
    assert plans.next_version([{"version": 1, "status": "superseded"}, draft]) == (2, draft)


def roster() -> dict:
    grids = [{"grid_code": g, "village_code": g[:12], "township_code": g[:9], "workers": []} for g in (GRID_A, GRID_B)]
    households = [{"household_id": f"HH{i}", "grid_code": GRID_A if i < 3 else GRID_B, "village_code":
                   (GRID_A if i < 3 else GRID_B)[:12], "township_code": TOWN, "resident_count": 2,
                   "vulnerable": [{"resident_id": f"RS{i}"}] if i in (0, 4) else []} for i in range(5)]
    return {"grids": grids, "households": households}


def test_an_activation_hands_every_household_a_task_and_each_grid_one_batch():
    plan = plan_dict()
    activation = {"_id": "EA1", "drill": False}
    assignees = {GRID_A: ["GW1"], GRID_B: ["GW2"]}
    templates = plans.templates_at(plan, "III")
    household_docs = tasks.household_tasks(activation, templates, roster(), assignees, NOW)
    assert [(h["household_id"], h["assignees"], h["evacuate"]) for h in household_docs] == [
        ("HH0", ["GW1"], True), ("HH1", ["GW1"], False), ("HH2", ["GW1"], False), ("HH3", ["GW2"], False),
        ("HH4", ["GW2"], True)]
    assert household_docs[0]["due_at"] == NOW + timedelta(minutes=120)
    assert household_docs[0]["evacuate_due_at"] == NOW + timedelta(minutes=90)
    area_docs = tasks.area_tasks(activation, templates, roster()["grids"], assignees, NOW)
    assert sorted((t["kind"], t["area_code"]) for t in area_docs) == sorted([
        ("watch", GRID_A), ("watch", GRID_B), *((kind, grid[:12]) for grid in (GRID_A, GRID_B)
                                                for kind in ("hourly_report", "materials"))])
    shards = tasks.counter_shards("EA1", roster()["grids"], household_docs)
    assert len(shards) == 2 * domain.COUNTER_SHARDS
    totals, villages, grids, _ = board.rows(shards, {})
    assert (totals["households"], totals["pending"], totals["vulnerable"]) == (5, 5, 2)
    assert [(g["area_code"], g["households"]) for g in grids] == [(GRID_A, 3), (GRID_B, 2)]
    batches = tasks.batches(roster()["grids"], household_docs, area_docs, assignees)
    assert [(b["grid_code"], b["worker_ids"], b["household_tasks"], b["evacuations"]) for b in batches] == [
        (GRID_A, ["GW1"], 3, 1), (GRID_B, ["GW2"], 2, 1)]


def test_areas_overlapping_or_outside_the_plan_are_found():
    assert domain.overlap([TOWN], [VILLAGE, "500229202"]) == [VILLAGE]
    assert domain.overlap([VILLAGE], [TOWN]) == [TOWN]
    assert domain.within_plan(TOWN, [VILLAGE, "500229202200"]) == ["500229202200"]
    assert domain.within_plan("500229", [TOWN]) == []
    query = domain.visible_query((VILLAGE,))
    assert query == {"$or": [{"area_paths": {"$in": [VILLAGE]}}, {"area_codes": {"$in": ["500229", TOWN, VILLAGE]}}]}
    assert domain.visible_query(None) == {}


def test_the_board_version_changes_with_what_it_shows_not_with_the_clock():
    shown = {"totals": {"checked": 1}, "as_of": "2026-07-10T10:00:00+08:00"}
    assert board.version_of(shown) == board.version_of({**shown, "as_of": "2026-07-10T10:00:01+08:00"})
    assert board.version_of(shown) != board.version_of({**shown, "totals": {"checked": 2}})


def test_hourly_reports_fall_overdue_an_interval_after_the_last_one():
    templates = [{"kind": "hourly_report", "repeat_minutes": 60}]
    reports = [{"area_code": VILLAGE, "at": NOW - timedelta(minutes=30)}]
    status = board.hourly_status([VILLAGE, "500229201201"], reports, templates, NOW - timedelta(hours=3), NOW, {})
    assert [(s["area_code"], s["overdue"]) for s in status] == [(VILLAGE, False), ("500229201201", True)]


def test_the_face_refuses_what_makes_no_sense_and_names_the_field():
    base = factories.emergency_plan(TOWN, [VILLAGE])
    with pytest.raises(ValidationError, match="指挥长"):
        PlanIn.model_validate({**base, "plan_id": "EP1x", "command": base["command"][1:]})
    with pytest.raises(ValidationError, match="入户排查"):
        PlanIn.model_validate({**base, "plan_id": "EP1x", "task_templates": base["task_templates"][2:]})
    with pytest.raises(ValidationError, match="按户生成"):
        PlanIn.model_validate({**base, "plan_id": "EP1x", "task_templates": [
            {**base["task_templates"][0], "scope": "grid"}]})
    with pytest.raises(ValidationError, match="安置点"):
        HouseholdReportIn.model_validate({"report_id": "r" * 12, "status": "evacuated"})
    with pytest.raises(ValidationError, match="安置点"):
        HouseholdReportIn.model_validate({"report_id": "r" * 12, "status": "checked", "shelter_id": "S1"})
    with pytest.raises(ValidationError):
        HouseholdReportIn.model_validate({"report_id": "short", "status": "checked"})
    with pytest.raises(ValidationError, match="重复"):
        ActivationIn.model_validate({"plan_id": "EP1x", "area_codes": [TOWN, TOWN], "level": "IV",
                                     "reason": "暴雨预警升级"})
    with pytest.raises(ValidationError):
        ActivationIn.model_validate({"plan_id": "EP1x", "area_codes": [GRID_A], "level": "IV", "reason": "暴雨预警"})


def test_an_activation_is_a_risk_signal_of_its_area_and_a_drill_weighs_nothing():
    from services.risk import model, signals

    data = {"activation_id": "EA1", "area_code": VILLAGE, "township_code": TOWN, "village_code": VILLAGE,
            "drill": False}
    real = signals.from_event("e1", "emergency.activation.activated", NOW, data, NOW)
    assert (real["kind"], real["village_code"], real["township_code"], real["ref"]) == \
        ("emergency_activated", VILLAGE, TOWN, "EA1")
    drill = signals.from_event("e2", "emergency.activation.activated", NOW, {**data, "drill": True}, NOW)
    assert drill["kind"] == "emergency_drill" and model.WEIGHTS["emergency_drill"] == 0
    assessed = model.assess([real], NOW, "village")
    assert assessed["level"] == "yellow"  # one activation raises the village's risk view at once
    assert signals.units_of([real]) == ["县委政法委", "县应急管理局"]
