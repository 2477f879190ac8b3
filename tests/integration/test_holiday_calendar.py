"""The holiday calendar the county keeps, on the real broker and store: before the 2027 notice a working-day
deadline over New Year 2027 skips 1 January by law and is provisional; the notice loaded in the grid service moves
the grid's open case and the petitions service's objection window (which keeps the notice as its own read model),
each once, however often the notice is loaded or its event delivered."""
from datetime import datetime

import pytest

from services.grid.service import GridService
from services.petitions.service import PetitionsService
from shared import holidays, outbox
from shared.errors import Forbidden, ValidationFailed
from tests import factories
from tests.fault.polling import wait_until
from tests.harness import COUNTY_SCOPE, database, rpc, running
from tests.integration.test_org_grid_read_model import deliver_until
from tests.unit.test_holiday_calendar import NOTICE_2027

VILLAGE = "500229001001"
TUESDAY_29_DECEMBER = datetime.fromisoformat("2026-12-29T10:00:00+08:00")
END_OF_6_JANUARY, END_OF_7_JANUARY = "2027-01-06T16:00:00+00:00", "2027-01-07T16:00:00+00:00"
TOWNSHIP_STAFF = {"scope": ["500229001"], "actor": {"id": "staff-1", "role": "township_staff"}}


@pytest.fixture
def suite(env):
    with running(GridService, PetitionsService), rpc(COUNTY_SCOPE) as proxy:
        proxy.grid.upsert_areas(factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1))
        yield proxy
    holidays.install([])  # the next test's services install what their own databases hold


def events(service: str, event_type: str) -> list[dict]:
    return [r["envelope"] for r in database(service).outbox.find({"event_type": event_type}).sort("created_at", 1)]


def case_opened_on_29_december(grid) -> str:
    """A 治安隐患 case (5 working days) as if a grid worker had collected it on Tuesday 29 December 2026."""
    case = grid.open_case({"grid_code": f"{VILLAGE}001", "item_code": "public_order.hazard", "title": "路灯损坏",
                           "description": "村道路灯损坏多日，夜间通行不安全"})
    cases = database("grid").cases
    rule = cases.find_one({"_id": case["case_id"]})["deadline"]["rule"]
    cases.update_one({"_id": case["case_id"]}, {"$set": {"deadline": {
        "start": TUESDAY_29_DECEMBER, "due_at": datetime.fromisoformat(END_OF_6_JANUARY), "provisional": True,
        "rule": rule}}})
    return case["case_id"]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def objection_clock(petition: dict) -> dict:
    return next(c for c in petition["clocks"] if c["clock"] == "objection")


def test_loading_the_2027_notice_moves_open_deadlines_once_in_the_grid_and_the_petitions_service(suite):
    grid, petitions = suite.grid, suite.petitions
    before = grid.holiday_year(2027)
    assert (before["basis"], before["provisional"], before["notice"]) == ("statutory", True, None)
    assert {"date": "2027-01-01", "name": "元旦"} in before["weekday_days_off"]

    # The unit's objection window, forwarded on Tuesday 29 December: 30, 31 Dec, 4, 5, 6 Jan; provisional.
    pid = petitions.register_petition({"channel": "letter", "area_code": VILLAGE, "category": "rural_affairs",
                                       "matter": "反映土地承包经营权流转纠纷", "petitioners": [{"name": "冉光明"}],
                                       "received_on": "2026-12-04"})["petition_id"]
    forwarded = petitions.act_on_petition(pid, {"action": "forward", "unit": "县农业农村委"},
                                          TUESDAY_29_DECEMBER.isoformat())
    assert (objection_clock(forwarded)["due_at"], objection_clock(forwarded)["provisional"]) == (END_OF_6_JANUARY,
                                                                                                 True)
    case_id = case_opened_on_29_december(grid)
    assert grid.get_case(case_id)["due_provisional"] is True

    # Only the county loads a notice; a text that is not one is refused and loads nothing.
    with rpc(TOWNSHIP_STAFF) as township, pytest.raises(Forbidden):
        township.grid.load_holiday_notice({"text": NOTICE_2027})
    with pytest.raises(ValidationFailed) as bad:
        grid.load_holiday_notice({"text": "2027年放假安排另行通知", "year": 2027})
    assert bad.value.field == "text"
    assert events("grid", "grid.holiday_notice.loaded") == []

    preview = grid.preview_holiday_notice({"text": NOTICE_2027})
    # Against the statutory holidays (补假 included), the notice gives six weekdays more and makes six weekend
    # days working days.
    assert [d["date"][5:] for d in preview["changed_days"]] == ["01-04", "01-09", "02-11", "02-12", "02-20", "04-25",
                                                               "05-05", "05-08", "09-26", "10-06", "10-07", "10-09"]
    assert preview["deadlines_moved"] == 1 and events("grid", "grid.holiday_notice.loaded") == []

    loaded = grid.load_holiday_notice({"text": NOTICE_2027})
    assert (loaded["basis"], loaded["provisional"], loaded["versions"][0]["revision"]) == ("notice", False, 1)
    assert loaded["versions"][0]["loaded_by"] == "tester"

    # The grid's open case: 4 January is off now, so the fifth working day is 7 January, final.
    case = grid.get_case(case_id)
    assert (case["due_at"], case["due_provisional"]) == (END_OF_7_JANUARY, False)
    [changed] = events("grid", "grid.case.deadline_changed")
    assert [moment(changed["data"][k]) for k in ("previous_due_at", "due_at")] == [moment(END_OF_6_JANUARY),
                                                                                 moment(END_OF_7_JANUARY)]
    assert "时限" in grid.get_case(case_id)["history"][-1]["note"]

    # The petitions service keeps the notice and announces the moved window.
    wait_until(lambda: events("petitions", "petitions.petition.deadline_changed"), what="the petition's new window")
    window = objection_clock(petitions.get_petition(pid))
    assert (window["due_at"], window["provisional"]) == (END_OF_7_JANUARY, False)
    [announced] = events("petitions", "petitions.petition.deadline_changed")
    assert announced["data"]["clock"] == "objection" and not announced["data"]["provisional"]
    assert moment(announced["data"]["previous_due_at"]) == moment(END_OF_6_JANUARY)

    # The same notice again is no new revision; its event delivered again changes nothing anywhere.
    assert grid.load_holiday_notice({"text": NOTICE_2027})["versions"][0]["revision"] == 1
    [notice_event] = events("grid", "grid.holiday_notice.loaded")
    wait_until(lambda: all(r["state"] == outbox.PUBLISHED for r in database("grid").outbox.find(
        {"event_type": "grid.holiday_notice.loaded"})), what="the notice published")
    handler = {"handler": "petitions.keep_holiday_notice", "event_id": notice_event["event_id"]}
    deliver_until(notice_event, lambda: database("petitions").inbox.count_documents(handler) == 1,
                  "the notice kept once")
    grid.sweep_deadlines()
    assert len(events("petitions", "petitions.petition.deadline_changed")) == 1
    assert len(events("grid", "grid.case.deadline_changed")) == 1
    assert database("petitions").holiday_recomputes.count_documents({"state": "done"}) == 1
