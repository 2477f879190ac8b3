"""Schema-driven run over every route of contracts/openapi.yaml (bounded examples per operation) against the
live gateway and grid service, signed in as a county administrator: no server error, and every answer fits the
documented status codes, content types and schemas."""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.assessment.service import AssessmentService
from services.credit.service import CreditService
from services.emergency.service import EmergencyService
from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.org.service import OrgService
from services.petitions.service import PetitionsService
from services.risk.service import RiskService
from services.village.service import VillageService
from suite import contracts
from tests import factories
from tests.e2e.test_gateway_http import admin
from tests.harness import running

schema = schemathesis.openapi.from_path(str(contracts.CONTRACTS / "openapi.yaml"))


@pytest.fixture(scope="module")
def live(module_gateway_port):
    port = module_gateway_port
    # The run itself is the flood, and its made-up sign-ins are not a guesser to slow down (the module's environment
    # is restored after it).
    os.environ.update(RATE_LIMIT_BURST="100000", PUBLIC_RATE_LIMIT_BURST="100000", SIGNIN_FREE_FAILURES="100000")
    with running(GridService, MediationService, PetitionsService, CreditService, RiskService, OrgService,
                 VillageService, EmergencyService, AssessmentService, GatewayService):
        root = admin(port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            root.request("PUT", f"/api/v1/areas/{area['code']}", area)
        yield {"base_url": f"http://127.0.0.1:{port}", "token": root.token}


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_route_answers_within_its_contract(case, live):
    if case.path == "/api/v1/auth/logout":
        return  # it would end the session the rest of the run signs in with
    headers = {"Authorization": f"Bearer {live['token']}"}
    # Acceptance of every schema-valid body is not checked: check digits, the password policy and the area
    # tree are rules JSON Schema cannot state, and refusing such input with a 400 is the point.
    case.call_and_validate(base_url=live["base_url"], headers=headers, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance])
