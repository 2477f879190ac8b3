"""Petitions over real HTTP: the gateway, the grid and the petitions service on the real broker and store, with
staff accounts the administrator makes. An online petition filed on the residents' channel reaches the petition
officer's queue, is assigned, accepted and replied to by the receiving department; the resident reads the reply
with the tracking code, asks for a review inside the window and rates the answer. Roles see only what they may;
bad bodies are refused with the field in Chinese."""
import pytest

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.petitions.service import PetitionsService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_grid_affairs_http import staff
from tests.e2e.test_mediation_http import fetch_raw
from tests.fault.polling import wait_until
from tests.harness import database, fresh_rate_limits, running

TOWN = "500229001"
VILLAGE = "500229001001"
ONLINE = {"kind": "petition", "area_code": VILLAGE, "content": "反映村里修路占用我家承包地，补偿款至今未发放",
          "contact_name": "冉大哥", "phone": "17100003579"}
LETTER = {"channel": "letter", "area_code": VILLAGE, "category": "civil_affairs", "matter": "来信反映低保评定不公",
          "petitioners": [{"name": "向大姐", "phone": "17100002468"}]}


def chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


@pytest.fixture
def office(gateway_port):
    fresh_rate_limits()
    with running(GridService, PetitionsService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        people = {"root": root, "public": Client(gateway_port)}
        for username, name, role, area in (("xu.petitions", "徐信访", "petition_officer", TOWN),
                                           ("he.department", "何部门", "department_user", TOWN),
                                           ("chen.leader", "陈领导", "leader", TOWN),
                                           ("li.mediator", "李调解", "mediator", TOWN)):
            people[username] = staff(gateway_port, root, username, name, role, area)[0]
        yield people


def test_an_online_petition_is_answered_and_the_resident_reads_the_reply_and_asks_for_a_review(office):
    public, officer, department = office["public"], office["xu.petitions"], office["he.department"]
    status, submitted = public.request("POST", "/api/v1/public/requests", ONLINE)
    assert status == 201, submitted
    code = submitted["tracking_code"]
    # It reaches the officer's queue, taken over from the residents' channel, with the contact masked.
    queue = wait_until(lambda: (lambda r: r[1]["items"] if r[0] == 200 and r[1]["total"] else None)(
        officer.request("GET", "/api/v1/petitions?status=received")), what="the petition in the officer's queue")
    petition = queue[0]
    assert (petition["channel"], petition["tracking_code"], petition["colour"]) == ("online", code, "green")
    assert petition["petitioners"][0]["name"] == "冉**" and petition["petitioners"][0]["phone"] == "171****3579"
    assert petition["matter"] == ONLINE["content"]
    pid = petition["petition_id"]
    path = f"/api/v1/petitions/{pid}"

    status, body = department.request("POST", path + "/forward", {"unit": "县农业农村委"})
    assert status == 403  # assigning is the petitions office's duty
    status, body = officer.request("POST", path + "/forward", {"unit": "县农业农村委"})
    assert status == 200 and body["first_handler"] == "县农业农村委", body
    status, body = department.request("POST", path + "/accept", {})
    assert status == 400 and body["field"] == "notice" and chinese(body["message"])
    status, body = department.request("POST", path + "/accept", {"notice": "您反映的问题属于本单位职责，依法受理"})
    assert status == 200 and body["status"] == "accepted"
    reply = "经核实，补偿款已于本月拨付到村，近日发放到户。"
    status, body = department.request("POST", path + "/reply", {"reply": reply})
    assert status == 200 and body["status"] == "replied"

    # The resident follows it with the code and the last four digits of the phone, and reads the reply.
    status, tracked = public.request("POST", "/api/v1/public/requests/track",
                                     {"tracking_code": code, "phone_last4": "3579"})
    assert status == 200, tracked
    seen = tracked["petition"]
    assert (seen["status"], seen["reply"]["text"], seen["can_request_review"]) == ("replied", reply, True)
    assert seen["windows"]["review_request"]["state"] == "open"
    assert "冉大哥" not in str(tracked) and "17100003579" not in str(tracked)
    status, wrong = public.request("POST", "/api/v1/public/petitions/review",
                                   {"tracking_code": code, "phone_last4": "0000", "reason": "补偿标准过低，请求复查"})
    assert status == 404
    status, reviewed = public.request("POST", "/api/v1/public/petitions/review",
                                      {"tracking_code": code, "phone_last4": "3579", "reason": "补偿标准过低，请求复查"})
    assert status == 200 and reviewed["status"] == "review_requested", reviewed
    status, rated = public.request("POST", "/api/v1/public/petitions/rate",
                                   {"tracking_code": code, "phone_last4": "3579", "satisfaction": "basically_satisfied"})
    assert status == 200 and rated["satisfaction"] == "基本满意"
    status, again = public.request("POST", "/api/v1/public/petitions/rate",
                                   {"tracking_code": code, "phone_last4": "3579", "satisfaction": "satisfied"})
    assert status == 409

    status, full = officer.request("GET", path)
    assert [h["action"] for h in full["history"]] == ["register", "forward", "accept", "reply", "request_review",
                                                      "rate"]
    assert {c["clock"]: c["state"] for c in full["clocks"]}["review"] == "green"
    status, figures = officer.request("GET", "/api/v1/petitions/figures?since=2020-01-01&until=2100-01-01")
    assert status == 200 and (figures["received"], figures["online"], figures["online_share"]) == (1, 1, 1.0)
    assert figures["satisfaction_rate"] == 1.0
    kept = str(list(database("petitions").petitions.find({})))
    assert "冉大哥" not in kept and "17100003579" not in kept


def test_roles_and_bad_input(office):
    officer, leader, mediator = office["xu.petitions"], office["chen.leader"], office["li.mediator"]
    status, body = officer.request("POST", "/api/v1/petitions", {**LETTER, "category": "不存在"})
    assert status == 400 and body["field"] == "category" and chinese(body["message"])
    status, body = officer.request("POST", "/api/v1/petitions", {**LETTER, "petitioners": [{"phone": "17100002468"}]})
    assert status == 400 and body["field"] == "petitioners.0" and chinese(body["message"])
    status, body = officer.request("POST", "/api/v1/petitions", LETTER)
    assert status == 201 and body["channel_label"] == "来信"
    pid = body["petition_id"]
    status, body = officer.request("POST", f"/api/v1/petitions/{pid}/fly", {})
    assert status == 404 and body["code"] == "petition.unknown_action"
    status, body = leader.request("POST", f"/api/v1/petitions/{pid}/reply", {"reply": "先答复再说吧"})
    assert status == 403  # replying is the receiving unit's duty
    assert mediator.request("GET", "/api/v1/petitions")[0] == 403
    assert leader.request("POST", "/api/v1/petitions", LETTER)[0] == 403
    # 领导（只读） writes nothing: the petitions office makes the leader the case's owner and records the visits.
    leader_id = leader.request("GET", "/api/v1/me")[1]["account_id"]
    supervision = {"level": "key", "reason": "群众反映强烈", "due_on": "2099-01-01"}
    visit = {"kind": "appointment", "on": "2099-01-02", "place": "县信访接待大厅", "host": "陈领导"}
    for method, path, body in (("PUT", "leader", {"leader_name": "陈领导"}), ("POST", "supervision", supervision),
                               ("POST", "visits", visit), ("PUT", "hard-case", {"hard_case": True, "reason": "久拖"})):
        status, refused = leader.request(method, f"/api/v1/petitions/{pid}/{path}", body)
        assert (path, status, refused["code"]) == (path, 403, "auth.forbidden")
    status, owned = officer.request("PUT", f"/api/v1/petitions/{pid}/leader",
                                    {"leader_name": "陈领导", "leader_account_id": leader_id})
    assert status == 200 and owned["leader"]["leader_name"] == "陈领导"
    status, mine = leader.request("GET", "/api/v1/petitions?leader=me")
    assert [i["petition_id"] for i in mine["items"]] == [pid]
    assert officer.request("GET", "/api/v1/petitions?leader=me")[1]["total"] == 0
    status, body = officer.request("POST", f"/api/v1/petitions/{pid}/supervision", {**supervision, "due_on": "2000-01-01"})
    assert status == 400 and body["field"] == "due_on"
    status, body = officer.request("POST", f"/api/v1/petitions/{pid}/supervision", supervision)
    assert status == 200 and body["supervision_level"] == "key"
    status, board = leader.request("GET", "/api/v1/petitions?supervised=true")
    assert [i["petition_id"] for i in board["items"]] == [pid]
    status, body = officer.request("POST", f"/api/v1/petitions/{pid}/visits", visit)
    assert status == 201 and body["visits"][0]["kind_label"] == "约访"


def test_a_letters_scan_goes_up_and_comes_back_and_only_images_and_pdfs_are_taken(office):
    officer, leader = office["xu.petitions"], office["chen.leader"]
    pid = officer.request("POST", "/api/v1/petitions", LETTER)[1]["petition_id"]
    status, body = officer.upload(f"/api/v1/petitions/{pid}/files", "来信.png", factories.PNG)
    assert status == 201 and body["attachments"][0]["content_type"] == "image/png", body
    file_id = body["attachments"][0]["file_id"]
    status, body = officer.upload(f"/api/v1/petitions/{pid}/files", "来信.png", b"MZ not an image")
    assert status == 400 and body["field"] == "file" and chinese(body["message"])
    assert leader.upload(f"/api/v1/petitions/{pid}/files", "来信.png", factories.PNG)[0] == 403
    status, content_type, content = fetch_raw(leader, f"/api/v1/petitions/{pid}/files/{file_id}")
    assert (status, content_type, content) == (200, "image/png", factories.PNG)
    assert fetch_raw(leader, f"/api/v1/petitions/{pid}/files/000000000000000000000000")[0] == 404
    assert len(officer.request("GET", f"/api/v1/petitions/{pid}")[1]["attachments"]) == 1
