"""Grid affairs in headless Chromium, against the gateway and the grid service on the real broker and store: a grid
worker on the phone page patrols, collects a case with a photo and reports it; the township finds it in the
console's queue, sees the photo and the timeline, and dispatches it. Also the responsibility-item editor and a
resident's rating on the public page. Screenshots go to .local/screenshots/."""
import struct
import zlib

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from services.gateway.service import GatewayService
from services.grid.service import GridService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.e2e.test_gateway_http import Client, admin, gateway_port  # noqa: F401 - the fixture
from tests.harness import database, fresh_rate_limits, running

GRID = "500229001001001"
TOWNSHIP = "500229001"
WORKER = ("wang.wangge", "王网格", "Grid-Initial-2026!", "Grid-Changed-2026!")
STAFF = ("li.xiangzhen", "李乡镇", "Town-Initial-2026!", "Town-Changed-2026!")
TITLE = "二组院坝柴草堆放堵塞消防通道"


def png(width=96, height=64) -> bytes:
    """A small valid PNG: a red band over a grey field, enough to be seen in a screenshot."""
    rows = b"".join(b"\x00" + b"".join(b"\xb7\x1c\x1c" if y < height // 3 else b"\xcc\xcc\xcc" for _ in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def staff_account(root: Client, port, who, role, area_code) -> None:
    """An account made by the administrator, past its forced first password change (done over the API, so the
    browser signs in with the changed password)."""
    username, name, initial, changed = who
    status, body = root.request("POST", "/api/v1/accounts", {"username": username, "display_name": name,
                                                             "password": initial,
                                                             "grants": [{"role": role, "area_code": area_code}]})
    assert status == 201, body
    client = Client(port)
    assert client.sign_in(username, initial)["must_change_password"] is True
    status, body = client.request("POST", "/api/v1/auth/password", {"old_password": initial, "new_password": changed})
    assert status == 200 and body["must_change_password"] is False, body


def sign_in(driver, username, password):
    driver.find_element(By.CSS_SELECTOR, "#login-form [name=username]").send_keys(username)
    driver.find_element(By.CSS_SELECTOR, "#login-form [name=password]").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#login-form button").click()


def image_shown(driver, css, timeout=20):
    """An <img> whose blob has arrived and decoded."""
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
        "const i = document.querySelector(arguments[0]); return !!i && i.src.startsWith('blob:') && i.complete && "
        "i.naturalWidth > 0;", css))
    return driver.find_element(By.CSS_SELECTOR, css)


@pytest.fixture
def county(gateway_port):
    with running(GridService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        yield root


def test_grid_worker_reports_on_the_phone_and_the_township_sees_it(gateway_port, county, browser, tmp_path):
    staff_account(county, gateway_port, WORKER, "grid_worker", GRID)
    staff_account(county, gateway_port, STAFF, "township_staff", TOWNSHIP)
    photo = tmp_path / "fire-lane.png"
    photo.write_bytes(png())

    # The grid worker, on a phone-sized screen.
    browser.set_window_size(390, 844)
    browser.get(f"http://127.0.0.1:{gateway_port}/m")
    sign_in(browser, WORKER[0], WORKER[3])
    wait_for(browser, "#grid-list", "平岗社区第1网格")
    wait_for(browser, "#patrol-state", "当前没有进行中的巡查")
    shot(browser, "20-mobile-grids")
    browser.find_element(By.CSS_SELECTOR, "#start-form button").click()
    wait_for(browser, "#patrol-state", "巡查中：平岗社区第1网格")
    patrol = database("grid").patrols.find_one({"grid_code": GRID, "ended_at": None})
    assert patrol is not None

    browser.find_element(By.CSS_SELECTOR, "nav a[data-view=report]").click()
    form = wait_for(browser, "#report-form")
    assert "将计入进行中的巡查" in browser.find_element(By.ID, "patrol-hint").text
    Select(form.find_element(By.NAME, "category")).select_by_value("safety")
    Select(form.find_element(By.NAME, "item_code")).select_by_value("safety.fire")
    assert "县消防救援大队" in browser.find_element(By.ID, "item-hint").text
    title = form.find_element(By.NAME, "title")
    title.send_keys("  ")  # blank once trimmed: the browser lets it through, the service does not
    form.find_element(By.NAME, "description").send_keys("院坝内柴草堆至两米高，堵住了消防车通道，旁边有住户用电线私拉乱接。")
    form.find_element(By.NAME, "location").send_keys("平岗社区二组向家院坝")
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(photo))
    # The service's refusal lands beside the field it names, and nothing is recorded.
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(browser, ".err[data-for=title]", "不能为空")
    assert database("grid").cases.count_documents({}) == 0
    shot(browser, "21-mobile-report-error")

    title.clear()
    title.send_keys(TITLE)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#case-title", TITLE)
    assert "已采集登记" in browser.find_element(By.ID, "notice").text
    image_shown(browser, "#photos img")
    shot(browser, "22-mobile-case-collected")

    stored = database("grid").cases.find_one({"title": TITLE})
    assert stored["status"] == "collected" and stored["patrol_id"] == patrol["_id"]
    assert [a["stage"] for a in stored["attachments"]] == ["discovered"]
    assert database("grid")["case_files.files"].count_documents({"metadata.case_id": stored["_id"]}) == 1
    assert database("grid").patrols.find_one({"_id": patrol["_id"]})["case_ids"] == [stored["_id"]]

    browser.find_element(By.CSS_SELECTOR, "nav a[data-view=cases]").click()
    wait_for(browser, "#my-cases", TITLE)
    shot(browser, "23-mobile-my-cases")
    browser.find_element(By.CSS_SELECTOR, f"#my-cases a[data-case='{stored['_id']}']").click()
    wait_for(browser, "#actions form[data-action=report] button").click()
    wait_for(browser, "#case-status", "已上报")
    assert "上报" in browser.find_element(By.ID, "timeline").text
    shot(browser, "24-mobile-reported")
    reported = database("grid").cases.find_one({"_id": stored["_id"]})
    assert reported["status"] == "reported" and reported["assignee"] == {"kind": "township", "id": TOWNSHIP,
                                                                         "name": "葛城街道"}

    # The patrol ends with its notes; then the phone is handed back.
    browser.find_element(By.CSS_SELECTOR, "nav a[data-view=grids]").click()
    wait_for(browser, "#end-form textarea").send_keys("走访二组、三组，发现消防通道堵塞一处")
    browser.find_element(By.CSS_SELECTOR, "#end-form button").click()
    wait_for(browser, "#patrol-state", "当前没有进行中的巡查")
    assert database("grid").patrols.find_one({"_id": patrol["_id"]})["notes"] == "走访二组、三组，发现消防通道堵塞一处"
    browser.find_element(By.ID, "logout").click()
    wait_for(browser, "#login-form")

    # The township, in the console on a desk-sized screen.
    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{gateway_port}/")
    sign_in(browser, STAFF[0], STAFF[3])
    wait_for(browser, "nav a[data-tab=cases]").click()
    row = wait_for(browser, "#case-rows tr.case-row", TITLE)
    assert "已上报" in browser.find_element(By.CSS_SELECTOR, "#case-rows tr.case-row").text
    assert "正常" in browser.find_element(By.CSS_SELECTOR, "#case-rows tr.case-row").text
    assert row
    assert not browser.find_elements(By.CSS_SELECTOR, "nav a[data-tab=case]")  # the case page is not a menu entry
    shot(browser, "25-console-case-queue")

    browser.find_element(By.CSS_SELECTOR, f"a.case-link[data-case='{stored['_id']}']").click()
    wait_for(browser, "#case-title", TITLE)
    image_shown(browser, "#case-photos img")
    timeline = wait_for(browser, "#case-timeline").text
    assert "采集登记" in timeline and "上报" in timeline and "王网格" in timeline
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#case-actions button")]
    assert "派单" in buttons and "退回网格补充" in buttons
    shot(browser, "26-console-case-page")

    # Dispatched to the owner department, named by hand.
    dispatch = browser.find_element(By.CSS_SELECTOR, "#case-actions form[data-action=dispatch]")
    Select(dispatch.find_element(By.NAME, "assignee")).select_by_value("department:")
    assert dispatch.find_element(By.NAME, "department").get_attribute("value") == "县消防救援大队"
    dispatch.find_element(By.CSS_SELECTOR, "button").click()
    wait_for(browser, "#case-notice", "已派单")
    assert "县消防救援大队" in browser.find_element(By.ID, "case-assignee").text
    dispatched = database("grid").cases.find_one({"_id": stored["_id"]})
    assert dispatched["status"] == "dispatched"
    assert dispatched["handler"] == {"kind": "department", "id": "县消防救援大队", "name": "县消防救援大队"}

    browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=figures]").click()
    wait_for(browser, "#figures-scope", "葛城街道")
    counts = browser.find_element(By.ID, "figures-out").text
    assert "1\n事件总数" in counts and "办理中" in counts and "安全隐患" in counts
    assert "平岗社区" in browser.find_element(By.ID, "figures-by-area").text
    shot(browser, "27-console-figures")


def test_county_admin_saves_a_new_version_of_a_responsibility_item(gateway_port, county, browser):
    from tests.e2e.test_gateway_http import NEW_PASSWORD

    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{gateway_port}/")
    sign_in(browser, "admin", NEW_PASSWORD)
    wait_for(browser, "nav a[data-tab=items]").click()
    wait_for(browser, "tr.item-row[data-code='safety.fire'] .version", "第1版")
    browser.find_element(By.CSS_SELECTOR, "a.edit-item[data-code='safety.fire']").click()
    form = wait_for(browser, "#item-form")
    assert form.find_element(By.NAME, "code").get_attribute("readonly")
    days = form.find_element(By.NAME, "days")
    days.clear()
    days.send_keys("2")
    Select(form.find_element(By.NAME, "day_kind")).select_by_value("calendar")
    department = form.find_element(By.NAME, "owner_department")
    department.clear()
    department.send_keys("县消防救援大队葛城站")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#item-result", "第2版")
    wait_for(browser, "tr.item-row[data-code='safety.fire'] .version", "第2版")
    assert "2个自然日" in browser.find_element(By.CSS_SELECTOR, "tr.item-row[data-code='safety.fire']").text
    versions = wait_for(browser, "#version-rows", "第2版").text
    assert "第1版" in versions and "县消防救援大队葛城站" in versions
    shot(browser, "28-console-items-editor")

    # A refused value is shown beside its field, and no version is added.
    department = browser.find_element(By.CSS_SELECTOR, "#item-form [name=owner_department]")
    department.clear()
    department.send_keys("  ")
    browser.find_element(By.CSS_SELECTOR, "#item-form button[type=submit]").click()
    assert wait_for(browser, "#item-form .err[data-for=owner_department]", "不能为空")

    stored = list(database("grid").responsibility_items.find({"code": "safety.fire"}).sort("version", 1))
    assert [(v["version"], v["current"]) for v in stored] == [(1, False), (2, True)]
    assert stored[1]["deadline"] == {"days": 2, "day_kind": "calendar"}
    assert stored[1]["owner_department"] == "县消防救援大队葛城站" and stored[1]["changed_by"] == "系统管理员"


def test_resident_rates_a_delivered_service_order(gateway_port, county, browser):
    fresh_rate_limits()
    public = Client(gateway_port)
    status, receipt = public.request("POST", "/api/v1/public/requests", {
        "kind": "service_order", "area_code": "500229001001", "content": "家中老人需要代办医保报销手续",
        "contact_name": "向大姐", "phone": "17100001234"})
    assert status == 201, receipt
    order = county.request("GET", "/api/v1/service-orders")[1]["items"][0]

    # The county dispatches the order to a department and records its delivery in the console's order page.
    from tests.e2e.test_gateway_http import NEW_PASSWORD

    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{gateway_port}/")
    sign_in(browser, "admin", NEW_PASSWORD)
    wait_for(browser, "nav a[data-tab=orders]").click()
    wait_for(browser, "#order-rows tr.order-row", "已点单")
    assert "向大姐" not in browser.find_element(By.ID, "order-rows").text  # contacts are masked
    browser.find_element(By.CSS_SELECTOR, f"a.order-link[data-order='{order['order_id']}']").click()
    dispatch = wait_for(browser, "#order-actions form[data-action=dispatch]")
    Select(dispatch.find_element(By.NAME, "assignee")).select_by_value("department:")
    dispatch.find_element(By.CSS_SELECTOR, "button").click()
    deliver = wait_for(browser, "#order-actions form[data-action=deliver]")
    deliver.find_element(By.NAME, "feedback").send_keys("已上门收齐材料并代办报销")
    deliver.find_element(By.CSS_SELECTOR, "button").click()
    wait_for(browser, "#order-page", "已办理待评价")
    wait_for(browser, "#order-rows tr.order-row", "已办理待评价")
    shot(browser, "29-console-service-order")
    stored = database("grid").service_orders.find_one({"_id": order["order_id"]})
    assert stored["status"] == "delivered" and stored["assignee"]["name"] == "乡镇便民服务中心"
    browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=home]").click()
    browser.find_element(By.ID, "logout").click()
    wait_for(browser, "#login-form")

    browser.set_window_size(430, 900)
    browser.get(f"http://127.0.0.1:{gateway_port}/public")
    browser.find_element(By.NAME, "tracking_code").send_keys(receipt["tracking_code"])
    browser.find_element(By.NAME, "phone_last4").send_keys("1234")
    browser.find_element(By.CSS_SELECTOR, "#track-form button").click()
    wait_for(browser, "#order-status", "已办理待评价")
    assert "已上门收齐材料并代办报销" in browser.find_element(By.ID, "track-result").text
    history = browser.find_element(By.ID, "order-history").text
    assert "已点单" in history and "已派单" in history
    browser.find_element(By.CSS_SELECTOR, "#rate-form input[name=rating][value='5']").click()
    browser.find_element(By.CSS_SELECTOR, "#rate-form textarea").send_keys("办得很快，谢谢")
    shot(browser, "30-resident-rating")
    browser.find_element(By.CSS_SELECTOR, "#rate-form button").click()
    wait_for(browser, "#rated", "感谢您的评价")
    assert "已评价办结" in browser.find_element(By.ID, "order-status").text
    assert not browser.find_elements(By.ID, "rate-form")
    shot(browser, "31-resident-rated")

    stored = database("grid").service_orders.find_one({"_id": order["order_id"]})
    assert stored["status"] == "rated" and [r["rating"] for r in stored["ratings"]] == [5]
