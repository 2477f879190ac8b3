"""Credit and points on the real broker and store, with the grid and mediation services beside it: a household
registered by the grid opens its passbook and follows it when it moves; a dispute resolved by mediation awards the
household of its registered party; a grid case verified on site, replayed ten times in parallel (and re-emitted
under new event ids), awards exactly once; twenty redemptions racing on a balance that covers five leave five; a
manual award goes evidence → second approval → notice → posted, and an objection stops another; the reconciliation
command passes, and fails once one ledger entry is edited; the debtor list, joint discipline, appeals and expiry.
One running suite is shared by the module (its own vhost and databases)."""
import base64
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from services.credit import reconcile
from services.credit.service import CreditService
from services.grid.service import GridService
from services.mediation.service import MediationService
from shared import clock, config
from shared.errors import Conflict, NotFound, ValidationFailed
from tests import factories
from tests.e2e.test_mediation_http import AGREEMENT, SESSION
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

MICRO, GRID, VILLAGE = "500229001001001001", "500229001001001", "500229001001"
HANDLER = {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}
SECOND = {"scope": ["500229"], "actor": {"id": "approver-2", "role": "township_staff"}, "actor_name": "王复核"}
RULES = [
    {"code": "GRID_HELP", "name": "协助网格事件办理", "category": "grid_affairs", "points": 5,
     "trigger": "grid.case.verified", "conditions": [{"field": "category", "op": "!=", "value": "dispute"}]},
    {"code": "MEDIATION_COOP", "name": "配合调解化解纠纷", "category": "mediation", "points": 8,
     "trigger": "mediation.dispute.resolved", "conditions": [{"field": "level", "op": "in", "value": ["village"]}]},
    {"code": "VOLUNTEER", "name": "参加志愿服务", "category": "volunteer", "points": 10, "cap_points": 100,
     "cap_period": "month"},
    {"code": "LITTER", "name": "乱堆乱放", "category": "violation", "points": -5},
]
EVIDENCE = [{"kind": "photo", "description": "清扫河道现场照片两张", "ref": "IMG-2026-001"},
            {"kind": "witness", "description": "村民小组长见证"}]


def publish(envelope: dict) -> None:
    source, routing_key = envelope["event_type"].split(".", 1)
    Publisher(config.amqp_uri(), use_confirms=True, mandatory=True, serializer="json").publish(
        envelope, exchange=get_event_exchange(source, {}), routing_key=routing_key,
        message_id=envelope["event_id"], type=envelope["event_type"])


@pytest.fixture(scope="module")
def suite(module_gateway_port):
    with running(GridService, MediationService, CreditService), rpc(COUNTY_SCOPE) as proxy:
        for area in factories.chengkou_areas(townships=1, villages=2, grids=1, micro_grids=1):
            proxy.grid.upsert_area(area)
        for rule in RULES:
            proxy.credit.save_rule(rule)
        yield proxy


def with_phones(payload: dict) -> dict:
    """Every member with a registered phone (the made-up households leave some without one)."""
    for n, resident in enumerate(payload["residents"]):
        resident["phone"] = resident["phone"] or f"171{abs(hash(resident['id_number'])) % 10 ** 7:07d}{n}"
    return payload


def new_household(suite) -> tuple[str, dict]:
    """A household registered by the grid, and its passbook opened from the event."""
    payload = with_phones(factories.household(MICRO, 2))
    household = suite.grid.register_household(payload)
    wait_until(lambda: database("credit").passbooks.find_one({"_id": household["household_id"]}),
               what="passbook opened from grid.household.registered")
    return household["household_id"], payload


def give(suite, household_id: str, points: int) -> None:
    """Points straight onto a passbook through the manual path, for the store tests."""
    award = suite.credit.submit_award({"household_id": household_id, "rule_code": "VOLUNTEER",
                                       "reason": "参加志愿服务活动", "occurred_on": clock.today().isoformat(),
                                       "evidence": EVIDENCE})
    with rpc(SECOND) as second:
        second.credit.act_on_award(award["award_id"], {"action": "approve"})
    as_of = (clock.today() + timedelta(days=30)).isoformat()
    suite.credit.post_due(as_of)
    assert suite.credit.get_passbook(household_id)["balance"] >= points


def test_a_registered_household_opens_one_passbook_with_its_holder_masked(suite):
    household_id, payload = new_household(suite)
    passbook = suite.credit.get_passbook(household_id)
    assert (passbook["balance"], passbook["entries"], passbook["village_code"]) == (0, 0, VILLAGE)
    assert passbook["household_number"] == payload["household_number"]
    assert passbook["holder"] == payload["residents"][0]["name"][0] + "*" * (len(payload["residents"][0]["name"]) - 1)
    stored = str(database("credit").passbooks.find_one({"_id": household_id}))
    assert payload["residents"][0]["name"] not in stored and payload["residents"][0]["phone"] not in stored


def test_a_moved_household_takes_its_passbook_to_the_new_village(suite):
    household_id, _ = new_household(suite)
    other_micro = "500229001002001001"
    suite.grid.move_household(household_id, other_micro)
    wait_until(lambda: suite.credit.get_passbook(household_id)["village_code"] == other_micro[:12],
               what="the passbook moved with its household")


def test_a_verified_case_replayed_ten_times_in_parallel_awards_once(suite):
    household_id, _ = new_household(suite)
    resident_id = suite.grid.list_residents(household_id)["items"][0]["resident_id"]
    case = suite.grid.open_case({"grid_code": GRID, "item_code": "safety.fire", "title": "楼道堆放杂物",
                                 "description": "三号楼楼道堆放大量纸箱，堵塞消防通道",
                                 "party_resident_ids": [resident_id]})
    for action, fields in [("report", {}), ("dispatch", {"assignee": HANDLER}), ("handle", {"feedback": "已清理"}),
                           ("verify", {})]:
        case = suite.grid.act_on_case(case["case_id"], {"action": action, **fields})
    ledger = database("credit").ledger
    wait_until(lambda: ledger.count_documents({"passbook_id": household_id}) == 1, what="the first award")
    envelope = database("grid").outbox.find_one({"event_type": "grid.case.verified",
                                                 "envelope.data.case_id": case["case_id"]})["envelope"]
    # The same event ten times at once, and the same verification re-emitted under ten new event ids.
    copies = [envelope] * 10 + [{**envelope, "event_id": str(uuid.uuid4())} for _ in range(10)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(publish, copies))
    inbox = database("credit").inbox
    wait_until(lambda: inbox.count_documents({"handler": "credit.award_for_verified_case"}) == 11,
               what="every distinct event handled")
    entries = list(ledger.find({"passbook_id": household_id}))
    assert len(entries) == 1 and entries[0]["delta"] == 5 and entries[0]["rule_code"] == "GRID_HELP"
    assert entries[0]["source_key"] == f"grid.case.verified:{case['case_id']}:GRID_HELP:{household_id}"
    assert suite.credit.get_passbook(household_id)["balance"] == 5
    assert database("credit").dead_letters.count_documents({}) == 0
    events = list(database("credit").outbox.find({"event_type": "credit.points.awarded",
                                                  "envelope.data.household_id": household_id}))
    assert len(events) == 1 and events[0]["envelope"]["data"]["source_ref"] == case["case_id"]


def test_a_dispute_resolved_by_mediation_awards_the_registered_party_s_household(suite):
    household_id, _ = new_household(suite)
    resident_id = suite.grid.list_residents(household_id)["items"][0]["resident_id"]
    suite.mediation.save_committee({"committee_id": "MC-PG", "name": "平岗社区人民调解委员会", "level": "village",
                                    "area_code": VILLAGE})
    suite.mediation.save_mediator({"mediator_id": "M-001", "name": "李调解", "employment": "part_time",
                                   "committee_ids": ["MC-PG"]})
    dispute = suite.mediation.register_dispute({
        "area_code": VILLAGE, "category": "neighbour", "summary": "两户因屋檐排水方向发生争执",
        "parties": [{"role": "applicant", "resident_id": resident_id}, {"role": "respondent", "name": "外地来客"}]})
    for action, fields in [("accept", {"committee_id": "MC-PG", "mediator_ids": ["M-001"]}),
                           ("hold_session", {"session": SESSION}), ("sign_agreement", {"agreement": AGREEMENT})]:
        dispute = suite.mediation.act_on_dispute(dispute["dispute_id"], {"action": action, **fields})
    assert dispute["status"] == "resolved"
    ledger = database("credit").ledger
    entry = wait_until(lambda: ledger.find_one({"passbook_id": household_id, "rule_code": "MEDIATION_COOP"}),
                       what="the award for the resolved dispute")
    assert entry["delta"] == 8 and entry["source_ref"] == dispute["dispute_id"] and entry["kind"] == "event"


def test_twenty_concurrent_redemptions_on_a_balance_for_five_leave_five(suite):
    household_id, _ = new_household(suite)
    give(suite, household_id, 10)
    balance = suite.credit.get_passbook(household_id)["balance"]
    price = balance // 5
    assert price * 5 == balance
    suite.credit.save_store({"store_id": "ST-RACE", "name": "平岗社区积分超市", "village_code": VILLAGE})
    suite.credit.save_item({"item_id": "IT-SOAP", "name": "洗衣皂", "points": price, "unit": "块"})
    suite.credit.add_stock("ST-RACE", {"item_id": "IT-SOAP", "add": 30})

    def redeem(_):
        with rpc(COUNTY_SCOPE) as caller:
            try:
                return caller.credit.reserve({"household_id": household_id, "store_id": "ST-RACE",
                                              "item_id": "IT-SOAP"})
            except Conflict as exc:
                return exc

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(redeem, range(20)))
    reserved = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(reserved) == 5 and len(refused) == 15
    assert {r.code for r in refused} == {"passbook.insufficient"}
    for redemption in reserved:
        assert suite.credit.fulfil(redemption["redemption_id"])["status"] == "fulfilled"
    assert suite.credit.list_redemptions(store_id="ST-RACE", status="fulfilled")["total"] == 5
    assert suite.credit.stock("ST-RACE")["stock"][0]["quantity"] == 25
    assert suite.credit.get_passbook(household_id)["balance"] == 0
    with pytest.raises(Conflict):
        suite.credit.fulfil(reserved[0]["redemption_id"])

    # A cancelled redemption puts the stock and the points back, by a compensating entry.
    suite.credit.add_stock("ST-RACE", {"item_id": "IT-SOAP", "add": -25})
    give(suite, household_id, price)
    with pytest.raises(Conflict) as empty:  # the shelf is empty now
        suite.credit.reserve({"household_id": household_id, "store_id": "ST-RACE", "item_id": "IT-SOAP"})
    assert empty.value.code == "stock.insufficient"
    suite.credit.add_stock("ST-RACE", {"item_id": "IT-SOAP", "add": 1})
    before = suite.credit.get_passbook(household_id)["balance"]
    held = suite.credit.reserve({"household_id": household_id, "store_id": "ST-RACE", "item_id": "IT-SOAP"})
    cancelled = suite.credit.cancel(held["redemption_id"], "群众不需要了")
    assert cancelled["status"] == "cancelled"
    assert suite.credit.get_passbook(household_id)["balance"] == before
    assert suite.credit.stock("ST-RACE")["stock"][0]["quantity"] == 1
    checked, problems = reconcile.check(database("credit"))
    assert problems == [] and checked >= 3


def manual_award(suite, household_id: str, reason: str = "带头清理河道垃圾，历时两天") -> dict:
    return suite.credit.submit_award({"household_id": household_id, "rule_code": "VOLUNTEER", "reason": reason,
                                      "occurred_on": clock.today().isoformat(), "evidence": EVIDENCE})


def test_a_manual_award_goes_through_approval_and_notice_and_an_objection_stops_another(suite):
    household_id, payload = new_household(suite)
    award = manual_award(suite, household_id)
    assert award["status"] == "submitted" and len(award["evidence"]) == 2
    with pytest.raises(Conflict) as same:  # the one who submitted cannot approve
        suite.credit.act_on_award(award["award_id"], {"action": "approve"})
    assert same.value.code == "award.same_person"
    with rpc(SECOND) as second:
        award = second.credit.act_on_award(award["award_id"], {"action": "approve"})
    assert award["status"] == "in_notice" and award["notice_until"]
    board = suite.credit.notices(VILLAGE)
    shown = next(n for n in board["items"] if n["award_id"] == award["award_id"])
    assert shown["holder"].endswith("*") and payload["residents"][0]["name"] not in str(board)
    with pytest.raises(Conflict) as early:
        suite.credit.act_on_award(award["award_id"], {"action": "post"})
    assert early.value.code == "award.notice_running"
    assert suite.credit.get_passbook(household_id)["balance"] == 0
    posted = suite.credit.post_due((clock.today() + timedelta(days=10)).isoformat())
    assert award["award_id"] in posted["posted"]
    award = suite.credit.get_award(award["award_id"])
    assert award["status"] == "posted" and award["posted_points"] == 10
    assert [h["action"] for h in award["history"]] == ["submit", "approve", "post", "entry"]
    passbook = suite.credit.get_passbook(household_id)
    assert passbook["balance"] == 10 and passbook["history"]["items"][0]["rule_code"] == "VOLUNTEER"

    # Another award: an objection during the notice, upheld, stops it.
    other = manual_award(suite, household_id, "组织邻里志愿清扫活动")
    with rpc(SECOND) as second:
        second.credit.act_on_award(other["award_id"], {"action": "approve"})
        objected = suite.credit.object_publicly(other["award_id"], "当天并未参加清扫，情况不属实")
        assert objected["status"] == "objected"
        assert suite.credit.post_due((clock.today() + timedelta(days=10)).isoformat())["posted"] == []
        stopped = second.credit.act_on_award(other["award_id"], {"action": "uphold", "reason": "经核实异议属实"})
    assert stopped["status"] == "stopped"
    assert suite.credit.get_passbook(household_id)["balance"] == 10
    assert database("credit").ledger.count_documents({"source_key": f"award:{other['award_id']}"}) == 0


def test_caps_deductions_and_corrections(suite):
    household_id, _ = new_household(suite)
    with rpc(SECOND) as second:
        for n in range(11):  # ten points a time, a hundred a month
            award = manual_award(suite, household_id, f"参加志愿服务第{n + 1}次")
            second.credit.act_on_award(award["award_id"], {"action": "approve"})
    suite.credit.post_due((clock.today() + timedelta(days=10)).isoformat())
    passbook = suite.credit.get_passbook(household_id, 1, 50)
    assert passbook["balance"] == 100  # the eleventh posts nothing over the cap
    assert passbook["rating"]["level"] == "AAA"
    first = passbook["history"]["items"][-1]
    fixed = suite.credit.correct_entry(first["entry_id"], {"reason": "重复申报，予以冲正"})
    assert fixed["delta"] == -10 and fixed["corrects"] == first["entry_id"]
    with pytest.raises(Conflict):
        suite.credit.correct_entry(first["entry_id"], {"reason": "重复申报，予以冲正"})
    assert database("credit").ledger.find_one({"_id": first["entry_id"]})["delta"] == 10  # never edited
    passbook = suite.credit.get_passbook(household_id)
    assert (passbook["balance"], passbook["earned_total"]) == (90, 90)
    assert passbook["rating"]["level"] == "AA"  # the corrected award no longer counts

    # A deduction takes what is there and counts as a violation until it is corrected.
    with rpc(SECOND) as second:
        for n in range(2):
            award = suite.credit.submit_award({"household_id": household_id, "rule_code": "LITTER",
                                               "reason": f"乱堆建筑垃圾第{n + 1}次", "occurred_on": clock.today().isoformat(),
                                               "evidence": EVIDENCE})
            second.credit.act_on_award(award["award_id"], {"action": "approve"})
    suite.credit.post_due((clock.today() + timedelta(days=10)).isoformat())
    passbook = suite.credit.get_passbook(household_id)
    assert (passbook["balance"], passbook["earned_total"], passbook["rating"]["level"]) == (80, 90, "B")
    suite.credit.correct_entry(passbook["history"]["items"][0]["entry_id"], {"reason": "经核实不属实，予以冲正"})
    passbook = suite.credit.get_passbook(household_id)
    assert (passbook["balance"], passbook["rating"]["level"]) == (85, "A")


def test_bad_input_is_refused_with_the_field_and_changes_nothing(suite):
    household_id, _ = new_household(suite)
    before = database("credit").awards.count_documents({})
    cases = [({"household_id": household_id, "rule_code": "VOLUNTEER", "reason": "好", "occurred_on": "2026-01-01",
               "evidence": EVIDENCE}, "reason"),
             ({"household_id": household_id, "rule_code": "VOLUNTEER", "reason": "参加志愿服务",
               "occurred_on": "2026-01-01", "evidence": []}, "evidence"),
             ({"household_id": household_id, "rule_code": "GRID_HELP", "reason": "参加志愿服务",
               "occurred_on": "2026-01-01", "evidence": EVIDENCE}, "rule_code")]
    for payload, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            suite.credit.submit_award(payload)
        assert refused.value.field == field and any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert database("credit").awards.count_documents({}) == before
    with pytest.raises(ValidationFailed) as bad_rule:
        suite.credit.save_rule({"code": "BAD", "name": "乱扔垃圾", "category": "violation", "points": 5})
    assert "扣分" in bad_rule.value.message
    with pytest.raises(ValidationFailed) as bad_store:
        suite.credit.save_store({"store_id": "ST-X", "name": "某超市", "village_code": "500229"})
    assert bad_store.value.field == "village_code"


def test_the_residents_passbook_needs_the_household_number_and_a_members_phone(suite):
    household_id, payload = new_household(suite)
    number, phone = payload["household_number"], payload["residents"][1]["phone"]
    seen = suite.credit.public_passbook(number, phone[-4:])
    assert seen["household_id"] == household_id and seen["balance"] == 0
    endings = {r["phone"][-4:] for r in payload["residents"]}  # any member's phone opens it
    unused = next(f"{n:04d}" for n in range(10000) if f"{n:04d}" not in endings)
    for wrong in (unused, "", "12a4"):
        with pytest.raises(NotFound):
            suite.credit.public_passbook(number, wrong)
    with pytest.raises(NotFound):
        suite.credit.public_passbook("500229-NOPE", phone[-4:])


def court_csv(rows: list[list[str]]) -> str:
    head = "被执行人姓名/名称,类型,身份证号码,统一社会信用代码,执行案号,执行法院,发布日期,届满日期\n"
    return base64.b64encode((head + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8-sig")).decode()


def test_the_debtor_list_flags_joint_discipline_lowers_the_level_and_expires(suite):
    household_id, payload = new_household(suite)
    person = payload["residents"][0]
    listed_on = (clock.today() - timedelta(days=30)).isoformat()
    bad = court_csv([[person["name"], "自然人", "", "", "(2026)渝0229执100号", "城口县人民法院", listed_on, ""]])
    report = suite.credit.import_debtors("list.csv", bad, False)
    assert report["errors"][0]["row"] == 2 and report["listed"] == 0
    assert database("credit").listings.count_documents({}) == 0
    good = court_csv([[person["name"], "自然人", person["id_number"], "", "(2026)渝0229执100号", "城口县人民法院",
                       listed_on, ""],
                      ["城口某建材有限公司", "单位", "", "91500229MA5U000001", "(2026)渝0229执101号", "城口县人民法院",
                       listed_on, (clock.today() + timedelta(days=1)).isoformat()]])
    assert suite.credit.import_debtors("list.csv", good, True)["listed"] == 0  # a dry run writes nothing
    assert suite.credit.import_debtors("list.csv", good, False)["listed"] == 2
    assert suite.credit.import_debtors("list.csv", good, False)["known"] == 2  # imported again: nothing twice
    flags = suite.credit.joint_discipline(id_number=person["id_number"])
    assert flags["listed"] and "no_honours" in flags["flags"] and person["name"] not in str(flags)
    assert suite.credit.joint_discipline(household_id=household_id)["listed"]
    rating = suite.credit.get_rating("household", household_id)
    assert rating["level"] == "C" and any(e["kind"] == "listing" for e in rating["evidence"])
    stored = str(list(database("credit").listings.find({})))
    assert person["id_number"] not in stored and person["name"] not in stored

    listing_id = flags["listings"][0]["listing_id"]
    appeal = suite.credit.submit_appeal({"target": "listing", "ref": listing_id, "reason": "已全部履行判决义务"})
    decided = suite.credit.decide_appeal(appeal["appeal_id"], {"outcome": "upheld", "note": "经法院确认已履行"})
    assert decided["outcome"] == "upheld"
    assert not suite.credit.joint_discipline(id_number=person["id_number"])["listed"]
    assert suite.credit.get_rating("household", household_id)["level"] == "A"

    expired = suite.credit.expire_due_listings((clock.today() + timedelta(days=2)).isoformat())
    assert len(expired["expired"]) == 1
    assert not suite.credit.joint_discipline(enterprise_code="91500229MA5U000001")["listed"]
    types = [e["event_type"] for e in database("credit").outbox.find(
        {"event_type": {"$in": ["credit.dishonest_debtor.listed", "credit.dishonest_debtor.delisted"]}})]
    assert sorted(types) == ["credit.dishonest_debtor.delisted"] * 2 + ["credit.dishonest_debtor.listed"] * 2


def test_reconciliation_passes_and_fails_on_one_edited_entry(suite):
    household_id, _ = new_household(suite)
    give(suite, household_id, 10)
    env = dict(os.environ)
    ok = subprocess.run([sys.executable, "-m", "services.credit.reconcile"], capture_output=True, text=True,
                        env=env, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "全部相符" in ok.stdout
    ledger = database("credit").ledger
    entry = ledger.find_one({"passbook_id": household_id})
    ledger.update_one({"_id": entry["_id"]}, {"$inc": {"delta": 90}})
    try:
        broken = subprocess.run([sys.executable, "-m", "services.credit.reconcile"], capture_output=True,
                                text=True, env=env, timeout=60)
        assert broken.returncode == 1
        assert household_id in broken.stdout and "哈希" in broken.stdout
    finally:
        ledger.update_one({"_id": entry["_id"]}, {"$inc": {"delta": -90}})
    assert reconcile.check(database("credit"))[1] == []
