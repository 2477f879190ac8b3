"""Joint risk assessment in headless Chromium: the county administrator opens the heat table (drawn with ECharts)
with the township's score and level, drills into its villages and the signals behind a score, and reads the alert
list with its reasons. Screenshots go to .local/screenshots/."""
import pytest
from selenium.webdriver.common.by import By

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.risk.service import RiskService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.fault.polling import wait_until
from tests.harness import database, running
from tests.integration.test_risk import case_envelope, publish

VILLAGE = "500229001001"
LEADER = ("zhou.leader", "周领导", "Leader-Initial-2026!", "Leader-Changed-2026!")


@pytest.fixture
def county(gateway_port):
    with running(GridService, RiskService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        yield root


def test_the_heat_table_and_the_alerts_with_their_reasons(gateway_port, county, browser):
    for minutes in range(8):
        publish(case_envelope(VILLAGE, minutes))
    wait_until(lambda: database("risk").inbox.count_documents({}) == 8, what="every signal")
    staff_account(county, gateway_port, LEADER, "leader", "500229")
    base = f"http://127.0.0.1:{gateway_port}"
    browser.set_window_size(1280, 1000)
    browser.get(base + "/")
    sign_in(browser, LEADER[0], LEADER[3])
    wait_for(browser, "nav a[data-tab=risk-heat]").click()
    row = wait_for(browser, "#risk-heat-rows tr[data-area='500229001']")
    assert "蓝" in row.text
    wait_until(lambda: browser.execute_script(
        "return !!window.echarts && !!echarts.getInstanceByDom(document.getElementById('risk-heat-chart'))"),
        what="the heat table drawn")
    assert browser.find_element(By.CSS_SELECTOR, "#risk-heat-chart canvas")
    row.find_element(By.CSS_SELECTOR, "a.risk-township").click()
    wait_for(browser, "#risk-villages a.risk-village").click()
    explained = wait_for(browser, "#risk-explain", "依据 8 条信号")
    assert "网格事件上报" in explained.text
    shot(browser, "risk-heat")
    wait_for(browser, "nav a[data-tab=risk-alerts]").click()
    alert = wait_for(browser, "#risk-alert-table tr.risk-alert")
    assert "黄" in alert.text and "安全生产" in alert.text and "网格事件上报（安全隐患）" in alert.text
    assert "县应急管理局" in alert.text
    assert not browser.find_elements(By.CSS_SELECTOR, "button.risk-convene")  # a leader reads; he does not convene
    shot(browser, "risk-alerts")


STAFF = ("wu.township", "吴乡镇", "Township-Initial-2026!", "Township-Changed-2026!")


def test_a_meeting_on_an_alert_with_an_opinion_a_conclusion_and_a_task(gateway_port, county, browser):
    for minutes in range(8):
        publish(case_envelope(VILLAGE, minutes))
    wait_until(lambda: database("risk").inbox.count_documents({}) == 8, what="every signal")
    staff_account(county, gateway_port, STAFF, "township_staff", "500229001")
    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{gateway_port}/")
    sign_in(browser, STAFF[0], STAFF[3])
    wait_for(browser, "nav a[data-tab=risk-alerts]").click()
    wait_for(browser, "button.risk-convene").click()
    wait_for(browser, "#risk-meeting-page h2", "风险预警研判")
    form = wait_for(browser, "#risk-opinion-form")
    form.find_element(By.NAME, "opinion").send_keys("建议限期整改，停产检查")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#risk-opinions", "建议限期整改")
    conclude = wait_for(browser, "#risk-conclude-form")
    conclude.find_element(By.NAME, "resolution").send_keys("列为黄色风险，应急管理局牵头整改")
    conclude.find_element(By.NAME, "tasks").send_keys("整改复查，县应急管理局，2026-12-01")
    conclude.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#risk-tasks", "整改复查")
    assert "已形成结论 黄" in browser.find_element(By.ID, "risk-meeting-page").text  # the alert's level by default
    shot(browser, "risk-meeting")
