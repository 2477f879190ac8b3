"""The rules of places, on plain data: a centre is standardised (a facility up to standard) only by the latest
inspection under the current checklist version passing every required item that applies to it; a key area is
covered only by an online point checked within the window; the figures count honestly (a village without a
facility counts against the rate). Every expected number is worked out by hand in the comments."""
from datetime import datetime, timedelta, timezone

import pytest

from services.grid import checklists, places, places_figures
from services.grid.places import ChecklistIn, InspectionIn, ItemResultIn, Level, Subject, VideoPointIn
from shared.errors import ValidationFailed

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=timezone.utc)
WEEK = timedelta(days=7)
ITEMS = [{"code": "premises", "label": "有固定办公场所", "required": True, "levels": []},
         {"code": "staffing", "label": "配备专职工作人员", "required": True, "levels": []},
         {"code": "video_platform", "label": "接入雪亮工程平台", "required": True, "levels": ["county", "township"]},
         {"code": "psychological_service", "label": "设置心理服务室", "required": False, "levels": []}]
V1 = {"subject": "governance_centre", "version": 1, "items": ITEMS}
V2 = {**V1, "version": 2}


def inspection(version, results, at=NOW, id_="IN1"):
    return {"_id": id_, "checklist_version": version, "inspected_at": at,
            "results": [{"code": code, "passed": passed} for code, passed in results.items()]}


def results(**passed):
    return [ItemResultIn(code=code, passed=value) for code, value in passed.items()]


def test_centre_whose_latest_inspection_passed_every_required_item_is_standardised():
    # The optional psychological service room failed; it does not count against the centre.
    state = places.place_state(V1, "township", inspection(1, {"premises": True, "staffing": True,
                                                              "video_platform": True,
                                                              "psychological_service": False}), active=True)
    assert state["ok"] is True
    assert (state["items_total"], state["items_passed"], state["inspected_at"]) == (4, 3, NOW)


def test_centre_failing_one_required_item_is_not_standardised():
    state = places.place_state(V1, "township", inspection(1, {"premises": True, "staffing": False,
                                                              "video_platform": True,
                                                              "psychological_service": True}), active=True)
    assert state["ok"] is False and state["items_passed"] == 3


def test_an_inspection_under_an_older_checklist_version_no_longer_counts():
    passed_everything = inspection(1, {"premises": True, "staffing": True, "video_platform": True,
                                       "psychological_service": True})
    state = places.place_state(V2, "township", passed_everything, active=True)
    assert (state["ok"], state["checklist_version"], state["items_passed"], state["inspected_at"]) == (
        False, 2, 0, None)


def test_a_centre_never_inspected_is_not_standardised():
    assert places.place_state(V1, "village", None, active=True)["ok"] is False


def test_village_centre_is_judged_only_on_the_items_of_its_level():
    # video_platform applies to the county and townships only: 3 items for a village centre.
    assert [i["code"] for i in places.applicable(ITEMS, "village")] == ["premises", "staffing",
                                                                        "psychological_service"]
    judged = places.judge(ITEMS, "village", results(premises=True, staffing=True, psychological_service=False))
    assert (judged["passed"], judged["items_total"], judged["items_passed"]) == (True, 3, 2)


def test_an_inspection_must_judge_every_applicable_item_once_and_nothing_else():
    with pytest.raises(ValidationFailed) as missing:
        places.judge(ITEMS, "township", results(premises=True, staffing=True))
    assert missing.value.field == "results" and "接入雪亮工程平台" in missing.value.message
    with pytest.raises(ValidationFailed) as unknown:
        places.judge(ITEMS, "village", results(premises=True, staffing=True, psychological_service=True,
                                               video_platform=True))
    assert unknown.value.field == "results.3.code"
    twice = [*results(premises=True, staffing=True, psychological_service=True), ItemResultIn(code="premises",
                                                                                             passed=False)]
    with pytest.raises(ValidationFailed) as duplicate:
        places.judge(ITEMS, "village", twice)
    assert duplicate.value.code == "inspection.duplicate_item"


def test_a_checklist_needs_unique_codes_and_one_required_item():
    with pytest.raises(ValueError, match="检查项代码重复"):
        ChecklistIn.model_validate({"items": [ITEMS[0], ITEMS[0]]})
    with pytest.raises(ValueError, match="至少要有一项必达项"):
        ChecklistIn.model_validate({"items": [ITEMS[3]]})


def test_the_same_checklist_again_is_no_new_version():
    first = checklists.version_doc(Subject.governance_centre, ChecklistIn.model_validate({"items": ITEMS}), 1, NOW,
                                   "县委政法委")
    assert checklists.same_items(first, ChecklistIn.model_validate({"items": ITEMS}))
    relabelled = [{**ITEMS[0], "label": "有固定办公场所并挂牌"}, *ITEMS[1:]]
    assert not checklists.same_items(first, ChecklistIn.model_validate({"items": relabelled}))


def test_the_default_checklists_are_valid_and_the_facility_list_has_no_levels():
    for items in checklists.DEFAULT_ITEMS.values():
        ChecklistIn.model_validate({"items": items})
    assert not any(i["levels"] for i in checklists.DEFAULT_ITEMS[Subject.service_facility])


def test_an_inspection_dated_ahead_of_now_is_refused_and_a_date_alone_is_nine_in_the_morning_in_chengkou():
    with pytest.raises(ValueError, match="不能晚于现在"):
        InspectionIn.model_validate({"inspected_at": "2999-01-01", "results": [{"code": "premises", "passed": True}]})
    on_day = InspectionIn.model_validate({"inspected_at": "2026-03-02", "results": [{"code": "premises",
                                                                                     "passed": True}]})
    assert on_day.inspected_at == datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def point(online, hours_ago, active=True):
    return {"online": online, "checked_at": NOW - timedelta(hours=hours_ago) if hours_ago is not None else None,
            "active": active}


def test_key_area_with_one_point_online_and_checked_within_the_window_is_covered():
    state = places.coverage([point(True, 30), point(False, 1), point(None, None)], NOW, WEEK)
    assert (state["covered"], state["video_points_total"], state["video_points_online"]) == (True, 3, 1)
    # It lapses when that check is a week old: 30 hours ago + 7 days.
    assert state["changes_at"] == NOW - timedelta(hours=30) + WEEK


def test_key_area_whose_only_online_point_was_last_checked_before_the_window_is_not_covered():
    state = places.coverage([point(True, 24 * 7 + 1)], NOW, WEEK)
    assert (state["covered"], state["video_points_online"], state["changes_at"]) == (False, 0, None)


def test_key_area_without_points_or_with_only_inactive_or_offline_ones_is_not_covered():
    assert places.coverage([], NOW, WEEK)["covered"] is False
    state = places.coverage([point(True, 1, active=False), point(False, 1)], NOW, WEEK)
    assert (state["covered"], state["video_points_total"]) == (False, 1)


def test_a_video_point_code_is_letters_digits_and_dashes():
    VideoPointIn.model_validate({"code": "50022900001320000001", "name": "城口中学大门"})
    with pytest.raises(ValueError):
        VideoPointIn.model_validate({"code": "点位1", "name": "城口中学大门"})


def test_the_figures_count_every_village_and_every_active_centre():
    county, town, v1, v2, v3 = "500229", "500229001", "500229001001", "500229001002", "500229001003"

    def row(code, ok, active=True, covered=None):
        path = [code[:n] for n in (6, 9, 12) if n <= len(code)]
        state = {"ok": ok} if covered is None else {"covered": covered}
        return {"area_code": code, "area_path": path, "active": active, "state": state}

    centres = [row(county, True), row(town, True), row(v1, True), row(v2, False), row(v3, True, active=False)]
    facilities = [row(v1, True), row(v2, True, active=False)]  # v3 has none
    key_areas = [row(town, None, covered=True), row(v1, None, covered=False), row(v2, None, covered=True, active=False)]
    out = places_figures.compute(centres, facilities, key_areas, [v1, v2, v3], [county, town, v1, v2, v3], 1,
                                 {town: "葛城街道"})
    by_key = {t["key"]: t for t in out["targets"]}
    # Centres: 4 active (v3's is not), 3 standardised → 3/4. Facilities: only v1's is active and up to standard,
    # of 3 villages → 1/3. Key areas: 2 active, 1 covered → 1/2.
    assert (by_key["governance_centre"]["numerator"], by_key["governance_centre"]["denominator"]) == (3, 4)
    assert by_key["governance_centre"]["value"] == 0.75 and by_key["governance_centre"]["met"] is False
    assert (by_key["service_facility"]["numerator"], by_key["service_facility"]["denominator"]) == (1, 3)
    assert (by_key["video_coverage"]["numerator"], by_key["video_coverage"]["denominator"]) == (1, 2)
    assert out["gaps"]["areas_without_centre"] == [v3] and out["gaps"]["villages_without_facility"] == [v2, v3]
    # The township's own share is the same as the county's: everything below the county is in it except the
    # county centre (2 of 3 active centres below the county are standardised).
    (child,) = out["children"]
    assert child["area_code"] == town and child["governance_centre"] == {"numerator": 2, "denominator": 3,
                                                                         "value": 0.6667}


def test_level_of_a_centre_follows_its_area():
    assert places.AREA_LEVEL[places.AreaKind.street] == Level.township
    assert places.centre_id("500229001") == "GC500229001" and places.facility_id("500229001001") == "SF500229001001"
