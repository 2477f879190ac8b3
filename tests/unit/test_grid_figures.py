"""figures.compute on a small hand-built township: twelve cases and seven service orders across three villages,
with every number below worked out by hand (the sums are in the comments), not by the code under test."""
from datetime import datetime, timedelta, timezone

from services.grid import figures

T0 = datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)
NOW = T0 + timedelta(hours=228)  # 2026-03-10 12:00 UTC
COUNTY, TOWN = "500229", "500229001"
V1, V2, V3 = "500229001001", "500229001002", "500229001003"
NAMES = {V1: "坪上村", V2: "河鱼村"}  # V3 has no name on record: its code stands in


def h(hours):
    return T0 + timedelta(hours=hours)


def case(village, status, category, discovered, due, closed=None):
    return {"area_path": [COUNTY, TOWN, village, village + "001"], "status": status,
            "item": {"category": category}, "deadline": {"due_at": h(due)}, "discovered_at": h(discovered),
            "closed_at": h(closed) if closed is not None else None}


def order(village, status, ratings=(), delivered=None, path_to_village=False):
    path = [COUNTY, TOWN, village] if path_to_village else [COUNTY, TOWN, village, village + "001"]
    return {"area_path": path, "status": status, "ratings": [{"rating": r, "at": T0} for r in ratings],
            "delivered_at": h(delivered) if delivered is not None else None}


CASES = [
    # village 1
    case(V1, "closed", "safety", 0, 72, closed=10),          # 1 on time, 10 h
    case(V1, "closed", "safety", 24, 96, closed=54),         # 2 on time, 30 h
    case(V1, "closed", "environment", 0, 48, closed=60),     # 3 late, 60 h
    case(V1, "dispatched", "dispute", 12, 100),              # 4 open, overdue (100 < 228)
    case(V1, "reported", "safety", 200, 300),                # 5 open, not yet due
    case(V1, "not_a_case", "other", 5, 50, closed=6),        # 6 screened out: neither on time nor late
    case(V1, "closed", "dispute", 48, 120, closed=120),      # 7 closed exactly at the due time: on time, 72 h
    # village 2
    case(V2, "closed", "safety", 10, 34, closed=46),         # 8 late, 36 h
    case(V2, "collected", "environment", 1, 25),             # 9 open, overdue
    case(V2, "handled", "safety", 2, 26),                    # 10 open, overdue
    case(V2, "referred", "dispute", 3, 27, closed=4),        # 11 referred, past due but not open: not counted
    case(V2, "verified", "environment", 100, 228),           # 12 open, due exactly now: not yet overdue
]
ORDERS = [
    order(V1, "rated", [5], delivered=20),                     # O1
    order(V1, "reopened", [2], delivered=30),                  # O2
    order(V1, "rated", [1, 4], delivered=40),                  # O3 reopened once, then rated 4
    order(V1, "ordered"),                                      # O4
    order(V2, "delivered", [], delivered=50),                  # O5 awaiting the resident's rating
    order(V2, "rated", [4], delivered=60, path_to_village=True),  # O6 placed on the village itself
    order(V3, "dispatched"),                                   # O7 the only thing in village 3
]


def test_totals_for_the_township():
    result = figures.compute(CASES, ORDERS, NOW, 2, NAMES)
    c = result["cases"]
    # closed: 1, 2, 3, 7, 8 = 5; on time: 1, 2, 7 = 3; open and overdue: 4, 9, 10 = 3
    assert (c["total"], c["closed"], c["closed_on_time"], c["open_overdue"]) == (12, 5, 3, 3)
    assert c["on_time_rate"] == 0.375                 # 3 / (5 + 3)
    assert c["mean_handling_hours"] == 41.6           # (10 + 30 + 60 + 72 + 36) / 5 = 208 / 5
    assert c["by_status"] == {"closed": 5, "collected": 1, "dispatched": 1, "handled": 1, "not_a_case": 1,
                              "referred": 1, "reported": 1, "verified": 1}
    assert list(c["by_status"]) == sorted(c["by_status"])
    assert c["by_category"] == {"dispute": 3, "environment": 3, "other": 1, "safety": 5}
    o = result["orders"]
    # ratings 5, 2, 1, 4, 4: mean 16 / 5; 4 or more: 5, 4, 4 = 3 of 5
    assert o == {"placed": 7, "delivered": 5, "rated": 3, "reopened": 1, "ratings": 5, "mean_rating": 3.2,
                 "satisfied_share": 0.6}
    assert set(result["definitions"]) >= {"on_time_rate", "mean_handling_hours", "mean_rating", "satisfied_share"}


def test_rows_by_village():
    rows = figures.compute(CASES, ORDERS, NOW, 2, NAMES)["by_area"]
    assert [r["area_code"] for r in rows] == [V1, V2, V3]
    v1, v2, v3 = rows
    # village 1: cases 1-7; closed 1, 2, 3, 7; on time 1, 2, 7; overdue 4 -> 3 / 5; hours 172 / 4
    assert v1 == {"area_code": V1, "area_name": "坪上村", "total": 7, "closed": 4, "closed_on_time": 3,
                  "open_overdue": 1, "on_time_rate": 0.6, "mean_handling_hours": 43.0,
                  "orders": {"placed": 4, "delivered": 3, "rated": 2, "reopened": 1, "ratings": 4,
                             "mean_rating": 3.0, "satisfied_share": 0.5}}  # ratings 5, 2, 1, 4
    # village 2: cases 8-12; closed 8 (late); overdue 9, 10 -> 0 / 3; one rating of 4
    assert v2 == {"area_code": V2, "area_name": "河鱼村", "total": 5, "closed": 1, "closed_on_time": 0,
                  "open_overdue": 2, "on_time_rate": 0.0, "mean_handling_hours": 36.0,
                  "orders": {"placed": 2, "delivered": 2, "rated": 1, "reopened": 0, "ratings": 1,
                             "mean_rating": 4.0, "satisfied_share": 1.0}}
    # village 3: one order and no cases; nothing to divide by gives None, not zero
    assert v3 == {"area_code": V3, "area_name": V3, "total": 0, "closed": 0, "closed_on_time": 0,
                  "open_overdue": 0, "on_time_rate": None, "mean_handling_hours": None,
                  "orders": {"placed": 1, "delivered": 0, "rated": 0, "reopened": 0, "ratings": 0,
                             "mean_rating": None, "satisfied_share": None}}


def test_leaving_late_cases_open_does_not_raise_the_rate():
    # Case 8 closed late; had it been left open instead it would still count against the rate.
    closed_late = figures.compute(CASES, [], NOW, 2, NAMES)["cases"]["on_time_rate"]
    left_open = [dict(c) for c in CASES]
    left_open[7] = {**left_open[7], "status": "dispatched", "closed_at": None}
    assert figures.compute(left_open, [], NOW, 2, NAMES)["cases"]["on_time_rate"] == closed_late == 0.375


def test_one_level_up_and_one_level_down():
    county = figures.compute(CASES, ORDERS, NOW, 1, {TOWN: "葛城街道"})
    assert [(r["area_code"], r["area_name"], r["total"], r["orders"]["placed"]) for r in county["by_area"]] == \
        [(TOWN, "葛城街道", 12, 7)]
    # By grid within village 1: its seven cases and the four orders all lie in grid V1 + "001".
    village = figures.compute(CASES[:7], ORDERS[:4], NOW, 3, {})
    assert [(r["area_code"], r["total"], r["orders"]["placed"]) for r in village["by_area"]] == [(V1 + "001", 7, 4)]
    # An order placed on the village itself has no grid, so at grid level it is in the totals only.
    only_village = figures.compute([], [ORDERS[5]], NOW, 3, {})
    assert only_village["orders"]["placed"] == 1 and only_village["by_area"] == []


def test_an_empty_period():
    result = figures.compute([], [], NOW, 2, NAMES)
    assert result["cases"] == {"total": 0, "closed": 0, "closed_on_time": 0, "open_overdue": 0,
                               "on_time_rate": None, "mean_handling_hours": None, "by_status": {},
                               "by_category": {}}
    assert result["orders"]["mean_rating"] is None and result["by_area"] == []
