"""The life of a plan and of a response over real HTTP (gateway, grid, emergency and risk services on the real broker
and store; the org service is away): a plan drafted, published, changed and reviewed, one entered with last year's
review flagged as outdated; a response at level IV raised to II (evacuation and road closures added), extended to the
next village, with hourly reports, a task done and a photo; a drill counted apart; bad input refused naming the field
and changing nothing; another township's staff finding nothing."""
import pytest

from services.emergency.service import EmergencyService
from services.gateway.service import GatewayService
from services.grid.importing import to_rows
from services.grid.service import GridService
from services.risk.service import RiskService
from tests import factories
from tests.e2e.test_gateway_http import admin
from tests.e2e.test_grid_affairs_http import download, staff
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

AREAS = factories.chengkou_areas(villages=2, grids=2, micro_grids=1, names=["蓼子乡", "左岚乡"])
TOWN, OTHER_TOWN = "500229201", "500229202"
V1, V2 = [v for v in factories.codes(AREAS, "village") if v.startswith(TOWN)]
(OTHER_VILLAGE, _) = [v for v in factories.codes(AREAS, "village") if v.startswith(OTHER_TOWN)]
GRID = factories.codes(AREAS, "grid")[0]


def events(kind: str) -> list[dict]:
    return [e["envelope"]["data"] for e in database("emergency").outbox.find({"event_type": f"emergency.{kind}"})]


@pytest.fixture(scope="module")
def county(module_gateway_port):
    port = module_gateway_port
    with running(GridService, EmergencyService, RiskService, GatewayService):
        root = admin(port)
        with rpc(COUNTY_SCOPE) as proxy:
            proxy.grid.upsert_areas(AREAS)
            grids = factories.codes(AREAS, "grid")
            proxy.grid.save_grid_workers([factories.grid_worker([g], worker_id=f"GWL{i}") for i, g in enumerate(grids)])
            rows = to_rows(factories.households(factories.codes(AREAS), 40, seed=9), {a["code"]: a["name"] for a in AREAS})
            proxy.grid.import_rows(rows, False)
        wait_until(lambda: database("emergency").households.count_documents({}) == 40, what="the households read model")
        people = {"root": root}
        for username, name, role, area in (("ran.zhihui", "冉指挥", "township_staff", TOWN),
                                           ("wang.other", "王其他", "township_staff", OTHER_TOWN),
                                           ("xiang.wangge", "向网格", "grid_worker", GRID),
                                           ("chen.lingdao", "陈领导", "leader", TOWN)):
            people[username] = staff(port, root, username, name, role, area)[0]
        yield people


def test_a_plan_is_drafted_published_changed_reviewed_and_an_old_one_flagged(county):
    clerk = county["ran.zhihui"]
    body = factories.emergency_plan(TOWN, [V1, V2])
    status, draft = clerk.request("PUT", "/api/v1/emergency/plans/EP201-flood", body)
    assert status == 200 and (draft["version"], draft["status"], draft["in_force"]) == (1, "draft", False), draft
    assert draft["contacts"][0]["phone"].count("*") == 4 and draft["coverage"]["households"] > 0
    stored = str(database("emergency").plans.find_one({"plan_id": "EP201-flood"}))
    assert body["contacts"][0]["phone"] not in stored
    assert clerk.request("POST", "/api/v1/emergency/plans/EP201-flood/publish", {})[1]["status"] == "published"
    status, changed = clerk.request("PUT", "/api/v1/emergency/plans/EP201-flood", {**body, "title": "暴雨洪涝应急预案（修订）"})
    assert status == 200 and changed["version"] == 1 and changed["in_force"] and changed["draft"]["version"] == 2
    status, published = clerk.request("POST", "/api/v1/emergency/plans/EP201-flood/publish", {})
    assert (published["version"], published["title"]) == (2, "暴雨洪涝应急预案（修订）")
    assert [v["status"] for v in published["versions"]] == ["superseded", "published"]
    status, reviewed = clerk.request("POST", "/api/v1/emergency/plans/EP201-flood/publish", {})  # the yearly review
    assert status == 200 and reviewed["version"] == 3 and reviewed["contacts"] == published["contacts"]
    assert [(e["plan_version"], e["shelters"]) for e in events("plan.published")] == [(1, 2), (2, 2), (3, 2)]

    old = factories.emergency_plan(TOWN, [V1], hazard="geological", title="地质灾害应急预案", reviewed_on="2024-05-01")
    assert clerk.request("PUT", "/api/v1/emergency/plans/EP201-geo", old)[0] == 200
    clerk.request("POST", "/api/v1/emergency/plans/EP201-geo/publish", {})
    status, listing = clerk.request("GET", "/api/v1/emergency/plans?outdated=true")
    assert [p["plan_id"] for p in listing["items"]] == ["EP201-geo"] and listing["items"][0]["outdated"]
    # The township's plans are its villages' plans too; the other township sees none of them.
    assert {p["plan_id"] for p in county["xiang.wangge"].request("GET", "/api/v1/emergency/plans")[1]["items"]} == \
        {"EP201-flood", "EP201-geo"}
    assert county["wang.other"].request("GET", "/api/v1/emergency/plans")[1]["items"] == []
    assert county["wang.other"].request("GET", "/api/v1/emergency/plans/EP201-flood")[0] == 404


def test_bad_input_is_refused_naming_the_field_and_changes_nothing(county):
    clerk = county["ran.zhihui"]
    body = factories.emergency_plan(TOWN, [V1])
    before = database("emergency").plans.count_documents({})
    cases = [
        ("PUT", "/api/v1/emergency/plans/EP201-bad", {**body, "command": body["command"][1:]}, "command"),
        ("PUT", "/api/v1/emergency/plans/EP201-bad", {**body, "shelters": [{**body["shelters"][0],
                                                                           "area_code": OTHER_VILLAGE}]},
         "shelters.0.area_code"),
        ("PUT", "/api/v1/emergency/plans/EP201-bad", {**body, "task_templates": [
            {**body["task_templates"][0], "scope": "grid"}]}, "task_templates.0.scope"),
        ("PUT", "/api/v1/emergency/plans/bad%20id", body, "plan_id"),
        ("POST", "/api/v1/emergency/activations", {"plan_id": "EP201-flood", "area_codes": [OTHER_VILLAGE],
                                                   "level": "IV", "reason": "暴雨预警"}, "area_codes.0"),
        ("POST", "/api/v1/emergency/activations", {"plan_id": "EP201-flood", "area_codes": [V1], "level": "V",
                                                   "reason": "暴雨预警"}, "level"),
        ("POST", "/api/v1/emergency/activations", {"plan_id": "EP201-none", "area_codes": [V1], "level": "IV",
                                                   "reason": "暴雨预警"}, "plan_id"),
    ]
    for method, path, payload, field in cases:
        # The county may act in the other township, which lies outside this township's plan.
        client = county["root"] if payload.get("area_codes") == [OTHER_VILLAGE] else clerk
        status, refused = client.request(method, path, payload)
        assert status == 400 and refused["field"] == field, (path, field, refused)
        assert refused["message"] and not refused["message"].isascii()
    status, refused = clerk.request("POST", "/api/v1/emergency/activations", {
        "plan_id": "EP201-flood", "area_codes": [OTHER_VILLAGE], "level": "IV", "reason": "暴雨预警"})
    assert status == 404 and refused["field"] == "area_codes.0"  # outside the caller's areas: not found
    assert database("emergency").plans.count_documents({}) == before
    assert database("emergency").activations.count_documents({}) == 0
    assert county["xiang.wangge"].request("POST", "/api/v1/emergency/activations", {
        "plan_id": "EP201-flood", "area_codes": [V1], "level": "IV", "reason": "暴雨预警"})[0] == 403
    assert county["chen.lingdao"].request("PUT", "/api/v1/emergency/plans/EP201-x", body)[0] == 403


@pytest.fixture(scope="module")
def response(county):
    status, started = county["ran.zhihui"].request("POST", "/api/v1/emergency/activations", {
        "plan_id": "EP201-flood", "area_codes": [V1], "level": "IV", "reason": "山洪灾害蓝色预警",
        "client_ref": "console-ref-000001"})
    assert status == 201, started
    return started["activation_id"]


def test_a_response_is_raised_extended_and_reported_on(county, response):
    clerk = county["ran.zhihui"]
    again = clerk.request("POST", "/api/v1/emergency/activations", {
        "plan_id": "EP201-flood", "area_codes": [V1], "level": "IV", "reason": "山洪灾害蓝色预警",
        "client_ref": "console-ref-000001"})[1]
    assert again == {"activation_id": response, "duplicate": True}
    status, clash = clerk.request("POST", "/api/v1/emergency/activations", {
        "plan_id": "EP201-flood", "area_codes": [TOWN], "level": "IV", "reason": "山洪灾害蓝色预警"})
    assert status == 409 and clash["code"] == "activation.area_active"
    tasks = lambda: list(database("emergency").household_tasks.find({"activation_id": response}))  # noqa: E731
    assert not any(t["evacuate"] for t in tasks())  # evacuation applies from level III
    detail = clerk.request("GET", f"/api/v1/emergency/activations/{response}")[1]
    assert detail["command"]["org_unavailable"] is True and detail["allowed"] == ["change_level", "extend", "deactivate"]

    status, raised = clerk.request("POST", f"/api/v1/emergency/activations/{response}/level",
                                   {"level": "II", "reason": "雨量超过100毫米，前河超警戒水位"})
    assert status == 200 and raised["tasks_added"] == 2, raised  # the village's road closure and materials
    assert all(t["evacuate"] == bool(t["vulnerable_resident_ids"]) for t in tasks())
    assert raised["evacuations_added"] == sum(1 for t in tasks() if t["vulnerable_resident_ids"])
    assert [(e["from_level"], e["to_level"]) for e in events("activation.level_changed")] == [("IV", "II")]
    assert clerk.request("POST", f"/api/v1/emergency/activations/{response}/level",
                         {"level": "II", "reason": "再次确认等级"})[1]["field"] == "level"

    status, extended = clerk.request("POST", f"/api/v1/emergency/activations/{response}/extend",
                                     {"area_codes": [V2], "reason": "下游村降雨加大"})
    assert status == 200 and extended["area_codes"] == [V1, V2] and extended["households_added"] > 0
    activated = events("activation.activated")
    assert [(e["area_code"], e["extension"], e["level"]) for e in activated] == [(V1, False, "IV"), (V2, True, "II")]
    board = clerk.request("GET", f"/api/v1/emergency/activations/{response}/board")[1]
    assert [v["area_code"] for v in board["villages"]] == [V1, V2]
    assert board["totals"]["households"] == len(tasks())
    road = next(t for t in clerk.request("GET", f"/api/v1/emergency/activations/{response}/tasks")[1]["items"]
                if t["kind"] == "road_closure" and t["area_code"] == V1)
    status, done = clerk.request("POST", f"/api/v1/emergency/tasks/{road['task_id']}/done", {"note": "临河路段已设卡封闭"})
    assert status == 200 and done["status"] == "done"
    assert clerk.request("POST", f"/api/v1/emergency/tasks/{road['task_id']}/done", {"note": "再报一次"})[0] == 409

    hourly = {"report_id": "hourly-v1-0800", "area_code": V1, "summary": "8时雨量42毫米，已转移5户，无人员伤亡"}
    assert clerk.request("POST", f"/api/v1/emergency/activations/{response}/hourly-reports", hourly)[1]["duplicate"] is False
    assert clerk.request("POST", f"/api/v1/emergency/activations/{response}/hourly-reports", hourly)[1]["duplicate"] is True
    board = clerk.request("GET", f"/api/v1/emergency/activations/{response}/board")[1]
    assert [r["summary"] for r in board["hourly_reports"]] == [hourly["summary"]]
    assert next(h for h in board["hourly"] if h["area_code"] == V1)["overdue"] is False

    worker = county["xiang.wangge"]
    polled = worker.request("GET", "/api/v1/emergency/mine")[1]
    assert worker.request("GET", "/api/v1/emergency/mine",
                          headers={"If-None-Match": f'"{polled["version"]}"'})[0] == 304  # nothing new: no body
    mine = polled["activations"][0]
    household = mine["households"][0]["household_id"]
    status, visits = worker.request("GET", f"/api/v1/emergency/mine/visits?activation_id={response}")
    assert status == 200 and {v["household_id"] for v in visits["items"]} == {h["household_id"] for h in mine["households"]}
    assert all("*" in v["head"] for v in visits["items"] if v["head"] and len(v["head"]) > 1)
    status, answer = worker.request("POST", f"/api/v1/emergency/activations/{response}/households/{household}/reports",
                                    {"report_id": "phone-needs-help-01", "status": "needs_help", "note": "老人行动不便"})
    assert status == 200 and answer["status"] == "needs_help"
    status, photo = worker.upload("/api/v1/emergency/reports/phone-needs-help-01/photo", "scene.png", factories.PNG)
    assert status == 201, photo
    status, headers, content = download(clerk.base.rsplit(":", 1)[1], clerk.token,
                                        "/api/v1/emergency/reports/phone-needs-help-01/photo")
    assert (status, headers["Content-Type"], content) == (200, "image/png", factories.PNG)
    assert worker.upload("/api/v1/emergency/reports/phone-needs-help-01/photo", "x.txt", b"not a photo")[0] == 400
    # The other township finds nothing of it.
    other = county["wang.other"]
    assert other.request("GET", f"/api/v1/emergency/activations/{response}/board")[0] == 404
    assert other.request("GET", "/api/v1/emergency/activations")[1]["total"] == 0
    # The risk service counts the village as activated (the response, not the drill below).
    wait_until(lambda: database("risk").signals.count_documents({"kind": "emergency_activated"}) == 2,
               what="one risk signal per activated village")


def test_a_drill_is_counted_apart_and_held_when_it_ends(county, response):
    other = county["wang.other"]
    assert other.request("PUT", "/api/v1/emergency/plans/EP202-fire",
                         factories.emergency_plan(OTHER_TOWN, [OTHER_VILLAGE], hazard="forest_fire",
                                                  title="森林火灾应急预案"))[0] == 200
    other.request("POST", "/api/v1/emergency/plans/EP202-fire/publish", {})
    status, drill = other.request("POST", "/api/v1/emergency/activations", {
        "plan_id": "EP202-fire", "area_codes": [OTHER_TOWN], "level": "III", "reason": "春季森林防火演练",
        "drill": True})
    assert status == 201, drill
    status, ended = other.request("POST", f"/api/v1/emergency/activations/{drill['activation_id']}/deactivate",
                                  {"reason": "演练结束", "went_wrong": ["部分农户未接到通知"]})
    assert status == 200, ended
    (held,) = events("drill.held")
    assert (held["activation_id"], held["hazard"], held["households"]) == (drill["activation_id"], "forest_fire",
                                                                         drill["households"])
    listing = county["root"].request("GET", "/api/v1/emergency/activations")[1]
    assert (listing["drills"], listing["real"]) == (1, 1)
    wait_until(lambda: database("risk").signals.find_one({"kind": "emergency_drill"}), what="the drill's signal")
    assert database("risk").signals.count_documents({"kind": "emergency_activated", "township_code": OTHER_TOWN}) == 0
