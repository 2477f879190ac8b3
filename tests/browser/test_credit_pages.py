"""Credit and points in headless Chromium, against the gateway, the grid and the credit service on the real broker
and store: a village cadre finds a household's passbook with the rule behind every line, redeems an item at the
village store (the stock and the balance go down together) and hands it over, approves a colleague's award and
finds it on the notice board, and looks at the rules and the levels; the household reads its own
passbook on the residents' page with its number and a phone's last four digits. Screenshots go to
.local/screenshots/."""
import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from services.credit.service import CreditService
from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_grid_affairs_http import staff
from tests.fault.polling import wait_until
from tests.harness import database, running
from tests.integration.test_credit import with_phones

TOWNSHIP, VILLAGE, MICRO = "500229001", "500229001001", "500229001001001001"
CADRE = ("li.cunganbu", "李村干部", "Cadre-Initial-2026!", "Cadre-Changed-2026!")
EVIDENCE = [{"kind": "photo", "description": "清理河道现场照片", "ref": "IMG-001"}]


def click(driver, css, timeout=20):
    """Click what a list shows, again if the list was drawn anew between finding and clicking."""
    def attempt(d):
        try:
            d.find_element(By.CSS_SELECTOR, css).click()
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    WebDriverWait(driver, timeout).until(attempt)


@pytest.fixture
def village(gateway_port, monkeypatch):
    monkeypatch.setenv("CREDIT_NOTICE_DAYS", "0")  # the notice period is the subject of other tests
    with running(GridService, CreditService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        payload = with_phones(factories.household(MICRO, 2))
        status, household = root.request("POST", "/api/v1/households", payload)
        assert status == 201, household
        wait_until(lambda: database("credit").passbooks.find_one({"_id": household["household_id"]}),
                   what="the passbook opened from the grid's event")
        for path, body in (("/api/v1/credit/rules/VOLUNTEER", {"name": "参加志愿服务", "category": "volunteer",
                                                                 "points": 30}),
                           ("/api/v1/credit/stores/ST-PG", {"name": "平岗社区积分超市", "village_code": VILLAGE}),
                           ("/api/v1/credit/items/IT-OIL", {"name": "食用油", "points": 20, "unit": "桶"})):
            status, body = root.request("PUT", path, body)
            assert status == 200, body
        assert root.request("POST", "/api/v1/credit/stores/ST-PG/stock", {"item_id": "IT-OIL", "add": 5})[0] == 200
        # 30 points through the manual path: submitted by the administrator, approved by a township colleague.
        status, award = root.request("POST", "/api/v1/credit/awards", {
            "household_id": household["household_id"], "rule_code": "VOLUNTEER", "reason": "带头清理河道垃圾",
            "occurred_on": "2026-11-01", "evidence": EVIDENCE})
        assert status == 201, award
        township, _ = staff(gateway_port, root, "wang.xiangzhen", "王乡镇", "township_staff", TOWNSHIP)
        for action in ("approve", "post"):
            status, body = township.request("POST", f"/api/v1/credit/awards/{award['award_id']}/{action}", {})
            assert status == 200, body
        staff_account(root, gateway_port, CADRE, "village_cadre", VILLAGE)
        # One more, submitted by the township and waiting for the cadre's approval.
        status, waiting = township.request("POST", "/api/v1/credit/awards", {
            "household_id": household["household_id"], "rule_code": "VOLUNTEER", "reason": "组织邻里清扫公路边沟",
            "occurred_on": "2026-11-02", "evidence": EVIDENCE})
        assert status == 201, waiting
        yield household, payload


def test_a_households_passbook_and_a_redemption_at_the_store(gateway_port, village, browser):
    household, payload = village
    number = payload["household_number"]
    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{gateway_port}/")
    sign_in(browser, CADRE[0], CADRE[3])

    # The passbook: balance, level, and the rule behind the line.
    wait_for(browser, "nav a[data-tab=credit-passbooks]").click()
    form = wait_for(browser, "#cp-filter")
    form.find_element(By.NAME, "household_number").send_keys(number)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#cp-rows tr.passbook-row")) == 1)
    click(browser, "#cp-rows a[data-household]")
    wait_for(browser, "#cp-balance", "30")
    lines = wait_for(browser, "#cp-lines").text
    assert "参加志愿服务" in lines and "+30" in lines and "申报评议" in lines
    holder = payload["residents"][0]["name"]
    assert browser.find_element(By.ID, "cp-holder").text == holder[0] + "*" * (len(holder) - 1)
    assert holder not in browser.page_source
    shot(browser, "60-credit-passbook")

    # The store: redeem one can of oil for the household, then hand it over.
    wait_for(browser, "nav a[data-tab=credit-store]").click()
    wait_for(browser, "#cs-stock-table tr.stock-row[data-item=IT-OIL] td.qty", "5")
    redeem = wait_for(browser, "#cs-redeem")
    redeem.find_element(By.NAME, "household_number").send_keys(number)
    Select(redeem.find_element(By.NAME, "item_id")).select_by_value("IT-OIL")
    redeem.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#cs-reserved", "扣减 20 分")
    wait_for(browser, "#cs-stock-table tr.stock-row[data-item=IT-OIL] td.qty", "4")
    shot(browser, "61-credit-store-reserved")
    click(browser, "#cs-redemptions tr.redemption-row button[data-act=fulfil]")
    wait_for(browser, "#cs-redemptions tr.redemption-row td.status", "已领取")
    shot(browser, "62-credit-store-fulfilled")

    # A second one is more than the balance covers: refused, nothing moves.
    redeem.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#cs-redeem .err", "积分余额不足")
    wait_for(browser, "#cs-stock-table tr.stock-row[data-item=IT-OIL] td.qty", "4")
    stored = database("credit").passbooks.find_one({"_id": household["household_id"]})
    assert stored["balance"] == 10 and database("credit").redemptions.count_documents({}) == 1

    # The approval queue: the township's award, with its evidence, approved by the cadre, then on the notice board.
    wait_for(browser, "nav a[data-tab=credit-approvals]").click()
    item = wait_for(browser, "#ca-rows .award-item")
    assert "组织邻里清扫公路边沟" in item.text and "清理河道现场照片" in item.text
    click(browser, "#ca-rows .award-item button[data-act=approve]")
    wait_for(browser, "nav a[data-tab=credit-notices]").click()
    wait_for(browser, "#cn-rows tr.notice-row", "公示中")
    assert holder not in browser.page_source
    shot(browser, "64-credit-notice-board")
    wait_for(browser, "nav a[data-tab=credit-rules]").click()
    wait_for(browser, "#cr-rows tr.rule-row", "参加志愿服务")
    wait_for(browser, "nav a[data-tab=credit-ratings]").click()
    wait_for(browser, "#cg-rows tr.rating-row", "基本诚信")

    # The household reads its own passbook on the residents' page.
    browser.get(f"http://127.0.0.1:{gateway_port}/public")
    own = wait_for(browser, "#passbook-form")
    own.find_element(By.NAME, "household_number").send_keys(number)
    own.find_element(By.NAME, "phone_last4").send_keys(payload["residents"][1]["phone"][-4:])
    own.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#passbook-balance", "10")
    lines = browser.find_element(By.ID, "passbook-lines").text
    assert "积分超市兑换 -20" in lines and "参加志愿服务 +30" in lines
    shot(browser, "63-credit-public-passbook")
