"""Village self-governance over real HTTP: the gateway, the grid, credit and village services on the real broker
and store, one suite for the module. A 四议两公开 matter cannot skip a step or pass its resolution without the legal
quorum (400 with the reason, and the failed meeting stays in its history); a rules version cannot be published
before its township has filed it, and only the township files; village staff see their own village, township staff
their township's; bad input is a 400 naming the field and changes nothing; the residents' page shows a village's
rules and publications with their dates and nothing unpublished."""
import pytest

from services.credit.service import CreditService
from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.village.service import VillageService
from tests import factories
from tests.e2e.test_gateway_http import Client, admin
from tests.e2e.test_grid_affairs_http import staff
from tests.fault.polling import wait_until
from tests.harness import database, running

TOWN, OTHER_TOWN = "500229001", "500229002"
VILLAGE, OTHER_VILLAGE = "500229001001", "500229002001"
MICRO, OTHER_MICRO = "500229001001001001", "500229002001001001"
STEP = {"expected": 7, "present": 6, "votes_for": 5, "votes_against": 1, "minutes": "会议讨论村道硬化项目"}


@pytest.fixture(scope="module")
def county(module_gateway_port):
    port = module_gateway_port
    with running(GridService, CreditService, VillageService, GatewayService):
        root = admin(port)
        areas = factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1)
        for area in areas:
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        wait_until(lambda: database("village").areas.count_documents({"kind": "grid"}) == 2,
                   what="the grids in the village service's read model")
        residents = []
        for micro, count in ((MICRO, 6), (OTHER_MICRO, 2)):
            for _ in range(count):
                status, household = root.request("POST", "/api/v1/households", factories.household(micro, 3))
                assert status == 201, household
                residents += [r["resident_id"] for r in household["residents"]] if micro == MICRO else []
        people = {"root": root, "residents": residents}
        for username, name, role, area in (("cun.ganbu", "冉村干", "village_cadre", VILLAGE),
                                           ("other.cun", "谭村干", "village_cadre", OTHER_VILLAGE),
                                           ("xiang.beian", "向备案", "township_staff", TOWN),
                                           ("other.xiang", "余备案", "township_staff", OTHER_TOWN),
                                           ("li.lingdao", "李领导", "leader", TOWN),
                                           ("qian.tiaojie", "钱调解", "mediator", TOWN)):
            people[username] = staff(port, root, username, name, role, area)[0]
        yield people


def today() -> str:
    from shared import clock
    return clock.today().isoformat()


def new_matter(cadre, title="村道硬化工程") -> str:
    status, matter = cadre.request("POST", "/api/v1/village/matters", {
        "village_code": VILLAGE, "kind": "project", "title": title, "description": "硬化三组至五组村道2.3公里"})
    assert status == 201, matter
    return matter["matter_id"]


def step(cadre, matter_id, name, **body):
    return cadre.request("POST", f"/api/v1/village/matters/{matter_id}/steps/{name}",
                         {"held_on": today(), **STEP, **body})


def test_a_matter_cannot_skip_a_step_and_the_400_says_which_comes_first(county):
    cadre = county["cun.ganbu"]
    matter_id = new_matter(cadre)
    status, refused = step(cadre, matter_id, "resolve", meeting_kind="villagers_meeting")
    assert status == 400 and refused["code"] == "village_matter.step_skipped" and refused["field"] == "step"
    assert "须先完成「村党组织提议」" in refused["message"] and "党员大会审议" in refused["message"]
    assert step(cadre, matter_id, "approve")[1]["code"] == "village_matter.unknown_step"
    for name in ("propose", "consult"):
        status, body = step(cadre, matter_id, name)
        assert status == 200, body
    status, again = step(cadre, matter_id, "propose")
    assert status == 400 and again["code"] == "village_matter.step_done" and "下一步是「党员大会审议」" in again["message"]
    status, matter = cadre.request("GET", f"/api/v1/village/matters/{matter_id}")
    assert [s["step"] for s in matter["steps"]] == ["propose", "consult"] and matter["next_step"] == "review"


def test_a_resolution_without_quorum_is_a_400_with_the_reason_and_stays_in_the_history(county):
    cadre = county["cun.ganbu"]
    matter_id = new_matter(cadre, "集体林地流转")
    for name in ("propose", "consult", "review"):
        assert step(cadre, matter_id, name)[0] == 200
    status, refused = step(cadre, matter_id, "resolve", meeting_kind="villagers_meeting", expected=None, present=2,
                           votes_for=2, votes_against=0)
    assert status == 400 and refused["code"] == "village_matter.quorum" and refused["field"] == "present"
    assert "18周岁以上村民过半数" in refused["message"] and "三分之二以上的户" in refused["message"]
    status, matter = cadre.request("GET", f"/api/v1/village/matters/{matter_id}")
    assert matter["status"] == "reviewed" and [r["reason"] for r in matter["refused_meetings"]] == ["quorum"]
    assert "决议会议未成立" in [h["label"] for h in matter["history"]]

    status, none_yet = step(cadre, matter_id, "resolve", meeting_kind="representatives_meeting", expected=None,
                            present=3, votes_for=3, votes_against=0)
    assert status == 400 and none_yet["field"] == "meeting_kind" and "尚未登记村民代表会议组成人员" in none_yet["message"]
    members = county["residents"][:4]
    status, body = cadre.request("PUT", f"/api/v1/village/villages/{VILLAGE}/representatives",
                                 {"resident_ids": members})
    assert status == 200 and body["count"] == 4 and body["quorum"] == 3
    status, short = step(cadre, matter_id, "resolve", meeting_kind="representatives_meeting", expected=None,
                         present=2, votes_for=2, votes_against=0)
    assert status == 400 and "三分之二以上的组成人员" in short["message"]
    status, split = step(cadre, matter_id, "resolve", meeting_kind="representatives_meeting", expected=None,
                         present=3, votes_for=1, votes_against=2)
    assert status == 400 and split["code"] == "village_matter.majority"
    status, resolved = step(cadre, matter_id, "resolve", meeting_kind="representatives_meeting", expected=None,
                            present=3, votes_for=2, votes_against=1)
    assert status == 200 and resolved["status"] == "resolved"
    assert [r["reason"] for r in resolved["refused_meetings"]] == ["quorum", "quorum", "majority"]


def test_a_rules_version_cannot_be_published_before_its_township_files_it(county):
    cadre, clerk, other = county["cun.ganbu"], county["xiang.beian"], county["other.xiang"]
    status, draft = cadre.request("POST", "/api/v1/village/rules", {
        "area_code": VILLAGE, "kind": "residents_compact", "title": "平岗社区居民公约",
        "clauses": [{"no": 1, "text": "爱护公共环境"}, {"no": 2, "text": "邻里和睦，互帮互助"}]})
    assert status == 201, draft
    rules = f"/api/v1/village/rules/{draft['rules_id']}"
    status, adopted = cadre.request("POST", rules + "/adopt", {"meeting": {
        "meeting_kind": "villagers_meeting", "held_on": today(), "attendees": 4, "households_represented": 4,
        "votes_for": 4, "votes_against": 0, "minutes": "居民会议逐条表决"}})
    assert status == 200 and adopted["status"] == "adopted", adopted
    status, early = cadre.request("POST", rules + "/publish", {})
    assert status == 409 and early["code"] == "village_rules.not_filed" and "须经乡镇备案" in early["message"]
    assert cadre.request("POST", rules + "/submit", {})[0] == 200
    assert cadre.request("POST", rules + "/review", {"opinion": "同意"})[0] == 403  # the village cannot file its own
    assert other.request("POST", rules + "/review", {"opinion": "同意"})[0] == 404   # another township's
    assert clerk.request("POST", rules + "/review", {})[1]["field"] == "opinion"
    assert clerk.request("POST", rules + "/review", {"opinion": "内容合法，同意备案"})[0] == 200
    assert Client(county["root"].base.rsplit(":", 1)[1]).request(
        "GET", f"/api/v1/public/village/{VILLAGE}")[1]["rules"] == []
    assert clerk.request("POST", rules + "/file", {"filing_number": "葛城备〔2026〕1号"})[0] == 200
    status, published = cadre.request("POST", rules + "/publish", {})
    assert status == 200 and published["status"] == "published"
    status, page = Client(county["root"].base.rsplit(":", 1)[1]).request("GET", f"/api/v1/public/village/{VILLAGE}")
    assert status == 200 and [(r["title"], r["published_on"]) for r in page["rules"]] == [("平岗社区居民公约", today())]
    assert cadre.request("POST", rules + "/approve", {})[0] == 404


def test_village_staff_see_their_village_only_and_township_staff_their_township(county):
    matter_id = new_matter(county["cun.ganbu"], "饮水管网改造")
    other = county["other.cun"]
    assert other.request("GET", f"/api/v1/village/matters/{matter_id}")[0] == 404
    assert other.request("GET", f"/api/v1/village/matters?area_code={VILLAGE}")[0] == 404
    assert other.request("GET", "/api/v1/village/matters")[1]["total"] == 0
    assert step(other, matter_id, "propose")[0] == 404
    assert county["xiang.beian"].request("GET", f"/api/v1/village/matters/{matter_id}")[0] == 200
    assert county["other.xiang"].request("GET", f"/api/v1/village/matters/{matter_id}")[0] == 404
    leader = county["li.lingdao"]
    assert leader.request("GET", f"/api/v1/village/matters/{matter_id}")[0] == 200
    assert step(leader, matter_id, "propose")[0] == 403
    assert county["qian.tiaojie"].request("GET", "/api/v1/village/matters")[0] == 403
    status, figures = county["xiang.beian"].request("GET", f"/api/v1/village/figures?area_code={TOWN}")
    assert status == 200 and [r["area_code"] for r in figures["by_area"]] == [VILLAGE]


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(county):
    cadre = county["cun.ganbu"]
    before = database("village").matters.count_documents({})
    cases = [("POST", "/api/v1/village/matters", {"village_code": VILLAGE, "kind": "project", "title": "路",
                                                  "description": "硬化村道"}, "title"),
             ("POST", "/api/v1/village/matters", {"village_code": "500229", "kind": "project", "title": "村道硬化",
                                                  "description": "硬化村道"}, "village_code"),
             ("POST", "/api/v1/village/matters", {"village_code": VILLAGE, "kind": "casino", "title": "村道硬化",
                                                  "description": "硬化村道"}, "kind"),
             ("POST", "/api/v1/village/councils", {"village_code": VILLAGE, "kind": "ethics_council",
                                                   "term_start": "2024-01-01", "term_end": "2030-01-01",
                                                   "members": []}, "term_end"),
             ("POST", "/api/v1/village/sessions", {"village_code": VILLAGE, "kind": "villagers_talk",
                                                   "held_on": today(), "place": "院坝", "topic": "环境",
                                                   "participants": 5, "matters": [{"summary": "垃圾无人清运",
                                                                                   "topic": "weather"}]},
              "matters.0.topic")]
    for method, path, body, field in cases:
        status, refused = cadre.request(method, path, body)
        assert status == 400 and refused["field"] == field, (path, refused)
    status, refused = cadre.request("POST", "/api/v1/village/matters", raw=b"{not json",
                                    headers={"Content-Type": "application/json"})
    assert status == 400 and refused["code"] == "request.bad_json"
    assert database("village").matters.count_documents({}) == before
    matter_id = new_matter(cadre, "产业路建设")
    status, refused = step(cadre, matter_id, "propose", present=5, votes_for=4, votes_against=2)
    assert status == 400 and refused["field"] == "votes_for"
    status, refused = step(cadre, matter_id, "propose", held_on="2099-01-01")
    assert status == 400 and refused["field"] == "held_on"
    matter = database("village").matters.find_one({"_id": matter_id})
    assert matter["steps"] == [] and matter["status"] == "registered" and matter["revision"] == 0


def test_the_residents_page_shows_a_village_s_publications_with_their_dates(county):
    cadre = county["cun.ganbu"]
    matter_id = new_matter(cadre, "光伏电站收益使用")
    for name in ("propose", "consult", "review"):
        assert step(cadre, matter_id, name)[0] == 200
    assert step(cadre, matter_id, "resolve", meeting_kind="villagers_meeting", expected=None, present=4,
                households_represented=4, votes_for=4, votes_against=0)[0] == 200
    public = Client(county["root"].base.rsplit(":", 1)[1])
    shown = lambda: next((m for m in public.request("GET", f"/api/v1/public/village/{VILLAGE}")[1]["matters"]  # noqa
                          if m["matter_id"] == matter_id), None)
    assert shown() is None  # resolved, not yet made public
    for name, text in (("publish_resolution", "决议：收益用于公益岗位"), ("publish_result", "已发放公益岗位补贴")):
        status, body = cadre.request("POST", f"/api/v1/village/matters/{matter_id}/steps/{name}",
                                     {"held_on": today(), "channel": "notice_board", "content": text})
        assert status == 200, body
    assert [(p["label"], p["published_on"], p["content"]) for p in shown()["publications"]] == [
        ("决议公开", today(), "决议：收益用于公益岗位"), ("实施结果公开", today(), "已发放公益岗位补贴")]
    assert public.request("GET", "/api/v1/public/village/500229009009")[0] == 404
    status, script = public.request("GET", "/public/village.js")
    assert status == 200 and "村务公开" in str(script)
