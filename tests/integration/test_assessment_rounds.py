"""线上考核 and 评选 on the real broker and store: a scheme over the limit is refused; a quarter's round scores each
township from the scorecard (every point explained) and by hand with evidence; a township sees only its own
result and appeals a point within the notice; the county's decision changes the point and the ranking, and the
round is published only once the notice has passed with no appeal pending. A selection goes from nominations
through the county's review (the nominee's assessment beside it) and a notice with an objection to its award."""
from datetime import timedelta

import pytest

from services.assessment.service import AssessmentService
from services.grid.service import GridService
from services.petitions.service import PetitionsService
from shared import clock
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

TOWN1, TOWN2, V11 = "500229001", "500229002", "500229001001"
TOWN1_STAFF = {"scope": [TOWN1], "actor": {"id": "acct-gecheng", "role": "township_staff"}, "actor_name": "葛城张"}
YEAR = clock.today().year
# The quarter before this one: already over, so it may be assessed.
LAST_QUARTER = (clock.today().month - 1) // 3 or 4
QUARTER_YEAR = YEAR if LAST_QUARTER != 4 else YEAR - 1
PERIOD = f"{QUARTER_YEAR}-Q{LAST_QUARTER}"
IN_QUARTER = f"{QUARTER_YEAR}-{3 * LAST_QUARTER - 1:02d}-10"
INDICATORS = [
    {"code": "online_share", "label": "网上信访占比", "weight": 40, "source": "target", "target": "online_share"},
    {"code": "public_opinion", "label": "群众安全感等测评", "weight": 30, "source": "target", "target": "public_opinion"},
    {"code": "peace_work", "label": "平安建设工作", "weight": 30, "source": "manual",
     "guidance": "按平安建设工作台账和现场检查评分"},
]
SCHEME = {"year": QUARTER_YEAR, "title": "乡镇（街道）平安建设线上考核", "level": "township", "frequency": "quarterly",
          "notice_days": 5, "indicators": INDICATORS}


def petition(village: str, channel: str) -> dict:
    return {"channel": channel, "area_code": village, "category": "rural_affairs", "matter": "反映村道损坏",
            "petitioners": [{"name": "冉光明", "phone": "17100002468"}], "received_on": IN_QUARTER}


@pytest.fixture(scope="module")
def county(module_gateway_port):
    with running(GridService, PetitionsService, AssessmentService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1))
        for village, channel in ((V11, "online"), (V11, "letter"), ("500229002001", "online"),
                                 ("500229002001", "online")):
            proxy.petitions.register_petition(petition(village, channel))
        for indicator in ("sense_of_security", "team_satisfaction", "judicial_credibility"):
            proxy.assessment.record_survey_figure({"year": QUARTER_YEAR, "area_code": "500229", "indicator": indicator,
                                                   "value": 95.0, "city_average": 92.0})
        db = database("assessment")
        wait_until(lambda: db.petitions.count_documents({}) == 4 and db.areas.count_documents({}) >= 5,
                   timeout=60, what="the read model")
        yield proxy


def events(event_type: str) -> list[dict]:
    return [e["envelope"]["data"] for e in database("assessment").outbox.find({"event_type": event_type})]


@pytest.mark.parametrize("change, message", [
    ({"indicators": INDICATORS * 5}, "不超过12项"),
    ({"indicators": [{**i, "weight": 20} for i in INDICATORS]}, "合计应为100"),
    ({"indicators": [{"code": f"m{n}", "label": f"手工项{n}", "weight": 20, "source": "manual", "guidance": "细则"}
                     for n in range(5)]}, "手工评分指标不超过4项"),
    ({"indicators": [{**INDICATORS[0], "weight": 100, "target": "happiness"}]}, "记分卡的指标代码"),
])
def test_a_scheme_over_the_limit_or_badly_weighted_is_refused(county, change, message):
    with pytest.raises(ValidationFailed) as refused:
        county.assessment.save_scheme({**SCHEME, **change})
    assert message in refused.value.message and refused.value.field.startswith("indicators")
    assert county.assessment.list_schemes()["items"] == []


def test_a_round_is_scored_explained_appealed_decided_and_published(county):
    scheme = county.assessment.save_scheme(SCHEME)
    with pytest.raises(Conflict):
        county.assessment.start_round({"scheme_id": scheme["scheme_id"], "period": PERIOD})  # still a draft
    county.assessment.activate_scheme(scheme["scheme_id"])
    with pytest.raises(ValidationFailed) as wrong_period:
        county.assessment.start_round({"scheme_id": scheme["scheme_id"], "period": f"{QUARTER_YEAR}-07"})
    assert wrong_period.value.field == "period"
    found = county.assessment.start_round({"scheme_id": scheme["scheme_id"], "period": PERIOD})
    assert county.assessment.start_round({"scheme_id": scheme["scheme_id"], "period": PERIOD})["round_id"] == \
        found["round_id"], "starting the same period again gives the same round"
    round_id = found["round_id"]
    town1 = next(r for r in found["results"] if r["area_code"] == TOWN1)
    online = next(p for p in town1["points"] if p["indicator"] == "online_share")
    assert online["points"] == round(40 * 0.5 / 0.6, 2) and "50.0%（1 ÷ 2，目标 60%）" in online["basis"]
    assert next(p for p in town1["points"] if p["indicator"] == "public_opinion")["points"] == 30
    assert town1["total"] is None  # the manual point is still open
    with pytest.raises(Conflict) as unscored:
        county.assessment.start_round_notice(round_id, {})
    assert unscored.value.code == "round.unscored"

    with pytest.raises(ValidationFailed) as too_many:
        county.assessment.score_manual(round_id, {"area_code": TOWN1, "indicator": "peace_work", "points": 31,
                                                  "evidence": ["台账"]})
    assert too_many.value.field == "points"
    for code, points in ((TOWN1, 25), (TOWN2, 28)):
        county.assessment.score_manual(round_id, {"area_code": code, "indicator": "peace_work", "points": points,
                                                  "evidence": ["平安建设台账2026", "现场检查记录"], "note": "台账齐全"})
    noticed = (clock.today() - timedelta(days=10)).isoformat()
    county.assessment.start_round_notice(round_id, {"noticed_on": noticed})

    with rpc(TOWN1_STAFF) as town:
        own = town.assessment.get_round(round_id)
        assert [r["area_code"] for r in own["results"]] == [TOWN1], "a township sees only its own result"
        assert own["results"][0]["total"] == round(40 * 0.5 / 0.6 + 30 + 25, 2)
        with pytest.raises(ValidationFailed) as late:
            town.assessment.appeal(round_id, {"area_code": TOWN1, "indicator": "peace_work", "reason": "台账已补齐未计分",
                                              "evidence": ["补充台账"]})
        assert late.value.field == "filed_on"  # today is after the notice
        with pytest.raises(NotFound):
            town.assessment.appeal(round_id, {"area_code": TOWN2, "indicator": "peace_work", "reason": "替别人申诉看看",
                                              "evidence": ["无"], "filed_on": noticed})
        with pytest.raises(Forbidden):
            town.assessment.publish_round(round_id)
        appeal = town.assessment.appeal(round_id, {
            "area_code": TOWN1, "indicator": "peace_work", "reason": "9月补齐的平安建设台账未计入评分",
            "evidence": ["平安建设台账（9月补充）"], "filed_on": (clock.today() - timedelta(days=7)).isoformat()})
    with pytest.raises(Conflict) as pending:
        county.assessment.publish_round(round_id)
    assert pending.value.code == "round.appeals_pending"
    decided = county.assessment.decide_appeal(appeal["appeal_id"], {"decision": "upheld", "points": 29.5,
                                                                     "note": "经核实台账齐全"})
    assert (decided["status"], decided["points_before"], decided["points_after"]) == ("upheld", 25, 29.5)
    with pytest.raises(Conflict):
        county.assessment.decide_appeal(appeal["appeal_id"], {"decision": "rejected", "note": "再裁一次"})
    assert [(e["points_before"], e["points_after"]) for e in events("assessment.appeal.decided")] == [(25, 29.5)]

    published = county.assessment.publish_round(round_id)
    assert published["status"] == "published"
    totals = {r["area_code"]: (r["total"], r["rank"]) for r in published["results"]}
    assert totals == {TOWN2: (98.0, 1), TOWN1: (round(40 * 0.5 / 0.6 + 30 + 29.5, 2), 2)}
    peace = next(p for p in published["results"][1]["points"] if p["indicator"] == "peace_work")
    assert peace["appealed"] is True and "申诉成立，改定为 29.5 分" in peace["basis"]
    (event,) = events("assessment.round.published")
    assert [(r["area_code"], r["rank"]) for r in event["results"]] == [(TOWN2, 1), (TOWN1, 2)]
    with pytest.raises(Conflict):
        county.assessment.publish_round(round_id)
    assert [h["action"] for h in published["history"]] == ["start", "score", "score", "notice", "appeal_upheld",
                                                           "publish"]


def test_a_selection_is_nominated_reviewed_noticed_objected_to_and_awarded(county):
    villages = county.assessment.save_selection({"year": YEAR, "kind": "advanced_village",
                                                 "title": f"{YEAR}年度社会治理先进村（社区）"})
    with rpc(TOWN1_STAFF) as town:
        with pytest.raises(ValidationFailed) as not_a_village:
            town.assessment.nominate(villages["selection_id"], {"area_code": TOWN1, "nominee": "葛城街道",
                                                                 "material": "矛盾纠纷化解率连续三年达标，无重大案事件。"})
        assert not_a_village.value.field == "area_code"
        nominated = town.assessment.nominate(villages["selection_id"], {
            "area_code": V11, "nominee": "平岗社区", "material": "矛盾纠纷化解率连续三年达标，无重大案事件。"})
    reviewed = county.assessment.get_selection(villages["selection_id"])["nominations"][0]
    assert reviewed["assessment"]["total"] is not None, "the reviewers see the area's published assessment"
    county.assessment.decide_nomination(nominated["nomination_id"], {"decision": "shortlisted", "note": "材料属实"})
    county.assessment.start_selection_notice(villages["selection_id"], {
        "noticed_on": (clock.today() - timedelta(days=3)).isoformat()})
    objected = county.assessment.object_to_nomination(nominated["nomination_id"], {"reason": "该社区今年发生一起群体性事件"})
    with pytest.raises(Conflict) as early:
        county.assessment.award_selection(villages["selection_id"])
    assert early.value.code == "selection.in_notice"
    county.assessment.decide_objection(nominated["nomination_id"], objected["objections"][0]["objection_id"],
                                       {"upheld": False, "note": "经核实系邻村事件"})

    workers = county.assessment.save_selection({"year": YEAR, "kind": "excellent_worker",
                                                "title": f"{YEAR}年度优秀基层治理工作者"})
    worker = county.assessment.nominate(workers["selection_id"], {
        "area_code": V11, "nominee": "向网格员", "material": "全年走访农户1200户次，化解矛盾纠纷36件。"})
    county.assessment.decide_nomination(worker["nomination_id"], {"decision": "shortlisted", "note": "事迹突出"})
    county.assessment.start_selection_notice(workers["selection_id"], {
        "noticed_on": (clock.today() - timedelta(days=8)).isoformat()})
    awarded = county.assessment.award_selection(workers["selection_id"])
    assert awarded["status"] == "awarded" and awarded["nominations"][0]["status"] == "awarded"
    assert [(e["kind"], e["area_code"]) for e in events("assessment.selection.awarded")] == [
        ("excellent_worker", V11)]
    assert "向网格员" not in str(events("assessment.selection.awarded")), "an event names no person"
