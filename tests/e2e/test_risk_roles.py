"""Every role, granted on one township, against the risk routes inside and outside that township: nothing outside
the grant (object level), nothing the role may not do (function level)."""
import pytest

from services.gateway.accounts import PERMISSIONS, R_ASSESS, R_CONFIGURE, R_OPINION, R_READ, Role
from services.gateway.service import GatewayService
from services.risk.service import RiskService
from tests.e2e.test_gateway_http import Client, admin
from tests.harness import fresh_rate_limits, running

PASSWORD = "Matrix-Pass-2026!"
MINE, OTHER = "500229001", "500229002"
MINE_VILLAGE, OTHER_VILLAGE = "500229001001", "500229002001"
ITEM = {"title": "山体滑坡隐患", "category": "自然灾害", "level": "orange", "owner_unit": "县规划自然资源局"}


@pytest.fixture(scope="module")
def world(module_gateway_port):
    port = module_gateway_port
    with running(RiskService, GatewayService):
        root = admin(port)
        meetings = {}
        for code in (MINE, OTHER):
            status, meeting = root.request("POST", "/api/v1/risk/meetings", {
                "title": "定期研判", "trigger": "schedule", "held_on": "2026-11-03", "area_code": code})
            assert status == 201, meeting
            meetings[code] = meeting["id"]
        clients = {}
        for role in Role:
            username = f"r.{role.value.replace('_', '')}"
            status, body = root.request("POST", "/api/v1/accounts", {
                "username": username, "display_name": role.value, "password": PASSWORD,
                "grants": [{"role": role.value, "area_code": MINE}]})
            assert status == 201, body
            client = Client(port)
            client.sign_in(username, PASSWORD)
            status, changed = client.request("POST", "/api/v1/auth/password",
                                             {"old_password": PASSWORD, "new_password": PASSWORD + "x"})
            client.token = changed["access_token"]
            clients[role] = client
        yield {"clients": clients, "meetings": meetings}


def allowed(role, permission):
    return permission in PERMISSIONS[role]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_risk_routes_follow_the_role_and_the_grant(world, role):
    fresh_rate_limits()
    client, meetings = world["clients"][role], world["meetings"]
    status, page = client.request("GET", "/api/v1/risk/meetings")
    if allowed(role, R_READ):
        assert status == 200 and [m["id"] for m in page["items"]] == [meetings[MINE]]
        assert client.request("GET", f"/api/v1/risk/meetings/{meetings[OTHER]}")[0] == 404
    else:
        assert status == 403
    inside = client.request("POST", "/api/v1/risk/items", {**ITEM, "area_code": MINE_VILLAGE})[0]
    outside = client.request("POST", "/api/v1/risk/items", {**ITEM, "area_code": OTHER_VILLAGE})[0]
    assert (inside, outside) == ((201, 404) if allowed(role, R_ASSESS) else (403, 403))
    opinion = {"unit": "县公安局", "opinion": "辖区治安总体平稳"}
    mine = client.request("POST", f"/api/v1/risk/meetings/{meetings[MINE]}/opinions", opinion)[0]
    other = client.request("POST", f"/api/v1/risk/meetings/{meetings[OTHER]}/opinions", opinion)[0]
    assert (mine, other) == ((200, 404) if allowed(role, R_OPINION) else (403, 403))
    unit = {"name": "县气象局", "standing": False, "domains": ["自然灾害"]}
    assert client.request("PUT", "/api/v1/risk/units", unit)[0] == (200 if allowed(role, R_CONFIGURE) else 403)
