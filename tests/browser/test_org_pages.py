"""Party organisation in headless Chromium, against the gateway, the grid and the org service on the real broker and
store: township party-building staff read the figures (one member, both registrations: 100%), find the grid
without a branch, put a new member on the roster (the rate drops to 50%), register them at their grid (a missing
pledge is refused beside its field) and at their community, and see the rate back at 100%; then they fill a
roster slot and close the grid's gap by setting up a branch on it. Screenshots go to .local/screenshots/."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.org.service import OrgService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.browser.test_mediation_pages import set_date
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.e2e.test_org_http import GRID, GRID_2, SHOW, TOWN, VILLAGE, build_county, member_body
from tests.harness import database, running

CLERK = ("li.dangjian", "李党建", "Party-Initial-2026!", "Party-Changed-2026!")
NEW_MEMBER_ID = factories.id_number(851)
RATE = "#org-rate-double_registration_rate"


def open_figures(driver, expected: str) -> None:
    driver.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-figures]").click()
    wait_for(driver, RATE, expected)


def test_a_member_registers_at_grid_and_community_and_the_rate_follows(gateway_port, browser):
    with running(GridService, OrgService, GatewayService):
        root = admin(gateway_port)
        build_county(root, townships=1)
        status, first = root.request("POST", "/api/v1/org/members", member_body(850))
        assert status == 201, first
        for kind, area in (("grid", GRID), ("community", VILLAGE)):
            status, body = root.request("POST", f"/api/v1/org/members/{first['member_id']}/registrations", {
                "kind": kind, "area_code": area, "registered_on": "2026-03-01", **SHOW})
            assert status == 200, body
        staff_account(root, gateway_port, CLERK, "township_staff", TOWN)

        browser.set_window_size(1280, 1000)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        sign_in(browser, CLERK[0], CLERK[3])
        wait_for(browser, "nav a[data-tab=org-figures]")
        open_figures(browser, "100.0%")
        assert "葛城街道" in browser.find_element(By.ID, "org-figures-scope").text
        assert "50.0%" in browser.find_element(By.ID, "org-rate-branch_coverage").text
        shot(browser, "60-org-figures")

        # The grid without a branch is listed as a gap.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-gaps]").click()
        wait_for(browser, f"#org-gap-rows tr.gap-row[data-grid='{GRID_2}']")
        assert len(browser.find_elements(By.CSS_SELECTOR, "#org-gap-rows tr.gap-row")) == 1

        # A new member on the roster of the grid branch.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-members]").click()
        wait_for(browser, f"#org-member-form select[name=org_id] option[value='PO{GRID}']")
        form = browser.find_element(By.ID, "org-member-form")
        Select(form.find_element(By.NAME, "org_id")).select_by_value(f"PO{GRID}")
        form.find_element(By.NAME, "name").send_keys("谭建国")
        form.find_element(By.NAME, "id_number").send_keys(NEW_MEMBER_ID)
        form.find_element(By.NAME, "phone").send_keys("17100006789")
        Select(form.find_element(By.NAME, "category")).select_by_value("resident")
        Select(form.find_element(By.NAME, "political_status")).select_by_value("full")
        set_date(browser, form.find_element(By.NAME, "joined_on"), "2010-07-01")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#org-member-notice", "已入册")
        assert "正式党员" in browser.find_element(By.ID, "org-member-status").text
        assert NEW_MEMBER_ID not in browser.page_source and "17100006789" not in browser.page_source
        member = database("org").members.find_one({"name": "谭建国"})
        assert member is not None and member["registrations"] == {}
        open_figures(browser, "50.0%")

        # At the grid: first without a pledge (refused beside it), then complete.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-members]").click()
        wait_for(browser, f"#org-member-rows tr.member-row[data-member='{member['_id']}'] a.member-link").click()
        grid_form = wait_for(browser, "#org-reg-grid")
        wait_for(browser, f"#org-reg-grid select[name=area_code] option[value='{GRID}']")
        Select(grid_form.find_element(By.NAME, "area_code")).select_by_value(GRID)
        grid_form.find_element(By.NAME, "identity").send_keys("网格党员中心户")
        grid_form.find_element(By.NAME, "duty").send_keys("联系本网格20户群众")
        grid_form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(browser, "#org-reg-grid .err[data-for=pledge]").text
        assert "grid" not in database("org").members.find_one({"_id": member["_id"]})["registrations"]
        grid_form.find_element(By.NAME, "pledge").send_keys("每月至少走访一次独居老人")
        grid_form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#org-member-notice", "已在网格报到")
        assert "网格党员中心户" in browser.find_element(By.ID, "org-member-registrations").text
        open_figures(browser, "50.0%")

        # At the residential community: both registrations done, and the rate is back at 100%.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-members]").click()
        wait_for(browser, f"#org-member-rows tr.member-row[data-member='{member['_id']}'] a.member-link").click()
        community = wait_for(browser, "#org-reg-community")
        wait_for(browser, f"#org-reg-community select[name=area_code] option[value='{VILLAGE}']")
        Select(community.find_element(By.NAME, "area_code")).select_by_value(VILLAGE)
        community.find_element(By.NAME, "identity").send_keys("在职党员")
        community.find_element(By.NAME, "duty").send_keys("参与小区环境整治")
        community.find_element(By.NAME, "pledge").send_keys("带头遵守居民公约")
        community.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#org-member-notice", "已在居住地社区报到")
        assert "已完成双报到" in browser.find_element(By.ID, "org-member-name").text
        shot(browser, "61-org-member-registered")
        open_figures(browser, "100.0%")
        assert "2" in browser.find_element(By.ID, "org-count-both").text
        shot(browser, "62-org-figures-after")
        stored = database("org").members.find_one({"_id": member["_id"]})
        assert set(stored["registrations"]) == {"grid", "community"}
        assert [h["action"] for h in stored["history"]] == ["enrol", "register_grid", "register_community"]

        # The tree hangs from the county committee; the village's police officer fills one roster slot.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-tree]").click()
        assert f"{GRID}网格党支部" in wait_for(browser, f"#org-tree-list li[data-org='PO{GRID}']").text
        assert browser.find_element(By.CSS_SELECTOR, "#org-tree-list > li").get_attribute("data-org") == "PO500229"
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-rosters]").click()
        row = wait_for(browser, f"#org-roster-rows tr.roster-row[data-slot='{VILLAGE}:police']", "未配齐")
        row.find_element(By.CSS_SELECTOR, "a.roster-edit").click()
        editor = wait_for(browser, "#org-roster-rows form.roster-form")
        editor.find_element(By.NAME, "name").send_keys("刘警官")
        editor.find_element(By.NAME, "unit").send_keys("葛城派出所")
        editor.find_element(By.NAME, "phone").send_keys("17100004567")
        editor.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        row = wait_for(browser, f"#org-roster-rows tr.roster-row[data-slot='{VILLAGE}:police']", "已配齐")
        assert "171****4567" in row.text and "刘警官" in row.text
        shot(browser, "63-org-rosters")

        # The gap closed from the console: a branch set up on the second grid, under the community's committee.
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-gaps]").click()
        wait_for(browser, f"#org-gap-rows tr.gap-row[data-grid='{GRID_2}'] a.gap-fix").click()
        new = wait_for(browser, "#org-new-form")
        wait_for(browser, f"#org-new-form select[name=parent_org_id] option[value='PO{VILLAGE}']")
        assert new.find_element(By.NAME, "area_code").get_attribute("value") == GRID_2
        assert Select(new.find_element(By.NAME, "parent_org_id")).first_selected_option.get_attribute("value") == \
            f"PO{VILLAGE}"
        new.find_element(By.NAME, "secretary").send_keys("向书记")
        new.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#org-new-notice", "已设立")
        wait_for(browser, "#org-tree-list", "向书记")
        browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=org-gaps]").click()
        wait_for(browser, "#org-gaps-summary", "尚无党支部或党小组的 0 个")
        assert database("org").party_orgs.find_one({"area_code": GRID_2})["parent_org_id"] == f"PO{VILLAGE}"
