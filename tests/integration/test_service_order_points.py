"""A rated service order (三单) awards the household it served through the credit rules, on the real broker and
store: the order records its household (a grid worker's order for a resident, or a resident's 点单 with the 户号
and a member's registered phone), `grid.service_order.rated` carries the household's id and nothing personal, and
the rule awards once per order however often the event arrives, a low rating and a reopened order included."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.credit.service import CreditService
from services.grid.service import GridService
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running
from tests.integration.test_credit import HANDLER, VILLAGE, new_household, publish

RULE = {"code": "ORDER_RATED", "name": "参与群众点单并评价服务", "category": "grid_affairs", "points": 2,
        "trigger": "grid.service_order.rated", "conditions": [{"field": "rating", "op": ">=", "value": 3}]}


@pytest.fixture
def suite(env):
    with running(GridService, CreditService), rpc(COUNTY_SCOPE) as proxy:
        for area in factories.chengkou_areas(townships=1, villages=2, grids=1, micro_grids=1):
            proxy.grid.upsert_area(area)
        proxy.credit.save_rule(RULE)
        yield proxy


def deliver_and_rate(grid, order_id: str, rating: int) -> dict:
    for action, fields in (("dispatch", {"assignee": HANDLER}), ("deliver", {"feedback": "已上门办理"})):
        grid.act_on_service_order(order_id, {"action": action, **fields})
    return grid.act_on_service_order(order_id, {"action": "rate", "rating": rating})


def entries(household_id: str) -> list[dict]:
    return list(database("credit").ledger.find({"passbook_id": household_id, "rule_code": "ORDER_RATED"}))


def test_a_rated_order_for_a_resident_awards_their_household_once_however_often_the_event_arrives(suite):
    household_id, payload = new_household(suite)
    resident_id = suite.grid.list_residents(household_id)["items"][0]["resident_id"]
    order = suite.grid.place_service_order({"area_code": VILLAGE, "content": "帮忙代办高龄津贴申请",
                                            "contact_name": payload["residents"][0]["name"],
                                            "resident_id": resident_id})
    assert order["household_id"] == household_id
    # Rated 2 first: the order goes round again and the rule's condition (3 or more) is not met.
    assert deliver_and_rate(suite.grid, order["order_id"], 2)["status"] == "reopened"
    assert deliver_and_rate(suite.grid, order["order_id"], 5)["status"] == "rated"
    entry = wait_until(lambda: entries(household_id), what="the award for the rated order")[0]
    assert (entry["delta"], entry["source_ref"]) == (2, order["order_id"])

    rated = [r["envelope"] for r in database("grid").outbox.find({"event_type": "grid.service_order.rated",
                                                                  "envelope.data.order_id": order["order_id"]})]
    assert [(e["data"]["rating"], e["data"]["household_id"]) for e in rated] == [(2, household_id), (5, household_id)]
    assert all(set(e["data"]) == {"order_id", "area_code", "village_code", "township_code", "channel", "status",
                                  "rating", "reopened", "household_id"} for e in rated)
    assert payload["residents"][0]["name"] not in str(rated) and payload["residents"][0]["phone"] not in str(rated)
    copies = [rated[1]] * 5 + [{**rated[1], "event_id": str(uuid.uuid4())} for _ in range(5)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(publish, copies))
    wait_until(lambda: database("credit").inbox.count_documents(
        {"handler": "credit.award_for_rated_service_order"}) == 7, what="every distinct event handled")
    assert len(entries(household_id)) == 1 and suite.credit.get_passbook(household_id)["balance"] == 2
    assert database("credit").dead_letters.count_documents({}) == 0


def test_a_residents_order_is_their_households_only_with_the_number_and_a_members_phone(suite):
    household_id, payload = new_household(suite)
    phone = payload["residents"][1]["phone"]
    number = payload["household_number"]
    with rpc({}) as public:  # the residents' channel has no account and no scope
        right = public.grid.submit_resident_request({
            "kind": "service_order", "area_code": VILLAGE, "content": "家中水管破裂，请帮忙联系维修",
            "contact_name": payload["residents"][1]["name"], "phone": phone, "household_number": number})
        wrong = public.grid.submit_resident_request({
            "kind": "service_order", "area_code": VILLAGE, "content": "请帮忙联系维修村道路灯",
            "contact_name": "路过的人", "phone": "17100000001", "household_number": number})
    orders = {o["content"]: o for o in suite.grid.list_service_orders()["items"]}
    assert orders["家中水管破裂，请帮忙联系维修"]["household_id"] == household_id
    assert orders["请帮忙联系维修村道路灯"]["household_id"] is None  # taken all the same, for nobody's points
    for order in (orders["家中水管破裂，请帮忙联系维修"], orders["请帮忙联系维修村道路灯"]):
        for action, fields in (("dispatch", {"assignee": HANDLER}), ("deliver", {"feedback": "已办理"})):
            suite.grid.act_on_service_order(order["order_id"], {"action": action, **fields})
    with rpc({}) as public:
        public.grid.rate_resident_request(right["tracking_code"], phone[-4:], 4)
        public.grid.rate_resident_request(wrong["tracking_code"], "0001", 5)
    entry = wait_until(lambda: entries(household_id), what="the award for the resident's own order")[0]
    assert entry["source_ref"] == orders["家中水管破裂，请帮忙联系维修"]["order_id"]
    wait_until(lambda: database("credit").inbox.count_documents(
        {"handler": "credit.award_for_rated_service_order"}) == 2, what="both ratings handled")
    assert database("credit").ledger.count_documents({"rule_code": "ORDER_RATED"}) == 1
