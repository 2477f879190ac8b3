"""People's mediation over real HTTP: the gateway, the grid and the mediation service on the real broker and store,
with staff accounts made by the administrator the way the console makes them. A township's mediator walks a
walk-in from registration to closing and prints the case file; the other township's mediator, a leader and a grid
worker may do only what their role and grant allow; bad bodies and unknown actions are refused in JSON."""
import urllib.error
import urllib.request

import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.service import MediationService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_grid_affairs_http import staff
from tests.harness import database, fresh_rate_limits, running

TOWN, OTHER_TOWN = "500229001", "500229002"
VILLAGE, OTHER_VILLAGE = "500229001001", "500229002001"
WALK_IN = {"area_code": VILLAGE, "category": "neighbour", "summary": "两户因屋檐排水方向发生争执",
           "talk_office_township": TOWN, "major_reasons": ["violence_risk"],
           "parties": [{"role": "applicant", "name": "向大姐", "phone": "17100001234"},
                       {"role": "respondent", "name": "外地来客", "id_number": factories.id_number(902),
                        "phone": "17100009012", "address": "重庆市万州区某街道"}]}
_VALID = factories.id_number(903)
BAD_ID_NUMBER = _VALID[:17] + ("1" if _VALID[17] != "1" else "2")  # the check digit wrong
SESSION = {"held_on": "2026-11-20", "place": "村委会调解室", "attendees": ["申请人", "被申请人", "调解员李调解"],
           "record": "双方陈述事实，调解员释法说理", "agreed": "同意改建排水沟"}
AGREEMENT = {"facts": "双方屋檐排水互相影响", "matters": "排水方向及改建费用", "responsibilities": "双方各负一半责任",
             "terms": [{"content": "共同出资改建排水沟", "manner": "各出资一半，现金支付", "deadline": "2026-12-31"}],
             "party_signatures": [{"party_index": 0, "signed_on": "2026-11-21"},
                                  {"party_index": 1, "signed_on": "2026-11-21"}],
             "mediator_id": "M-001", "mediator_signed_on": "2026-11-21"}
FOLLOW_UP = {"visited_on": "2027-01-05", "visitor": "李调解", "performed": "fully", "record": "排水沟已改建，双方满意"}


def chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def fetch_raw(client: Client, path: str):
    """(status, content type, bytes): the case file is a PDF, not JSON."""
    req = urllib.request.Request(client.base + path, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers.get_content_type(), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), err.read()


@pytest.fixture
def office(gateway_port):
    fresh_rate_limits()
    with running(GridService, MediationService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        for committee_id, name, level, area in (("MC-V1", "平岗社区人民调解委员会", "village", VILLAGE),
                                                ("MC-T1", "葛城街道人民调解委员会", "township", TOWN),
                                                ("MC-T2", "复兴街道人民调解委员会", "township", OTHER_TOWN)):
            status, body = root.request("PUT", f"/api/v1/mediation/committees/{committee_id}",
                                        {"name": name, "level": level, "area_code": area})
            assert status == 200, body
        for mediator_id, name, committees in (("M-001", "李调解", ["MC-V1", "MC-T1"]), ("M-002", "王调解", ["MC-T2"])):
            status, body = root.request("PUT", f"/api/v1/mediation/mediators/{mediator_id}",
                                        {"name": name, "employment": "part_time", "committee_ids": committees})
            assert status == 200, body
        people = {"root": root}
        for username, name, role, area in (("li.mediator", "李调解", "mediator", TOWN),
                                           ("wang.mediator", "王调解", "mediator", OTHER_TOWN),
                                           ("chen.leader", "陈领导", "leader", TOWN),
                                           ("zhao.grid", "赵网格", "grid_worker", VILLAGE)):
            people[username] = staff(gateway_port, root, username, name, role, area)[0]
        yield people


def register(client, body=None):
    status, dispute = client.request("POST", "/api/v1/disputes", body or WALK_IN)
    assert status == 201, dispute
    return dispute


def test_a_township_mediator_walks_a_walk_in_to_closing_and_prints_the_case_file(office):
    mediator = office["li.mediator"]
    dispute = register(mediator)
    dispute_id = dispute["dispute_id"]
    assert (dispute["status"], dispute["source"], dispute["major"]) == ("registered", "talk_office", True)
    assert [p["name"] for p in dispute["parties"]] == ["向**", "外***"]
    assert dispute["parties"][1]["phone"] == "171****9012" and "*" in dispute["parties"][1]["id_number"]

    steps = [("accept", {"committee_id": "MC-V1", "mediator_ids": ["M-001"]}, "accepted"),
             ("hold_session", {"session": SESSION}, "in_mediation"),
             ("sign_agreement", {"agreement": AGREEMENT}, "resolved"),
             ("follow_up", {"follow_up": FOLLOW_UP}, "followed_up"),
             ("close", {}, "closed")]
    for action, body, status_after in steps:
        status, moved = mediator.request("POST", f"/api/v1/disputes/{dispute_id}/{action}", body)
        assert status == 200, (action, moved)
        assert moved["status"] == status_after, action
    assert moved["level"] == "village" and moved["committee_id"] == "MC-V1" and moved["actions"] == []
    assert moved["agreement"]["judicial_confirmation_until"] == "2026-12-21"
    assert moved["agreement"]["mediator_name"] == "李调解"
    assert [h["action"] for h in moved["history"]] == ["register"] + [a for a, _, _ in steps]
    assert moved["history"][1]["actor"]["name"] == "李调解"

    status, listed = mediator.request("GET", "/api/v1/disputes?status=closed")
    assert status == 200 and [d["dispute_id"] for d in listed["items"]] == [dispute_id]

    status, kind, pdf = fetch_raw(mediator, f"/api/v1/disputes/{dispute_id}/case-file")
    assert (status, kind) == (200, "application/pdf") and pdf.startswith(b"%PDF")
    rows = list(database("gateway").audit.find({"action": "mediation.case_file"}))
    assert len(rows) == 1 and rows[0]["outcome"] == "200" and rows[0]["actor"]["username"] == "li.mediator"
    assert rows[0]["target"] == {"dispute_id": dispute_id}
    stored = str(database("mediation").disputes.find_one({"_id": dispute_id}))
    assert "外地来客" not in stored and "17100009012" not in stored


def test_the_other_townships_mediator_finds_nothing(office):
    dispute_id = register(office["li.mediator"])["dispute_id"]
    other = office["wang.mediator"]
    status, body = other.request("GET", f"/api/v1/disputes/{dispute_id}")
    assert (status, body["code"]) == (404, "dispute.not_found")
    status, body = other.request("POST", f"/api/v1/disputes/{dispute_id}/accept", {"committee_id": "MC-T2"})
    assert (status, body["code"]) == (404, "dispute.not_found")
    assert fetch_raw(other, f"/api/v1/disputes/{dispute_id}/case-file")[0] == 404
    status, listed = other.request("GET", "/api/v1/disputes")
    assert status == 200 and listed["total"] == 0
    # Nor may they register one in a village of the first township.
    status, body = other.request("POST", "/api/v1/disputes", WALK_IN)
    assert (status, body["field"]) == (404, "area_code")
    assert database("mediation").disputes.count_documents({}) == 1
    status, body = office["root"].request("GET", f"/api/v1/disputes/{dispute_id}")
    assert status == 200 and body["status"] == "registered"


def test_a_leader_and_a_grid_worker_read_but_do_not_act(office):
    dispute_id = register(office["li.mediator"])["dispute_id"]
    leader, worker = office["chen.leader"], office["zhao.grid"]
    status, body = leader.request("POST", "/api/v1/disputes", WALK_IN)
    assert (status, body["code"]) == (403, "auth.forbidden") and chinese(body["message"])
    for client in (leader, worker):
        status, seen = client.request("GET", f"/api/v1/disputes/{dispute_id}")
        assert status == 200 and seen["parties"][0]["name"] == "向**"
        assert client.request("GET", "/api/v1/disputes")[1]["total"] == 1
        assert client.request("GET", "/api/v1/mediation/reference")[0] == 200
        status, body = client.request("POST", f"/api/v1/disputes/{dispute_id}/accept", {"committee_id": "MC-V1"})
        assert (status, body["code"]) == (403, "auth.forbidden")
        assert client.request("PATCH", f"/api/v1/disputes/{dispute_id}", {"major_reasons": []})[0] == 403
        assert fetch_raw(client, f"/api/v1/disputes/{dispute_id}/case-file")[0] == 403
        assert client.request("PUT", "/api/v1/mediation/committees/MC-X1",
                              {"name": "某某人民调解委员会", "level": "village", "area_code": VILLAGE})[0] == 403
    assert worker.request("POST", "/api/v1/disputes", WALK_IN)[0] == 403
    stored = database("mediation").disputes.find_one({"_id": dispute_id})
    assert (stored["status"], stored["revision"], database("mediation").disputes.count_documents({})) == \
        ("registered", 0, 1)
    assert database("mediation").committees.count_documents({"_id": "MC-X1"}) == 0
    denied = [d for d in database("gateway").audit.find({"outcome": "denied"}) if not d["action"].startswith("GET")]
    # Each: accept, PATCH, PUT committee, register, and the case file (audited as a read of personal data).
    assert sorted(d["actor"]["username"] for d in denied) == ["chen.leader"] * 5 + ["zhao.grid"] * 5
    assert sum(1 for d in denied if d["action"] == "mediation.case_file") == 2


@pytest.mark.parametrize("change, field", [
    ({"category": "quarrel"}, "category"),
    ({"parties": [WALK_IN["parties"][0]]}, "parties"),
    ({"parties": [WALK_IN["parties"][0], {**WALK_IN["parties"][0], "role": "third_party"}]}, "parties"),
    ({"parties": [WALK_IN["parties"][0], {**WALK_IN["parties"][1], "id_number": BAD_ID_NUMBER}]},
     "parties.1.id_number"),
    ({"area_code": "500229001"}, "area_code"),
    ({"summary": None}, "summary"),
    ({"major_reasons": ["loud"]}, "major_reasons"),
    ({"client_ref": "x"}, "client_ref"),
    ({"mood": "angry"}, "mood"),
])
def test_a_bad_registration_is_400_with_the_field_and_writes_nothing(office, change, field):
    body = {k: v for k, v in {**WALK_IN, **change}.items() if v is not None}
    status, refused = office["li.mediator"].request("POST", "/api/v1/disputes", body)
    assert status == 400 and refused["field"] == field and chinese(refused["message"]), refused
    assert database("mediation").disputes.count_documents({}) == 0
    assert database("mediation").outbox.count_documents({}) == 0


@pytest.mark.parametrize("action, body, field", [
    ("accept", {}, "committee_id"),
    ("accept", {"committee_id": "MC-NOPE"}, "committee_id"),
    ("decline", {"reason": "不属于调解范围"}, "referral"),
    ("decline", {"reason": "不属于调解范围", "referral": {"to": "court", "note": "引导诉讼"}}, "referral.to"),
])
def test_a_bad_action_body_is_400_with_the_field_and_moves_nothing(office, action, body, field):
    mediator = office["li.mediator"]
    dispute_id = register(mediator)["dispute_id"]
    status, refused = mediator.request("POST", f"/api/v1/disputes/{dispute_id}/{action}", body)
    assert status == 400 and refused["field"] == field and chinese(refused["message"]), refused
    stored = database("mediation").disputes.find_one({"_id": dispute_id})
    assert (stored["status"], stored["revision"]) == ("registered", 0)


def test_an_agreement_without_terms_is_400_and_the_dispute_stays_in_mediation(office):
    mediator = office["li.mediator"]
    dispute_id = register(mediator)["dispute_id"]
    for action, body in (("accept", {"committee_id": "MC-V1"}), ("hold_session", {"session": SESSION})):
        assert mediator.request("POST", f"/api/v1/disputes/{dispute_id}/{action}", body)[0] == 200
    without_terms = {k: v for k, v in AGREEMENT.items() if k != "terms"}
    for agreement, field, message in ((without_terms, "agreement.terms", "调解协议须载明履行的内容、方式和期限"),
                                      ({**AGREEMENT, "party_signatures": []}, "agreement.party_signatures",
                                       "调解协议须由当事人签名")):
        status, refused = mediator.request("POST", f"/api/v1/disputes/{dispute_id}/sign_agreement",
                                           {"agreement": agreement})
        assert (status, refused["field"], refused["message"]) == (400, field, message)
    status, refused = mediator.request("POST", f"/api/v1/disputes/{dispute_id}/close", {})
    assert (status, refused["code"]) == (409, "dispute.illegal_transition") and "调解中" in refused["message"]
    assert mediator.request("GET", f"/api/v1/disputes/{dispute_id}")[1]["status"] == "in_mediation"


def test_an_unknown_action_is_the_json_404(office):
    mediator = office["li.mediator"]
    dispute_id = register(mediator)["dispute_id"]
    for action in ("approve", "accept/now"):
        status, body = mediator.request("POST", f"/api/v1/disputes/{dispute_id}/{action}", {})
        assert status == 404 and body["code"] == "dispute.unknown_action" and body["field"] == "action"
        assert chinese(body["message"]) and "accept" in body["message"]
    assert database("mediation").disputes.find_one({"_id": dispute_id})["status"] == "registered"
