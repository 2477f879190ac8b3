"""Places in headless Chromium: township staff open their centre from the list, judge every checklist item (one
required item failing), save the inspection and upload its photo, and read the three targets with their chart;
then register a key area and its video point, record the point online, and dry-run a register sheet that has a
bad row. Screenshots go to .local/screenshots/."""
import pytest
from selenium.webdriver.common.by import By

from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import image_shown, sign_in, staff_account
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.fault.polling import wait_until
from tests.harness import running

TOWN = "500229001"
STAFF = ("zhou.places", "周乡镇", "Places-Initial-2026!", "Places-Changed-2026!")


@pytest.fixture
def county(gateway_port, browser):
    with running(GridService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=2, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        for code in ("500229", TOWN, "500229001001", "500229001002"):
            assert root.request("POST", "/api/v1/governance-centres", {"area_code": code})[0] == 200
        staff_account(root, gateway_port, STAFF, "township_staff", TOWN)
        browser.set_window_size(1280, 1100)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        sign_in(browser, STAFF[0], STAFF[3])
        yield root


def test_township_records_an_inspection_with_a_photo_and_reads_the_three_targets(county, browser, tmp_path):
    wait_for(browser, "nav a[data-tab=places-centres]").click()
    rows = wait_for(browser, "#pl-centre-rows table")
    assert "城口县综治中心" not in rows.text  # the county's centre is outside a township's scope
    wait_for(browser, "#pl-centre-rows a.pl-open[data-place='GC500229001']").click()
    wait_for(browser, "#pl-place-title", "葛城街道综治中心")
    form = wait_for(browser, "#pl-inspect-form")
    form.find_element(By.CSS_SELECTOR, "input[name='r-staffing'][value='fail']").click()
    form.find_element(By.NAME, "n-staffing").send_keys("专职人员仅1名")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#pl-notice", "检查已记录：未通过")
    record = wait_for(browser, ".pl-inspection")
    assert "未通过" in record.text and "专职人员仅1名" in record.text and "周乡镇" in record.text

    photo = tmp_path / "门牌.png"
    photo.write_bytes(factories.PNG)
    upload = record.find_element(By.CSS_SELECTOR, "form.pl-photo-form")
    upload.find_element(By.NAME, "file").send_keys(str(photo))
    upload.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#pl-notice", "照片已上传")
    image_shown(browser, ".pl-inspection .photos img")
    shot(browser, "places-centre")

    wait_for(browser, "nav a[data-tab=places-figures]").click()
    target = wait_for(browser, "#pl-targets .rate[data-target='governance_centre']", "0 ÷ 3")
    assert "综治中心规范化建成率" in target.text and "在用的县、乡、村三级综治中心数" in target.text
    wait_for(browser, "#pl-targets .rate[data-target='service_facility']", "0 ÷ 2")
    wait_until(lambda: browser.execute_script(
        "return !!window.echarts && !!echarts.getInstanceByDom(document.getElementById('pl-chart'))"),
        what="the chart drawn")
    assert "平岗社区" in browser.find_element(By.ID, "pl-child-table").text
    shot(browser, "places-figures")


def test_township_registers_a_key_area_with_a_point_online_and_dry_runs_a_sheet(county, browser, tmp_path):
    wait_for(browser, "nav a[data-tab=places-key-areas]").click()
    create = wait_for(browser, "#pl-key-new")
    create.find_element(By.NAME, "area_code").send_keys(TOWN)
    create.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=bus_station]").click()
    create.find_element(By.NAME, "name").send_keys("城口汽车客运站")
    create.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#pl-key-title", "城口汽车客运站")
    point = wait_for(browser, "#pl-point-form")
    point.find_element(By.NAME, "code").send_keys(factories.video_point_code(1))
    point.find_element(By.NAME, "name").send_keys("进站口")
    point.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#pl-point-table", "待巡检")
    wait_for(browser, "button.pl-check[data-online=true]").click()
    wait_for(browser, "#pl-key-title", "已覆盖")
    assert "1/1" in wait_for(browser, "#pl-key-table", "城口汽车客运站").text
    shot(browser, "places-key-area")

    sheet = tmp_path / "重点区域.csv"
    sheet.write_text("区划代码,区划名称,重点区域名称,类别,地址,点位编号,点位名称,在线状态,最近检查时间\n"
                     f"{TOWN},葛城街道,城口中学,学校,,,,,\n"
                     f"{TOWN},葛城街道,北大街菜市场,菜场,,,,,\n", encoding="utf-8-sig")
    wait_for(browser, "nav a[data-tab=places-import]").click()
    form = wait_for(browser, "#pl-import-form")
    form.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=key_area]").click()
    form.find_element(By.NAME, "file").send_keys(str(sheet))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#pl-import-state", "未通过")
    problems = browser.find_element(By.ID, "pl-import-problems").text
    assert "3" in problems and "类别" in problems and "类别只能填" in problems
    shot(browser, "places-import")
