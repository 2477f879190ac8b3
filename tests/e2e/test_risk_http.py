"""Joint risk assessment over real HTTP: the gateway, the grid and the risk service on the real broker and store.
A burst of grid cases raises an alert the county reads with its reasons; a meeting on it takes a department's
opinion and the township's conclusion; roles see and do only what they may; bad bodies are refused with the
field in Chinese and change nothing."""
import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.risk.service import RiskService
from tests import factories
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_grid_affairs_http import staff
from tests.fault.polling import wait_until
from tests.harness import database, fresh_rate_limits, running
from tests.integration.test_risk import case_envelope, publish

TOWN, VILLAGE, ELSEWHERE = "500229001", "500229001001", "500229002001"


@pytest.fixture
def county(gateway_port):
    fresh_rate_limits()
    with running(GridService, RiskService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        people = {"root": root}
        for username, name, role in (("he.department", "何部门", "department_user"), ("chen.leader", "陈领导", "leader"),
                                     ("wu.township", "吴乡镇", "township_staff"), ("li.grid", "李网格", "grid_worker")):
            people[username] = staff(gateway_port, root, username, name, role, TOWN)[0]
        yield people


def test_an_alert_is_assessed_at_a_meeting_over_http_and_bad_input_is_refused(county):
    root, township, department = county["root"], county["wu.township"], county["he.department"]
    leader, grid_worker = county["chen.leader"], county["li.grid"]
    for minutes in range(8):
        publish(case_envelope(VILLAGE, minutes))  # 8 safety cases: 12 points, yellow
        publish(case_envelope(ELSEWHERE, minutes))  # and as many in another township
    wait_until(lambda: database("risk").signals.count_documents({}) == 16, what="every signal")
    assert root.request("GET", "/api/v1/risk/alerts")[1]["total"] == 2
    alerts = leader.request("GET", "/api/v1/risk/alerts")[1]["items"]  # the leader's grant is the first township
    assert len(alerts) == 1
    assert leader.request("GET", f"/api/v1/risk/scores/{ELSEWHERE}")[0] == 404
    alert = alerts[0]
    assert (alert["area_code"], alert["level"], len(alert["reasons"])) == (VILLAGE, "yellow", 8)
    assert grid_worker.request("GET", "/api/v1/risk/alerts")[0] == 403
    status, explained = leader.request("GET", f"/api/v1/risk/scores/{VILLAGE}")
    assert status == 200 and explained["score"] == alert["score"]
    assert root.request("GET", "/api/v1/risk/rebuild")[1]["ok"] is True
    assert leader.request("GET", "/api/v1/risk/rebuild")[0] == 403

    status, meeting = township.request("POST", "/api/v1/risk/meetings", {
        "title": "安全隐患研判", "trigger": "alert", "alert_id": alert["id"], "held_on": "2026-11-03",
        "invited_units": [{"name": "镇安监站", "reason": "属地监管"}]})
    assert status == 201, meeting
    assert leader.request("POST", "/api/v1/risk/meetings", {"title": "x"})[0] == 403
    path = f"/api/v1/risk/meetings/{meeting['id']}"
    status, body = department.request("POST", path + "/opinions", {"unit": "县应急管理局", "opinion": "建议停工整改"})
    assert status == 200, body
    status, body = department.request("POST", path + "/opinions", {"unit": "镇安监站", "opinion": "已现场检查"})
    assert status == 200 and {o["role"] for o in body["opinions"]} == {"standing", "invited"}
    assert department.request("POST", path + "/conclusion", {"resolution": "整改", "level": "yellow"})[0] == 403
    status, body = township.request("POST", path + "/conclusion", {
        "resolution": "限期整改", "level": "yellow",
        "tasks": [{"title": "整改复查", "owner_unit": "县应急管理局", "due_on": "2026-12-01"}]})
    assert status == 200 and body["status"] == "concluded" and len(body["tasks"]) == 1
    assert leader.request("GET", f"/api/v1/risk/alerts/{alert['id']}")[1]["status"] == "assessed"

    for path, payload, field in (
            ("/api/v1/risk/items", {"title": "山体滑坡隐患", "category": "天灾", "area_code": VILLAGE,
                                    "level": "red", "owner_unit": "县应急管理局"}, "category"),
            ("/api/v1/risk/items", {"title": "山体滑坡隐患", "category": "自然灾害", "area_code": "123",
                                    "level": "red", "owner_unit": "县应急管理局"}, "area_code"),
            ("/api/v1/risk/meetings", {"title": "定期研判", "trigger": "schedule", "held_on": "昨天"}, "held_on"),
            ("/api/v1/risk/meetings", {"title": "定期研判", "trigger": "schedule", "held_on": "2026-11-03",
                                       "area_code": TOWN, "standing_units": ["县某局"]}, "standing_units.0"),
            ("/api/v1/risk/meetings", {"title": "定期研判", "trigger": "schedule", "held_on": "2026-11-03"},
             "area_code")):
        status, body = township.request("POST", path, payload)
        assert status == 400 and body["field"] == field, body
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    db = database("risk")
    assert db.risk_items.count_documents({}) == 0 and db.assessment_meetings.count_documents({}) == 1
    status, item = township.request("POST", "/api/v1/risk/items", {
        "title": "山体滑坡隐患", "category": "自然灾害", "area_code": VILLAGE, "level": "orange",
        "owner_unit": "县规划自然资源局", "measures": ["汛期每日巡查"]})
    assert status == 201, item
    status, changed = township.request("PATCH", f"/api/v1/risk/items/{item['id']}", {"level": "red"})
    assert status == 200 and changed["level"] == "red"
    assert leader.request("GET", "/api/v1/risk/items")[1]["total"] == 1
