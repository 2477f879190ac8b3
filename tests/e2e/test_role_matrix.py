"""Every role, granted on one township, against reads and writes inside and outside that township: nothing
outside the grant (object level), nothing the role may not do (function level)."""
import pytest

from services.gateway.accounts import AUDIT, IMPORT, PERMISSIONS, READ, REVEAL, STAFF, WRITE, Role
from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin
from tests.harness import running

PASSWORD = "Matrix-Pass-2026!"
MINE, OTHER = "500229001", "500229002"
MINE_MICRO, OTHER_MICRO = "500229001001001001", "500229002001001001"


@pytest.fixture(scope="module")
def world(module_gateway_port):
    """Started once for the matrix: two townships, a household in each, one account per role on the first."""
    port = module_gateway_port
    with running(GridService, GatewayService):
        root = admin(port)
        for area in factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        households = {}
        for micro in (MINE_MICRO, OTHER_MICRO):
            households[micro] = root.request("POST", "/api/v1/households", factories.household(micro, 1))[1]
        clients = {}
        for role in Role:
            username = f"m.{role.value.replace('_', '')}"
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
        yield {"clients": clients, "households": households}


def allowed(role, permission):
    return permission in PERMISSIONS[role]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_reads_stay_inside_the_grant(world, role):
    client, households = world["clients"][role], world["households"]
    status, page = client.request("GET", "/api/v1/households")
    if not allowed(role, READ):
        assert status == 403
        assert client.request("GET", f"/api/v1/households/{households[MINE_MICRO]['household_id']}")[0] == 403
        return
    assert status == 200 and {h["household_id"] for h in page["items"]} == {households[MINE_MICRO]["household_id"]}
    assert client.request("GET", f"/api/v1/households/{households[MINE_MICRO]['household_id']}")[0] == 200
    assert client.request("GET", f"/api/v1/households/{households[OTHER_MICRO]['household_id']}")[0] == 404
    assert client.request("GET", f"/api/v1/areas/{OTHER}")[0] == 404


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_writes_only_where_and_what_the_grant_allows(world, role):
    client = world["clients"][role]
    inside = client.request("POST", "/api/v1/households", factories.household(MINE_MICRO, 1))[0]
    outside = client.request("POST", "/api/v1/households", factories.household(OTHER_MICRO, 1))[0]
    rename = client.request("PUT", f"/api/v1/areas/{OTHER}", {"name": "改名", "kind": "street",
                                                               "parent_code": "500229"})[0]
    if allowed(role, WRITE):
        assert (inside, outside) == (201, 400)  # the other township's micro-grid does not exist for them
        assert rename == 400  # the county above it is outside their grant, so nothing is changed
    else:
        assert (inside, outside, rename) == (403, 403, 403)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_reveal_import_staff_and_audit_follow_the_role(world, role):
    client, households = world["clients"][role], world["households"]
    mine = households[MINE_MICRO]["residents"][0]["resident_id"]
    other = households[OTHER_MICRO]["residents"][0]["resident_id"]
    reveal_mine = client.request("POST", f"/api/v1/residents/{mine}/reveal", {"reason": "核对"})[0]
    reveal_other = client.request("POST", f"/api/v1/residents/{other}/reveal", {"reason": "核对"})[0]
    assert (reveal_mine, reveal_other) == ((200, 404) if allowed(role, REVEAL) else (403, 403))
    assert (client.request("GET", "/api/v1/imports/nojob")[0] == 403) is not allowed(role, IMPORT)
    assert client.request("GET", "/api/v1/accounts")[0] == (200 if allowed(role, STAFF) else 403)
    assert client.request("GET", "/api/v1/audit")[0] == (200 if allowed(role, AUDIT) else 403)
