"""平战转换 in headless Chromium, against the gateway, the grid and the emergency services on the real broker and store
(the org service is away: the command says the commander is still to be filled). The commander activates the
township's flood plan from the console; on a 390×844 phone the grid worker's page switches to the emergency view and
a household is marked in two taps; on the desktop the board shows it without a reload; once deactivated the phone
returns to normal work. Screenshots go to .local/screenshots/."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from services.emergency.service import EmergencyService
from services.gateway.service import GatewayService
from services.grid.importing import to_rows
from services.grid.service import GridService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

AREAS = factories.chengkou_areas(villages=1, grids=2, micro_grids=1, names=["蓼子乡"])
TOWN, VILLAGE = "500229201", factories.codes(AREAS, "village")[0]
GRID, OTHER_GRID = factories.codes(AREAS, "grid")
WORKER = ("xiang.wangge", "向网格", "Grid-Initial-2026!", "Grid-Changed-2026!")
COMMANDER = ("ran.zhihui", "冉指挥", "Command-Initial-2026!", "Command-Changed-2026!")
# Every click on the page is counted: marking a household must take two.
COUNT_TAPS = "window.__taps = 0; document.addEventListener('click', () => { window.__taps += 1; }, true);"


def county(port) -> Client:
    root = admin(port)
    with rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(AREAS)
        proxy.grid.save_grid_workers([factories.grid_worker([GRID], worker_id="GWB1"),
                                      factories.grid_worker([OTHER_GRID], worker_id="GWB2")])
        rows = to_rows(factories.households(factories.codes(AREAS), 8, seed=5), {a["code"]: a["name"] for a in AREAS})
        assert proxy.grid.import_rows(rows, False)["imported"]["households_created"] == 8
    wait_until(lambda: database("emergency").households.count_documents({}) == 8 and
               database("emergency").workers.count_documents({}) == 2, what="the emergency read models")
    staff_account(root, port, WORKER, "grid_worker", GRID)
    staff_account(root, port, COMMANDER, "township_staff", TOWN)
    commander = Client(port)
    commander.sign_in(COMMANDER[0], COMMANDER[3])
    assert commander.request("PUT", "/api/v1/emergency/plans/EP201-flood",
                             factories.emergency_plan(TOWN, [VILLAGE]))[0] == 200
    assert commander.request("POST", "/api/v1/emergency/plans/EP201-flood/publish", {})[0] == 200
    return commander


def test_the_phone_switches_to_the_emergency_view_and_a_household_takes_two_taps(gateway_port, browser):
    with running(GridService, EmergencyService, GatewayService):
        commander = county(gateway_port)

        # The commander starts the response from the console, at level III.
        browser.set_window_size(1280, 1000)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        sign_in(browser, COMMANDER[0], COMMANDER[3])
        wait_for(browser, "nav a[data-tab=emergency-plans]").click()
        wait_for(browser, "#em-plans tr.em-plan-row[data-plan='EP201-flood']", "蓼子乡防汛抗洪应急预案")
        shot(browser, "90-emergency-plans")
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=emergency-activations]").click()
        form = wait_for(browser, "#em-activate-form")
        wait_for(browser, "#em-activate-form select[name=plan_id] option[value='EP201-flood']")
        assert form.find_element(By.NAME, "area_codes").get_attribute("value") == TOWN
        Select(form.find_element(By.NAME, "level")).select_by_value("III")
        form.find_element(By.NAME, "reason").send_keys("暴雨红色预警，前河水位上涨")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#em-totals [data-count=pending] b", "8")
        assert "未配备" in browser.find_element(By.ID, "em-command").text  # the org service is away
        activation = database("emergency").activations.find_one({"status": "active"})
        assert activation["level"] == "III" and activation["command"]["org_unavailable"] is True
        shot(browser, "91-emergency-board")
        browser.execute_script("window.__stillHere = 'no reload';")

        # The grid worker's phone: the same browser, phone-sized, in a second window.
        browser.switch_to.new_window("window")
        browser.set_window_size(390, 844)
        browser.get(f"http://127.0.0.1:{gateway_port}/m")
        sign_in(browser, WORKER[0], WORKER[3])
        wait_for(browser, "#em-banner", "Ⅲ级")
        assert browser.find_element(By.ID, "app").is_displayed() is False
        mine = {t["household_id"] for t in database("emergency").household_tasks.find({"grid_code": GRID})}
        shown = {li.get_attribute("data-household") for li in browser.find_elements(By.CSS_SELECTOR, "li.em-hh")}
        assert shown == mine and mine
        shot(browser, "92-emergency-phone")
        first = browser.find_elements(By.CSS_SELECTOR, "li.em-hh")[0]
        household = first.get_attribute("data-household")
        browser.execute_script(COUNT_TAPS)
        first.find_element(By.CSS_SELECTOR, "button.em-row").click()
        browser.find_element(By.CSS_SELECTOR, f"li.em-hh[data-household='{household}'] "
                                              ".em-actions button[data-status=checked]").click()
        WebDriverWait(browser, 20).until(lambda d: d.find_element(
            By.CSS_SELECTOR, f"li.em-hh[data-household='{household}']").get_attribute("data-status") == "checked" and
            not d.find_elements(By.CSS_SELECTOR, f"li.em-hh[data-household='{household}'] .em-tag.unsent"))
        assert browser.execute_script("return window.__taps") == 2
        task = database("emergency").household_tasks.find_one({"_id": f"{activation['_id']}:{household}"})
        assert task["status"] == "checked"
        shot(browser, "93-emergency-phone-checked")
        phone_window = browser.current_window_handle

        # Back on the desktop, the board shows it by itself.
        browser.switch_to.window(browser.window_handles[0])
        wait_for(browser, "#em-totals [data-count=checked] b", "1")
        assert browser.find_element(By.CSS_SELECTOR, "#em-totals [data-count=pending] b").text == "7"
        assert browser.execute_script("return window.__stillHere") == "no reload"

        # A report from another phone also shows within the poll, without a reload.
        other = database("emergency").household_tasks.find_one({"grid_code": OTHER_GRID})
        with rpc({"scope": [OTHER_GRID], "actor": {"id": "gw2", "role": "grid_worker"}}) as proxy:
            proxy.emergency.report_household(activation["_id"], other["household_id"],
                                             {"report_id": "phone2-report-0001", "status": "not_reached"})
        wait_for(browser, "#em-totals [data-count=not_reached] b", "1", timeout=5)
        assert browser.execute_script("return window.__stillHere") == "no reload"
        shot(browser, "94-emergency-board-live")
        # The village's hourly report, from the board.
        hourly = wait_for(browser, "#em-hourly-form")
        hourly.find_element(By.NAME, "summary").send_keys("10时雨量38毫米，已核查1户，1户未联系上")
        hourly.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#em-board-tables", "10时雨量38毫米")
        assert database("emergency").hourly_reports.count_documents({"activation_id": activation["_id"]}) == 1

        # 战→平: the phone returns to normal work.
        status, body = commander.request("POST", f"/api/v1/emergency/activations/{activation['_id']}/deactivate",
                                         {"reason": "雨情缓解，解除Ⅲ级响应"})
        assert status == 200, body
        wait_for(browser, "#em-board-banner", "已解除")
        browser.find_element(By.ID, "em-report-open").click()
        wait_for(browser, "#em-report-counts [data-count=checked]", "1")
        assert browser.find_element(By.CSS_SELECTOR, "#em-report-counts [data-count=not_reached]").text == "1"
        shot(browser, "95-emergency-closing-report")
        browser.switch_to.window(phone_window)
        browser.execute_script("XZEmergency.poll()")
        WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "app").is_displayed())
        assert not browser.find_element(By.ID, "em-view").is_displayed()
        wait_for(browser, "#grid-list", "第1网格")
