"""Sign-in, tokens, roles scoped to areas, lock-out and the audit chain, over real HTTP with the grid service
behind the gateway on the real broker and store."""
import time

import jwt
import pytest

from services.gateway import audit
from services.gateway.service import GatewayService
from services.grid.service import GridService
from shared import config, tokens
from tests import factories
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.harness import database, running

PASSWORD = "Grid-Worker-Pass-1!"
A_MICRO, B_MICRO = "500229001001001001", "500229001001002001"


@pytest.fixture
def county(gateway_port):
    """Two grids in one village, a household in each, and accounts of several roles."""
    with running(GridService, GatewayService):
        root = admin(gateway_port)
        areas = factories.chengkou_areas(townships=1, villages=1, grids=2, micro_grids=1)
        for area in areas:
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        households = {}
        for micro in (A_MICRO, B_MICRO):
            status, created = root.request("POST", "/api/v1/households", factories.household(micro, n_residents=1))
            assert status == 201, created
            households[micro] = created
        people = {}
        for username, role, area in [("gridworker.a", "grid_worker", A_MICRO[:15]),
                                     ("leader.county", "leader", "500229"),
                                     ("auditor.county", "auditor", "500229"),
                                     ("township.staff", "township_staff", "500229001")]:
            status, body = root.request("POST", "/api/v1/accounts", {
                "username": username, "display_name": username, "password": PASSWORD,
                "grants": [{"role": role, "area_code": area}]})
            assert status == 201, body
            person = Client(gateway_port)
            first = person.sign_in(username, PASSWORD)
            status, changed = person.request("POST", "/api/v1/auth/password", {
                "old_password": PASSWORD, "new_password": PASSWORD + "x"})
            assert status == 200, changed
            person.token = changed["access_token"]
            people[username] = person
            assert first["must_change_password"]
        yield {"admin": root, "households": households, **people, "port": gateway_port}


def test_grid_worker_sees_own_grid_only_and_gets_404_elsewhere(county):
    worker = county["gridworker.a"]
    mine, other = county["households"][A_MICRO], county["households"][B_MICRO]
    assert worker.request("GET", f"/api/v1/households/{mine['household_id']}")[0] == 200
    status, body = worker.request("GET", f"/api/v1/households/{other['household_id']}")
    assert (status, body["code"]) == (404, "household.not_found")
    status, listing = worker.request("GET", "/api/v1/households")
    assert [h["household_id"] for h in listing["items"]] == [mine["household_id"]]
    status, _ = worker.request("POST", "/api/v1/households", factories.household(B_MICRO, n_residents=1))
    assert status == 400  # the other grid's micro-grid does not exist for them


def test_leader_reads_and_never_writes(county):
    leader = county["leader.county"]
    assert leader.request("GET", "/api/v1/households")[1]["total"] == 2
    status, body = leader.request("POST", "/api/v1/households", factories.household(A_MICRO, n_residents=1))
    assert (status, body["code"]) == (403, "auth.forbidden")
    resident = county["households"][A_MICRO]["residents"][0]["resident_id"]
    assert leader.request("POST", f"/api/v1/residents/{resident}/reveal", {"reason": "看看"})[0] == 403


def test_auditor_reads_audit_but_not_residents(county):
    auditor = county["auditor.county"]
    assert auditor.request("GET", "/api/v1/households")[0] == 403
    status, page = auditor.request("GET", "/api/v1/audit?action=auth.login")
    assert status == 200 and page["total"] >= 5
    found = auditor.request("GET", "/api/v1/audit/verify")[1]
    assert (found["intact"], found["first_broken_seq"], found["anchors_mismatched"]) == (True, None, {})


def test_reveal_needs_reason_and_lands_in_the_audit_log(county):
    worker = county["gridworker.a"]
    resident = county["households"][A_MICRO]["residents"][0]["resident_id"]
    assert worker.request("POST", f"/api/v1/residents/{resident}/reveal", {})[0] == 400
    status, full = worker.request("POST", f"/api/v1/residents/{resident}/reveal", {"reason": "入户走访核对"})
    assert status == 200 and "*" not in full["id_number"]
    status, page = county["auditor.county"].request("GET", "/api/v1/audit?action=personal_data.reveal")
    reasons = [(row["detail"] or {}).get("reason") for row in page["items"] if row["outcome"] == "200"]
    assert "入户走访核对" in reasons
    assert full["id_number"] not in str(page)


def test_denials_and_writes_are_audited(county):
    county["leader.county"].request("PUT", "/api/v1/areas/500229001001", {"name": "x", "kind": "village",
                                                                          "parent_code": "500229001"})
    page = county["auditor.county"].request("GET", "/api/v1/audit")[1]
    outcomes = {(row["action"], row["outcome"]) for row in page["items"]}
    assert ("PUT /api/v1/areas/<string:code>", "denied") in outcomes
    assert ("POST /api/v1/households", "201") in outcomes


def _forged(claims: dict, key: bytes, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def test_tampered_tokens_are_refused(county):
    port = county["port"]
    now = int(time.time())
    good = {"sub": "x", "typ": "access", "iss": tokens.ISSUER, "aud": tokens.AUDIENCE, "iat": now, "exp": now + 600,
            "jti": "j", "grants": [{"role": "county_admin", "area_code": "500229"}]}
    forged = {
        "alg_none": jwt.encode(good, None, algorithm="none"),
        "other_key": _forged(good, b"another-key-another-key-another-k"),
        "expired": _forged({**good, "exp": now - 10, "iat": now - 700}, config.jwt_secret()),
        "wrong_audience": _forged({**good, "aud": "somebody-else"}, config.jwt_secret()),
        "refresh_as_access": _forged({**good, "typ": "refresh"}, config.jwt_secret()),
    }
    for name, token in forged.items():
        status, body = Client(port, token).request("GET", "/api/v1/households")
        assert (name, status) == (name, 401), body
    # Even the install's own key is not enough: the token must name a session the gateway opened, at the account's
    # token version.
    for claims in (good, {**good, "sid": "made-up", "ver": 0}):
        assert Client(port, _forged(claims, config.jwt_secret())).request("GET", "/api/v1/households")[0] == 401


def test_refresh_token_works_once_and_reuse_ends_every_session(county):
    client = Client(county["port"])
    first = client.sign_in("leader.county", PASSWORD + "x")
    status, second = client.request("POST", "/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert status == 200
    status, body = client.request("POST", "/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert (status, body["code"]) == (401, "auth.refresh_reused")
    assert client.request("POST", "/api/v1/auth/refresh", {"refresh_token": second["refresh_token"]})[0] == 401
    assert Client(county["port"], second["access_token"]).request("GET", "/api/v1/households")[0] == 401


def test_initial_password_must_be_changed_before_anything_else(gateway_port):
    with running(GatewayService):
        client = Client(gateway_port)
        client.sign_in("admin", "Chengkou-Initial-2026!")
        status, body = client.request("GET", "/api/v1/accounts")
        assert (status, body["code"]) == (403, "auth.password_change_required")
        status, body = client.request("POST", "/api/v1/auth/password",
                                      {"old_password": "Chengkou-Initial-2026!", "new_password": "short"})
        assert (status, body["field"]) == (400, "new_password")


def test_editing_one_audit_row_breaks_the_chain(county):
    auditor = county["auditor.county"]
    assert auditor.request("GET", "/api/v1/audit/verify")[1]["intact"] is True
    rows = database("gateway").audit
    assert audit.first_break(rows.find({}, sort=[("seq", 1)])) is None
    rows.update_one({"seq": 3}, {"$set": {"outcome": "ok-edited"}})
    found = auditor.request("GET", "/api/v1/audit/verify")[1]
    assert (found["intact"], found["first_broken_seq"]) == (False, 3)
    assert audit.main(["verify"]) == 1
