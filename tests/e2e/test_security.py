"""What a hostile insider or outsider tried against a fresh install, refused: tokens forged with any key from the
source, tokens that outlive a sign-out, a grant change, a password change or a disabled account, sign-in lock-out
turned into a weapon or into a way to tell accounts apart, counters that each gateway replica kept for itself, and
input the edge let through to a 500. Two gateway replicas share one store, as two pods would."""
import base64
import contextlib
import hashlib
import json
import os
import time

import jwt
import pytest
from nameko.runners import ServiceRunner

from services.gateway import audit, permissions
from services.gateway.service import GatewayService
from services.grid.service import GridService
from shared import config, keys, tokens
from tests import factories
from tests.conftest import free_port
from tests.e2e.test_gateway_http import Client, admin
from tests.harness import database, fresh_rate_limits, running

PASSWORD = "Chengkou-Staff-2026!"
MICRO = "500229001001001001"


@contextlib.contextmanager
def replicas(ports):
    """One gateway per port, all on the test's broker and store."""
    runners = []
    try:
        for port in ports:
            os.environ["GATEWAY_PORT"] = str(port)
            runners.append(ServiceRunner(config.nameko_config("test")))
            runners[-1].add_service(GatewayService)
            runners[-1].start()
        yield
    finally:
        for runner in runners:
            runner.kill()


@pytest.fixture(scope="module")
def install(module_gateway_port, tmp_path_factory):
    """A fresh install: its keys made the way scripts/xz makes them, two gateway replicas and the grid."""
    made, _ = keys.ensure_env_file(tmp_path_factory.mktemp("install") / "secrets.env")
    os.environ.update({name: made[name] for name in keys.KEY_NAMES})
    os.environ.update(SIGNIN_FREE_FAILURES="1", SIGNIN_MAX_DELAY_SECONDS="2", SESSION_CHECK_SECONDS="2",
                      AUDIT_ANCHOR_SECONDS="1", RATE_LIMIT_BURST="100000")  # the flood test sets its own limit
    a, b = module_gateway_port, free_port()
    with running(GridService), replicas([a, b]):
        root = admin(a)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        assert root.request("POST", "/api/v1/households", factories.household(MICRO, 1))[0] == 201
        yield {"a": a, "b": b, "root": root}


def staff(install, username, role="township_staff", area="500229001") -> tuple[Client, dict]:
    """A new account past its first password change, signed in on replica a."""
    status, account = install["root"].request("POST", "/api/v1/accounts", {
        "username": username, "display_name": username, "password": PASSWORD,
        "grants": [{"role": role, "area_code": area}]})
    assert status == 201, account
    client = Client(install["a"])
    client.sign_in(username, PASSWORD)
    status, changed = client.request("POST", "/api/v1/auth/password",
                                     {"old_password": PASSWORD, "new_password": PASSWORD + "x"})
    assert status == 200, changed
    client.token = changed["access_token"]
    return client, {**account, "tokens": changed}


def until_refused(port, token, seconds=5.0) -> int:
    """The status of the token's next request once it is refused, or the last status after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        status = Client(port, token).request("GET", "/api/v1/households")[0]
        if status == 401 or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


# 1. forged tokens ---------------------------------------------------------------------------------------------
CONSTANT_KEYS = {
    "derived": hashlib.sha256(b"xiangzhi-local-JWT_SECRET").digest(),
    "compose": b"dev-only-jwt-signing-key-0000000",
    "word": b"secret",
    "empty-ish": b"\x00" * 32,
}


def test_a_fresh_install_refuses_tokens_forged_with_any_constant_key(install):
    now = int(time.time())
    claims = {"sub": "forger", "typ": "access", "iss": tokens.ISSUER, "aud": tokens.AUDIENCE, "iat": now,
              "exp": now + 600, "jti": "j", "sid": "s", "ver": 0, "username": "admin",
              "grants": [{"role": "county_admin", "area_code": "500229"}]}
    for name, key in CONSTANT_KEYS.items():
        for port in (install["a"], install["b"]):
            status, body = Client(port, jwt.encode(claims, key, algorithm="HS256")).request("GET", "/api/v1/households")
            assert (name, status, body["code"]) == (name, 401, "auth.invalid_token")


@pytest.mark.parametrize("key", [CONSTANT_KEYS["derived"], CONSTANT_KEYS["compose"]], ids=["derived", "compose"])
def test_the_gateway_does_not_start_on_a_published_key(install, monkeypatch, key):
    monkeypatch.setenv("JWT_SECRET", base64.b64encode(key).decode())
    with pytest.raises(keys.UnsafeKey, match="JWT_SECRET"):
        with replicas([free_port()]):
            pass


# 2. revocation within 5 seconds -----------------------------------------------------------------------------
def test_sign_out_ends_the_access_token_on_every_replica_within_five_seconds(install):
    client, _ = staff(install, "signout.one")
    token = client.token
    assert Client(install["b"], token).request("GET", "/api/v1/households")[0] == 200  # b has seen it standing
    assert client.request("POST", "/api/v1/auth/logout", {})[0] == 200
    assert until_refused(install["b"], token) == 401
    assert until_refused(install["a"], token) == 401


def test_a_grant_change_a_password_change_and_disabling_end_the_old_tokens(install):
    root = install["root"]
    client, account = staff(install, "revoked.one")
    token = client.token
    status, _ = root.request("PUT", f"/api/v1/accounts/{account['account_id']}/grants",
                             {"grants": [{"role": "leader", "area_code": "500229001"}]})
    assert status == 200 and until_refused(install["b"], token) == 401
    status, body = Client(install["a"]).request("POST", "/api/v1/auth/refresh",
                                                {"refresh_token": account["tokens"]["refresh_token"]})
    assert status == 401, "the refresh token of the old grants ended too"

    client.sign_in("revoked.one", PASSWORD + "x")
    token = client.token
    status, changed = client.request("POST", "/api/v1/auth/password",
                                     {"old_password": PASSWORD + "x", "new_password": PASSWORD + "y"})
    assert status == 200 and until_refused(install["b"], token) == 401
    assert Client(install["b"], changed["access_token"]).request("GET", "/api/v1/households")[0] == 200

    token = changed["access_token"]
    assert root.request("POST", f"/api/v1/accounts/{account['account_id']}/disable", {})[0] == 200
    assert until_refused(install["b"], token) == 401
    assert Client(install["a"]).request("POST", "/api/v1/auth/refresh",
                                        {"refresh_token": changed["refresh_token"]})[0] == 401
    refused = Client(install["a"]).request("POST", "/api/v1/auth/login",
                                           {"username": "revoked.one", "password": PASSWORD + "y"})
    assert refused == (401, {"code": "auth.wrong_credentials", "message": "用户名或密码错误", "field": None})
    assert root.request("POST", f"/api/v1/accounts/{account['account_id']}/enable", {})[0] == 200
    Client(install["a"]).sign_in("revoked.one", PASSWORD + "y")


def test_an_administrator_cannot_disable_their_own_account(install):
    me = install["root"].request("GET", "/api/v1/me")[1]
    status, body = install["root"].request("POST", f"/api/v1/accounts/{me['account_id']}/disable", {})
    assert (status, body["code"]) == (409, "account.self_disable")


# 4. sign-in slows down, never locks, and never tells accounts apart --------------------------------------------
def test_wrong_passwords_slow_sign_in_on_every_replica_but_never_lock_the_owner_out(install):
    fresh_rate_limits()
    staff(install, "target.one")
    answers = []
    for _ in range(3):  # on replica a: waits 0, 0, then 1 s (one free failure, then doubling up to 2 s)
        answers.append(Client(install["a"]).request("POST", "/api/v1/auth/login",
                                                    {"username": "target.one", "password": "guess-Guess-1"}))
    started = time.monotonic()
    status, _ = Client(install["b"]).request("POST", "/api/v1/auth/login",
                                             {"username": "target.one", "password": PASSWORD + "x"})
    waited = time.monotonic() - started
    assert status == 200, "the owner gets in: nothing is ever locked"
    assert waited >= 2, "replica b made the owner wait for the failures replica a saw"
    assert len({json.dumps(a, sort_keys=True) for a in answers}) == 1


def test_unknown_disabled_and_wrong_password_get_one_answer(install):
    fresh_rate_limits()
    _, account = staff(install, "hidden.one")
    wrong = Client(install["a"]).request("POST", "/api/v1/auth/login", {"username": "hidden.one", "password": "x"})
    unknown = Client(install["a"]).request("POST", "/api/v1/auth/login", {"username": "nobody.here", "password": "x"})
    install["root"].request("POST", f"/api/v1/accounts/{account['account_id']}/disable", {})
    disabled = Client(install["a"]).request("POST", "/api/v1/auth/login",
                                            {"username": "hidden.one", "password": PASSWORD + "x"})
    assert wrong == unknown == disabled == (401, {"code": "auth.wrong_credentials", "message": "用户名或密码错误",
                                                  "field": None})


# 7. counters shared by every replica ----------------------------------------------------------------------------
def test_rate_limits_are_shared_by_every_replica(env, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_BURST", "6")
    monkeypatch.setenv("RATE_LIMIT_PER_SECOND", "0.01")  # six requests per ten minutes
    a, b = free_port(), free_port()
    with replicas([a, b]):
        statuses = [Client(port).request("GET", "/health")[0] for port in [a, b] * 6]
    assert statuses == [200] * 6 + [429] * 6, "a client reaching the other replica gets no second allowance"



def test_callers_behind_one_address_each_have_their_allowance_and_the_address_a_ceiling(env, monkeypatch):
    # A township office is one address for all its staff: each token counts alone, the address up to twice as much.
    monkeypatch.setenv("RATE_LIMIT_BURST", "3")
    monkeypatch.setenv("RATE_LIMIT_PER_SECOND", "0.005")  # three requests per ten minutes
    monkeypatch.setenv("ADDRESS_RATE_LIMIT_FACTOR", "2")
    port = free_port()
    with replicas([port]):
        first = [Client(port, "token-of-clerk-one").request("GET", "/health")[0] for _ in range(4)]
        second = [Client(port, "token-of-clerk-two").request("GET", "/health")[0] for _ in range(3)]
        third = Client(port, "token-of-clerk-three").request("GET", "/health")[0]
    assert first == [200, 200, 200, 429], "one caller's allowance is its own"
    assert second == [200, 200, 200], "a colleague on the same address is not refused for the first one's requests"
    assert third == 429, "the address as a whole stops at its ceiling, whatever tokens it sends"

# 5. input bounds at the edge ------------------------------------------------------------------------------------
def _paged_routes():
    return [(m, u) for m, u, spec in permissions.routes() if "page" in spec["query"] and m == "GET"]


def test_every_list_route_refuses_a_huge_page_with_a_400(install):
    root, found = install["root"], _paged_routes()
    assert len(found) >= 23
    for method, url in found:
        for query in ("page=99999999999999999999", "page_size=100000", "page=0", "page=abc"):
            status, body = root.request(method, f"{url}?{query}")
            assert (url, status, body["field"]) == (url, 400, query.split("=")[0]), body


def test_deep_large_or_control_character_bodies_are_refused_and_change_nothing(install):
    root = install["root"]
    deep = "[" * 5000 + "]" * 5000
    cases = [
        ("POST", "/api/v1/households", '{"a": ' + deep + "}", "body", "request.too_deep"),
        ("POST", "/api/v1/households", '{"a": "' + "x" * (1024 * 1024 + 10) + '"}', "body", "request.too_large"),
        ("POST", "/api/v1/credit/discipline", '{"id_number": {"$ne": null}}', "id_number", "request.not_a_value"),
        ("POST", "/api/v1/petitions", json.dumps({"channel": "letter", "matter": "反映\u0000问题"}), "matter",
         "request.control_character"),
        ("PUT", "/api/v1/areas/500229001", json.dumps({"name": "葛城\u0007街道"}), "name",
         "request.control_character"),
    ]
    for method, path, raw, field, code in cases:
        status, body = root.request(method, path, raw=raw.encode(), headers={"Content-Type": "application/json"})
        assert (path, status, body["field"], body["code"]) == (path, 400, field, code)
        assert body["message"] and not body["message"].isascii()
    status, body = root.request("GET", "/api/v1/households?household_number=%00")
    assert (status, body["field"]) == (400, "household_number")
    assert root.request("GET", "/api/v1/areas/500229001")[1]["name"] == "葛城街道"


# 6. the audit chain's head is anchored outside the database -------------------------------------------------------
def _rewrite_whole_chain(db) -> None:
    """What an attacker with write access to the database could do: edit a row and rebuild every hash after it."""
    prev = audit.GENESIS
    for row in db.audit.find({}, sort=[("seq", 1)]):
        changes = {"outcome": "rewritten"} if row["seq"] == 2 else {}
        row.update(changes)
        digest = audit.digest(row, prev)
        db.audit.update_one({"_id": row["_id"]}, {"$set": {**changes, "prev_hash": prev, "hash": digest}})
        prev = digest


def test_a_rewrite_of_the_whole_chain_is_caught_by_its_anchors(install):
    auditor, _ = staff(install, "auditor.one", role="auditor", area="500229")
    deadline = time.monotonic() + 10
    while not (audit.read_anchors(audit.anchor_file()) and database("gateway").outbox.count_documents(
            {"envelope.event_type": "gateway.audit.head_anchored", "state": {"$in": ["published", "unrouted"]}})):
        assert time.monotonic() < deadline, "the head was neither written to the anchor file nor published"
        time.sleep(0.3)
    status, found = auditor.request("GET", "/api/v1/audit/verify")
    assert status == 200 and found["intact"] and found["anchors_checked"]["file"] >= 1, found
    assert audit.main(["verify"]) == 0

    _rewrite_whole_chain(database("gateway"))
    assert audit.first_break(database("gateway").audit.find({}, sort=[("seq", 1)])) is None  # the chain holds...
    status, found = auditor.request("GET", "/api/v1/audit/verify")
    assert status == 200 and not found["intact"], found  # ...but not against its anchors
    assert found["anchors_mismatched"]["file"] and found["anchors_mismatched"]["events"]
    assert audit.main(["verify"]) == 1
