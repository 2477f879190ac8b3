"""Village self-governance in headless Chromium, against the gateway, the grid, credit and village services on the
real broker and store. A village cadre registers an important matter and takes it through its steps (a villagers'
meeting short of its quorum is refused beside its field and shows in the matter's history; the meeting that has
two thirds of the households passes), publishes the resolution and the result; drafts the residents' compact,
has it adopted and sends it for filing; the township's clerk finds it in 备案审查, reviews and files it; the cadre
publishes it, records a session whose question is settled on the spot, and sets up the 红白理事会; a resident sees
the compact and both publications with their dates on /public. Screenshots go to .local/screenshots/."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from services.credit.service import CreditService
from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.village.service import VillageService
from shared import clock
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.browser.test_mediation_pages import set_date
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.fault.polling import wait_until
from tests.harness import database, running

TOWN, VILLAGE, MICRO = "500229001", "500229001001", "500229001001001001"
CADRE = ("cun.ganbu", "冉村干", "Village-Initial-2026!", "Village-Changed-2026!")
CLERK = ("xiang.beian", "向备案", "Filing-Initial-2026!", "Filing-Changed-2026!")


def tab(driver, name: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"nav a[data-tab={name}]").click()


def fill_form(form, values: dict) -> None:
    for name, value in values.items():
        field = form.find_element(By.NAME, name)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(str(value))


def switch_to(driver, port, who) -> None:
    driver.execute_script("sessionStorage.clear()")
    driver.get(f"http://127.0.0.1:{port}/")
    sign_in(driver, who[0], who[3])


def step(driver, values: dict, notice: str) -> None:
    form = wait_for(driver, "#vl-step-form")
    fill_form(form, values)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(driver, "#vl-matter-notice", notice)


def test_a_matter_a_compact_its_filing_and_the_residents_page(gateway_port, browser):
    with running(GridService, CreditService, VillageService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        for _ in range(6):
            assert root.request("POST", "/api/v1/households", factories.household(MICRO, 3))[0] == 201
        wait_until(lambda: database("village").areas.find_one({"kind": "grid"}), what="the grid in the village service")
        staff_account(root, gateway_port, CADRE, "village_cadre", VILLAGE)
        staff_account(root, gateway_port, CLERK, "township_staff", TOWN)
        today = clock.today().isoformat()
        browser.set_window_size(1280, 1000)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        sign_in(browser, CADRE[0], CADRE[3])

        # 四议两公开: register, three deliberations, a resolution refused for quorum and then passed, two publications.
        wait_for(browser, "nav a[data-tab=village-matters]")
        assert not browser.find_elements(By.CSS_SELECTOR, "nav a[data-tab=village-filing]")  # the township's tab
        tab(browser, "village-matters")
        add = wait_for(browser, "#vl-matter-new")
        fill_form(add, {"title": "村道硬化工程", "description": "硬化三组至五组村道2.3公里", "amount_yuan": 460000})
        add.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#vl-matter-notice", "已登记")
        for name in ("村党组织提议", "村“两委”会议商议", "党员大会审议"):
            step(browser, {"expected": 9, "present": 8, "votes_for": 7, "votes_against": 1, "minutes": "讨论村道硬化方案"},
                 "已记录：" + name)
        form = wait_for(browser, "#vl-step-form")
        fill_form(form, {"present": 2, "votes_for": 2, "votes_against": 0, "minutes": "村民会议表决"})
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert "18周岁以上村民过半数" in wait_for(browser, "#vl-step-form .err[data-for=present]", "过半数").text
        assert "未达法定到会人数" in wait_for(browser, "#vl-matter-refused").text
        shot(browser, "80-village-matter-refused")
        step(browser, {"present": 4, "households_represented": 4, "votes_for": 4, "votes_against": 0,
                       "minutes": "村民会议表决通过"}, "已记录：村民会议或村民代表会议决议")
        step(browser, {"content": "决议：实施村道硬化工程，投资46万元"}, "已记录：决议公开")
        step(browser, {"content": "工程已完工并通过验收"}, "已记录：实施结果公开")
        assert "实施结果已公开" in browser.find_element(By.ID, "vl-matter-title").text
        assert len(browser.find_elements(By.CSS_SELECTOR, "#vl-matter-steps tr[data-step]")) == 6
        shot(browser, "81-village-matter-completed")

        # 村规民约: a draft of two clauses, adopted by the villagers' meeting, sent for filing.
        tab(browser, "village-rules")
        draft = wait_for(browser, "#vl-rules-new")
        Select(draft.find_element(By.NAME, "kind")).select_by_value("residents_compact")
        draft.find_element(By.NAME, "title").send_keys("平岗社区居民公约")
        rows = draft.find_elements(By.CSS_SELECTOR, ".vl-clauses fieldset")
        for row, text in zip(rows, ("爱护公共环境", "邻里和睦"), strict=True):
            row.find_element(By.NAME, "text").send_keys(text)
        draft.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#vl-rules-notice", "草案已保存")
        adopt = wait_for(browser, "form.vl-rules-action[data-action=adopt]")
        fill_form(adopt, {"attendees": 4, "households_represented": 4, "votes_for": 4, "votes_against": 0,
                          "minutes": "逐条表决通过"})
        adopt.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#vl-rules-title", "已表决通过")
        assert not browser.find_elements(By.CSS_SELECTOR, "form.vl-rules-action[data-action=publish]")
        wait_for(browser, "form.vl-rules-action[data-action=submit] button").click()
        wait_for(browser, "#vl-rules-title", "已报乡镇备案")

        # The township's clerk reviews and files it.
        switch_to(browser, gateway_port, CLERK)
        wait_for(browser, "nav a[data-tab=village-filing]")
        tab(browser, "village-filing")
        wait_for(browser, "#vl-filing-rules a.vl-rules-link", "平岗社区居民公约").click()
        review = wait_for(browser, "form.vl-rules-action[data-action=review]")
        review.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(browser, "form.vl-rules-action[data-action=review] .err[data-for=opinion]").text
        review.find_element(By.NAME, "opinion").send_keys("内容合法，同意备案")
        review.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#vl-rules-title", "乡镇已审查")
        filing = wait_for(browser, "form.vl-rules-action[data-action=file]")
        filing.find_element(By.NAME, "filing_number").send_keys("葛城备〔2026〕1号")
        filing.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#vl-rules-title", "已备案")
        shot(browser, "82-village-rules-filed")

        # The cadre publishes it, and settles a question raised at a session on the spot.
        switch_to(browser, gateway_port, CADRE)
        wait_for(browser, "nav a[data-tab=village-rules]")
        tab(browser, "village-rules")
        wait_for(browser, "#vl-rules-table a.vl-rules-link", "平岗社区居民公约").click()
        wait_for(browser, "form.vl-rules-action[data-action=publish] button").click()
        wait_for(browser, "#vl-rules-title", "已公布施行")
        tab(browser, "village-sessions")
        session = wait_for(browser, "#vl-session-new")
        fill_form(session, {"place": "社区院坝", "topic": "听民意", "participants": 30})
        session.find_element(By.CSS_SELECTOR, ".vl-raised input[name=summary]").send_keys("询问医保缴费的时间")
        Select(session.find_element(By.CSS_SELECTOR, ".vl-raised select[name=matter_topic]")).select_by_value("public_service")
        session.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#vl-session-notice", "已记录")
        route = wait_for(browser, "form.vl-route-form")
        route.find_element(By.NAME, "note").send_keys("当场答复：十二月底前缴纳")
        route.find_element(By.CSS_SELECTOR, "button[value=settle]").click()
        wait_for(browser, "#vl-session-matters .vl-outcome", "当场解决")
        shot(browser, "83-village-session")

        # 四会: the 红白理事会 with three residents, its standard of fifteen tables.
        residents = [r["resident_id"] for r in root.request("GET", f"/api/v1/residents?area_code={VILLAGE}")[1]["items"]]
        tab(browser, "village-councils")
        council = wait_for(browser, "#vl-council-new")
        set_date(browser, council.find_element(By.NAME, "term_start"), "2024-01-01")
        set_date(browser, council.find_element(By.NAME, "term_end"), "2028-12-31")
        fill_form(council, {"max_tables": 15, "members": " ".join(residents[:3])})
        council.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#vl-council-notice", "已保存")
        assert "红白理事会" in browser.find_element(By.ID, "vl-council-name").text
        assert "本届尚未开会" in browser.find_element(By.ID, "vl-council-meetings").text

        # A resident sees the compact and both publications on /public.
        browser.execute_script("sessionStorage.clear()")
        browser.get(f"http://127.0.0.1:{gateway_port}/public")
        form = wait_for(browser, "#village-form")
        form.find_element(By.NAME, "village_code").send_keys(VILLAGE)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        rules = wait_for(browser, ".village-rules", "平岗社区居民公约")
        assert "爱护公共环境" in rules.text and today in rules.text
        published = browser.find_element(By.ID, "village-matters").text
        assert "决议公开 " + today in published and "实施结果公开 " + today in published
        browser.execute_script("document.getElementById('village-result').scrollIntoView()")
        shot(browser, "84-village-public")
