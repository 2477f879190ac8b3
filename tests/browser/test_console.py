"""The staff console in headless Chromium, against the gateway and the grid service on the real broker and store:
first sign-in with the forced password change, the area tree down to a household, and an unmasked read that asks
for a reason and lands in the audit log. Screenshots go to .local/screenshots/."""
import time
from pathlib import Path

import jwt
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select, WebDriverWait

from services.assessment.service import AssessmentService
from services.credit.service import CreditService
from services.emergency.service import EmergencyService
from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.org.service import OrgService
from services.petitions.service import PetitionsService
from services.risk.service import RiskService
from services.village.service import VillageService
from shared import config
from tests import factories
from tests.e2e.test_gateway_http import ADMIN_PASSWORD, NEW_PASSWORD, Client, admin, gateway_port  # noqa: F401
from tests.harness import database, fresh_rate_limits, running

SHOTS = Path(__file__).resolve().parents[2] / ".local" / "screenshots"


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=430,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, css, text=None, timeout=20):
    condition = seen.text_to_be_present_in_element((By.CSS_SELECTOR, css), text) if text else \
        seen.visibility_of_element_located((By.CSS_SELECTOR, css))
    WebDriverWait(driver, timeout).until(condition)
    return driver.find_element(By.CSS_SELECTOR, css)


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_sign_in_walk_the_tree_and_reveal_with_a_reason(gateway_port, browser):
    with running(GridService, MediationService, PetitionsService, CreditService, RiskService, OrgService,
                 VillageService, EmergencyService, AssessmentService, GatewayService):
        setup = Client(gateway_port)
        first = setup.sign_in("admin", ADMIN_PASSWORD)
        assert first["must_change_password"]
        household = factories.household("500229001001001001", n_residents=2)

        browser.get(f"http://127.0.0.1:{gateway_port}/")
        shot(browser, "01-sign-in")
        browser.find_element(By.NAME, "username").send_keys("admin")
        browser.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait_for(browser, "#password-form")
        browser.find_element(By.NAME, "old_password").send_keys(ADMIN_PASSWORD)
        browser.find_element(By.NAME, "new_password").send_keys(NEW_PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "#password-form button").click()
        wait_for(browser, "#status", "各服务运行正常")

        api = Client(gateway_port)
        api.sign_in("admin", NEW_PASSWORD)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=2):
            assert api.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        assert api.request("POST", "/api/v1/households", household)[0] == 201
        receipt = Client(gateway_port).request("POST", "/api/v1/public/requests", {
            "kind": "service_order", "area_code": "500229001001", "content": "帮忙代办老人的高龄补贴",
            "contact_name": "向大姐", "phone": "17100001234"})[1]

        browser.refresh()
        wait_for(browser, "#counts", receipt["tracking_code"])  # the resident's request is in the work queue
        assert "向大姐" not in browser.find_element(By.ID, "counts").text  # contacts are masked
        shot(browser, "02-home")
        wait_for(browser, "nav a[data-tab=areas]").click()
        wait_for(browser, "#areas", "葛城街道")
        shot(browser, "03-area-tree")
        for name in ("葛城街道", "平岗社区", "平岗社区第1网格", "1号楼"):
            WebDriverWait(browser, 20).until(seen.element_to_be_clickable((By.PARTIAL_LINK_TEXT, name))).click()
        wait_for(browser, "a.household", household["household_number"]).click()
        row = wait_for(browser, "tr[data-resident]")
        masked = row.find_elements(By.TAG_NAME, "td")[2].text
        assert "*" in masked
        shot(browser, "04-household-masked")

        row.find_element(By.CSS_SELECTOR, "button.reveal").click()
        wait_for(browser, "tr[data-resident] .bad", "理由")
        row.find_element(By.CSS_SELECTOR, "input.reason").send_keys("入户核实低保申请")
        row.find_element(By.CSS_SELECTOR, "button.reveal").click()
        wait_for(browser, "tr[data-resident]", "已记录审计")
        revealed = browser.find_element(By.CSS_SELECTOR, "tr[data-resident]").find_elements(By.TAG_NAME, "td")[2].text
        assert revealed in {r["id_number"] for r in household["residents"]}
        shot(browser, "05-household-revealed")

        # A real import of a small county sheet, with its report.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=import]").click()
        upload = browser.find_element(By.CSS_SELECTOR, "#import-form input[type=file]")
        upload.send_keys(str(Path(__file__).resolve().parents[1] / "fixtures" / "households-ok.csv"))
        browser.find_element(By.CSS_SELECTOR, "#import-form input[name=real]").click()
        browser.find_element(By.CSS_SELECTOR, "#import-form button").click()
        wait_for(browser, "#import-result", "完成")
        assert database("grid").households.count_documents({}) == 4  # three from the sheet, one registered above
        shot(browser, "06-import")

        # An administrator makes an auditor in the staff page; the auditor finds the reveal and its reason.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=staff]").click()
        wait_for(browser, "#accounts", "admin")
        form = browser.find_element(By.ID, "account-form")
        for name, value in (("username", "auditor.li"), ("display_name", "李审计"), ("password", "Audit-Initial-2026!"),
                            ("area_code", "500229")):
            form.find_element(By.NAME, name).send_keys(value)
        Select(form.find_element(By.NAME, "role")).select_by_value("auditor")
        form.find_element(By.CSS_SELECTOR, "button").click()
        wait_for(browser, "#accounts", "auditor.li")
        # Grants are edited in place: the auditor also gets a read-only leader grant on the street, then loses it.
        field = browser.find_element(By.XPATH, "//tr[td[text()='auditor.li']]//input[@class='grants']")
        field.clear()
        field.send_keys("auditor:500229,leader:500229001")
        browser.find_element(By.XPATH, "//tr[td[text()='auditor.li']]//button[@data-grants]").click()
        wait_for(browser, "#accounts", "领导（只读） 500229001")
        field = browser.find_element(By.XPATH, "//tr[td[text()='auditor.li']]//input[@class='grants']")
        field.clear()
        field.send_keys("auditor:500229")
        browser.find_element(By.XPATH, "//tr[td[text()='auditor.li']]//button[@data-grants]").click()
        WebDriverWait(browser, 20).until_not(
            seen.text_to_be_present_in_element((By.ID, "accounts"), "领导（只读） 500229001"))
        shot(browser, "07-staff")

        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=home]").click()
        browser.find_element(By.ID, "logout").click()
        wait_for(browser, "#login-form")
        browser.find_element(By.NAME, "username").send_keys("auditor.li")
        browser.find_element(By.NAME, "password").send_keys("Audit-Initial-2026!")
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait_for(browser, "#password-form")
        browser.find_element(By.NAME, "old_password").send_keys("Audit-Initial-2026!")
        browser.find_element(By.NAME, "new_password").send_keys("Audit-Changed-2026!")
        browser.find_element(By.CSS_SELECTOR, "#password-form button").click()
        wait_for(browser, "nav a[data-tab=audit]").click()
        wait_for(browser, "#audit-rows", "入户核实低保申请")
        browser.find_element(By.ID, "verify").click()
        wait_for(browser, "#verify-result", "哈希链完整")
        assert not browser.find_elements(By.CSS_SELECTOR, "nav a[data-tab=areas]")  # auditors never see residents
        shot(browser, "08-audit")

    entry = database("gateway").audit.find_one({"action": "personal_data.reveal", "outcome": "200"})
    assert entry["detail"] == {"reason": "入户核实低保申请"} and entry["actor"]["username"] == "admin"


def test_resident_submits_and_tracks_a_request_without_an_account(gateway_port, browser):
    fresh_rate_limits()
    with running(GridService, MediationService, GatewayService):
        api = Client(gateway_port)
        api.sign_in("admin", ADMIN_PASSWORD)
        api.request("POST", "/api/v1/auth/password", {"old_password": ADMIN_PASSWORD, "new_password": NEW_PASSWORD})
        api.sign_in("admin", NEW_PASSWORD)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert api.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200

        browser.get(f"http://127.0.0.1:{gateway_port}/public")
        Select(browser.find_element(By.NAME, "kind")).select_by_value("dispute")
        browser.find_element(By.NAME, "area_code").send_keys("500229001001")
        browser.find_element(By.NAME, "content").send_keys("邻居修房占用了我家的出行道路")
        browser.find_element(By.NAME, "contact_name").send_keys("李大哥")
        browser.find_element(By.NAME, "phone").send_keys("17100005678")
        browser.find_element(By.CSS_SELECTOR, "#submit-form button").click()
        code = wait_for(browser, "#code").text
        shot(browser, "09-resident-submitted")
        assert len(code) == 10

        browser.find_element(By.NAME, "tracking_code").send_keys(code)
        browser.find_element(By.NAME, "phone_last4").send_keys("5678")
        browser.find_element(By.CSS_SELECTOR, "#track-form button").click()
        assert "矛盾纠纷：已受理" in wait_for(browser, "#status").text
        shot(browser, "10-resident-tracked")
        assert "李大哥" not in browser.page_source.split("查询进度", 1)[1]


def test_the_console_renews_a_spent_access_token_and_signs_out_when_the_session_ends(gateway_port, browser):
    with running(GridService, GatewayService):
        admin(gateway_port)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        browser.find_element(By.NAME, "username").send_keys("admin")
        browser.find_element(By.NAME, "password").send_keys(NEW_PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait_for(browser, "nav a[data-tab=areas]")

        # Fifteen minutes later: the access token has run out, the refresh token has not.
        stored = "return JSON.parse(sessionStorage.getItem('xz-session')).access"
        claims = jwt.decode(browser.execute_script(stored), options={"verify_signature": False})
        now = int(time.time())
        spent = jwt.encode({**claims, "iat": now - 1000, "exp": now - 100}, config.jwt_secret(), algorithm="HS256")
        browser.execute_script("const s = JSON.parse(sessionStorage.getItem('xz-session')); s.access = arguments[0];"
                               "sessionStorage.setItem('xz-session', JSON.stringify(s));", spent)
        browser.refresh()
        wait_for(browser, "nav a[data-tab=areas]").click()  # still signed in: the console renewed the token
        renewed = browser.execute_script(stored)
        assert renewed != spent and Client(gateway_port, renewed).request("GET", "/api/v1/me")[0] == 200
        assert browser.find_element(By.ID, "login-box").get_attribute("hidden")

        # Signed out elsewhere (or disabled): renewing cannot help, and the console returns to the sign-in form.
        assert Client(gateway_port, renewed).request("POST", "/api/v1/auth/logout", {})[0] == 200
        time.sleep(2.5)  # past the gateway's session cache
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=staff]").click()
        wait_for(browser, "#login-form")
