"""The holiday calendar page in headless Chromium, against the gateway and the grid service on the real broker and
store: the county administrator sees 2027 counted by the statutory holidays and marked provisional, pastes the State
Council's notice, previews the days it changes (a text that is no notice is refused beside the field), loads it,
and the year is counted by the notice. A township's staff member reads the page without the form. Screenshots go
to .local/screenshots/."""
import pytest
from selenium.webdriver.common.by import By

from services.gateway.service import GatewayService
from services.grid.service import GridService
from shared import holidays
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.harness import running
from tests.unit.test_holiday_calendar import NOTICE_2027

COUNTY_ADMIN = ("ran.county", "冉县级", "County-Initial-2026!", "County-Changed-2026!")
TOWNSHIP = ("tan.township", "谭乡镇", "Township-Initial-2026!", "Township-Changed-2026!")


@pytest.fixture
def county(gateway_port):
    with running(GridService, GatewayService):
        root = admin(gateway_port)
        staff_account(root, gateway_port, COUNTY_ADMIN, "county_admin", "500229")
        staff_account(root, gateway_port, TOWNSHIP, "township_staff", "500229001")
        yield root
    holidays.install([])


def open_calendar(driver, base, who):
    driver.get(base + "/")
    sign_in(driver, who[0], who[3])
    wait_for(driver, "nav a[data-tab=calendar]").click()
    year = wait_for(driver, "#cal-year-form [name=year]")
    year.clear()
    year.send_keys("2027")
    driver.find_element(By.CSS_SELECTOR, "#cal-year-form button").click()


def test_the_county_pastes_the_2027_notice_previews_and_loads_it(gateway_port, county, browser):
    base = f"http://127.0.0.1:{gateway_port}"
    browser.set_window_size(1280, 1100)
    open_calendar(browser, base, COUNTY_ADMIN)
    wait_for(browser, "#cal-year .cal-provisional", "尚未发布")
    assert "元旦" in browser.find_element(By.ID, "cal-days").text
    form = browser.find_element(By.ID, "cal-notice-form")
    form.find_element(By.NAME, "text").send_keys("2027年放假安排另行通知")
    form.find_element(By.ID, "cal-preview").click()
    wait_for(browser, "#cal-notice-form .err[data-for=text]", "放假")
    text = form.find_element(By.NAME, "text")
    text.clear()
    browser.execute_script("arguments[0].value = arguments[1];", text, NOTICE_2027)
    form.find_element(By.ID, "cal-preview").click()
    changes = wait_for(browser, "#cal-changes", "1月4日")
    assert "放假（元旦）" in changes.text and "1月9日" in changes.text
    shot(browser, "calendar-preview")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#cal-loaded", "已导入 2027 年")
    wait_for(browser, "#cal-versions", "国务院办公厅关于2027年部分节假日安排的通知")
    assert "国务院放假安排通知" in browser.find_element(By.ID, "cal-year").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#cal-year .cal-provisional")
    shot(browser, "calendar-loaded")


def test_township_staff_read_the_year_without_the_notice_form(gateway_port, county, browser):
    open_calendar(browser, f"http://127.0.0.1:{gateway_port}", TOWNSHIP)
    wait_for(browser, "#cal-year", "按法定节日推算")
    assert not browser.find_element(By.ID, "cal-notice-form").is_displayed()
