"""Governance centres, service facilities, key areas and video points through the grid service's RPC entrypoints,
against real RabbitMQ and a real MongoDB-protocol server: the derived state each event publishes, exactly when it
changes, checklist versions, photos in GridFS, the video coverage sweep with a test clock, and area scope."""
from datetime import timedelta

import pytest
from prometheus_client import generate_latest

from services.grid.service import GridService
from shared import clock
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running

COUNTY, TOWN1, TOWN2 = "500229", "500229001", "500229002"  # 城口县, 葛城街道, 复兴街道
VILLAGE1, VILLAGE2 = "500229001001", "500229002001"       # 平岗社区, 红河社区
TOWN2_STAFF = {"scope": [TOWN2], "actor": {"id": "acct-fuxing", "role": "township_staff"}, "actor_name": "复兴街道张"}


@pytest.fixture
def grid(env):
    with running(GridService):
        with rpc(COUNTY_SCOPE) as proxy:
            proxy.grid.upsert_areas(factories.chengkou_areas(townships=2, villages=2, grids=1, micro_grids=1))
            yield proxy.grid


def events(event_type: str, **data) -> list[dict]:
    query = {"event_type": event_type, **{f"envelope.data.{k}": v for k, v in data.items()}}
    return [e["envelope"] for e in database("grid").outbox.find(query).sort("envelope.occurred_at", 1)]


def centre_checklist(grid):
    return grid.get_checklist("governance_centre")["current"]["items"]


def test_registered_centre_is_published_not_standardised_and_registering_it_again_publishes_nothing(grid):
    centre = grid.register_place("governance_centre", {"area_code": TOWN1})
    assert (centre["place_id"], centre["name"], centre["level"]) == ("GC500229001", "葛城街道综治中心", "township")
    assert centre["standardised"] is False and centre["status_label"] == "未规范化建成"
    (event,) = events("grid.governance_centre.upserted", centre_id="GC500229001")
    assert event["data"] == {"centre_id": "GC500229001", "level": "township", "area_code": TOWN1,
                             "township_code": TOWN1, "village_code": None, "standardised": False,
                             "checklist_version": 1, "items_total": centre["items_total"], "items_passed": 0,
                             "inspected_at": None, "active": True}
    assert event["area_code"] == TOWN1
    grid.register_place("governance_centre", {"area_code": TOWN1})
    grid.register_place("governance_centre", {"area_code": TOWN1, "address": "葛城街道北大街12号"})  # not in the event
    assert len(events("grid.governance_centre.upserted", centre_id="GC500229001")) == 1
    county = grid.register_place("governance_centre", {"area_code": COUNTY})
    assert county["level"] == "county" and county["township_code"] is None


def test_passing_inspection_standardises_the_centre_and_a_later_failing_one_undoes_it(grid):
    grid.register_place("governance_centre", {"area_code": TOWN1})
    items = centre_checklist(grid)
    passed = grid.record_inspection("governance_centre", "GC500229001", factories.inspection(
        items, "township", failing=["psychological_service"], inspected_at="2026-03-02", notes="资料齐全"))
    assert passed["passed"] is True and passed["inspector"] == {"id": "tester", "name": "tester"}
    centre = grid.get_place("governance_centre", "GC500229001")
    assert centre["standardised"] is True and centre["inspections"][0]["inspection_id"] == passed["inspection_id"]
    (recorded,) = events("grid.inspection.recorded", subject_id="GC500229001")
    assert recorded["data"]["passed"] is True and recorded["data"]["items_passed"] == len(items) - 1
    assert "inspector" not in recorded["data"] and "notes" not in recorded["data"]

    # An inspection dated before the latest one is kept, but the latest still decides.
    grid.record_inspection("governance_centre", "GC500229001", factories.inspection(
        items, "township", failing=["staffing"], inspected_at="2026-02-01"))
    assert grid.get_place("governance_centre", "GC500229001")["standardised"] is True
    grid.record_inspection("governance_centre", "GC500229001", factories.inspection(
        items, "township", failing=["staffing"], inspected_at="2026-03-05"))
    assert grid.get_place("governance_centre", "GC500229001")["standardised"] is False
    states = [e["data"]["standardised"] for e in events("grid.governance_centre.upserted", centre_id="GC500229001")]
    assert states == [False, True, False]
    assert len(events("grid.inspection.recorded", subject_id="GC500229001")) == 3


def test_an_inspection_sent_twice_with_its_client_ref_is_recorded_once(grid):
    grid.register_place("service_facility", {"village_code": VILLAGE1})
    items = grid.get_checklist("service_facility")["current"]["items"]
    body = factories.inspection(items, client_ref="phone-7f3a9c21-0001")
    first = grid.record_inspection("service_facility", "SF500229001001", body)
    again = grid.record_inspection("service_facility", "SF500229001001", body)
    assert first["inspection_id"] == again["inspection_id"]
    assert len(events("grid.inspection.recorded", subject_id="SF500229001001")) == 1
    facility = grid.get_place("service_facility", "SF500229001001")
    assert facility["up_to_standard"] is True and facility["status_label"] == "达标"
    grid.register_place("service_facility", {"village_code": "500229001002"})
    with pytest.raises(Conflict) as reused:  # never answered with another place's inspection
        grid.record_inspection("service_facility", "SF500229001002", body)
    assert reused.value.field == "client_ref"
    (event,) = events("grid.service_facility.upserted", up_to_standard=True)
    assert (event["data"]["village_code"], event["data"]["township_code"]) == (VILLAGE1, TOWN1)


def test_new_checklist_version_makes_every_centre_be_inspected_again_and_the_same_one_changes_nothing(grid):
    for code in (COUNTY, TOWN1, VILLAGE1):
        grid.register_place("governance_centre", {"area_code": code})
    items = centre_checklist(grid)
    for code, level in ((COUNTY, "county"), (TOWN1, "township"), (VILLAGE1, "village")):
        grid.record_inspection("governance_centre", "GC" + code, factories.inspection(items, level))
    assert grid.list_places("governance_centre", status="ok")["total"] == 3

    v2_items = [*items, {"code": "emergency_plan", "label": "制定突发事件应急处置预案", "required": True, "levels": []}]
    version = grid.save_checklist("governance_centre", {"items": v2_items})
    assert version["version"] == 2
    assert grid.list_places("governance_centre", status="ok")["total"] == 0
    latest = {e["data"]["centre_id"]: e["data"] for e in events("grid.governance_centre.upserted")}
    assert all(d["checklist_version"] == 2 and not d["standardised"] and d["inspected_at"] is None
               for d in latest.values()) and len(latest) == 3
    count = database("grid").outbox.count_documents({})
    assert grid.save_checklist("governance_centre", {"items": v2_items})["version"] == 2
    assert database("grid").outbox.count_documents({}) == count
    assert [v["version"] for v in grid.get_checklist("governance_centre")["versions"]] == [2, 1]

    # Under v2 the new item must be judged too.
    with pytest.raises(ValidationFailed) as missing:
        grid.record_inspection("governance_centre", "GC500229001", factories.inspection(items, "township"))
    assert missing.value.field == "results" and "应急处置预案" in missing.value.message
    grid.record_inspection("governance_centre", "GC500229001", factories.inspection(v2_items, "township"))
    assert grid.get_place("governance_centre", "GC500229001")["standardised"] is True


def test_only_the_county_versions_a_checklist(grid):
    with rpc(TOWN2_STAFF) as town:
        with pytest.raises(Forbidden):
            town.grid.save_checklist("service_facility", {"items": [{"code": "floor_area", "label": "面积达标"}]})
    with pytest.raises(ValidationFailed) as levels:
        grid.save_checklist("service_facility", {"items": [{"code": "floor_area", "label": "面积达标",
                                                            "levels": ["village"]}]})
    assert levels.value.field == "items"
    assert grid.get_checklist("service_facility")["current"]["version"] == 1


def test_a_township_sees_and_inspects_only_its_own_places(grid):
    for code in (COUNTY, TOWN1, TOWN2, VILLAGE2):
        grid.register_place("governance_centre", {"area_code": code})
    items = centre_checklist(grid)
    with rpc(TOWN2_STAFF) as town:
        listed = town.grid.list_places("governance_centre")
        assert sorted(p["area_code"] for p in listed["items"]) == [TOWN2, VILLAGE2]
        for place_id in ("GC500229001", "GC500229"):
            with pytest.raises(NotFound):
                town.grid.get_place("governance_centre", place_id)
            with pytest.raises(NotFound):
                town.grid.record_inspection("governance_centre", place_id, factories.inspection(items, "township"))
        with pytest.raises(ValidationFailed) as outside:
            town.grid.register_place("governance_centre", {"area_code": TOWN1, "name": "冒名综治中心"})
        assert outside.value.field == "area_code"
        mine = town.grid.record_inspection("governance_centre", "GC500229002", factories.inspection(items, "township"))
        assert mine["inspector"] == {"id": "acct-fuxing", "name": "复兴街道张"}
    assert grid.get_place("governance_centre", "GC500229001")["name"] == "葛城街道综治中心"
    assert events("grid.inspection.recorded", subject_id="GC500229001") == []


def test_inspection_photos_are_kept_in_gridfs_and_only_images_or_pdfs_are_taken(grid):
    import base64

    grid.register_place("service_facility", {"village_code": VILLAGE1})
    items = grid.get_checklist("service_facility")["current"]["items"]
    inspection = grid.record_inspection("service_facility", "SF500229001001",
                                        factories.inspection(items, failing=["fire_safety"]))
    png = base64.b64encode(factories.PNG).decode()
    photo = grid.attach_inspection_photo(inspection["inspection_id"], "fire_safety", "灭火器.png", png)
    assert photo["content_type"] == "image/png" and photo["item_code"] == "fire_safety"
    back = grid.read_inspection_photo(inspection["inspection_id"], photo["file_id"])
    assert base64.b64decode(back["content_base64"]) == factories.PNG
    with pytest.raises(ValidationFailed) as wrong:
        grid.attach_inspection_photo(inspection["inspection_id"], None, "photo.png",
                                     base64.b64encode(b"MZ not an image").decode())
    assert (wrong.value.field, wrong.value.code) == ("file", "file.bad_type")
    with pytest.raises(ValidationFailed) as unknown_item:
        grid.attach_inspection_photo(inspection["inspection_id"], "no_such_item", "a.png", png)
    assert unknown_item.value.field == "item_code"
    assert len(grid.get_inspection(inspection["inspection_id"])["photos"]) == 1


def test_deactivated_centre_is_published_inactive_and_takes_no_inspection(grid):
    grid.register_place("governance_centre", {"area_code": VILLAGE1})
    grid.change_place("governance_centre", "GC500229001001", {"active": False, "name": "平岗社区综治工作站"})
    assert events("grid.governance_centre.upserted", centre_id="GC500229001001")[-1]["data"]["active"] is False
    # Registering the area again without a name or a state keeps both as they are.
    again = grid.register_place("governance_centre", {"area_code": VILLAGE1})
    assert (again["name"], again["active"]) == ("平岗社区综治工作站", False)
    with pytest.raises(Conflict):
        grid.record_inspection("governance_centre", "GC500229001001",
                               factories.inspection(centre_checklist(grid), "village"))


def test_key_area_is_covered_while_a_point_is_online_and_lapses_when_no_check_comes_for_a_week(grid):
    area = grid.register_key_area({"area_code": TOWN1, "kind": "bus_station", "name": "城口汽车客运站"})
    assert area["covered"] is False and area["kind_label"] == "汽车客运站"
    key_area_id = area["key_area_id"]
    now = clock.now()
    gate = grid.register_video_point(key_area_id, {"code": factories.video_point_code(1), "name": "进站口",
                                                   "online": True, "checked_at": now.isoformat()})
    grid.register_video_point(key_area_id, {"code": factories.video_point_code(2), "name": "候车厅"})
    covered = grid.get_key_area(key_area_id)
    assert (covered["covered"], covered["video_points_total"], covered["video_points_online"]) == (True, 2, 1)
    published = events("grid.key_area.upserted", key_area_id=key_area_id)
    assert [(e["data"]["covered"], e["data"]["video_points_total"]) for e in published] == [
        (False, 0), (True, 1), (True, 2)]
    (changed,) = events("grid.video_point.state_changed", video_point_id=gate["video_point_id"])
    assert changed["data"]["online"] is True and changed["data"]["key_area_id"] == key_area_id

    # A report older than the last check changes nothing; an offline check uncovers the area at once.
    grid.record_video_check(gate["video_point_id"], {"online": False,
                                                     "checked_at": (now - timedelta(hours=1)).isoformat()})
    assert grid.get_key_area(key_area_id)["covered"] is True
    grid.record_video_checks({"checks": [{"code": factories.video_point_code(2), "online": True,
                                          "checked_at": now.isoformat()}]})
    assert grid.get_key_area(key_area_id)["video_points_online"] == 2

    # Nothing heard for eight days: the sweep publishes the lapse, and a second sweep nothing more.
    later = (now + timedelta(days=8)).astimezone(clock.LOCAL).isoformat()
    assert grid.sweep_video_coverage(later)["changed"] == 1
    assert events("grid.key_area.upserted", key_area_id=key_area_id)[-1]["data"]["covered"] is False
    assert grid.sweep_video_coverage(later)["changed"] == 0


def test_a_video_point_registered_in_another_township_cannot_be_taken_over(grid):
    mine = grid.register_key_area({"area_code": TOWN1, "kind": "school", "name": "城口中学"})
    grid.register_video_point(mine["key_area_id"], {"code": factories.video_point_code(9), "name": "校门"})
    with rpc(TOWN2_STAFF) as town:
        theirs = town.grid.register_key_area({"area_code": TOWN2, "kind": "market", "name": "复兴农贸市场"})
        with pytest.raises(Conflict):
            town.grid.register_video_point(theirs["key_area_id"], {"code": factories.video_point_code(9),
                                                                   "name": "市场入口"})
        with pytest.raises(NotFound):
            town.grid.get_key_area(mine["key_area_id"])
    assert grid.get_key_area(mine["key_area_id"])["video_points_total"] == 1


def test_figures_give_the_three_rates_of_the_county_and_each_township(grid):
    for code in (COUNTY, TOWN1, TOWN2):
        grid.register_place("governance_centre", {"area_code": code})
    items = centre_checklist(grid)
    grid.record_inspection("governance_centre", "GC500229001", factories.inspection(items, "township"))
    grid.register_place("service_facility", {"village_code": VILLAGE1})
    grid.record_inspection("service_facility", "SF500229001001",
                           factories.inspection(grid.get_checklist("service_facility")["current"]["items"]))
    figures = grid.places_figures(COUNTY)
    rates = {t["key"]: (t["numerator"], t["denominator"]) for t in figures["targets"]}
    # 1 of 3 centres; 1 of the 4 villages (three have no facility at all); no key areas yet.
    assert rates == {"governance_centre": (1, 3), "service_facility": (1, 4), "video_coverage": (0, 0)}
    assert len(figures["gaps"]["areas_without_centre"]) == 4  # the four communities
    by_town = {c["area_code"]: c for c in figures["children"]}
    assert by_town[TOWN1]["service_facility"]["value"] == 0.5 and by_town[TOWN2]["governance_centre"]["value"] == 0
    # The county's figures are also the service's target gauges (the test runs the service in this process).
    metrics = generate_latest().decode()
    assert 'xz_grid_place_target{target="service_facility"} 0.25' in metrics
