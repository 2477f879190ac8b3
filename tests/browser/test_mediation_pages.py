"""People's mediation in headless Chromium, against the gateway, the grid and the mediation service on the real broker
and store: a mediator registers a walk-in at the talk office (a bad ID number is refused beside its field),
completes the registration with a third party, finds it flagged as major in the queue, accepts it for the village
committee, records two sessions, signs the agreement (one without a term is refused beside the terms), prints the
人民调解协议书 with its judicial-confirmation window, downloads the case file, records the follow-up visit and closes
the dispute; then reads the three targets. Screenshots go to .local/screenshots/."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from services.gateway.service import GatewayService
from services.grid.service import GridService
from services.mediation.service import MediationService
from tests import factories
from tests.browser.test_console import browser, shot, wait_for  # noqa: F401 - the fixture
from tests.browser.test_grid_affairs_pages import sign_in, staff_account
from tests.e2e.test_gateway_http import admin, gateway_port  # noqa: F401 - the fixture
from tests.harness import database, running

TOWNSHIP, VILLAGE, GRID = "500229001", "500229001001", "500229001001001"
MEDIATOR = ("zhang.tiaojie", "张调解", "Mediate-Initial-2026!", "Mediate-Changed-2026!")
SUMMARY = "两户因屋檐排水方向发生争执，雨天积水流入邻家院坝，双方多次争吵"
OUTSIDER_ID = factories.id_number(901)
TERM = "共同出资改建排水沟，改道至公共排水渠"


@pytest.fixture
def county(gateway_port):
    with running(GridService, MediationService, GatewayService):
        root = admin(gateway_port)
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            assert root.request("PUT", f"/api/v1/areas/{area['code']}", area)[0] == 200
        status, body = root.request("PUT", "/api/v1/mediation/committees/MC-PG", {
            "name": "平岗社区人民调解委员会", "level": "village", "area_code": VILLAGE})
        assert status == 200, body
        status, body = root.request("PUT", "/api/v1/mediation/committees/MC-GC", {
            "name": "葛城街道人民调解委员会", "level": "township", "area_code": TOWNSHIP})
        assert status == 200, body
        status, body = root.request("PUT", "/api/v1/mediation/mediators/M-001", {
            "name": "李调解", "employment": "part_time", "committee_ids": ["MC-PG"], "phone": "17100007777"})
        assert status == 200, body
        yield root


def today() -> datetime:
    return datetime.now(ZoneInfo("Asia/Shanghai"))


def set_date(driver, element, day: str) -> None:
    """A date input takes its value directly: typed keys follow the browser's locale."""
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))",
                          element, day)


def fill(element, text: str) -> None:
    element.clear()
    element.send_keys(text)


def queue_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#dispute-rows tr.dispute-row")


def action_form(driver, action):
    return wait_for(driver, f"#dispute-actions form[data-action={action}]")


def test_a_dispute_from_walk_in_to_closing_in_the_console(gateway_port, county, browser):
    staff_account(county, gateway_port, MEDIATOR, "mediator", TOWNSHIP)
    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{gateway_port}/")
    sign_in(browser, MEDIATOR[0], MEDIATOR[3])

    # The talk office registers the walk-in.
    wait_for(browser, "nav a[data-tab=dispute-new]").click()
    form = wait_for(browser, "#dispute-form")
    Select(wait_for(browser, "#dispute-area select[name=area-0]")).select_by_value(VILLAGE)
    Select(wait_for(browser, "#dispute-area select[name=area-1]")).select_by_value(GRID)
    Select(form.find_element(By.NAME, "category")).select_by_value("neighbour")
    form.find_element(By.NAME, "summary").send_keys(SUMMARY)
    form.find_element(By.CSS_SELECTOR, "input[name=major][value=violence_risk]").click()
    applicant, respondent = form.find_elements(By.CSS_SELECTOR, "fieldset.party")
    applicant.find_element(By.NAME, "name").send_keys("向大姐")
    applicant.find_element(By.NAME, "phone").send_keys("17100001234")
    respondent.find_element(By.NAME, "name").send_keys("外地来客")
    respondent.find_element(By.NAME, "id_number").send_keys(OUTSIDER_ID[:-1] + ("0" if OUTSIDER_ID[-1] != "0" else "1"))
    respondent.find_element(By.NAME, "address").send_keys("重庆市万州区某街道")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    error = wait_for(browser, "#party-rows .err[data-for='parties.1.id_number']")
    assert error.text  # the reason, in Chinese, beside the ID number
    assert database("mediation").disputes.count_documents({}) == 0
    shot(browser, "40-mediation-intake-error")

    fill(respondent.find_element(By.NAME, "id_number"), OUTSIDER_ID)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#dispute-notice", "已登记")
    assert "已登记" in browser.find_element(By.ID, "dispute-tags").text
    assert "重大矛盾纠纷" in browser.find_element(By.ID, "dispute-tags").text
    parties = browser.find_element(By.ID, "dispute-parties").text
    assert "向**" in parties and "外***" in parties and "171****1234" in parties
    assert "向大姐" not in browser.page_source and OUTSIDER_ID not in browser.page_source
    shot(browser, "41-mediation-registered")
    stored = database("mediation").disputes.find_one({})
    dispute_id = stored["_id"]
    assert (stored["status"], stored["area_code"], stored["source"], stored["major"]) == \
        ("registered", GRID, "talk_office", True)
    assert stored["major_reasons"] == ["violence_risk"] and stored["intake_key"].startswith("talk_office:")

    # The registration is completed: a second criterion, and a third party added (the outside person written again).
    update = wait_for(browser, "#update-form")
    update.find_element(By.CSS_SELECTOR, "input[name=major][value=large_amount]").click()
    update.find_element(By.NAME, "with_parties").click()
    rows = update.find_elements(By.CSS_SELECTOR, "fieldset.party")
    assert "原：外***" in rows[1].text
    rows[0].find_element(By.NAME, "name").send_keys("向大姐")
    rows[0].find_element(By.NAME, "phone").send_keys("17100001234")
    rows[1].find_element(By.NAME, "name").send_keys("外地来客")
    rows[1].find_element(By.NAME, "id_number").send_keys(OUTSIDER_ID)
    rows[1].find_element(By.NAME, "address").send_keys("重庆市万州区某街道")
    update.find_element(By.CSS_SELECTOR, "button.add-party").click()
    third = update.find_elements(By.CSS_SELECTOR, "fieldset.party")[2]
    third.find_element(By.NAME, "name").send_keys("向二哥")
    third.find_element(By.NAME, "phone").send_keys("1710000")  # too short: refused beside the phone of the third
    update.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(browser, "#update-form .err[data-for='parties.2.phone']").text
    fill(browser.find_elements(By.CSS_SELECTOR, "#update-form fieldset.party")[2].find_element(By.NAME, "phone"),
         "17100005678")
    browser.find_element(By.CSS_SELECTOR, "#update-form button[type=submit]").click()
    wait_for(browser, "#dispute-notice", "已补充登记信息")
    assert "第三人" in browser.find_element(By.ID, "dispute-parties").text
    stored = database("mediation").disputes.find_one({"_id": dispute_id})
    assert stored["major_reasons"] == ["large_amount", "violence_risk"] and len(stored["parties"]) == 3
    assert [p["role"] for p in stored["parties"]] == ["applicant", "respondent", "third_party"]

    # The queue: the dispute is there, flagged as major; an older one past its time limit stands out.
    status, late = county.request("POST", "/api/v1/disputes", {
        "area_code": VILLAGE, "category": "land_forest", "summary": "两组村民因山林地界发生争议",
        "parties": [{"role": "applicant", "name": "刘大爷"}, {"role": "respondent", "name": "陈大叔"}]})
    assert status == 201, late
    database("mediation").disputes.update_one({"_id": late["dispute_id"]}, {"$set": {
        "registered_at": datetime.now(ZoneInfo("UTC")) - timedelta(days=40),
        "due_at": datetime.now(ZoneInfo("UTC")) - timedelta(days=10)}})
    browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=disputes]").click()
    row = wait_for(browser, f"#dispute-rows tr.dispute-row[data-dispute='{dispute_id}']", "已登记")
    assert "重大" in row.text and "平岗社区第1网格" in row.text and "群众说事处登记" in row.text
    assert "major" in row.get_attribute("class") and "overdue" not in row.get_attribute("class")
    overdue = browser.find_element(By.CSS_SELECTOR, f"tr.dispute-row[data-dispute='{late['dispute_id']}']")
    assert "overdue" in overdue.get_attribute("class") and "超期" in overdue.text
    assert queue_rows(browser)[0].get_attribute("data-dispute") == late["dispute_id"]  # due first
    shot(browser, "42-mediation-queue")
    browser.find_element(By.CSS_SELECTOR, "#dispute-filter input[name=overdue]").click()
    browser.find_element(By.CSS_SELECTOR, "#dispute-filter button").click()
    WebDriverWait(browser, 20).until(lambda d: len(queue_rows(d)) == 1)
    assert "山林地界" in browser.find_element(By.ID, "dispute-rows").text
    browser.find_element(By.CSS_SELECTOR, "#dispute-filter input[name=overdue]").click()
    browser.find_element(By.CSS_SELECTOR, "#dispute-filter input[name=major]").click()
    browser.find_element(By.CSS_SELECTOR, "#dispute-filter button").click()
    row = wait_for(browser, f"#dispute-rows tr.dispute-row[data-dispute='{dispute_id}']")
    WebDriverWait(browser, 20).until(lambda d: len(queue_rows(d)) == 1)
    row.find_element(By.CSS_SELECTOR, "a.dispute-link").click()

    # Accepted by the village committee, with its mediator.
    accept = action_form(browser, "accept")
    Select(accept.find_element(By.NAME, "committee_id")).select_by_value("MC-PG")
    wait_for(browser, "#dispute-actions form[data-action=accept] input[name=mediator_ids][value='M-001']").click()
    accept.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#dispute-notice", "已受理")
    assert "村级 · 平岗社区人民调解委员会" in browser.find_element(By.ID, "dispute-level").text
    shot(browser, "43-mediation-accepted")

    # Two sessions.
    for n, (place, record, agreed) in enumerate([
            ("平岗社区调解室", "双方陈述事实，调解员到现场查看排水沟走向并释法说理", ""),
            ("向家院坝现场", "双方同意共同改建排水沟，就费用分担协商一致", "同意改建排水沟，费用各担一半")]):
        session = action_form(browser, "hold_session")
        held_on = (today() - timedelta(days=1 - n)).date().isoformat()
        set_date(browser, session.find_element(By.NAME, "held_on"), held_on)
        session.find_element(By.NAME, "place").send_keys(place)
        session.find_element(By.NAME, "attendees").send_keys("申请人向大姐\n被申请人外地来客\n调解员李调解")
        session.find_element(By.NAME, "record").send_keys(record)
        if agreed:
            session.find_element(By.NAME, "agreed").send_keys(agreed)
        session.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(browser, 20).until(
            lambda d, held=n + 1: len(d.find_elements(By.CSS_SELECTOR, "#dispute-sessions li")) == held)
    assert "调解中" in browser.find_element(By.ID, "dispute-tags").text
    assert "向家院坝现场" in browser.find_element(By.ID, "dispute-sessions").text
    shot(browser, "44-mediation-sessions")

    # The agreement: first without a term, refused beside the terms; then with one.
    sign = action_form(browser, "sign_agreement")
    sign.find_element(By.NAME, "facts").send_keys("两户房屋相邻，向家屋檐排水流入邻家院坝，雨天积水")
    sign.find_element(By.NAME, "matters").send_keys("排水方向及改建排水沟的费用分担")
    sign.find_element(By.NAME, "responsibilities").send_keys("双方对排水不畅均有责任，各负一半")
    sign.find_element(By.CSS_SELECTOR, "fieldset.term button.remove-term").click()
    assert not sign.find_elements(By.CSS_SELECTOR, "fieldset.term")
    boxes = sign.find_elements(By.CSS_SELECTOR, "input[name=signed]")
    assert len(boxes) == 3
    for box in boxes:
        box.click()
    assert Select(sign.find_element(By.NAME, "mediator_id")).first_selected_option.text == "李调解"
    sign.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(browser, "#dispute-actions form[data-action=sign_agreement] .err[data-for='agreement.terms']",
                    "调解协议须载明履行的内容、方式和期限")
    assert database("mediation").disputes.find_one({"_id": dispute_id})["status"] == "in_mediation"
    shot(browser, "45-mediation-agreement-error")

    sign.find_element(By.CSS_SELECTOR, "button.add-term").click()
    term = sign.find_element(By.CSS_SELECTOR, "fieldset.term")
    term.find_element(By.NAME, "content").send_keys(TERM)
    term.find_element(By.NAME, "manner").send_keys("各出资一半，现金支付")
    deadline = (today() + timedelta(days=60)).date().isoformat()
    set_date(browser, term.find_element(By.NAME, "deadline"), deadline)
    sign.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#dispute-notice", "已签订调解协议")
    until = (today() + timedelta(days=30)).date().isoformat()
    window = f"司法确认申请期限：{until}（剩余30天）"
    assert window in browser.find_element(By.ID, "judicial-window").text
    assert TERM in browser.find_element(By.ID, "dispute-agreement").text
    browser.execute_script("document.getElementById('dispute-agreement').scrollIntoView()")
    shot(browser, "46-mediation-agreement")

    # The printable agreement.
    browser.find_element(By.ID, "open-print").click()
    sheet = wait_for(browser, "#print-sheet", "人民调解协议书")
    assert TERM in sheet.text and deadline in sheet.text and "平岗社区人民调解委员会" in sheet.text
    assert window in browser.find_element(By.ID, "print-judicial").text
    assert "李调解" in sheet.text and "向**" in sheet.text and "向大姐" not in sheet.text
    shot(browser, "47-mediation-agreement-print")
    # On paper only the sheet is printed.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(By.TAG_NAME, "header").is_displayed()
    assert not browser.find_element(By.ID, "print-now").is_displayed() and sheet.is_displayed()
    shot(browser, "47-mediation-agreement-paper")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.find_element(By.ID, "print-back").click()

    # The case file, fetched with the token.
    wait_for(browser, "#case-file-link").click()
    wait_for(browser, "#case-file-state", "卷宗已下载")

    # Follow-up visit, then closing.
    visit = action_form(browser, "follow_up")
    Select(visit.find_element(By.NAME, "performed")).select_by_value("fully")
    visit.find_element(By.NAME, "follow_record").send_keys("排水沟已改建完成，双方关系缓和，对调解结果满意")
    visit.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#dispute-notice", "已回访")
    assert "已全部履行" in browser.find_element(By.ID, "dispute-follow-ups").text
    action_form(browser, "close").find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, "#dispute-notice", "已结案")
    timeline = browser.find_element(By.ID, "dispute-timeline").text
    for label in ("登记", "补充登记信息", "受理", "记录调解", "签订调解协议", "回访", "结案", "张调解"):
        assert label in timeline
    assert "当前没有您可以进行的操作" in browser.find_element(By.ID, "dispute-actions").text
    shot(browser, "48-mediation-closed")

    stored = database("mediation").disputes.find_one({"_id": dispute_id})
    assert stored["status"] == "closed" and stored["level"] == "village" and stored["committee_id"] == "MC-PG"
    assert stored["mediator_ids"] == ["M-001"] and len(stored["sessions"]) == 2
    assert stored["sessions"][1]["agreed"] == "同意改建排水沟，费用各担一半"
    assert stored["sessions"][0]["attendees"] == ["申请人向大姐", "被申请人外地来客", "调解员李调解"]
    assert stored["agreement"]["terms"] == [{"content": TERM, "manner": "各出资一半，现金支付", "deadline": deadline}]
    assert [s["party_index"] for s in stored["agreement"]["party_signatures"]] == [0, 1, 2]
    assert stored["agreement"]["mediator_id"] == "M-001"
    assert [f["performed"] for f in stored["follow_ups"]] == ["fully"]
    assert [h["action"] for h in stored["history"]] == ["register", "update", "accept", "hold_session", "hold_session",
                                                        "sign_agreement", "follow_up", "close"]
    assert OUTSIDER_ID not in str(stored)  # the store keeps it sealed
    assert database("gateway").audit.count_documents({"action": "mediation.case_file"}) == 1

    # The targets over the last 30 days: the one dispute, resolved at the village and major, meets every rate.
    browser.find_element(By.CSS_SELECTOR, "nav a[data-tab=mediation-targets]").click()
    wait_for(browser, "#targets-scope", "葛城街道")
    for rate in ("grassroots_rate", "success_rate", "major_rate"):
        card = browser.find_element(By.ID, f"rate-{rate}")
        assert "100.0%" in card.text and "达标" in card.text and "pass" in card.get_attribute("class")
    # From 60 days back the overdue one counts too: half resolved at the grassroots, below the 90% target.
    since = browser.find_element(By.CSS_SELECTOR, "#targets-form [name=since]")
    set_date(browser, since, (today() - timedelta(days=60)).date().isoformat())
    browser.find_element(By.CSS_SELECTOR, "#targets-form button").click()
    card = wait_for(browser, "#rate-grassroots_rate", "50.0%")
    assert "未达标" in card.text and "fail" in card.get_attribute("class")
    assert "pass" in browser.find_element(By.ID, "rate-major_rate").get_attribute("class")
    assert "平岗社区" in browser.find_element(By.ID, "targets-by-area").text
    assert "基层化解率 =" in browser.find_element(By.ID, "targets-definitions").text
    shot(browser, "49-mediation-targets")
