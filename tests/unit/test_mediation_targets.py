"""The three mediation targets over a fixture of 34 disputes worked out by hand: every level (village, township,
professional, county, never accepted), every outcome (resolved and on to performed, followed up and closed; failed;
referred; declined; closed after a referral; open within the limit; open past it; due exactly now), major or not,
in two townships, four villages and two grids. The expected figures are literals with their arithmetic beside
them, never computed by the code under test."""
from datetime import datetime, timedelta, timezone

import pytest

from services.mediation import targets

LOCAL = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 1, tzinfo=LOCAL)
NOW = T0 + timedelta(days=40)  # 2026-04-10 00:00; a dispute registered before day 10 is past its 30 days
COUNTY, T1, T2 = "500229", "500229001", "500229002"
V11, V12, V21, V22 = "500229001001", "500229001002", "500229002001", "500229002002"
G111, G211 = V11 + "001", V21 + "001"


def path(code):
    return [code[:n] for n in (6, 9, 12, 15) if n <= len(code)]


def row(area, status, level, major, registered, resolved=None):
    """A dispute as targets reads it; days after T0; due 30 days after registration."""
    at = T0 + timedelta(days=registered)
    return {"area_path": path(area), "status": status, "level": level, "major": major, "registered_at": at,
            "resolved_at": T0 + timedelta(days=resolved) if resolved is not None else None,
            "concluded_at": None, "due_at": at + timedelta(days=30), "mediated": level is not None}


# C concluded, O open past its limit, W open within it; R resolved (days to resolve), G resolved at the grassroots,
# A accepted by a committee, M major.
ROWS = [
    # 葛城街道 · V11 (the village itself)
    row(V11, "closed", "village", False, 0, 5),           # 1  C R G A   5
    row(V11, "resolved", "village", False, 1, 3),         # 2  C R G A   2
    row(V11, "performed", "township", False, 2, 12),      # 3  C R G A  10
    row(V11, "followed_up", "village", True, 3, 7),       # 4  C R G A M 4
    row(V11, "failed", "village", False, 4),              # 5  C A
    row(V11, "referred", "township", True, 5),            # 6  C A M
    row(V11, "declined", None, False, 6),                 # 7  C
    row(V11, "accepted", "village", False, 20),           # 8  W A (due day 50)
    row(V11, "in_mediation", "village", False, 2),        # 9  O A (due day 32)
    row(V11, "registered", None, False, 1),               # 10 O (never accepted)
    # 葛城街道 · V11 · grid G111
    row(G111, "closed", "village", False, 8, 9.5),        # 11 C R G A   1.5
    row(G111, "in_mediation", "township", True, 15),      # 12 W A M
    row(G111, "closed", "township", False, 0),            # 13 C A (closed after a referral: not resolved)
    row(G111, "resolved", "professional", False, 5, 11),  # 14 C R A     6 (not grassroots)
    # 葛城街道 · V12
    row(V12, "closed", "township", False, 10, 14),        # 15 C R G A   4
    row(V12, "resolved", "county", True, 1, 21),          # 16 C R A M  20 (not grassroots)
    row(V12, "failed", "township", True, 3),              # 17 C A M
    row(V12, "declined", None, False, 12),                # 18 C
    row(V12, "registered", None, False, 10),              # 19 W (due exactly now: not yet overdue)
    row(V12, "accepted", "township", False, 9),           # 20 O A (due day 39)
    row(V12, "performed", "village", False, 4, 6),        # 21 C R G A   2
    row(V12, "in_mediation", "professional", True, 0),    # 22 O A M
    # 复兴街道 · V21
    row(V21, "closed", "village", False, 0, 3),           # 23 C R G A   3
    row(V21, "closed", "village", False, 2, 4.5),         # 24 C R G A   2.5
    row(V21, "followed_up", "township", True, 5, 15),     # 25 C R G A M 10
    row(V21, "referred", "professional", False, 6),       # 26 C A
    row(V21, "declined", None, True, 7),                  # 27 C M
    row(V21, "registered", None, False, 30),              # 28 W
    row(V21, "accepted", "village", False, 5),            # 29 O A
    # 复兴街道 · V21 · grid G211
    row(G211, "resolved", "village", False, 11, 12),      # 30 C R G A   1
    row(G211, "failed", "county", False, 6),              # 31 C A
    row(G211, "in_mediation", "village", True, 25),       # 32 W A M
    # 复兴街道 · V22
    row(V22, "closed", "professional", False, 1, 8),      # 33 C R A     7 (not grassroots)
    row(V22, "registered", None, True, 3),                # 34 O M (never accepted)
]
FIGURES = ("registered", "concluded", "open", "overdue", "resolved", "resolved_at_grassroots", "major",
           "major_resolved", "grassroots_rate", "success_rate", "major_rate", "mean_days_to_resolve")

COUNTY_FIGURES = {
    "registered": 34,
    "concluded": 23,              # 1-7, 11, 13-18, 21, 23-27, 30, 31, 33
    "open": 11,                   # 8-10, 12, 19, 20, 22, 28, 29, 32, 34
    "overdue": 6,                 # 9, 10, 20, 22, 29, 34
    "resolved": 14,               # 1-4, 11, 14-16, 21, 23-25, 30, 33
    "resolved_at_grassroots": 11,  # the 14 less 14 (professional), 16 (county), 33 (professional)
    "major": 10,                  # 4, 6, 12, 16, 17, 22, 25, 27, 32, 34
    "major_resolved": 3,          # 4, 16, 25
    "grassroots_rate": 0.3793,    # 11 / (23 concluded + 6 overdue) = 11/29 = 0.37931
    "success_rate": 0.5833,       # 14 / ((23 - 3 declined) + (6 - 2 never accepted: 10, 34)) = 14/24
    "major_rate": 0.375,          # 3 / (6 concluded major: 4, 6, 16, 17, 25, 27 + 2 overdue: 22, 34) = 3/8
    "mean_days_to_resolve": 5.57,  # (5+2+10+4+1.5+6+4+20+2+3+2.5+10+1+7) / 14 = 78/14 = 5.5714
}
T1_FIGURES = {  # rows 1-22
    "registered": 22, "concluded": 15, "open": 7,
    "overdue": 4,                 # 9, 10, 20, 22
    "resolved": 9,                # 1-4, 11, 14-16, 21
    "resolved_at_grassroots": 7,  # less 14, 16
    "major": 6,                   # 4, 6, 12, 16, 17, 22
    "major_resolved": 2,          # 4, 16
    "grassroots_rate": 0.3684,    # 7 / (15 + 4) = 7/19 = 0.36842
    "success_rate": 0.5625,       # 9 / ((15 - 2 declined: 7, 18) + (4 - 1 never accepted: 10)) = 9/16
    "major_rate": 0.4,            # 2 / (4 concluded major: 4, 6, 16, 17 + 1 overdue: 22); 12 is within its limit
    "mean_days_to_resolve": 6.06,  # (5+2+10+4+1.5+6+4+20+2) / 9 = 54.5/9 = 6.0556
}
T2_FIGURES = {  # rows 23-34
    "registered": 12, "concluded": 8, "open": 4,
    "overdue": 2,                 # 29, 34
    "resolved": 5,                # 23, 24, 25, 30, 33
    "resolved_at_grassroots": 4,  # less 33
    "major": 4,                   # 25, 27, 32, 34
    "major_resolved": 1,          # 25
    "grassroots_rate": 0.4,       # 4 / (8 + 2)
    "success_rate": 0.625,        # 5 / ((8 - 1 declined: 27) + (2 - 1 never accepted: 34)) = 5/8
    "major_rate": 0.3333,         # 1 / (25, 27 concluded + 34 overdue) = 1/3
    "mean_days_to_resolve": 4.7,  # (3+2.5+10+1+7) / 5 = 23.5/5
}
V11_FIGURES = {  # rows 1-14 (the village and its grid)
    "registered": 14, "concluded": 10, "open": 4,
    "overdue": 2,                 # 9, 10
    "resolved": 6,                # 1-4, 11, 14
    "resolved_at_grassroots": 5,  # less 14
    "major": 3,                   # 4, 6, 12
    "major_resolved": 1,          # 4
    "grassroots_rate": 0.4167,    # 5 / (10 + 2) = 5/12
    "success_rate": 0.6,          # 6 / ((10 - 1 declined: 7) + (2 - 1 never accepted: 10)) = 6/10
    "major_rate": 0.5,            # 1 / (4, 6); 12 is within its limit
    "mean_days_to_resolve": 4.75,  # (5+2+10+4+1.5+6) / 6 = 28.5/6
}
V12_FIGURES = {  # rows 15-22
    "registered": 8, "concluded": 5, "open": 3,
    "overdue": 2,                 # 20, 22; 19 is due exactly now
    "resolved": 3,                # 15, 16, 21
    "resolved_at_grassroots": 2,  # 15, 21
    "major": 3,                   # 16, 17, 22
    "major_resolved": 1,          # 16
    "grassroots_rate": 0.2857,    # 2 / (5 + 2) = 2/7
    "success_rate": 0.5,          # 3 / ((5 - 1 declined: 18) + 2) = 3/6
    "major_rate": 0.3333,         # 1 / (16, 17, 22) = 1/3
    "mean_days_to_resolve": 8.67,  # (4+20+2) / 3 = 26/3
}
G111_FIGURES = {  # rows 11-14
    "registered": 4, "concluded": 3, "open": 1, "overdue": 0,
    "resolved": 2,                # 11, 14
    "resolved_at_grassroots": 1,  # 11
    "major": 1, "major_resolved": 0,
    "grassroots_rate": 0.3333,    # 1 / 3
    "success_rate": 0.6667,       # 2 / 3
    "major_rate": None,           # the one major dispute (12) is within its limit: nothing to count yet
    "mean_days_to_resolve": 3.75,  # (1.5 + 6) / 2
}


def figures(found: dict) -> dict:
    return {k: found[k] for k in FIGURES}


def test_the_fixture_is_what_the_comments_say():
    assert len(ROWS) == 34
    assert sum(1 for r in ROWS if r["area_path"][1] == T1) == 22


def test_the_county_and_its_townships():
    found = targets.compute(ROWS, NOW, 1)
    assert figures(found) == COUNTY_FIGURES
    assert [{"area_code": a["area_code"], **figures(a)} for a in found["by_area"]] == [
        {"area_code": T1, **T1_FIGURES}, {"area_code": T2, **T2_FIGURES}]
    assert found["by_status"] == {"accepted": 3, "closed": 7, "declined": 3, "failed": 3, "followed_up": 2,
                                  "in_mediation": 4, "performed": 2, "referred": 2, "registered": 4, "resolved": 4}
    assert found["targets"] == {"grassroots_rate": 0.90, "success_rate": 0.95, "major_rate": 0.85}
    assert set(found["definitions"]) >= {"grassroots_rate", "success_rate", "major_rate"}


def test_a_township_and_its_villages():
    mine = [r for r in ROWS if r["area_path"][1] == T1]
    found = targets.compute(mine, NOW, 2)
    assert figures(found) == T1_FIGURES
    assert [{"area_code": a["area_code"], **figures(a)} for a in found["by_area"]] == [
        {"area_code": V11, **V11_FIGURES}, {"area_code": V12, **V12_FIGURES}]


def test_a_village_and_its_grids():
    mine = [r for r in ROWS if len(r["area_path"]) > 2 and r["area_path"][2] == V11]
    found = targets.compute(mine, NOW, 3)
    assert figures(found) == V11_FIGURES
    # Disputes registered on the village itself (rows 1-10) belong to no grid below it.
    assert [{"area_code": a["area_code"], **figures(a)} for a in found["by_area"]] == [
        {"area_code": G111, **G111_FIGURES}]


def test_a_dispute_within_its_limit_counts_in_no_rate_until_it_is_overdue():
    fresh = row(V12, "in_mediation", "village", True, 39)
    assert figures(targets.compute(ROWS + [fresh], NOW, 1)) == {
        **COUNTY_FIGURES, "registered": 35, "open": 12, "major": 11}
    # A day past its limit the same dispute is overdue and counts against all three rates.
    later = NOW + timedelta(days=30)
    stale = targets.compute([fresh], later, 1)
    assert (stale["overdue"], stale["grassroots_rate"], stale["success_rate"], stale["major_rate"]) == (1, 0, 0, 0)


def test_a_period_without_disputes_has_no_rates():
    found = targets.compute([], NOW, 1)
    assert figures(found) == {"registered": 0, "concluded": 0, "open": 0, "overdue": 0, "resolved": 0,
                              "resolved_at_grassroots": 0, "major": 0, "major_resolved": 0, "grassroots_rate": None,
                              "success_rate": None, "major_rate": None, "mean_days_to_resolve": None}
    assert found["by_area"] == [] and found["by_status"] == {}


@pytest.mark.parametrize("status, level, counted", [("declined", None, (0, 1, None)),
                                                   ("failed", "village", (0, 1, 0)),
                                                   ("closed", "county", (0, 1, 0))])
def test_what_does_not_end_in_an_agreement_counts_against_the_rates(status, level, counted):
    found = targets.compute([row(V11, status, level, False, 1)], NOW, 1)
    assert (found["resolved"], found["concluded"], found["success_rate"]) == counted
    assert found["grassroots_rate"] == 0
