"""Petitions in headless Chromium, against the gateway, the grid and the petitions service on the real broker and
store: a resident files an online petition on /public; the petition officer finds it in the queue with its clocks,
assigns it, accepts it and replies on the petition page; the resident reads the reply with the tracking code and asks
for a review inside the window; the officer registers a letter (an empty matter is refused beside its field) and
reads the figures. Screenshots go to .local/screenshots/."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.petitions.service import PetitionsService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.fault.polling import wait_until
from tests.harness import running

VILLAGE = "500229001001"
OFFICER = ("xu.xinfang", "徐信访", "Petition-Initial-2026!", "Petition-Changed-2026!")
MATTER = "反映村里修路占用我家承包地，补偿款至今未发放"
REPLY = "经核实，补偿款已拨付到村，将于本月底前发放到户。"


@pytest.fixture
def county(gateway_port):
    with running(GridService, PetitionsService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        yield root


def fill(element, text: str) -> None:
    element.clear()
    element.send_keys(text)


def act(driver, action, **fields):
    form = wait_for(driver, f"#petition-actions form[data-action={action}]")
    for name, value in fields.items():
        field = form.find_element(By.NAME, name)
        if field.tag_name == "select":
            Select(field).select_by_visible_text(value)
        else:
            fill(field, value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def test_an_online_petition_answered_in_the_console_and_read_on_the_residents_page(gateway_port, county, browser):
    base = f"http://127.0.0.1:{gateway_port}"
    browser.set_window_size(1280, 1000)
    # The resident files it.
    browser.get(base + "/public")
    form = wait_for(browser, "#submit-form")
    Select(form.find_element(By.NAME, "kind")).select_by_value("petition")
    form.find_element(By.NAME, "area_code").send_keys(VILLAGE)
    form.find_element(By.NAME, "content").send_keys(MATTER)
    form.find_element(By.NAME, "contact_name").send_keys("冉大哥")
    form.find_element(By.NAME, "phone").send_keys("17100003579")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    code = wait_for(browser, "#code").text

    # The officer finds it in the queue, green, and works it on the petition page.
    staff_account(county, gateway_port, OFFICER, "petition_officer", "500229001")
    browser.get(base + "/")
    sign_in(browser, OFFICER[0], OFFICER[3])
    # Taken over from the residents' channel through the bus: wait until the office has it.
    wait_until(lambda: county.request("GET", "/api/v1/petitions")[1].get("total"), what="the petition taken over")
    wait_for(browser, "nav a[data-tab=petitions]").click()
    row = wait_for(browser, "#petition-rows tr.petition-row")
    assert "green" in row.get_attribute("class") and "冉**" in row.text and "登记并转送、交办" in row.text
    shot(browser, "petitions-queue")
    row.find_element(By.CSS_SELECTOR, "a.petition-link").click()
    wait_for(browser, "#petition-page h2", "修路")
    assert code in browser.find_element(By.ID, "petition-page").text
    act(browser, "forward", unit="县农业农村委")
    wait_for(browser, "#petition-status", "已转送交办")
    act(browser, "accept", notice="您反映的问题属于本单位职责，依法予以受理")
    wait_for(browser, "#petition-status", "已受理")
    act(browser, "reply", reply="太短")  # under five characters: refused beside the form
    wait_for(browser, "#petition-actions form[data-action=reply] .err", "至少")
    act(browser, "reply", reply=REPLY)
    wait_for(browser, "#petition-status", "已答复")
    clocks = browser.find_element(By.ID, "petition-clocks").text
    assert "办理并书面答复" in clocks and "按时完成" in clocks and "请求复查" in clocks
    shot(browser, "petition-page")

    # The resident reads the reply with the code and asks for a review inside the window.
    browser.get(base + "/public")
    track = wait_for(browser, "#track-form")
    track.find_element(By.NAME, "tracking_code").send_keys(code)
    track.find_element(By.NAME, "phone_last4").send_keys("3579")
    track.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(browser, "#petition-reply").text == REPLY
    review = wait_for(browser, "#petition-review-form")
    review.find_element(By.NAME, "reason").send_keys("补偿标准低于公布的标准，请求复查")
    review.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#petition-status", "复查中")
    shot(browser, "petition-public-review")

    # Back in the console: a letter, refused without its matter, then registered; and the figures.
    browser.get(base + "/")
    wait_for(browser, "nav a[data-tab=petition-new]").click()
    form = wait_for(browser, "#petition-form")
    Select(wait_for(browser, "#petition-area select[name=area-0]")).select_by_value(VILLAGE)
    Select(form.find_element(By.NAME, "channel")).select_by_value("letter")
    Select(form.find_element(By.NAME, "category")).select_by_value("civil_affairs")
    form.find_element(By.NAME, "name").send_keys("向大姐")
    form.find_element(By.NAME, "phone").send_keys("17100002468")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(browser, "#petition-form .err[data-for=matter]", "不能为空").text
    form.find_element(By.NAME, "matter").send_keys("来信反映低保评定不公开，请求重新审核")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#petition-notice", "查询码")
    wait_for(browser, "nav a[data-tab=petition-figures]").click()
    wait_for(browser, "#petition-received", "2")
    rates = browser.find_element(By.ID, "petition-rates").text
    assert "50.0%" in rates and "网上信访占比" in rates  # one online of two
    shot(browser, "petition-figures")
