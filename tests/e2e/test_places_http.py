"""Places over real HTTP: the gateway and the grid service on the real broker and store, with staff accounts made
the way the console makes them. A township registers and inspects its own centre with a photo; another township
can neither see nor inspect it (404); bad input is a 400 naming the field in Chinese and changes nothing; the
registers import from a spreadsheet; the figures count what was recorded."""
import time
import urllib.request

import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_grid_affairs_http import chinese, staff
from tests.harness import database, running

TOWN1, TOWN2 = "500229001", "500229002"  # 葛城街道, 复兴街道
VILLAGE1 = "500229001001"


@pytest.fixture
def county(gateway_port):
    with running(GridService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        people = {"root": root, "port": gateway_port}
        for username, name, role, area in (("zhou.town", "周乡镇", "township_staff", TOWN1),
                                           ("wu.town", "吴乡镇", "township_staff", TOWN2),
                                           ("chen.leader", "陈领导", "leader", "500229"),
                                           ("li.cadre", "李干部", "village_cadre", VILLAGE1)):
            people[username], people[username + ".id"] = staff(gateway_port, root, username, name, role, area)
        yield people


def multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "xzplacesboundary"
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
             for k, v in fields.items()]
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def raw_get(client, path: str) -> tuple[bytes, str]:
    request = urllib.request.Request(client.base + path, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), response.headers.get_content_type()


def centre_items(client) -> list[dict]:
    status, checklist = client.request("GET", "/api/v1/checklists/governance_centre")
    assert status == 200, checklist
    return checklist["current"]["items"]


def test_township_inspects_its_centre_with_a_photo_and_the_county_leader_sees_it_standardised(county):
    town = county["zhou.town"]
    status, centre = town.request("POST", "/api/v1/governance-centres", {"area_code": TOWN1})
    assert status == 200 and centre["status_label"] == "未规范化建成", centre
    status, inspection = town.request("POST", "/api/v1/governance-centres/GC500229001/inspections",
                                      factories.inspection(centre_items(town), "township", inspected_at="2026-03-02"))
    assert status == 201 and inspection["passed"] is True, inspection
    assert inspection["inspector"] == {"id": county["zhou.town.id"], "name": "周乡镇"}

    body, content_type = multipart({"item_code": "premises"}, "门牌.png", factories.PNG)
    status, photo = town.request("POST", f"/api/v1/inspections/{inspection['inspection_id']}/photos", raw=body,
                                 headers={"Content-Type": content_type})
    assert status == 201 and photo["item_code"] == "premises", photo
    content, kind = raw_get(town, f"/api/v1/inspections/{inspection['inspection_id']}/photos/{photo['file_id']}")
    assert content == factories.PNG and kind == "image/png"

    leader = county["chen.leader"]
    status, seen = leader.request("GET", "/api/v1/governance-centres/GC500229001")
    assert status == 200 and seen["standardised"] is True
    assert seen["inspections"][0]["photos"][0]["filename"] == "门牌.png"
    status, refused = leader.request("POST", "/api/v1/governance-centres/GC500229001/inspections",
                                     factories.inspection(centre_items(leader), "township"))
    assert status == 403 and chinese(refused["message"])


def test_a_township_can_neither_see_nor_inspect_nor_change_another_townships_centre(county):
    mine, other = county["zhou.town"], county["wu.town"]
    assert mine.request("POST", "/api/v1/governance-centres", {"area_code": TOWN1})[0] == 200
    assert other.request("POST", "/api/v1/governance-centres", {"area_code": TOWN2})[0] == 200
    items = centre_items(other)
    before = database("grid").outbox.count_documents({})
    for method, path, body in (
            ("GET", "/api/v1/governance-centres/GC500229001", None),
            ("POST", "/api/v1/governance-centres/GC500229001/inspections", factories.inspection(items, "township")),
            ("PATCH", "/api/v1/governance-centres/GC500229001", {"name": "冒名综治中心"})):
        status, answer = other.request(method, path, body)
        assert status == 404 and chinese(answer["message"]), (method, path, answer)
    status, listed = other.request("GET", "/api/v1/governance-centres")
    assert status == 200 and [p["area_code"] for p in listed["items"]] == [TOWN2]
    assert database("grid").outbox.count_documents({}) == before


def test_bad_input_is_refused_with_the_field_and_a_chinese_message_and_changes_nothing(county):
    town, root = county["zhou.town"], county["root"]
    assert town.request("POST", "/api/v1/governance-centres", {"area_code": TOWN1})[0] == 200
    items = centre_items(town)
    status, area = town.request("POST", "/api/v1/key-areas", {"area_code": TOWN1, "kind": "school", "name": "城口中学"})
    assert status == 200, area
    before = database("grid").outbox.count_documents({})
    future = "2999-01-01T08:00:00+08:00"
    cases = [
        ("POST", "/api/v1/governance-centres", {"area_code": "12345"}, "area_code"),
        ("POST", "/api/v1/service-facilities", {"village_code": TOWN1}, "village_code"),
        ("POST", "/api/v1/governance-centres/GC500229001/inspections", {"results": []}, "results"),
        ("POST", "/api/v1/governance-centres/GC500229001/inspections",
         factories.inspection(items, "township", inspected_at=future), "inspected_at"),
        ("POST", "/api/v1/governance-centres/GC500229001/inspections",
         {"results": [*factories.inspection(items, "township")["results"], {"code": "no_such", "passed": True}]},
         f"results.{len(factories.inspection(items, 'township')['results'])}.code"),
        ("POST", "/api/v1/key-areas", {"area_code": TOWN1, "kind": "zoo", "name": "动物园"}, "kind"),
        ("POST", f"/api/v1/key-areas/{area['key_area_id']}/video-points", {"code": "点位", "name": "校门"}, "code"),
        ("PATCH", f"/api/v1/key-areas/{area['key_area_id']}", {}, "body"),
        ("POST", "/api/v1/video-points/checks", {"checks": [{"code": "50022900001320999999", "online": True}]},
         "checks.0.code"),
        ("GET", "/api/v1/governance-centres?status=maybe", None, "status"),
    ]
    for method, path, body, field in cases:
        status, answer = town.request(method, path, body)
        assert status == 400 and answer["field"] == field and chinese(answer["message"]), (path, body, answer)
    status, answer = town.request("POST", "/api/v1/key-areas", raw=b"{not json", headers={
        "Content-Type": "application/json"})
    assert status == 400 and answer["field"] == "body"
    status, answer = town.request("POST", "/api/v1/places/imports?kind=households", raw=b"", headers={
        "Content-Type": "application/octet-stream"})
    assert status == 400 and answer["field"] == "kind"
    # A checklist is the county's: a township is refused by its role (no places.configure), the county may.
    assert town.request("PUT", "/api/v1/checklists/service_facility", {"items": items})[0] == 403
    status, answer = root.request("PUT", "/api/v1/checklists/service_facility", {"items": []})
    assert status == 400 and answer["field"] == "items"
    assert database("grid").outbox.count_documents({}) == before


def wait_for_job(client, job_id: str) -> dict:
    for _ in range(200):
        status, job = client.request("GET", f"/api/v1/places/imports/{job_id}")
        if status == 200 and job["state"] != "running":
            return job
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def test_key_areas_import_from_a_sheet_after_a_dry_run_and_the_figures_count_them(county):
    town = county["zhou.town"]
    content, kind = raw_get(town, "/api/v1/places/import-template?kind=key_area")
    assert content[:2] == b"PK" and "spreadsheetml" in kind
    code1, code2 = factories.video_point_code(1), factories.video_point_code(2)
    sheet = ("区划代码,区划名称,重点区域名称,类别,地址,点位编号,点位名称,在线状态,最近检查时间\n"
             f"{TOWN1},葛城街道,城口汽车客运站,汽车客运站,,{code1},进站口,在线,{time.strftime('%Y-%m-%d')} 08:00\n"
             f"{TOWN1},葛城街道,城口中学,学校,,{code2},校门,离线,{time.strftime('%Y-%m-%d')} 08:00\n").encode("gb18030")
    for dry_run in ("true", "false"):
        body, content_type = multipart({}, "重点区域.csv", sheet)
        status, started = town.request("POST", f"/api/v1/places/imports?kind=key_area&dry_run={dry_run}", raw=body,
                                       headers={"Content-Type": content_type})
        assert status == 202, started
        job = wait_for_job(town, started["job_id"])
        assert job["state"] == "done" and job["report"]["problems"] == [], job
    assert job["report"]["imported"] == 2
    assert county["wu.town"].request("GET", f"/api/v1/places/imports/{started['job_id']}")[0] == 404
    status, figures = town.request("GET", f"/api/v1/places/figures?area_code={TOWN1}")
    assert status == 200, figures
    coverage = next(t for t in figures["targets"] if t["key"] == "video_coverage")
    assert (coverage["numerator"], coverage["denominator"], coverage["met"]) == (1, 2, False)
    assert chinese(coverage["definition"]) and chinese(coverage["label"])
