"""The holiday calendar over real HTTP: every staff member reads a year and sees whether its deadlines are final;
only the county administrator previews and loads the State Council's notice, pasted as published; a bad notice is
400 naming the field in Chinese and loads nothing; a petition's objection window over New Year 2027 is provisional
in the API until the notice is loaded, then moves and is final."""
import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.petitions.service import PetitionsService
from shared import holidays
from tests import factories
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_grid_affairs_http import staff
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running
from tests.unit.test_holiday_calendar import NOTICE_2027

TOWN, VILLAGE = "500229001", "500229001001"


@pytest.fixture
def county(gateway_port):
    with running(GridService, PetitionsService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        township = staff(gateway_port, root, "tan.township", "谭乡镇", "township_staff", TOWN)[0]
        yield root, township
    holidays.install([])


def objection(client, pid):
    status, petition = client.request("GET", f"/api/v1/petitions/{pid}")
    assert status == 200, petition
    return next(c for c in petition["clocks"] if c["clock"] == "objection")


def test_the_county_loads_the_2027_notice_and_a_provisional_window_becomes_final(county):
    root, township = county
    status, year = township.request("GET", "/api/v1/calendar/years/2027")
    assert status == 200 and (year["basis"], year["provisional"]) == ("statutory", True)
    assert year["basis_label"] == "按法定节日推算（暂定）"

    # A letter forwarded on Tuesday 29 December 2026 (the service's test clock): its window is provisional.
    status, petition = root.request("POST", "/api/v1/petitions", {
        "channel": "letter", "area_code": VILLAGE, "category": "rural_affairs", "matter": "反映土地流转合同纠纷",
        "petitioners": [{"name": "冉光明"}]})
    assert status == 201, petition
    pid = petition["petition_id"]
    with rpc(COUNTY_SCOPE) as proxy:
        proxy.petitions.act_on_petition(pid, {"action": "forward", "unit": "县农业农村委"}, "2026-12-29T10:00:00+08:00")
    window = objection(root, pid)
    assert (window["due_at"], window["provisional"]) == ("2027-01-06T16:00:00+00:00", True)

    assert township.request("POST", "/api/v1/calendar/notices", {"text": NOTICE_2027})[0] == 403
    status, refused = root.request("POST", "/api/v1/calendar/notices", {"text": "2027年元旦放假安排另行通知"})
    assert status == 400 and refused["field"] == "text" and "放假" in refused["message"]
    status, refused = root.request("POST", "/api/v1/calendar/notices", {"year": 2027})
    assert status == 400 and "通知原文" in refused["message"]
    assert root.request("GET", "/api/v1/calendar/years/2027")[1]["versions"] == []

    status, preview = root.request("POST", "/api/v1/calendar/notices/preview", {"text": NOTICE_2027})
    assert status == 200 and preview["changed_days"][0] == {"date": "2027-01-04", "working": False, "name": "元旦",
                                                            "was": "上班"}
    status, loaded = root.request("POST", "/api/v1/calendar/notices", {"text": NOTICE_2027})
    assert status == 201 and (loaded["basis"], loaded["provisional"]) == ("notice", False)
    assert loaded["notice"]["title"] == "国务院办公厅关于2027年部分节假日安排的通知"
    assert {"date": "2027-01-09"} in loaded["working_weekend_days"]

    wait_until(lambda: not objection(root, pid)["provisional"], what="the window made final")
    assert objection(township, pid)["due_at"] == "2027-01-07T16:00:00+00:00"
    # Who loaded it is in the hash-chained audit log, and the refusal of the township's attempt as well.
    loads = [e["outcome"] for e in database("gateway").audit.find(
        {"action": "POST /api/v1/calendar/notices"}).sort("seq", 1)]
    assert loads == ["denied", "400", "400", "201"]
