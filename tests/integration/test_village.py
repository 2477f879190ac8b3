"""Village self-governance on the real broker and store, with the grid, mediation and credit services beside it
(one running suite for the module, its own vhost and databases):

- a 红白理事会's report of a simple wedding, checked afterwards, is exactly one points award in the passbook after
  the credit service's usual approval and notice, even when its event is delivered twice and re-published;
- a 四议两公开 matter goes through its six steps in order; the resolution is counted against the village's adults
  and households as the grid has them, a meeting short of quorum is refused and kept in the history; both
  publications show on the village's residents' page; a matter left at one step is flagged once;
- a rules version is adopted, filed and only then published; a good deed under a linked clause waits in credit's
  approval; the ethics council's review is recorded on the claim;
- matters raised at a session become one grid case or one dispute, and their outcomes come back to the session;
- a month's figures go out once per village and township."""
import uuid
from datetime import timedelta

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from services.credit.service import CreditService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.village.service import VillageService
from shared import clock, config
from shared.errors import Conflict, ValidationFailed
from tests import factories
from tests.e2e.test_mediation_http import AGREEMENT, SESSION
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

TOWN, VILLAGE, OTHER_VILLAGE = "500229001", "500229001001", "500229001002"
GRID, MICRO = "500229001001001", "500229001001001001"
SECOND = {"scope": ["500229"], "actor": {"id": "approver-2", "role": "township_staff"}, "actor_name": "王复核"}
TODAY = clock.today()
RULES = [
    {"code": "SIMPLE_WEDDING", "name": "婚事新办", "category": "customs", "points": 20,
     "trigger": "village.family_event_report.checked",
     "conditions": [{"field": "simple", "op": "==", "value": True}, {"field": "kind", "op": "==", "value": "wedding"}]},
    {"code": "COMPACT_GOOD", "name": "践行居民公约善行", "category": "volunteer", "points": 5,
     "trigger": "village.conduct.recorded"},
    {"code": "COMPACT_BREACH", "name": "违反居民公约", "category": "violation", "points": -5,
     "trigger": "village.conduct.recorded"},
]
STEP = {"held_on": TODAY.isoformat(), "expected": 7, "present": 6, "votes_for": 5, "votes_against": 1,
        "minutes": "会议讨论村道硬化项目的实施方案"}


def publish(envelope: dict) -> None:
    source, routing_key = envelope["event_type"].split(".", 1)
    Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish(
        envelope, exchange=get_event_exchange(source, {}), routing_key=routing_key,
        message_id=envelope["event_id"], type=envelope["event_type"])


@pytest.fixture(scope="module")
def suite(module_gateway_port):
    with running(GridService, MediationService, CreditService, VillageService), rpc(COUNTY_SCOPE) as proxy:
        areas = factories.chengkou_areas(townships=1, villages=2, grids=1, micro_grids=1)
        proxy.grid.upsert_areas(areas)
        kept = sum(1 for a in areas if a["kind"] != "micro_grid")
        wait_until(lambda: database("village").areas.count_documents({}) == kept,
                   what=lambda: sorted((a["_id"], a["kind"]) for a in database("village").areas.find()))
        for rule in RULES:
            proxy.credit.save_rule(rule)
        households = [proxy.grid.register_household(factories.household(MICRO, 3)) for _ in range(6)]
        wait_until(lambda: database("credit").passbooks.count_documents({}) == 6, what="passbooks opened")
        proxy.households = [h["household_id"] for h in households]
        proxy.residents = [r["resident_id"] for h in households for r in h["residents"]]
        yield proxy


def council(suite, kind: str, **extra) -> dict:
    members = [{"resident_id": r, "role": "chair" if i == 0 else "member"} for i, r in enumerate(suite.residents[:3])]
    return suite.village.save_council({"village_code": VILLAGE, "kind": kind, "term_start": "2024-01-01",
                                       "term_end": "2028-12-31", "members": members, **extra})


def test_a_simple_wedding_awards_once_after_the_credit_service_s_approval_even_when_delivered_twice(suite):
    household_id = suite.households[0]
    board = council(suite, "wedding_funeral_council", max_tables=15)
    report = suite.village.report_family_event(board["council_id"], {
        "household_id": household_id, "kind": "wedding", "event_date": TODAY.isoformat(), "planned_tables": 10,
        "planned_guests": 120, "simple_declared": True})
    checked = suite.village.act_on_family_event(report["report_id"], {
        "action": "check", "checked_on": TODAY.isoformat(), "actual_tables": 9, "actual_guests": 110, "simple": True,
        "findings": "九桌，未大操大办"})
    assert checked["status"] == "checked" and checked["check"]["simple"] is True
    awards = database("credit").awards
    key = f"village.family_event_report.checked:{report['report_id']}:SIMPLE_WEDDING:{household_id}"
    first = wait_until(lambda: awards.find_one({"source_key": key}), what="the award waiting for approval")
    assert first["status"] == "submitted" and first["rule"]["points"] == 20

    envelope = database("village").outbox.find_one({"event_type": "village.family_event_report.checked",
                                                    "envelope.data.report_id": report["report_id"]})["envelope"]
    assert household_id in str(envelope) and "九桌" not in str(envelope)
    for copy in (envelope, envelope, {**envelope, "event_id": str(uuid.uuid4())}):
        publish(copy)
    inbox = database("credit").inbox
    wait_until(lambda: inbox.count_documents({"handler": "credit.submit_for_checked_family_event"}) == 2,
               what="both distinct events handled")
    assert awards.count_documents({"household_id": household_id}) == 1

    with rpc(SECOND) as second:
        second.credit.act_on_award(first["_id"], {"action": "approve"})
    suite.credit.post_due((TODAY + timedelta(days=30)).isoformat())
    entries = list(database("credit").ledger.find({"passbook_id": household_id}))
    assert [(e["rule_code"], e["delta"], e["kind"]) for e in entries] == [("SIMPLE_WEDDING", 20, "award")]
    assert suite.credit.get_passbook(household_id)["balance"] == 20
    assert database("credit").dead_letters.count_documents({}) == 0


def test_a_wedding_checked_as_not_simple_awards_nothing_and_more_tables_than_the_standard_cannot_be_simple(suite):
    board = council(suite, "wedding_funeral_council", max_tables=15)
    report = suite.village.report_family_event(board["council_id"], {
        "household_id": suite.households[1], "kind": "wedding", "event_date": TODAY.isoformat(),
        "planned_tables": 30, "planned_guests": 300, "simple_declared": False})
    with pytest.raises(ValidationFailed) as refused:
        suite.village.act_on_family_event(report["report_id"], {
            "action": "check", "checked_on": TODAY.isoformat(), "actual_tables": 28, "actual_guests": 300,
            "simple": True, "findings": "酒席二十八桌"})
    assert refused.value.field == "simple" and "15桌" in refused.value.message
    suite.village.act_on_family_event(report["report_id"], {
        "action": "check", "checked_on": TODAY.isoformat(), "actual_tables": 28, "actual_guests": 300,
        "simple": False, "findings": "酒席二十八桌"})
    event_id = database("village").outbox.find_one({"event_type": "village.family_event_report.checked",
                                                    "envelope.data.report_id": report["report_id"]})["_id"]
    wait_until(lambda: database("credit").inbox.find_one({"handler": "credit.submit_for_checked_family_event",
                                                          "event_id": event_id}), what="the check handled by credit")
    assert database("credit").awards.count_documents({"household_id": suite.households[1]}) == 0


def advance(suite, matter_id: str, steps) -> dict:
    matter = None
    for step in steps:
        matter = suite.village.record_matter_step(matter_id, step, STEP)
    return matter


def test_a_matter_goes_through_six_steps_with_the_resolution_counted_against_the_grid_s_numbers(suite):
    matter = suite.village.register_matter({"village_code": VILLAGE, "kind": "project", "title": "村道硬化工程",
                                            "description": "硬化三组至五组村道2.3公里", "amount_yuan": 460000})
    with pytest.raises(ValidationFailed) as skipped:
        suite.village.record_matter_step(matter["matter_id"], "resolve", STEP)
    assert skipped.value.code == "village_matter.step_skipped" and "村党组织提议" in skipped.value.message
    advance(suite, matter["matter_id"], ["propose", "consult", "review"])

    counted = suite.grid.count_population(VILLAGE)
    assert counted["households"] == 6 and 0 < counted["adults"] <= counted["residents"] == 18
    short = counted["adults"] // 2  # exactly half (or less) of the adults is not a quorum
    meeting = {"held_on": TODAY.isoformat(), "meeting_kind": "villagers_meeting", "present": short,
               "votes_for": short, "votes_against": 0, "minutes": "村民会议表决村道硬化工程"}
    with pytest.raises(ValidationFailed) as refused:
        suite.village.record_matter_step(matter["matter_id"], "resolve", meeting)
    assert refused.value.code == "village_matter.quorum" and f"本村{counted['adults']}人" in refused.value.message
    kept = suite.village.get_matter(matter["matter_id"])
    assert kept["status"] == "reviewed" and kept["refused_meetings"][0]["reason"] == "quorum"
    assert database("village").outbox.count_documents({"event_type": "village.village_matter.resolution_refused"}) == 1

    # Four of the six households represented is two thirds: the meeting stands by households.
    resolved = suite.village.record_matter_step(matter["matter_id"], "resolve", {
        **meeting, "present": 4, "votes_for": 3, "households_represented": 4})
    assert resolved["status"] == "resolved" and resolved["steps"][-1]["basis"]["households"] == 6
    for step, text in (("publish_resolution", "决议：实施村道硬化工程，投资46万元"),
                       ("publish_result", "工程已完工并通过验收")):
        done = suite.village.record_matter_step(matter["matter_id"], step, {
            "held_on": TODAY.isoformat(), "channel": "notice_board", "content": text})
    assert done["status"] == "completed" and [s["step_no"] for s in done["steps"]] == [1, 2, 3, 4, 5, 6]
    page = suite.village.public_village(VILLAGE)
    shown = next(m for m in page["matters"] if m["matter_id"] == matter["matter_id"])
    assert [(p["label"], p["published_on"]) for p in shown["publications"]] == [
        ("决议公开", TODAY.isoformat()), ("实施结果公开", TODAY.isoformat())]
    events = [e["envelope"]["data"] for e in database("village").outbox.find(
        {"event_type": "village.village_matter.step_recorded", "envelope.data.matter_id": matter["matter_id"]})]
    assert [e["step"] for e in events] == ["propose", "consult", "review", "resolve", "publish_resolution",
                                           "publish_result"] and events[-1]["completed"] is True


def test_a_matter_left_at_one_step_is_flagged_to_the_township_once(suite):
    matter = suite.village.register_matter({"village_code": VILLAGE, "kind": "collective_funds",
                                            "title": "集体经济收益分配", "description": "2026年集体经济收益分配方案"})
    advance(suite, matter["matter_id"], ["propose"])
    assert matter["matter_id"] not in suite.village.sweep_overdue_matters((TODAY + timedelta(days=30)).isoformat())[
        "flagged"]
    later = (TODAY + timedelta(days=31)).isoformat()
    assert matter["matter_id"] in suite.village.sweep_overdue_matters(later)["flagged"]
    assert matter["matter_id"] not in suite.village.sweep_overdue_matters(later)["flagged"]
    flags = list(database("village").outbox.find({"event_type": "village.village_matter.step_overdue",
                                                  "envelope.data.matter_id": matter["matter_id"]}))
    assert len(flags) == 1 and flags[0]["envelope"]["data"]["waiting_for"] == "consult"
    assert flags[0]["envelope"]["area_code"] == VILLAGE


def test_rules_are_adopted_filed_and_only_then_published_and_a_good_deed_waits_in_credit_s_approval(suite):
    draft = suite.village.create_rules_version({
        "area_code": VILLAGE, "kind": "residents_compact", "title": "平岗社区居民公约",
        "clauses": [{"no": 1, "text": "爱护公共环境，垃圾分类投放"},
                    {"no": 2, "text": "邻里互助，关爱孤寡老人", "conduct": "good_deed", "points_rule_code": "COMPACT_GOOD"},
                    {"no": 3, "text": "不乱搭乱建、不占道经营", "conduct": "breach", "points_rule_code": "COMPACT_BREACH"}]})
    with pytest.raises(ValidationFailed) as unknown:
        suite.village.create_rules_version({"area_code": OTHER_VILLAGE, "kind": "residents_compact",
                                            "title": "另一社区居民公约", "clauses": [
                                                {"no": 1, "text": "遵守公约", "conduct": "good_deed",
                                                 "points_rule_code": "SIMPLE_WEDDING"}]})
    assert unknown.value.field == "clauses.0.points_rule_code"
    rules_id = draft["rules_id"]
    counted = suite.grid.count_population(VILLAGE)
    adopted = suite.village.act_on_rules(rules_id, {"action": "adopt", "meeting": {
        "meeting_kind": "villagers_meeting", "held_on": TODAY.isoformat(), "attendees": counted["adults"],
        "votes_for": counted["adults"], "votes_against": 0, "minutes": "居民会议逐条表决通过"}})
    assert adopted["status"] == "adopted"
    with pytest.raises(Conflict) as early:
        suite.village.act_on_rules(rules_id, {"action": "publish"})
    assert early.value.code == "village_rules.not_filed"
    assert suite.village.public_village(VILLAGE)["rules"] == []
    for action, extra in (("submit", {}), ("review", {"opinion": "内容合法，同意备案"}),
                          ("file", {"filing_number": "葛城备〔2026〕3号"}), ("publish", {})):
        version = suite.village.act_on_rules(rules_id, {"action": action, **extra})
    assert version["status"] == "published" and version["filing"]["filing_number"] == "葛城备〔2026〕3号"
    assert [r["title"] for r in suite.village.public_village(VILLAGE)["rules"]] == ["平岗社区居民公约"]

    household_id = suite.households[2]
    conduct = suite.village.record_conduct(rules_id, {"clause_no": 2, "household_id": household_id,
                                                      "occurred_on": TODAY.isoformat(), "note": "照顾独居老人一月有余"})
    assert conduct["points_rule_code"] == "COMPACT_GOOD"
    award = wait_until(lambda: database("credit").awards.find_one({"household_id": household_id}),
                       what="the good deed's award waiting for approval")
    assert (award["status"], award["rule"]["code"]) == ("submitted", "COMPACT_GOOD")

    ethics = council(suite, "ethics_council")
    review = suite.village.review_points_claim(ethics["council_id"], {
        "award_id": award["_id"], "opinion": "support", "held_on": TODAY.isoformat(), "note": "经评议属实"})
    with pytest.raises(Conflict):
        suite.village.review_points_claim(ethics["council_id"], {
            "award_id": award["_id"], "opinion": "support", "held_on": TODAY.isoformat(), "note": "经评议属实"})
    seen = wait_until(lambda: suite.credit.get_award(award["_id"])["council_reviews"], what="the review on the claim")
    assert seen[0]["opinion_label"] == "同意" and review["opinion"] == "support"
    assert "道德评议会评议：同意" in [h["note"] for h in suite.credit.get_award(award["_id"])["history"]]


def test_matters_raised_at_a_session_become_one_case_and_one_dispute_and_their_outcomes_come_back(suite):
    parties = suite.residents[3:5]
    session = suite.village.record_session({
        "village_code": VILLAGE, "kind": "villagers_talk", "held_on": TODAY.isoformat(), "place": "社区院坝",
        "topic": "环境与邻里", "participants": 35, "participant_ids": suite.residents[:2], "matters": [
            {"summary": "三组垃圾收集点长期满溢无人清运", "topic": "environment", "grid_code": GRID},
            {"summary": "两户因屋檐排水方向发生争执", "topic": "neighbour", "party_resident_ids": parties},
            {"summary": "询问医保缴费时间", "topic": "public_service"}]})
    sid = session["session_id"]
    litter, quarrel, question = (m["matter_id"] for m in session["matters"])
    settled = suite.village.act_on_session_matter(sid, question, {"action": "settle", "note": "当场答复缴费时间"})
    assert settled["matters_resolved"] == 1

    sent = suite.village.act_on_session_matter(sid, litter, {"action": "refer_to_grid",
                                                             "item_code": "environment.sanitation"})
    case_id = sent["matters"][0]["case_id"]
    case = suite.grid.get_case(case_id)
    assert case["status"] == "reported"
    with pytest.raises(Conflict):  # a second referral of the same matter is refused by the table
        suite.village.act_on_session_matter(sid, litter, {"action": "refer_to_grid",
                                                          "item_code": "environment.sanitation"})
    handler = {"kind": "department", "id": "乡镇农业服务中心", "name": "乡镇农业服务中心"}
    for action, fields in (("dispatch", {"assignee": handler}), ("handle", {"feedback": "已清运并增设垃圾桶"}),
                           ("close", {})):
        suite.grid.act_on_case(case_id, {"action": action, **fields})

    suite.village.act_on_session_matter(sid, quarrel, {"action": "refer_to_mediation"})
    disputes = database("mediation").disputes
    dispute = wait_until(lambda: disputes.find_one({"source": "village_session", "source_ref": quarrel}),
                         what="the dispute opened from the session")
    assert dispute["category"] == "neighbour" and [p["resident_id"] for p in dispute["parties"]] == parties
    envelope = database("village").outbox.find_one({"event_type": "village.session_matter.referred_to_mediation"})
    publish({**envelope["envelope"], "event_id": str(uuid.uuid4())})  # the same matter again: still one dispute
    suite.mediation.save_committee({"committee_id": "MC-VS", "name": "社区人民调解委员会", "level": "village",
                                    "area_code": VILLAGE})
    suite.mediation.save_mediator({"mediator_id": "M-001", "name": "李调解", "employment": "part_time",
                                   "committee_ids": ["MC-VS"]})
    for action, fields in [("accept", {"committee_id": "MC-VS", "mediator_ids": ["M-001"]}),
                           ("hold_session", {"session": SESSION}), ("sign_agreement", {"agreement": AGREEMENT})]:
        suite.mediation.act_on_dispute(dispute["_id"], {"action": action, **fields})

    def outcomes():
        found = suite.village.get_session(sid)["matters"]
        return [m["status"] for m in found] == ["resolved", "resolved", "settled"] and found
    shown = wait_until(outcomes, what=lambda: suite.village.get_session(sid)["matters"])
    assert shown[1]["dispute_id"] == dispute["_id"] and disputes.count_documents({"source_ref": quarrel}) == 1
    concluded = [e["envelope"]["data"] for e in database("village").outbox.find(
        {"event_type": "village.session_matter.concluded", "envelope.data.session_id": sid})]
    assert sorted((c["by"], c["outcome"]) for c in concluded) == [("grid", "resolved"), ("mediation", "resolved"),
                                                                   ("session", "settled")]


def test_a_month_s_figures_go_out_once_for_each_village_and_township(suite):
    before = suite.village.figures(TOWN)
    board = council(suite, "drug_gambling_council")  # a kind no other test sets up
    suite.village.record_council_meeting(board["council_id"], {
        "held_on": TODAY.isoformat(), "topic": "禁毒禁赌宣传", "attendees": 3, "minutes": "议定入户宣传分工"})
    suite.village.record_session({"village_code": VILLAGE, "kind": "public_consultation", "held_on": TODAY.isoformat(),
                                  "place": "村委会", "topic": "民情恳谈", "participants": 12})
    figures = suite.village.figures(TOWN)
    assert (figures["councils"], figures["councils_active"], figures["sessions_held"]) == (
        before["councils"] + 1, before["councils_active"] + 1, before["sessions_held"] + 1)
    assert {row["area_code"] for row in figures["by_area"]} == {VILLAGE, OTHER_VILLAGE}
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert suite.village.close_period(last_month)["sent"] == 3  # two villages and their township
    assert suite.village.close_period(last_month)["sent"] == 0
    with pytest.raises(ValidationFailed):
        suite.village.close_period(TODAY.strftime("%Y-%m"))
    sent = [e["envelope"]["data"] for e in database("village").outbox.find(
        {"event_type": "village.figures.period_closed"})]
    assert sorted(d["area_code"] for d in sent) == [TOWN, VILLAGE, OTHER_VILLAGE]
    assert {d["period"] for d in sent} == {last_month}
