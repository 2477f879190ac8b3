"""Grid affairs over real HTTP: the gateway and the grid service on the real broker and store, with staff accounts
made by the administrator the way the console makes them (and past their forced first password change)."""
import urllib.error
import urllib.request

import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.harness import database, fresh_rate_limits, running

PASSWORD = "Affairs-Pass-2026!"
TOWN, VILLAGE = "500229001", "500229001001"  # 葛城街道, 平岗社区
GRID1, GRID2 = "500229001001001", "500229001001002"
PNG = factories.PNG
CASE = {"grid_code": GRID1, "item_code": "safety.fire", "title": "楼道堆放杂物",
        "description": "三号楼楼道堆放大量纸箱，堵塞消防通道"}
ORDER = {"kind": "service_order", "area_code": VILLAGE, "content": "家中老人需要代办医保报销手续",
         "contact_name": "向大姐", "phone": "17100005678"}


def chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def staff(port, root, username, display_name, role, area_code):
    """An account made by the administrator, signed in, its initial password changed: (client, account id)."""
    status, account = root.request("POST", "/api/v1/accounts", {
        "username": username, "display_name": display_name, "password": PASSWORD,
        "grants": [{"role": role, "area_code": area_code}]})
    assert status == 201, account
    client = Client(port)
    assert client.sign_in(username, PASSWORD)["must_change_password"] is True
    # Until the password is changed, nothing but the account's own matters is open.
    assert client.request("GET", "/api/v1/cases")[0] == 403
    status, changed = client.request("POST", "/api/v1/auth/password",
                                     {"old_password": PASSWORD, "new_password": PASSWORD + "x"})
    assert status == 200, changed
    client.token = changed["access_token"]
    return client, account["account_id"]


@pytest.fixture
def office(gateway_port):
    fresh_rate_limits()
    with running(GridService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=2, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        people = {"root": (root, None), "public": (Client(gateway_port), None)}
        for username, name, role, area in (("li.village", "李网格", "grid_worker", VILLAGE),
                                           ("zhao.grid", "赵网格", "grid_worker", GRID1),
                                           ("wang.cadre", "王干部", "village_cadre", VILLAGE),
                                           ("chen.leader", "陈领导", "leader", TOWN),
                                           ("zhou.town", "周乡镇", "township_staff", TOWN)):
            people[username] = staff(gateway_port, root, username, name, role, area)
        yield people


def test_a_residents_order_is_dispatched_delivered_rated_low_and_reopened(office):
    public = office["public"][0]
    worker = office["li.village"][0]
    cadre, cadre_id = office["wang.cadre"]

    status, receipt = public.request("POST", "/api/v1/public/requests", ORDER)
    assert status == 201
    track = {"tracking_code": receipt["tracking_code"], "phone_last4": "5678"}

    # The grid worker of the village sees the order, its contact masked.
    status, listing = worker.request("GET", "/api/v1/service-orders?status=ordered")
    assert status == 200 and listing["total"] == 1
    order = listing["items"][0]
    assert (order["status"], order["channel"], order["area_code"]) == ("ordered", "public", VILLAGE)
    assert order["contact_name"] == "向**" and order["phone"] == "171****5678"
    order_id = order["order_id"]

    # Nothing to rate yet: the resident is told so and a rating is refused.
    status, seen = public.request("POST", "/api/v1/public/requests/track", track)
    assert status == 200 and seen["order"]["status"] == "ordered" and seen["order"]["can_rate"] is False
    status, body = public.request("POST", "/api/v1/public/requests/rate", {**track, "rating": 5})
    assert (status, body["code"]) == (409, "service_order.illegal_transition")

    # The cadre is among the handlers the worker may dispatch to; the worker dispatches (网格派单).
    status, handlers = worker.request("GET", "/api/v1/affairs/handlers")
    assert status == 200 and cadre_id in {h["account_id"] for h in handlers["items"]}
    status, order = worker.request("POST", f"/api/v1/service-orders/{order_id}/dispatch",
                                   {"assignee": {"kind": "staff", "id": cadre_id, "name": "王干部"}})
    assert status == 200, order
    assert order["status"] == "dispatched" and order["assignee"]["id"] == cadre_id and order["due_at"]

    # The cadre finds it in their own queue and delivers (干部买单).
    status, mine = cadre.request("GET", "/api/v1/service-orders?assignee=me")
    assert status == 200 and [o["order_id"] for o in mine["items"]] == [order_id]
    status, order = cadre.request("POST", f"/api/v1/service-orders/{order_id}/deliver",
                                  {"feedback": "已上门代办医保报销，材料已提交"})
    assert status == 200 and order["status"] == "delivered"

    # The resident follows it, may now rate, and rates 2.
    status, seen = public.request("POST", "/api/v1/public/requests/track", track)
    assert status == 200 and seen["order"]["status"] == "delivered" and seen["order"]["can_rate"] is True
    assert seen["order"]["feedback"] == "已上门代办医保报销，材料已提交"
    status, rated = public.request("POST", "/api/v1/public/requests/rate",
                                   {**track, "rating": 2, "comment": "材料少交了一份"})
    assert status == 200, rated
    assert rated["order"]["status"] == "reopened" and rated["order"]["rating"] == 2
    assert rated["order"]["can_rate"] is False
    assert [h["status"] for h in rated["order"]["history"]] == ["ordered", "dispatched", "delivered", "reopened"]
    assert "向大姐" not in str(rated) and "17100005678" not in str(rated)

    # The staff see it reopened, waiting to be dispatched again.
    status, order = worker.request("GET", f"/api/v1/service-orders/{order_id}")
    assert status == 200 and order["status"] == "reopened" and order["rating"] == 2
    assert order["actions"] == ["dispatch"]
    assert order["history"][-1]["action"] == "rate" and order["history"][-1]["to"] == "reopened"
    status, listing = worker.request("GET", "/api/v1/service-orders?status=reopened")
    assert [o["order_id"] for o in listing["items"]] == [order_id]

    types = [e["event_type"] for e in database("grid").outbox.find({"envelope.data.order_id": order_id})
             .sort("created_at", 1)]
    assert types == ["grid.service_order.placed", "grid.service_order.dispatched", "grid.service_order.delivered",
                     "grid.service_order.rated"]
    rated_event = database("grid").outbox.find_one({"event_type": "grid.service_order.rated"})
    assert rated_event["envelope"]["data"]["rating"] == 2 and rated_event["envelope"]["data"]["reopened"] is True


def test_a_grid_worker_cannot_see_or_touch_a_case_outside_their_grid(office):
    root, worker = office["root"][0], office["zhao.grid"][0]
    status, outside = root.request("POST", "/api/v1/cases", {**CASE, "grid_code": GRID2})
    assert status == 201
    status, inside = worker.request("POST", "/api/v1/cases", CASE)
    assert status == 201 and inside["reporter"]["name"] == "赵网格"
    status, listing = worker.request("GET", "/api/v1/cases")
    assert status == 200 and [c["case_id"] for c in listing["items"]] == [inside["case_id"]]
    other = outside["case_id"]
    status, body = worker.request("GET", f"/api/v1/cases/{other}")
    assert (status, body["code"]) == (404, "case.not_found")
    for action, fields in (("report", {}), ("screen_out", {"reason": "不属实"}), ("refer_to_mediation", {})):
        status, body = worker.request("POST", f"/api/v1/cases/{other}/{action}", fields)
        assert (status, body["code"]) == (404, "case.not_found"), action
    assert worker.upload(f"/api/v1/cases/{other}/files", "现场.png", PNG)[0] == 404
    status, body = worker.request("POST", "/api/v1/cases", {**CASE, "grid_code": GRID2})
    assert (status, body["field"]) == (404, "grid_code")
    # Their own case is theirs to report.
    assert worker.request("POST", f"/api/v1/cases/{inside['case_id']}/report", {})[1]["status"] == "reported"
    status, seen = root.request("GET", f"/api/v1/cases/{other}")
    assert status == 200 and seen["status"] == "collected" and len(seen["history"]) == 1
    assert seen["attachment_count"] == 0


def test_roles_are_checked_before_anything_is_done(office):
    root = office["root"][0]
    leader, worker = office["chen.leader"][0], office["li.village"][0]
    status, body = leader.request("POST", "/api/v1/cases", CASE)
    assert (status, body["code"]) == (403, "auth.forbidden")
    assert leader.request("GET", "/api/v1/cases")[0] == 200  # reading is a leader's part
    status, case = worker.request("POST", "/api/v1/cases", CASE)
    assert status == 201
    case = worker.request("POST", f"/api/v1/cases/{case['case_id']}/report", {})[1]
    assert case["status"] == "reported"
    # Dispatching a case is the township's duty, not the grid worker's.
    status, body = worker.request("POST", f"/api/v1/cases/{case['case_id']}/dispatch",
                                  {"assignee": {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}})
    assert (status, body["code"]) == (403, "auth.forbidden")
    # So is the catalogue the county's.
    item = {"name": "消防安全隐患", "owner_department": "县消防救援大队", "deadline": {"days": 1, "day_kind": "calendar"}}
    status, body = worker.request("PUT", "/api/v1/responsibility-items/safety.fire", item)
    assert status == 403
    versions = root.request("GET", "/api/v1/responsibility-items/safety.fire/versions")[1]["versions"]
    assert [v["version"] for v in versions] == [1] and versions[0]["deadline"] == {"days": 3, "day_kind": "working"}
    assert root.request("GET", f"/api/v1/cases/{case['case_id']}")[1]["status"] == "reported"
    # The township does dispatch it.
    township = office["zhou.town"][0]
    status, moved = township.request("POST", f"/api/v1/cases/{case['case_id']}/dispatch",
                                     {"assignee": {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}})
    assert status == 200 and moved["status"] == "dispatched"
    # Each refused write is in the audit log (the GETs refused are the ones before the first password change).
    denied = sorted(d["action"] for d in database("gateway").audit.find({"outcome": "denied"})
                    if not d["action"].startswith("GET"))
    assert len(denied) == 3 and denied[0] == "POST /api/v1/cases"
    assert denied[1].startswith("POST /api/v1/cases/<string:case_id>/<any(") and "dispatch" in denied[1]
    assert denied[2] == "PUT /api/v1/responsibility-items/<string:code>"


@pytest.mark.parametrize("change, field", [({"grid_code": "12345"}, "grid_code"),
                                           ({"grid_code": "500229001001001001"}, "grid_code"),
                                           ({"title": None}, "title"),
                                           ({"item_code": "safety"}, "item_code"),
                                           ({"description": "短"}, "description")])
def test_bad_case_input_is_400_with_the_field_and_writes_nothing(office, change, field):
    worker = office["li.village"][0]
    payload = {**CASE, **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    status, body = worker.request("POST", "/api/v1/cases", payload)
    assert status == 400 and body["field"] == field and chinese(body["message"]), body
    assert database("grid").cases.count_documents({}) == 0
    assert database("grid").outbox.count_documents({"event_type": {"$regex": "^grid\\.case\\."}}) == 0


def test_an_unknown_grid_or_item_is_refused_and_writes_nothing(office):
    worker = office["li.village"][0]
    status, body = worker.request("POST", "/api/v1/cases", {**CASE, "grid_code": "500229001001009"})
    assert (status, body["field"]) == (404, "grid_code") and chinese(body["message"])
    status, body = worker.request("POST", "/api/v1/cases", {**CASE, "item_code": "safety.nothing"})
    assert (status, body["field"]) == (400, "item_code") and chinese(body["message"])
    assert database("grid").cases.count_documents({}) == 0


def test_an_action_no_table_has_is_a_json_404(office):
    worker = office["li.village"][0]
    case = worker.request("POST", "/api/v1/cases", CASE)[1]
    for path in (f"/api/v1/cases/{case['case_id']}/teleport", f"/api/v1/cases/{case['case_id']}/report/again",
                 "/api/v1/service-orders/O0/cancel"):
        status, body = worker.request("POST", path, {})
        assert status == 404 and isinstance(body, dict), (path, body)
        assert body["field"] == "action" and body["code"].endswith(".unknown_action") and chinese(body["message"])
    assert worker.request("GET", f"/api/v1/cases/{case['case_id']}")[1]["status"] == "collected"
    # A known action still reaches its route.
    assert worker.request("POST", f"/api/v1/cases/{case['case_id']}/report", {})[1]["status"] == "reported"


def download(port, token, path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_a_photo_goes_up_and_comes_back_the_same_and_only_images_are_taken(office, gateway_port):
    worker = office["li.village"][0]
    case = worker.request("POST", "/api/v1/cases", CASE)[1]
    status, saved = worker.upload(f"/api/v1/cases/{case['case_id']}/files", "现场照片.png", PNG)
    assert status == 201, saved
    assert saved["content_type"] == "image/png" and saved["size"] == len(PNG) and saved["stage"] == "discovered"
    status, headers, content = download(gateway_port, worker.token,
                                        f"/api/v1/cases/{case['case_id']}/files/{saved['file_id']}")
    assert status == 200 and content == PNG
    assert headers.get_content_type() == "image/png" and headers["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''" in headers["Content-Disposition"]
    seen = worker.request("GET", f"/api/v1/cases/{case['case_id']}")[1]
    assert seen["attachment_count"] == 1 and seen["attachments"][0]["file_id"] == saved["file_id"]

    # A script named like a picture is refused by its content, not its name.
    status, body = worker.upload(f"/api/v1/cases/{case['case_id']}/files", "photo.png", b"<script>alert(1)</script>")
    assert (status, body["field"], body["code"]) == (400, "file", "file.bad_type") and chinese(body["message"])
    # An unknown file id, or a file of another case, is not found.
    other = worker.request("POST", "/api/v1/cases", {**CASE, "title": "另一处堆物"})[1]
    assert download(gateway_port, worker.token, f"/api/v1/cases/{other['case_id']}/files/{saved['file_id']}")[0] \
        == 404
    assert download(gateway_port, worker.token, f"/api/v1/cases/{case['case_id']}/files/0123456789abcdef01234567")[0] \
        == 404
    # Reading needs a signed-in caller.
    assert download(gateway_port, "nonsense", f"/api/v1/cases/{case['case_id']}/files/{saved['file_id']}")[0] == 401
    assert database("grid")["case_files.files"].count_documents({}) == 1
