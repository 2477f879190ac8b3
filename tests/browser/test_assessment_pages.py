"""The leader's first screen in headless Chromium: a county leader signs in and sees the plan's eight targets as
cards, the tile map of the townships and the ranking; a click on a target shows the records it counts; the export
downloads a real .xlsx; a click on a township's tile shows that township's scorecard. Screenshots go to
.local/screenshots/."""
from datetime import timedelta

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from services.assessment.service import AssessmentService
from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.service import MediationService
from services.petitions.service import PetitionsService
from services.risk.service import RiskService
from shared import clock
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running

LEADER = ("tan.leader", "谭县长", "Leader-Initial-2026!", "Leader-Changed-2026!")
PARTIES = [{"role": "applicant", "name": "向大姐", "phone": "17100001234"},
           {"role": "respondent", "name": "李大哥", "phone": "17100004321"}]


@pytest.fixture
def county(gateway_port, browser):
    with running(GridService, MediationService, PetitionsService, RiskService, AssessmentService, GatewayService), \
            rpc(COUNTY_SCOPE) as proxy:
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=3, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        for n, village in enumerate(("500229001001", "500229001001", "500229002001")):
            proxy.mediation.register_dispute({"area_code": village, "category": "neighbour", "parties": PARTIES,
                                              "summary": f"两户因屋檐排水发生争执{n}"})
            channel = "online" if n < 2 else "letter"
            proxy.petitions.register_petition({"channel": channel, "area_code": village, "category": "rural_affairs",
                                               "matter": "反映村道损坏", "petitioners": [{"name": "冉光明"}]})
        for indicator in ("sense_of_security", "team_satisfaction", "judicial_credibility"):
            status, body = root.request("POST", "/api/v1/assessment/survey-figures", {
                "year": clock.today().year, "area_code": "500229", "indicator": indicator, "value": 95.0,
                "city_average": 92.0, "source": "市统计局年度测评"})
            assert status == 201, body
        db = database("assessment")
        wait_until(lambda: db.disputes.count_documents({}) == 3 and db.petitions.count_documents({}) == 3
                   and db.areas.count_documents({"kind": {"$in": ["town", "township", "street"]}}) == 3,
                   timeout=60, what="the assessment read model")
        staff_account(root, gateway_port, LEADER, "leader", "500229")
        browser.set_window_size(1280, 1400)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        sign_in(browser, LEADER[0], LEADER[3])
        yield root


def test_a_county_leader_sees_the_scorecard_the_tile_map_and_the_ranking_and_exports_them(county, browser, tmp_path):
    wait_for(browser, "#as-title", "城口县")
    cards = browser.find_elements(By.CSS_SELECTOR, "#as-cards .as-card")
    assert len(cards) == 8
    online = wait_for(browser, "#as-cards .as-card[data-target=online_share]")
    assert "66.7%" in online.text and "2 ÷ 3" in online.text and "未达标" not in online.text
    opinion = browser.find_element(By.CSS_SELECTOR, "#as-cards .as-card[data-target=public_opinion]")
    assert "不低于全市平均" in opinion.text and "达标" in opinion.text
    tiles = browser.find_elements(By.CSS_SELECTOR, "#as-tiles .as-tile")
    assert len(tiles) == 3
    ranking = wait_for(browser, "#as-ranking-table")
    assert len(ranking.find_elements(By.CSS_SELECTOR, "tr")) == 4  # the header and three townships
    wait_until(lambda: browser.execute_script(
        "return !!window.echarts && !!echarts.getInstanceByDom(document.getElementById('as-spark-0'))"),
        timeout=20, what="the sparklines drawn")
    shot(browser, "96-assessment-home")

    # The export downloads a real workbook.
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.find_element(By.CSS_SELECTOR, "#as-home a.as-export[data-table=scorecard]").click()
    wait_for(browser, "#as-home .as-export-state", "已导出")
    path = wait_until(lambda: next((p for p in tmp_path.glob("*.xlsx")), None), timeout=20, what="the .xlsx file")
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("指标", "数值（%）", "目标（%）", "是否达标") and len(rows) == 9
    assert ("网上信访占比", 66.67, 60.0, "达标") == rows[7][:4]

    # A click on a target shows the records it counts.
    online.click()
    wait_for(browser, "#as-records-title", "网上信访占比")
    records = browser.find_elements(By.CSS_SELECTOR, "#as-records-table tr")
    assert len(records) == 4 and sum("计入分子" in r.text for r in records[1:]) == 2
    shot(browser, "97-assessment-records")
    browser.find_element(By.ID, "as-records-back").click()

    # A township's tile opens its own scorecard.
    wait_for(browser, "#as-tiles .as-tile[data-area='500229002']").click()
    wait_for(browser, "#as-title", "复兴")
    online = wait_for(browser, "#as-cards .as-card[data-target=online_share]", "0 ÷ 1")
    assert "未达标" in online.text
    until = (clock.today() + timedelta(days=1)).isoformat()
    assert until in browser.find_element(By.ID, "as-summary").text


TOWNSHIP = ("ran.gecheng", "冉葛城", "Town-Initial-2026!", "Town-Changed-2026!")


def test_a_township_reads_its_own_result_point_by_point_and_appeals_a_point(gateway_port, browser, tmp_path):
    from services.assessment import demo

    with running(GridService, AssessmentService, GatewayService), rpc(COUNTY_SCOPE) as proxy:
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=2, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        db = database("assessment")
        wait_until(lambda: db.areas.count_documents({"kind": {"$in": ["town", "township", "street"]}}) == 2,
                   timeout=60, what="the townships in the assessment service")
        period = demo.last_quarter()
        scheme = proxy.assessment.save_scheme({
            "year": int(period[:4]), "title": "乡镇（街道）平安建设线上考核", "level": "township", "frequency": "quarterly",
            "indicators": [{"code": "online_share", "label": "网上信访占比", "weight": 60, "source": "target",
                            "target": "online_share"},
                           {"code": "peace_work", "label": "平安建设工作", "weight": 40, "source": "manual",
                            "guidance": "查阅平安建设工作台账"}]})
        proxy.assessment.activate_scheme(scheme["scheme_id"])
        round_id = proxy.assessment.start_round({"scheme_id": scheme["scheme_id"], "period": period})["round_id"]
        for code, points in (("500229001", 31), ("500229002", 36)):
            proxy.assessment.score_manual(round_id, {"area_code": code, "indicator": "peace_work", "points": points,
                                                     "evidence": ["平安建设工作台账"]})
        proxy.assessment.start_round_notice(round_id, {})
        staff_account(root, gateway_port, TOWNSHIP, "township_staff", "500229001")
        browser.set_window_size(1280, 1100)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        sign_in(browser, TOWNSHIP[0], TOWNSHIP[3])

        wait_for(browser, "nav a[data-tab=assessment-rounds]").click()
        wait_for(browser, f"#ar-rounds a.ar-open[data-round='{round_id}']").click()
        wait_for(browser, "#ar-title", "公示中")
        results = browser.find_elements(By.CSS_SELECTOR, "#ar-round details.ar-result")
        assert [r.get_attribute("data-area") for r in results] == ["500229001"], "only the township's own result"
        assert "本期无可计数记录，按满分计 60 分" in results[0].text and "县级评分 31 分" in results[0].text
        form = browser.find_element(By.CSS_SELECTOR, "form.ar-appeal")
        form.find_element(By.CSS_SELECTOR, "select[name=indicator] option[value=peace_work]").click()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(browser, "form.ar-appeal .err[data-for=reason]").text  # the reason is required
        form.find_element(By.NAME, "reason").send_keys("季度末补报的平安建设台账未计入")
        form.find_element(By.NAME, "evidence").send_keys("平安建设台账（补报）")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#ar-notice", "申诉已提交")
        assert "待裁定" in wait_for(browser, "#ar-appeals").text
        shot(browser, "98-assessment-appeal")
        browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
        browser.find_element(By.ID, "ar-export").click()
        path = wait_until(lambda: next((p for p in tmp_path.glob("*.xlsx")), None), timeout=20, what="the .xlsx")
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        assert rows[0] == ("名次", "区划代码", "名称", "总分", "网上信访占比", "平安建设工作")
        assert [r[1] for r in rows[1:]] == ["500229001"], "the township's own row only"
    (appeal,) = database("assessment").appeals.find()
    assert (appeal["area_code"], appeal["indicator"], appeal["status"]) == ("500229001", "peace_work", "pending")


COUNTY_STAFF = ("he.county", "何县综治", "County-Initial-2026!", "County-Changed-2026!")


def test_the_county_draws_the_survey_and_a_household_answers_it_on_the_residents_page_once(gateway_port, browser):
    with running(GridService, AssessmentService, GatewayService), rpc(COUNTY_SCOPE) as proxy:
        areas = factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1)
        proxy.grid.upsert_areas(areas)
        for household in factories.households(factories.codes(areas), count=3, seed=11):
            proxy.grid.register_household(household)
        db = database("assessment")
        wait_until(lambda: db.households.count_documents({}) == 3, timeout=60, what="the households")
        staff_account(admin(gateway_port), gateway_port, COUNTY_STAFF, "county_admin", "500229")
        browser.set_window_size(1280, 1000)
        browser.get(f"http://127.0.0.1:{gateway_port}/")
        sign_in(browser, COUNTY_STAFF[0], COUNTY_STAFF[3])
        wait_for(browser, "nav a[data-tab=assessment-surveys]").click()
        form = wait_for(browser, "#sv-open")
        size = form.find_element(By.NAME, "households_per_village")
        size.clear()
        size.send_keys("2")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        slips = wait_for(browser, "#sv-slip-table").find_elements(By.CSS_SELECTOR, "tr")[1:]
        assert len(slips) == 2
        cells = slips[0].find_elements(By.TAG_NAME, "td")
        code, number = cells[4].text, cells[1].text
        assert number.startswith("500229") and "*" in cells[2].text, "the slip shows the 户号 and the masked head"
        household = database("grid").households.find_one({"household_number": number})["_id"]
        shot(browser, "99-survey-slips")

        browser.set_window_size(390, 844)
        browser.get(f"http://127.0.0.1:{gateway_port}/public")
        form = wait_for(browser, "#survey-code-form")
        form.find_element(By.NAME, "code").send_keys(code.lower())  # typed as it comes
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        questions = wait_for(browser, "#survey-form")
        sets = questions.find_elements(By.CSS_SELECTOR, "fieldset")
        assert len(sets) == 6 and "治安状况" in sets[0].text
        for n, fieldset in enumerate(sets):
            fieldset.find_element(By.CSS_SELECTOR, f"input[value='{4 + n % 2}']").click()
        shot(browser, "99-survey-public")
        questions.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, "#survey-done", "感谢参与")
        # The same code again is refused.
        browser.find_element(By.CSS_SELECTOR, "#survey-code-form button[type=submit]").click()
        wait_for(browser, "#survey-out .bad", "已作答")
    (answer,) = database("assessment").survey_answers.find()
    assert answer["answers"] == {f"q{n + 1}": 4 + n % 2 for n in range(6)} and household not in str(answer)
