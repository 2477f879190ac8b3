"""A petition converted to people's mediation, both ways over real HTTP (gateway, grid, petitions and mediation on
the real broker and store): the mediator opens the dispute and reads the petition's matter with the petitioner
masked, never the placeholder; the mediation's course comes back to the petition's page and to the petitioner's
tracking page on /public; once mediation has ended the petitions office concludes the petition from it."""
import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.commands import PLACEHOLDER
from services.mediation.service import MediationService
from services.petitions.service import PetitionsService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_grid_affairs_http import staff
from tests.e2e.test_mediation_http import AGREEMENT, SESSION
from tests.fault.polling import wait_until
from tests.harness import database, running

TOWN, VILLAGE = "500229001", "500229001001"
MATTER = "反映邻居在我家承包地边界处修建围墙，占用约两分地，多次协商未果"
ONLINE = {"kind": "petition", "area_code": VILLAGE, "content": MATTER, "contact_name": "冉大哥",
          "phone": "17100003579"}


@pytest.fixture
def county(gateway_port):
    with running(GridService, PetitionsService, MediationService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        assert root.request("PUT", "/api/v1/mediation/committees/MC-V1", {
            "name": "平岗社区人民调解委员会", "level": "village", "area_code": VILLAGE})[0] == 200
        assert root.request("PUT", "/api/v1/mediation/mediators/M-001", {
            "name": "李调解", "employment": "part_time", "committee_ids": ["MC-V1"]})[0] == 200
        officer = staff(gateway_port, root, "xu.petitions", "徐信访", "petition_officer", TOWN)[0]
        mediator = staff(gateway_port, root, "li.mediator", "李调解", "mediator", TOWN)[0]
        yield officer, mediator, Client(gateway_port)


def petition_page(officer, pid):
    status, petition = officer.request("GET", f"/api/v1/petitions/{pid}")
    assert status == 200, petition
    return petition


def test_a_converted_petition_reaches_the_mediator_with_its_matter_and_its_result_comes_back(county):
    officer, mediator, public = county
    status, submitted = public.request("POST", "/api/v1/public/requests", ONLINE)
    assert status == 201, submitted
    code = submitted["tracking_code"]
    [petition] = wait_until(lambda: officer.request("GET", "/api/v1/petitions")[1]["items"], what="the petition")
    pid = petition["petition_id"]
    wait_until(lambda: petition_page(officer, pid)["matter"] == MATTER, what="the petition's matter read")
    status, converted = officer.request("POST", f"/api/v1/petitions/{pid}/convert_to_mediation", {})
    assert status == 200 and converted["status"] == "converted", converted
    assert converted["mediation"]["status_label"] == "已转调解委员会，等待受理"

    # The mediator's queue has it; its page shows the petition's matter and the petitioner, masked.
    [listed] = wait_until(lambda: [d for d in mediator.request("GET", "/api/v1/disputes")[1]["items"]
                                   if d["source"] == "petition"], what="the dispute in the mediator's queue")
    status, dispute = mediator.request("GET", f"/api/v1/disputes/{listed['dispute_id']}")
    assert status == 200, dispute
    assert (dispute["source"], dispute["source_ref"], dispute["summary"]) == ("petition", pid, MATTER)
    assert [(p["role"], p["name"], p["phone"]) for p in dispute["parties"]] == [("applicant", "冉**", "171****3579")]
    assert PLACEHOLDER not in str(mediator.request("GET", "/api/v1/disputes")[1])
    status, missing = mediator.request("GET", "/api/v1/mediation/narratives-missing?older_than_minutes=0")
    assert status == 200 and missing["total"] == 0
    stored = str(database("mediation").disputes.find_one({"_id": dispute["dispute_id"]}))
    assert "冉大哥" not in stored and "17100003579" not in stored

    # Not concluded from mediation while mediation goes on.
    status, refused = officer.request("POST", f"/api/v1/petitions/{pid}/conclude_mediated", {})
    assert status == 409 and refused["code"] == "petition.mediation_open"

    path = f"/api/v1/disputes/{dispute['dispute_id']}"
    agreement = {**AGREEMENT, "party_signatures": [{"party_index": 0, "signed_on": "2026-11-21"}]}
    for action, body in (("accept", {"committee_id": "MC-V1", "mediator_ids": ["M-001"]}),
                         ("hold_session", {"session": SESSION}), ("sign_agreement", {"agreement": agreement})):
        status, moved = mediator.request("POST", f"{path}/{action}", body)
        assert status == 200, (action, moved)

    # The result comes back to the petition's page and to the petitioner's own page.
    back = wait_until(lambda: (lambda m: m if m and m["resolved"] else None)(petition_page(officer, pid)["mediation"]),
                      what="the mediation result on the petition")
    assert back["status_label"] == "达成调解协议" and back["ended"]
    assert [s["label"] for s in back["steps"]] == ["调解委员会已受理", "达成调解协议"]
    status, tracked = public.request("POST", "/api/v1/public/requests/track",
                                     {"tracking_code": code, "phone_last4": "3579"})
    assert status == 200 and tracked["petition"]["mediation"]["status_label"] == "达成调解协议", tracked
    assert "李调解" not in str(tracked["petition"])

    status, concluded = officer.request("POST", f"/api/v1/petitions/{pid}/conclude_mediated", {})
    assert status == 200 and concluded["status"] == "concluded", concluded
    assert concluded["history"][-1]["note"] == "据调解结果办结：达成调解协议"
    [v2] = [e["envelope"] for e in database("petitions").outbox.find({"event_type": "petitions.petition.concluded"})]
    assert (v2["version"], v2["data"]["outcome"], v2["data"]["dispute_id"]) == (2, "mediated", dispute["dispute_id"])
