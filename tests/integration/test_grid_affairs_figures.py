"""Grid affairs' figures over RPC from the grid service's own database: cases and orders written straight into it
in the shape affairs.open_case and the order flow write them, then `affairs_figures` with a fixed `as_of` must
give the numbers worked out by hand below, within the caller's scope and the period asked for."""
from datetime import datetime, timedelta, timezone

import pytest

from services.grid.service import GridService
from shared.errors import NotFound, ValidationFailed
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running

LOCAL = timezone(timedelta(hours=8))  # Asia/Shanghai
T0 = datetime(2026, 3, 1, 0, 0, tzinfo=LOCAL)  # the first moment of the period asked for
AS_OF = T0 + timedelta(hours=228)
SINCE, UNTIL = "2026-03-01", "2026-03-15"
TOWN1, TOWN2 = "500229001", "500229002"
V1, V2, V3 = "500229001001", "500229001002", "500229002001"  # 平岗社区, 新岗社区 (葛城街道); 红河社区 (复兴街道)
TOWNSHIP = {"scope": [TOWN1], "actor": {"id": "town-1", "role": "township_staff"}, "username": "zhou"}
ITEMS = {"safety": ("safety.fire", "消防安全隐患"), "environment": ("environment.sanitation", "环境卫生"),
         "dispute": ("dispute.neighbour", "邻里纠纷"), "other": ("other.other", "其他事项")}
_serial = iter(range(1, 1000))


def at(hours):
    return T0 + timedelta(hours=hours)


def case_doc(village, status, category, discovered, due, closed=None):
    """A case as open_case stores it (and as later moves leave it), with the times given in hours after T0."""
    n = next(_serial)
    grid = village + "001"
    code, name = ITEMS[category]
    worker = {"kind": "grid_worker", "id": "gw-1", "name": "李网格"}
    return {"_id": f"C{n:016x}", "grid_code": grid, "area_path": ["500229", village[:9], village, grid],
            "item": {"code": code, "version": 1, "category": category, "name": name, "owner_department": "乡镇综治中心",
                     "deadline": {"days": 5, "day_kind": "working"}, "verify_on_site": False},
            "status": status, "title": f"测试事件{n}", "description": "用于统计口径核对的事件", "location": None,
            "source": "patrol", "patrol_id": None, "party_resident_ids": [], "reporter": worker, "assignee": worker,
            "reported_to": None, "handler": None, "feedback": None,
            "deadline": {"start": at(discovered), "due_at": at(due), "rule": {"days": 5, "day_kind": "working"}},
            "escalation": 0, "overdue_since": None, "discovered_at": at(discovered), "reported_at": None,
            "closed_at": at(closed) if closed is not None else None, "attachments": [], "revision": 0,
            "created_at": at(discovered), "updated_at": at(discovered), "history": []}


def order_doc(area_code, status, ordered, ratings=(), delivered=None):
    n = next(_serial)
    path = ["500229", area_code[:9], area_code[:12]] + ([area_code] if len(area_code) > 12 else [])
    return {"_id": f"O{n:016x}", "area_code": area_code, "area_path": path, "channel": "grid_worker",
            "content": "代办医保报销", "contact_name": None, "phone": None, "resident_id": None, "request_id": None,
            "status": status, "assignee": None, "feedback": None,
            "ratings": [{"rating": r, "at": at(ordered + 1)} for r in ratings], "deadline": None, "escalation": 0,
            "overdue_since": None, "ordered_at": at(ordered), "dispatched_at": None,
            "delivered_at": at(delivered) if delivered is not None else None, "rated_at": None, "revision": 0,
            "created_at": at(ordered), "history": []}


CASES = [
    # 葛城街道 · 平岗社区
    case_doc(V1, "closed", "safety", 0, 72, closed=10),         # c1 on time, 10 h
    case_doc(V1, "closed", "environment", 0, 48, closed=60),    # c2 late, 60 h
    case_doc(V1, "dispatched", "dispute", 12, 100),             # c3 open, overdue
    case_doc(V1, "reported", "safety", 200, 300),               # c4 open, not due
    case_doc(V1, "not_a_case", "other", 5, 50, closed=6),       # c5 screened out
    # 葛城街道 · 新岗社区
    case_doc(V2, "closed", "safety", 10, 100, closed=30),       # c6 on time, 20 h
    case_doc(V2, "collected", "environment", 1, 25),            # c7 open, overdue
    case_doc(V2, "referred", "dispute", 3, 27, closed=4),       # c8 referred: not open, not closed
    # 葛城街道, outside the period: half an hour before it starts, and at the first moment after it
    case_doc(V1, "closed", "safety", -0.5, 72, closed=1),       # c9
    case_doc(V2, "dispatched", "safety", 14 * 24, 14 * 24 + 1),  # c10
    # 复兴街道 · 红河社区
    case_doc(V3, "closed", "safety", 20, 80, closed=22),        # c11 on time, 2 h
    case_doc(V3, "handled", "environment", 30, 40),             # c12 open, overdue
]
ORDERS = [
    order_doc(V1 + "001", "rated", 1, [5], delivered=20),       # o1
    order_doc(V1 + "001", "reopened", 2, [2], delivered=30),    # o2
    order_doc(V2, "rated", 3, [1, 4], delivered=40),            # o3 placed on the village itself
    order_doc(V2 + "001", "ordered", 4),                        # o4
    order_doc(V1 + "001", "rated", -1, [1], delivered=5),       # o5 outside the period
    order_doc(V3 + "001", "rated", 6, [3], delivered=9),        # o6 复兴街道
]


@pytest.fixture
def grid(env):
    with running(GridService):
        with rpc(COUNTY_SCOPE) as proxy:
            for area in factories.chengkou_areas(townships=2, villages=2, grids=1, micro_grids=1):
                proxy.grid.upsert_area(area)
            db = database("grid")
            db.cases.insert_many([dict(c) for c in CASES])
            db.service_orders.insert_many([dict(o) for o in ORDERS])
            yield proxy.grid


def figures_of(proxy, area_code=None, since=SINCE, until=UNTIL, as_of=None):
    return proxy.affairs_figures(area_code, since, until, as_of or AS_OF.isoformat())


TOWN1_CASES = {"total": 8, "closed": 3, "closed_on_time": 2, "open_overdue": 2,
               "on_time_rate": 0.4,             # c1, c6 on time of (3 closed + c3, c7 overdue)
               "mean_handling_hours": 30.0,     # (10 + 60 + 20) / 3
               "by_status": {"closed": 3, "collected": 1, "dispatched": 1, "not_a_case": 1, "referred": 1,
                             "reported": 1},
               "by_category": {"dispute": 2, "environment": 2, "other": 1, "safety": 3}}
TOWN1_ORDERS = {"placed": 4, "delivered": 3, "rated": 2, "reopened": 1, "ratings": 4,
                "mean_rating": 3.0,              # (5 + 2 + 1 + 4) / 4
                "satisfied_share": 0.5}          # 5 and 4 of four ratings
TOWN1_ROWS = [
    {"area_code": V1, "area_name": "平岗社区", "total": 5, "closed": 2, "closed_on_time": 1, "open_overdue": 1,
     "on_time_rate": 0.3333, "mean_handling_hours": 35.0,  # 1 / 3; (10 + 60) / 2
     "orders": {"placed": 2, "delivered": 2, "rated": 1, "reopened": 1, "ratings": 2, "mean_rating": 3.5,
                "satisfied_share": 0.5}},
    {"area_code": V2, "area_name": "新岗社区", "total": 3, "closed": 1, "closed_on_time": 1, "open_overdue": 1,
     "on_time_rate": 0.5, "mean_handling_hours": 20.0,
     "orders": {"placed": 2, "delivered": 1, "rated": 1, "reopened": 0, "ratings": 2, "mean_rating": 2.5,
                "satisfied_share": 0.5}},
]


def test_a_township_in_a_period_gives_the_hand_computed_figures(grid):
    result = figures_of(grid, TOWN1)
    assert (result["area_code"], result["area_name"]) == (TOWN1, "葛城街道")
    assert (result["since"], result["until"]) == (SINCE, UNTIL)
    assert datetime.fromisoformat(result["as_of"]) == AS_OF
    assert result["cases"] == TOWN1_CASES
    assert result["orders"] == TOWN1_ORDERS
    assert result["by_area"] == TOWN1_ROWS


def test_the_county_counts_both_townships(grid):
    result = figures_of(grid)  # the caller's own area: the county
    assert result["area_code"] == "500229"
    cases = result["cases"]
    # 10 cases; closed c1, c2, c6, c11; on time c1, c6, c11; overdue c3, c7, c12 -> 3 / 7
    assert (cases["total"], cases["closed"], cases["closed_on_time"], cases["open_overdue"]) == (10, 4, 3, 3)
    assert cases["on_time_rate"] == 0.4286 and cases["mean_handling_hours"] == 23.0  # (10 + 60 + 20 + 2) / 4
    # ratings 5, 2, 1, 4, 3: mean 3.0, two of five at 4 or more
    assert result["orders"] == {"placed": 5, "delivered": 4, "rated": 3, "reopened": 1, "ratings": 5,
                                "mean_rating": 3.0, "satisfied_share": 0.4}
    rows = {r["area_code"]: r for r in result["by_area"]}
    assert list(rows) == [TOWN1, TOWN2]
    assert rows[TOWN1]["total"] == 8 and rows[TOWN1]["on_time_rate"] == 0.4 and rows[TOWN1]["area_name"] == "葛城街道"
    assert {k: rows[TOWN2][k] for k in ("area_name", "total", "closed", "closed_on_time", "open_overdue",
                                        "on_time_rate", "mean_handling_hours")} == \
        {"area_name": "复兴街道", "total": 2, "closed": 1, "closed_on_time": 1, "open_overdue": 1,
         "on_time_rate": 0.5, "mean_handling_hours": 2.0}
    assert rows[TOWN2]["orders"]["placed"] == 1 and rows[TOWN2]["orders"]["mean_rating"] == 3.0


def test_a_township_caller_counts_only_its_own_township(grid):
    with rpc(TOWNSHIP) as proxy:
        own = figures_of(proxy.grid)  # defaults to the caller's township
        assert own["area_code"] == TOWN1
        assert own["cases"] == TOWN1_CASES and own["orders"] == TOWN1_ORDERS and own["by_area"] == TOWN1_ROWS
        for elsewhere in (TOWN2, V3, "500229"):
            with pytest.raises(NotFound) as refused:
                figures_of(proxy.grid, elsewhere)
            assert refused.value.field == "area_code"
        village = figures_of(proxy.grid, V2)
        assert village["cases"]["total"] == 3 and village["orders"]["placed"] == 2
        assert [r["area_code"] for r in village["by_area"]] == [V2 + "001"]  # o3 sits on the village: totals only
        assert village["by_area"][0]["orders"]["placed"] == 1


def test_the_open_count_depends_on_the_time_asked_about(grid):
    # Before any due time has passed nothing is overdue; the rate then only counts the closed cases.
    early = figures_of(grid, TOWN1, as_of=at(20).isoformat())["cases"]
    assert early["open_overdue"] == 0 and early["on_time_rate"] == 0.6667  # 2 of 3 closed
    # Much later, c4 (due at 300 h) is overdue too: 2 / (3 + 3).
    late = figures_of(grid, TOWN1, as_of=at(400).isoformat())["cases"]
    assert late["open_overdue"] == 3 and late["on_time_rate"] == 0.3333


@pytest.mark.parametrize("since, until, as_of, field", [
    ("2026-13-01", UNTIL, AS_OF.isoformat(), "since"),
    ("", UNTIL, AS_OF.isoformat(), "since"),
    (SINCE, "下周一", AS_OF.isoformat(), "until"),
    (SINCE, SINCE, AS_OF.isoformat(), "until"),
    ("2026-03-15", "2026-03-01", AS_OF.isoformat(), "until"),
    (SINCE, UNTIL, "soon", "as_of"),
    (SINCE, UNTIL, "2026-03-10T12:00:00", "as_of"),  # no time zone: which 12:00?
])
def test_bad_dates_are_refused_naming_the_field(grid, since, until, as_of, field):
    with pytest.raises(ValidationFailed) as refused:
        figures_of(grid, TOWN1, since, until, as_of)
    assert refused.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)


def test_a_case_opened_and_closed_through_the_service_is_counted(env):
    with running(GridService):
        with rpc(COUNTY_SCOPE) as proxy:
            for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
                proxy.grid.upsert_area(area)
            grid_code = "500229001001001"
            case = proxy.grid.open_case({"grid_code": grid_code, "item_code": "environment.sanitation",
                                         "title": "垃圾桶满溢", "description": "村口垃圾桶满溢两天无人清运"})
            for action, fields in (("report", {}), ("dispatch", {"assignee": {"kind": "department", "id": "环卫所",
                                                                             "name": "环卫所"}}),
                                   ("handle", {"feedback": "已清运"}), ("close", {})):
                proxy.grid.act_on_case(case["case_id"], {"action": action, **fields})
            proxy.grid.open_case({"grid_code": grid_code, "item_code": "safety.fire", "title": "楼道堆物",
                                  "description": "楼道堆放大量纸箱，堵塞通道"})
            today = datetime.now(LOCAL).date()
            since, until = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=2)).isoformat()
            now = figures_of(proxy.grid, "500229001", since, until, datetime.now(timezone.utc).isoformat())
            assert now["cases"]["total"] == 2 and now["cases"]["closed"] == 1
            assert now["cases"]["closed_on_time"] == 1 and now["cases"]["open_overdue"] == 0
            assert now["cases"]["on_time_rate"] == 1.0
            assert now["cases"]["by_category"] == {"environment": 1, "safety": 1}
            # A year on, the fire case (3 working days) is long overdue and halves the rate.
            later = figures_of(proxy.grid, "500229001", since, until,
                               datetime.combine(today + timedelta(days=365), datetime.min.time(),
                                                LOCAL).isoformat())
            assert later["cases"]["open_overdue"] == 1 and later["cases"]["on_time_rate"] == 0.5
            # A period that ended before today counts nothing.
            before = figures_of(proxy.grid, "500229001", "2026-01-01", (today - timedelta(days=1)).isoformat(),
                                datetime.now(timezone.utc).isoformat())
            assert before["cases"]["total"] == 0 and before["orders"]["placed"] == 0
