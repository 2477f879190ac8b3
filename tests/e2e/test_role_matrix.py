"""Every role, granted on one township, against reads and writes inside and outside that township: nothing
outside the grant (object level), nothing the role may not do (function level)."""
import pytest

from services.gateway.accounts import (
    A_ATTACH,
    A_DISPATCH,
    A_HANDLE,
    A_READ,
    A_REPORT,
    AUDIT,
    IMPORT,
    M_CONFIGURE,
    M_INTAKE,
    M_MEDIATE,
    M_READ,
    P_HANDLE,
    P_READ,
    P_REGISTER,
    P_SUPERVISE,
    PERMISSIONS,
    READ,
    REVEAL,
    STAFF,
    WRITE,
    Role,
)
from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.petitions.service import PetitionsService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin
from tests.harness import fresh_rate_limits, running

PASSWORD = "Matrix-Pass-2026!"
MINE, OTHER = "500229001", "500229002"
MINE_MICRO, OTHER_MICRO = "500229001001001001", "500229002001001001"
MINE_GRID, OTHER_GRID = "500229001001001", "500229002001001"
CASE = {"item_code": "safety.fire", "title": "楼道堆放杂物", "description": "三号楼楼道堆放大量纸箱，堵塞消防通道"}
MINE_VILLAGE, OTHER_VILLAGE = "500229001001", "500229002001"
DISPUTE = {"category": "neighbour", "summary": "两户因屋檐排水方向发生争执",
           "parties": [{"role": "applicant", "name": "向大姐"}, {"role": "respondent", "name": "外地来客"}]}
LETTER = {"channel": "letter", "category": "civil_affairs", "matter": "来信反映低保评定不公开",
          "petitioners": [{"name": "向大姐"}]}
SESSION = {"held_on": "2026-11-20", "place": "村委会调解室", "attendees": ["申请人", "被申请人"],
           "record": "双方陈述事实，调解员释法说理"}


@pytest.fixture(scope="module")
def world(module_gateway_port):
    """Started once for the matrix: two townships, a household in each, one account per role on the first."""
    port = module_gateway_port
    with running(GridService, MediationService, PetitionsService, GatewayService):
        root = admin(port)
        for area in factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        households = {}
        for micro in (MINE_MICRO, OTHER_MICRO):
            households[micro] = root.request("POST", "/api/v1/households", factories.household(micro, 1))[1]
        # One collected case in each township, left collected: every action tried on it below is refused either
        # by the role (403) or, for a role that may take it, by the table (409), so nothing moves.
        cases = {grid: root.request("POST", "/api/v1/cases", {**CASE, "grid_code": grid})[1]["case_id"]
                 for grid in (MINE_GRID, OTHER_GRID)}
        # One registered dispute in each township, left registered: a session tried on it is refused by the role
        # (403) or, for a role that may mediate, by the table (409).
        disputes = {village: root.request("POST", "/api/v1/disputes",
                                          {**DISPUTE, "area_code": village})[1]["dispute_id"]
                    for village in (MINE_VILLAGE, OTHER_VILLAGE)}
        # One registered letter in each township, left registered: a reply tried on it is refused by the role (403)
        # or, for a role that may handle it, by the table (409).
        petitions = {village: root.request("POST", "/api/v1/petitions",
                                           {**LETTER, "area_code": village})[1]["petition_id"]
                     for village in (MINE_VILLAGE, OTHER_VILLAGE)}
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
        yield {"clients": clients, "households": households, "cases": cases, "disputes": disputes, "root": root,
               "petitions": petitions}


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


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_grid_affairs_follow_the_role_and_the_grant(world, role):
    fresh_rate_limits()  # the whole matrix comes from one address: more than its burst
    client, cases = world["clients"][role], world["cases"]
    mine, other = cases[MINE_GRID], cases[OTHER_GRID]
    status, listing = client.request("GET", "/api/v1/cases")
    if allowed(role, A_READ):
        assert status == 200 and mine in {c["case_id"] for c in listing["items"]}
        assert other not in {c["case_id"] for c in listing["items"]}
        assert client.request("GET", f"/api/v1/cases/{mine}")[0] == 200
        assert client.request("GET", f"/api/v1/cases/{other}")[0] == 404
        assert client.request("GET", "/api/v1/service-orders")[0] == 200
    else:
        assert status == 403 and client.request("GET", f"/api/v1/cases/{mine}")[0] == 403
    inside = client.request("POST", "/api/v1/cases", {**CASE, "grid_code": MINE_GRID})[0]
    outside = client.request("POST", "/api/v1/cases", {**CASE, "grid_code": OTHER_GRID})[0]
    assert (inside, outside) == ((201, 404) if allowed(role, A_REPORT) else (403, 403))
    # Each duty's action on the collected case: refused by the role, or (allowed) refused by the table.
    for action, body, permission in (("verify", {}, A_REPORT),
                                     ("dispatch", {"assignee": {"kind": "township", "id": MINE, "name": "葛城街道"}},
                                      A_DISPATCH),
                                     ("handle", {"feedback": "已处理"}, A_HANDLE)):
        status = client.request("POST", f"/api/v1/cases/{mine}/{action}", body)[0]
        assert status == (409 if allowed(role, permission) else 403), action
        status = client.request("POST", f"/api/v1/cases/{other}/{action}", body)[0]
        assert status == (404 if allowed(role, permission) else 403), action
    # Attaching: a non-image is refused by its content when the role may attach at all.
    assert client.upload(f"/api/v1/cases/{mine}/files", "a.png", b"not an image")[0] == \
        (400 if allowed(role, A_ATTACH) else 403)
    # The catalogue is the county's: no grant on a township may change it, whatever the role.
    item = {"name": "消防安全隐患", "owner_department": "县消防救援大队", "deadline": {"days": 1, "day_kind": "calendar"}}
    assert client.request("PUT", "/api/v1/responsibility-items/safety.fire", item)[0] == 403
    root = world["root"]
    assert root.request("GET", f"/api/v1/cases/{mine}")[1]["status"] == "collected"
    assert [v["version"] for v in root.request("GET", "/api/v1/responsibility-items/safety.fire/versions")[1]
            ["versions"]] == [1]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_mediation_follows_the_role_and_the_grant(world, role):
    fresh_rate_limits()
    client, disputes = world["clients"][role], world["disputes"]
    mine, other = disputes[MINE_VILLAGE], disputes[OTHER_VILLAGE]
    status, listing = client.request("GET", "/api/v1/disputes")
    if allowed(role, M_READ):
        assert status == 200 and mine in {d["dispute_id"] for d in listing["items"]}
        assert other not in {d["dispute_id"] for d in listing["items"]}
        assert client.request("GET", f"/api/v1/disputes/{mine}")[0] == 200
        assert client.request("GET", f"/api/v1/disputes/{other}")[0] == 404
        status, found = client.request("GET", "/api/v1/mediation/targets?since=2020-01-01&until=2100-01-01")
        assert status == 200 and found["area_code"] == MINE and found["registered"] >= 1
    else:
        assert status == 403 and client.request("GET", f"/api/v1/disputes/{mine}")[0] == 403
        assert client.request("GET", "/api/v1/mediation/targets?since=2020-01-01&until=2100-01-01")[0] == 403
    # Intake: registering at the talk office, and completing a registration (here with a category refused).
    inside = client.request("POST", "/api/v1/disputes", {**DISPUTE, "area_code": MINE_VILLAGE})[0]
    outside = client.request("POST", "/api/v1/disputes", {**DISPUTE, "area_code": OTHER_VILLAGE})[0]
    assert (inside, outside) == ((201, 404) if allowed(role, M_INTAKE) else (403, 403))
    patch_mine = client.request("PATCH", f"/api/v1/disputes/{mine}", {"category": "quarrel"})[0]
    patch_other = client.request("PATCH", f"/api/v1/disputes/{other}", {"category": "quarrel"})[0]
    assert (patch_mine, patch_other) == ((400, 404) if allowed(role, M_INTAKE) else (403, 403))
    # Mediating: a session on a registered dispute, and the case file.
    for dispute_id, where in ((mine, 409), (other, 404)):
        status = client.request("POST", f"/api/v1/disputes/{dispute_id}/hold_session", {"session": SESSION})[0]
        assert status == (where if allowed(role, M_MEDIATE) else 403)
    assert client.request("GET", f"/api/v1/disputes/{other}/case-file")[0] == \
        (404 if allowed(role, M_MEDIATE) else 403)
    # Configuring committees: only within the grant.
    committee = {"name": "矩阵测试人民调解委员会", "level": "township"}
    inside = client.request("PUT", "/api/v1/mediation/committees/MC-M1", {**committee, "area_code": MINE})[0]
    outside = client.request("PUT", "/api/v1/mediation/committees/MC-M2", {**committee, "area_code": OTHER})[0]
    assert (inside, outside) == ((200, 404) if allowed(role, M_CONFIGURE) else (403, 403))
    for dispute_id in (mine, other):
        assert world["root"].request("GET", f"/api/v1/disputes/{dispute_id}")[1]["status"] == "registered"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_petitions_follow_the_role_and_the_grant(world, role):
    fresh_rate_limits()
    client, petitions = world["clients"][role], world["petitions"]
    mine, other = petitions[MINE_VILLAGE], petitions[OTHER_VILLAGE]
    status, listing = client.request("GET", "/api/v1/petitions")
    if allowed(role, P_READ):
        assert status == 200 and {p["petition_id"] for p in listing["items"]} >= {mine}
        assert other not in {p["petition_id"] for p in listing["items"]}
        assert client.request("GET", f"/api/v1/petitions/{mine}")[0] == 200
        assert client.request("GET", f"/api/v1/petitions/{other}")[0] == 404
    else:
        assert status == 403 and client.request("GET", f"/api/v1/petitions/{mine}")[0] == 403
    inside = client.request("POST", "/api/v1/petitions", {**LETTER, "area_code": MINE_VILLAGE})[0]
    outside = client.request("POST", "/api/v1/petitions", {**LETTER, "area_code": OTHER_VILLAGE})[0]
    assert (inside, outside) == ((201, 404) if allowed(role, P_REGISTER) else (403, 403))
    for petition_id, where in ((mine, 409), (other, 404)):  # a reply before acceptance
        status = client.request("POST", f"/api/v1/petitions/{petition_id}/reply", {"reply": "答复内容如下"})[0]
        assert status == (where if allowed(role, P_HANDLE) else 403)
    for petition_id, where in ((mine, 400), (other, 404)):  # a supervision order with a deadline in the past
        status = client.request("POST", f"/api/v1/petitions/{petition_id}/supervision",
                                {"level": "general", "reason": "测试", "due_on": "2000-01-01"})[0]
        assert status == (where if allowed(role, P_SUPERVISE) else 403)
    for petition_id in (mine, other):
        assert world["root"].request("GET", f"/api/v1/petitions/{petition_id}")[1]["status"] == "received"
