"""Credit and points over real HTTP: the gateway, the grid and the credit service on the real broker and store, with
staff accounts made by the administrator. A grid worker submits an award and may not approve it; the village cadre
approves it; bad bodies are 400 with the field and a Chinese message and change nothing; residents read their
passbook and their village's notice board, and object, without an account; the court's list is uploaded and the
joint-discipline query answers without personal data. One running suite for the module."""
import pytest

from services.credit.service import CreditService
from services.gateway.accounts import C_APPROVE, C_AWARD, C_CONFIGURE, C_READ, C_STORE, PERMISSIONS, Role
from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin
from tests.e2e.test_grid_affairs_http import staff
from tests.fault.polling import wait_until
from tests.harness import database, fresh_rate_limits, running
from tests.integration.test_credit import with_phones

TOWN, VILLAGE, MICRO = "500229001", "500229001001", "500229001001001001"
OTHER_MICRO = "500229002001001001"
EVIDENCE = [{"kind": "witness", "description": "村民小组长见证"}]


def chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


@pytest.fixture(scope="module")
def office(module_gateway_port):
    port = module_gateway_port
    with running(GridService, CreditService, GatewayService):
        root = admin(port)
        for area in factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        households = {}
        for micro in (MICRO, OTHER_MICRO):
            payload = with_phones(factories.household(micro, 2))
            status, household = root.request("POST", "/api/v1/households", payload)
            assert status == 201, household
            households[micro] = (household["household_id"], payload)
        wait_until(lambda: database("credit").passbooks.count_documents({}) == 2, what="both passbooks opened")
        status, body = root.request("PUT", "/api/v1/credit/rules/VOLUNTEER", {
            "name": "参加志愿服务", "category": "volunteer", "points": 10})
        assert status == 200, body
        people = {"root": root, "public": Client(port)}
        for username, name, role, area in (("zhao.grid", "赵网格", "grid_worker", VILLAGE),
                                           ("li.cadre", "李村干部", "village_cadre", VILLAGE),
                                           ("chen.leader", "陈领导", "leader", TOWN)):
            people[username] = staff(port, root, username, name, role, area)[0]
        yield people, households


def award_body(household_id, **changes):
    return {"household_id": household_id, "rule_code": "VOLUNTEER", "reason": "参加河道清理志愿服务",
            "occurred_on": "2026-11-01", "evidence": EVIDENCE, **changes}


def test_a_grid_worker_submits_the_cadre_approves_and_the_leader_only_reads(office):
    people, households = office
    household_id, _ = households[MICRO]
    grid_worker, cadre, leader = people["zhao.grid"], people["li.cadre"], people["chen.leader"]
    status, award = grid_worker.request("POST", "/api/v1/credit/awards", award_body(household_id))
    assert status == 201, award
    assert grid_worker.request("POST", f"/api/v1/credit/awards/{award['award_id']}/approve", {})[0] == 403
    assert leader.request("POST", "/api/v1/credit/awards", award_body(household_id))[0] == 403
    status, approved = cadre.request("POST", f"/api/v1/credit/awards/{award['award_id']}/approve", {})
    assert status == 200 and approved["status"] == "in_notice", approved
    status, early = cadre.request("POST", f"/api/v1/credit/awards/{award['award_id']}/post", {})
    assert status == 409 and early["code"] == "award.notice_running" and chinese(early["message"])
    status, unknown = cadre.request("POST", f"/api/v1/credit/awards/{award['award_id']}/explode", {})
    assert status == 404 and unknown["field"] == "action"
    status, page = leader.request("GET", "/api/v1/credit/notices")
    assert status == 200 and [n["award_id"] for n in page["items"]] == [award["award_id"]]
    # Outside the grant: the other township's household is not found.
    other_id, _ = households[OTHER_MICRO]
    assert grid_worker.request("GET", f"/api/v1/credit/passbooks/{other_id}")[0] == 404
    assert grid_worker.request("POST", "/api/v1/credit/awards", award_body(other_id))[0] == 404


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/credit/awards", {"evidence": []}, "evidence"),
    ("/api/v1/credit/awards", {"occurred_on": "2099-01-01"}, "occurred_on"),
    ("/api/v1/credit/awards", {"rule_code": "nope"}, "rule_code"),
    ("/api/v1/credit/redemptions", {"store_id": "ST-1", "item_id": "IT-1", "quantity": 0}, "quantity"),
])
def test_bad_bodies_are_400_with_the_field_and_change_nothing(office, path, body, field):
    people, households = office
    household_id, _ = households[MICRO]
    before = {c: database("credit")[c].count_documents({}) for c in ("awards", "redemptions", "ledger")}
    status, error = people["root"].request("POST", path, {**award_body(household_id), **body}
                                           if path.endswith("awards") else {"household_id": household_id, **body})
    assert status == 400 and error["field"] == field and chinese(error["message"]), error
    assert {c: database("credit")[c].count_documents({}) for c in before} == before


def test_bad_rule_store_and_list_file_are_400(office):
    root = office[0]["root"]
    status, error = root.request("PUT", "/api/v1/credit/rules/LITTER", {"name": "乱倒垃圾", "category": "violation",
                                                                       "points": 5})
    assert status == 400 and chinese(error["message"])
    status, error = root.request("PUT", "/api/v1/credit/stores/ST-X", {"name": "某超市", "village_code": "5002"})
    assert status == 400 and error["field"] == "village_code"
    status, error = root.upload("/api/v1/credit/listings/import?dry_run=false", "list.txt", b"x")
    assert status == 400 and error["field"] == "file"


def test_residents_read_their_passbook_and_board_and_object_without_an_account(office):
    people, households = office
    fresh_rate_limits()
    household_id, payload = households[MICRO]
    public = people["public"]
    last4 = payload["residents"][0]["phone"][-4:]
    status, passbook = public.request("POST", "/api/v1/public/credit/passbook",
                                      {"household_number": payload["household_number"], "phone_last4": last4})
    assert status == 200 and passbook["household_id"] == household_id, passbook
    status, _ = public.request("POST", "/api/v1/public/credit/passbook",
                               {"household_number": payload["household_number"],
                                "phone_last4": "0000" if last4 != "0000" else "1111"})
    assert status == 404
    status, board = public.request("GET", f"/api/v1/public/credit/notices?village_code={VILLAGE}")
    assert status == 200
    assert payload["residents"][0]["name"] not in str(board)
    for notice in board["items"]:
        assert notice["holder"].endswith("*")
    status, error = public.request("GET", "/api/v1/public/credit/notices")
    assert status == 400 and error["field"] == "village_code"
    if board["items"]:
        award_id = board["items"][0]["award_id"]
        status, objected = public.request("POST", f"/api/v1/public/credit/notices/{award_id}/objections",
                                          {"reason": "当天他家并没有人参加清理"})
        assert status == 200 and objected["status"] == "objected" and "evidence" not in objected


def test_the_court_list_uploads_and_joint_discipline_answers_without_personal_data(office):
    people, households = office
    root = people["root"]
    household_id, payload = households[MICRO]
    person = payload["residents"][1]
    csv = ("被执行人姓名/名称,类型,身份证号码,执行案号,执行法院,发布日期\n"
           f"{person['name']},自然人,{person['id_number']},(2026)渝0229执300号,城口县人民法院,2026-10-01\n")
    status, report = root.upload("/api/v1/credit/listings/import?dry_run=false", "名单.csv", csv.encode("utf-8-sig"))
    assert status == 200 and report["listed"] == 1, report
    status, flags = root.request("POST", "/api/v1/credit/discipline", {"id_number": person["id_number"]})
    assert status == 200 and flags["listed"] and "no_village_post" in flags["flags"]
    assert person["name"] not in str(flags) and person["id_number"] not in str(flags)
    status, listings = people["chen.leader"].request("GET", "/api/v1/credit/listings")
    assert status == 200 and listings["items"][0]["household_id"] == household_id
    assert person["id_number"] not in str(listings) and person["name"] not in str(listings)
    status, rating = root.request("GET", f"/api/v1/credit/ratings/household/{household_id}")
    assert status == 200 and rating["level"] == "C"


@pytest.fixture(scope="module")
def roles(office):
    """One account per role, granted on the first township."""
    people, _ = office
    port = int(people["root"].base.rsplit(":", 1)[1])
    return {role: staff(port, people["root"], f"c.{role.value.replace('_', '')}", role.value, role.value, TOWN)[0]
            for role in Role}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_role_against_the_credit_routes_inside_and_outside_its_grant(office, roles, role):
    _, households = office
    client, mine, other = roles[role], households[MICRO][0], households[OTHER_MICRO][0]
    allowed = PERMISSIONS[role]
    status, page = client.request("GET", "/api/v1/credit/passbooks")
    if C_READ in allowed:
        assert status == 200 and {p["household_id"] for p in page["items"]} == {mine}
        assert client.request("GET", f"/api/v1/credit/passbooks/{other}")[0] == 404
    else:
        assert status == 403
    status, _ = client.request("POST", "/api/v1/credit/awards", award_body(other))
    assert status == (404 if C_AWARD in allowed else 403)
    status, _ = client.request("POST", "/api/v1/credit/awards/AW0000000000000000/approve", {})
    assert status == (404 if C_APPROVE in allowed else 403)
    status, _ = client.request("POST", "/api/v1/credit/redemptions",
                               {"household_id": other, "store_id": "ST-NONE", "item_id": "IT-NONE"})
    assert status == (404 if C_STORE in allowed else 403)
    status, _ = client.request("PUT", "/api/v1/credit/rules/ROLE_CHECK", {
        "name": "角色检查", "category": "volunteer", "points": 1, "active": False})
    assert status == (200 if C_CONFIGURE in allowed else 403)
