"""The whole permission matrix through HTTP: every documented route, called as every role (each granted on the
county, so no area stands in the way), is refused with 403 exactly where services/gateway/permissions.py says the
role lacks the route's permission, and answered otherwise (200, or 400/404/409 for the made-up record or empty body
the walk sends), never 401, 403 or a server error. Read-only roles reach read routes only."""
import os
import re

import pytest

from services.assessment.service import AssessmentService
from services.credit.service import CreditService
from services.emergency.service import EmergencyService
from services.gateway import permissions
from services.gateway.permissions import Kind, Role
from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.org.service import OrgService
from services.petitions.service import PetitionsService
from services.risk.service import RiskService
from services.village.service import VillageService
from tests.e2e.test_gateway_http import Client, admin
from tests.harness import running

PASSWORD = "Matrix-Walk-2026!"


def concrete(url: str) -> str:
    """The route's URL with a made-up value in each parameter (the first choice of an <any(...)> one)."""
    url = re.sub(r"<any\(([^,)]*)[^)]*\):\w+>", r"\1", url)
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", r"nope-\1", url)


@pytest.fixture(scope="module")
def walkers(module_gateway_port):
    port = module_gateway_port
    os.environ.update(RATE_LIMIT_BURST="100000", PUBLIC_RATE_LIMIT_BURST="100000", SIGNIN_FREE_FAILURES="100000")
    with running(GridService, MediationService, PetitionsService, CreditService, RiskService, OrgService,
                 VillageService, EmergencyService, AssessmentService, GatewayService):
        root = admin(port)
        clients = {}
        for role in Role:
            username = f"walk.{role.value.replace('_', '')}"
            status, body = root.request("POST", "/api/v1/accounts", {
                "username": username, "display_name": role.value, "password": PASSWORD,
                "grants": [{"role": role.value, "area_code": "500229"}]})
            assert status == 201, body
            client = Client(port)
            client.sign_in(username, PASSWORD)
            status, changed = client.request("POST", "/api/v1/auth/password",
                                             {"old_password": PASSWORD, "new_password": PASSWORD + "x"})
            assert status == 200, changed
            client.token = changed["access_token"]
            client.username = username
            clients[role] = client
        yield clients


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_route_as_every_role_is_allowed_or_refused_as_the_matrix_says(walkers, role):
    client, walked, wrong = walkers[role], set(), []
    for method, url, spec in permissions.routes():
        permission, caller = spec["permission"], client
        if url == "/api/v1/auth/logout":  # it ends the session it is called with: a session of its own
            caller = Client(client.base.rsplit(":", 1)[1])
            caller.sign_in(client.username, PASSWORD + "x")
        body = {} if method in ("POST", "PUT", "PATCH") else None
        status, answer = caller.request(method, concrete(url), body)
        if status == 503:  # a service past its deadline on a busy machine: the cell is asked once more
            status, answer = caller.request(method, concrete(url), body)
        if permissions.allowed(role, permission):
            fine = status < 500 and status != 403 and (permission is None or status != 401)
        else:
            fine = status == 403 and answer.get("code") == "auth.forbidden"
        if not fine:
            wrong.append((method, url, status, answer if isinstance(answer, dict) else "…"))
        walked.add((method, url))
    assert not wrong, wrong[:20]
    assert walked == {(m, u) for m, u, _ in permissions.routes()} and len(walked) > 150


def test_read_only_roles_reach_read_routes_only():
    for method, url, spec in permissions.routes():
        kind = permissions.route_kind(method, url, spec)
        for role in permissions.READ_ONLY:
            if spec["permission"] not in (permissions.PUBLIC, permissions.SELF) and \
                    permissions.allowed(role, spec["permission"]):
                assert kind == Kind.read, (role, method, url, kind)


def test_every_export_and_reveal_is_audited():
    for method, url, spec in permissions.routes():
        if permissions.route_kind(method, url, spec) in (Kind.export, Kind.reveal):
            assert spec["audit"], (method, url)
