"""Party organisation over real HTTP: the gateway, the grid and the org service on the real broker and store, one
suite for the module. Township party-building staff put a member on the roster, record both registrations of
双报到 and watch the rate move; transfers keep their history; a leader and a grid worker (no `org.sensitive`) never
see political status; bad input is a 400 naming the field and changes nothing; the other township finds nothing."""
import pytest
from prometheus_client import generate_latest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.org.service import OrgService
from tests import factories
from tests.e2e.test_gateway_http import admin
from tests.e2e.test_grid_affairs_http import staff
from tests.fault.polling import wait_until
from tests.harness import database, running

TOWN, OTHER_TOWN = "500229001", "500229002"
VILLAGE, OTHER_VILLAGE = "500229001001", "500229002001"
GRID, GRID_2, OTHER_GRID = "500229001001001", "500229001001002", "500229002001001"
SHOW = {"identity": "中共党员、县交通局干部", "duty": "楼栋安全巡查", "pledge": "每月参加一次网格志愿服务"}


def member_body(seq: int, **changes) -> dict:
    return {"org_id": f"PO{GRID}", "name": "向红梅", "gender": "female", "id_number": factories.id_number(seq),
            "phone": "17100002345", "category": "agency", "work_unit": "城口县交通运输局",
            "political_status": "probationary", "joined_on": "2025-07-01", **changes}


def build_county(root, townships: int = 2) -> None:
    """Areas through the grid service; once the org service has heard of them, the tree down to one grid branch
    in each township (the second grid of the first village stays a gap)."""
    for area in factories.chengkou_areas(townships=townships, villages=1, grids=2, micro_grids=1):
        assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
    wait_until(lambda: database("org").areas.count_documents({"kind": "grid"}) == 2 * townships,
               what="the grids in the org service's read model")
    tree = [("PO500229", "中共城口县委员会", "committee", "500229", None)]
    for town in [TOWN, OTHER_TOWN][:townships]:
        village, grid = town + "001", town + "001001"
        kind = "working_committee" if town in (TOWN, OTHER_TOWN) else "committee"  # both are streets
        tree += [(f"PO{town}", f"中共{town}街道工作委员会", kind, town, "PO500229"),
                 (f"PO{village}", f"中共{village}社区委员会", "committee", village, f"PO{town}"),
                 (f"PO{grid}", f"{grid}网格党支部", "branch", grid, f"PO{village}")]
    for org_id, name, kind, area, parent in tree:
        status, body = root.request("PUT", f"/api/v1/org/party-orgs/{org_id}", {
            "name": name, "kind": kind, "area_code": area, "parent_org_id": parent})
        assert status == 200, body


@pytest.fixture(scope="module")
def county(module_gateway_port):
    port = module_gateway_port
    with running(GridService, OrgService, GatewayService):
        root = admin(port)
        build_county(root)
        people = {"root": root}
        for username, name, role, area in (("li.dangjian", "李党建", "township_staff", TOWN),
                                           ("wang.dangjian", "王党建", "township_staff", OTHER_TOWN),
                                           ("chen.leader", "陈领导", "leader", TOWN),
                                           ("zhao.grid", "赵网格", "grid_worker", GRID),
                                           ("qian.tiaojie", "钱调解", "mediator", TOWN)):
            people[username] = staff(port, root, username, name, role, area)[0]
        yield people


def figures(client, area=VILLAGE):
    status, body = client.request("GET", f"/api/v1/org/figures?area_code={area}")
    assert status == 200, body
    return body


def test_a_member_registers_at_grid_and_community_and_the_rate_follows(county):
    clerk = county["li.dangjian"]
    before = figures(clerk)
    assert (before["grids"], before["grids_covered"], before["branch_coverage"]) == (2, 1, 0.5)
    status, member = clerk.request("POST", "/api/v1/org/members", member_body(801))
    assert status == 201, member
    member_id = member["member_id"]
    assert (member["name"], member["political_status"], member["political_status_label"]) == \
        ("向红梅", "probationary", "预备党员")
    assert member["id_number"].startswith("500229") and "*" in member["id_number"]
    assert member["phone"] == "171****2345" and member["both_registered"] is False
    counted = figures(clerk)
    assert (counted["members"], counted["registered_both"], counted["double_registration_rate"]) == \
        (before["members"] + 1, before["registered_both"], before["registered_both"] / (before["members"] + 1))

    status, after_grid = clerk.request("POST", f"/api/v1/org/members/{member_id}/registrations", {
        "kind": "grid", "area_code": GRID, "registered_on": "2026-03-01", **SHOW})
    assert status == 200, after_grid
    assert after_grid["registrations"]["grid"]["duty"] == "楼栋安全巡查" and not after_grid["both_registered"]
    status, done = clerk.request("POST", f"/api/v1/org/members/{member_id}/registrations", {
        "kind": "community", "area_code": VILLAGE, "registered_on": "2026-03-02", **SHOW})
    assert status == 200 and done["both_registered"] is True
    assert figures(clerk)["registered_both"] == before["registered_both"] + 1
    assert figures(clerk, TOWN)["by_area"][0]["registered_both"] >= 1

    events = [e["envelope"] for e in database("org").outbox.find({"event_type": "org.party_member.registered"})]
    mine = [e["data"] for e in events if e["data"]["member_id"] == member_id]
    assert [(d["registration"], d["both_registered"]) for d in mine] == [("grid", False), ("community", True)]
    assert "probationary" not in str(events) and "向红梅" not in str(events)
    stored = str(database("org").members.find_one({"_id": member_id}))
    assert member_body(801)["id_number"] not in stored and "17100002345" not in stored


def test_political_status_is_shown_only_with_the_grant(county):
    clerk = county["li.dangjian"]
    status, member = clerk.request("POST", "/api/v1/org/members", member_body(802, name="冉志强", gender="male",
                                                                                  political_status="full"))
    assert status == 201, member
    for who in ("chen.leader", "zhao.grid"):
        client = county[who]
        status, listing = client.request("GET", f"/api/v1/org/members?area_code={GRID}")
        assert status == 200 and listing["total"] >= 1, listing
        status, seen = client.request("GET", f"/api/v1/org/members/{member['member_id']}")
        assert status == 200
        for shown in [seen, *listing["items"]]:
            assert shown["political_status_visible"] is False
            assert not {"political_status", "political_status_label", "joined_on"} & set(shown), who
        assert seen["name"] == "冉**" and "正式党员" not in str(listing) + str(seen)
        assert client.request("POST", "/api/v1/org/members", member_body(803))[0] == 403
    assert county["qian.tiaojie"].request("GET", "/api/v1/org/members")[0] == 403  # a mediator has no org grant
    status, seen = clerk.request("GET", f"/api/v1/org/members/{member['member_id']}")
    assert status == 200 and seen["political_status_label"] == "正式党员" and seen["name"] == "冉志强"


def test_a_transfer_keeps_the_history_and_moves_the_member(county):
    clerk = county["li.dangjian"]
    status, member = clerk.request("POST", "/api/v1/org/members", member_body(
        804, category="transferred_in", origin="重庆市万州区某街道党工委", work_unit=None))
    assert status == 201, member
    member_id = member["member_id"]
    status, body = clerk.request("PUT", f"/api/v1/org/party-orgs/PO{GRID_2}", {
        "name": "平岗社区第2网格党小组", "kind": "group", "area_code": GRID_2, "parent_org_id": f"PO{VILLAGE}"})
    assert status == 200, body
    status, moved = clerk.request("POST", f"/api/v1/org/members/{member_id}/transfer",
                                  {"to_org_id": f"PO{GRID_2}", "on": "2026-05-01"})
    assert status == 200 and moved["org_id"] == f"PO{GRID_2}" and moved["area_code"] == GRID_2
    status, out = clerk.request("POST", f"/api/v1/org/members/{member_id}/transfer_out",
                                {"destination": "重庆市渝中区某社区党委", "on": "2026-06-01"})
    assert status == 200 and out["status"] == "transferred_out" and out["actions"] == ["transfer_in"]
    assert [h["action"] for h in out["history"]] == ["enrol", "transfer", "transfer_out"]
    assert clerk.request("POST", f"/api/v1/org/members/{member_id}/transfer_out",
                         {"destination": "别处", "on": "2026-06-02"})[0] == 409
    status, listing = clerk.request("GET", f"/api/v1/org/members?status=transferred_out&area_code={TOWN}")
    assert member_id in [m["member_id"] for m in listing["items"]]
    assert figures(clerk)["grids_covered"] == 2  # the party group closed the second grid's gap
    status, gaps = clerk.request("GET", f"/api/v1/org/coverage-gaps?area_code={TOWN}")
    assert status == 200 and gaps["total"] == 0


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/org/members", member_body(805, id_number="500229198001010000"), "id_number"),
    ("/api/v1/org/members", member_body(806, phone="12345"), "phone"),
    ("/api/v1/org/members", member_body(807, political_status="member"), "political_status"),
    ("/api/v1/org/members", member_body(808, org_id=f"PO{OTHER_GRID}"), "org_id"),
    ("/api/v1/org/members", {k: v for k, v in member_body(809).items() if k != "joined_on"}, "joined_on"),
    (f"/api/v1/org/party-orgs/PO{GRID_2}x", {"name": "第2网格党委", "kind": "committee", "area_code": GRID_2,
                                               "parent_org_id": f"PO{VILLAGE}"}, "kind"),
    ("/api/v1/org/cadres", {"name": "张干部", "work_unit": "县农业农村委", "grid_code": OTHER_GRID,
                            "assigned_on": "2026-01-05"}, "grid_code"),
    (f"/api/v1/org/rosters/{VILLAGE}/judge", {"people": [{"name": "周法官", "unit": "县人民法院"}]}, "area_code"),
    (f"/api/v1/org/rosters/{VILLAGE}/deputy_contact", {"people": [{"name": "吴代表", "unit": "县人大"}]}, "people"),
])
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(county, path, body, field):
    clerk = county["li.dangjian"]
    before = {name: database("org")[name].count_documents({})
              for name in ("members", "party_orgs", "cadre_assignments", "area_rosters", "outbox")}
    method = "PUT" if "/party-orgs/" in path or "/rosters/" in path else "POST"
    status, error = clerk.request(method, path, body)
    assert status == 400, error
    assert error["field"] == field and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert {name: database("org")[name].count_documents({}) for name in before} == before


def test_the_other_township_finds_nothing_and_a_grid_worker_only_their_grid(county):
    clerk = county["li.dangjian"]
    status, member = clerk.request("POST", "/api/v1/org/members", member_body(810))
    assert status == 201
    other = county["wang.dangjian"]
    assert other.request("GET", f"/api/v1/org/members/{member['member_id']}")[0] == 404
    assert member["member_id"] not in str(other.request("GET", "/api/v1/org/members")[1])
    assert other.request("GET", f"/api/v1/org/figures?area_code={TOWN}")[0] == 404
    assert other.request("POST", f"/api/v1/org/members/{member['member_id']}/registrations", {
        "kind": "grid", "area_code": GRID, "registered_on": "2026-03-01", **SHOW})[0] == 404
    grid_worker = county["zhao.grid"]
    assert figures(grid_worker, GRID)["grids"] == 1
    assert grid_worker.request("GET", f"/api/v1/org/figures?area_code={VILLAGE}")[0] == 404


def test_cadres_joint_building_and_rosters(county):
    clerk = county["li.dangjian"]
    status, cadre = clerk.request("POST", "/api/v1/org/cadres", {
        "name": "张干部", "phone": "17100003456", "work_unit": "县农业农村委", "post": "科员", "grid_code": GRID,
        "assigned_on": "2026-01-05", "client_ref": "cadre-e2e-0001"})
    assert status == 201 and cadre["phone"] == "171****3456", cadre
    again = clerk.request("POST", "/api/v1/org/cadres", {
        "name": "张干部", "work_unit": "县农业农村委", "grid_code": GRID, "assigned_on": "2026-01-05",
        "client_ref": "cadre-e2e-0001"})[1]
    assert again["assignment_id"] == cadre["assignment_id"]
    status, logged = clerk.request("POST", f"/api/v1/org/cadres/{cadre['assignment_id']}/activities", {
        "held_on": "2026-02-01", "kind": "visit", "content": "走访独居老人三户"})
    assert status == 200 and logged["activities"][0]["kind_label"] == "走访群众"
    assert figures(clerk)["cadres"] == 1

    status, pair = clerk.request("POST", "/api/v1/org/joint-buildings", {
        "partner_name": "城口县交通运输局", "partner_kind": "agency", "org_id": f"PO{VILLAGE}",
        "since": "2026-01-01", "content": "结对共建，共同开展道路安全宣传"})
    assert status == 201, pair
    status, pair = clerk.request("POST", f"/api/v1/org/joint-buildings/{pair['pair_id']}/activities", {
        "held_on": "2026-02-10", "title": "道路安全宣传", "content": "在社区广场开展宣传", "participants": 30})
    assert status == 200 and pair["activities"][0]["participants"] == 30

    before = figures(clerk, TOWN)
    for role, people in (("police", [{"name": "刘警官", "unit": "葛城派出所", "phone": "17100004567"}]),
                         ("legal_adviser", [{"name": "何律师", "unit": "某律师事务所"}]),
                         ("deputy_contact", [{"name": n, "unit": "县人大", "deputy_kind": k, "frequency": "quarterly",
                                              "last_contact_on": "2026-01-10"}
                                             for n, k in (("甲代表", "npc_deputy"), ("乙代表", "party_congress_deputy"),
                                                          ("丙委员", "cppcc_member"))])):
        status, slot = clerk.request("PUT", f"/api/v1/org/rosters/{VILLAGE}/{role}", {"people": people})
        assert status == 200 and slot["complete"], slot
    status, rosters = clerk.request("GET", f"/api/v1/org/rosters?area_code={TOWN}")
    assert status == 200
    police = next(s for s in rosters["items"] if s["area_code"] == VILLAGE and s["role"] == "police")
    assert police["people"][0]["phone"] == "171****4567"
    deputies = next(s for s in rosters["items"] if s["role"] == "deputy_contact")
    assert deputies["people"][0]["next_contact_on"] == "2026-04-12"
    after = figures(clerk, TOWN)
    assert after["roster_filled"] == before["roster_filled"] + 3 and after["roster_slots"] == before["roster_slots"]
    updated = [e["envelope"]["data"] for e in database("org").outbox.find({"event_type": "org.area_roster.updated"})]
    assert {(d["role"], d["complete"]) for d in updated} >= {("police", True), ("deputy_contact", True)}
    assert "刘警官" not in str(updated) and "17100004567" not in str(updated)


def test_an_unknown_transfer_or_roster_role_is_a_json_404(county):
    clerk = county["li.dangjian"]
    status, error = clerk.request("POST", "/api/v1/org/members/PM0/promote", {"on": "2026-01-01"})
    assert status == 404 and error["field"] == "action" and "transfer_out" in error["message"]
    status, error = clerk.request("PUT", f"/api/v1/org/rosters/{VILLAGE}/mayor", {"people": []})
    assert status == 404 and error["field"] == "role" and "deputy_contact" in error["message"]


def test_no_id_number_phone_name_or_political_status_in_events_or_metrics(county):
    secrets = {member_body(seq)["id_number"] for seq in range(801, 811)} | {"17100002345", "向红梅", "冉志强"}
    published = str([e["envelope"] for e in database("org").outbox.find()])
    metrics = generate_latest().decode()
    for secret in secrets:
        assert secret not in published and secret not in metrics
    assert "probationary" not in published and "political_status" not in published
