"""一约's filing table (a version cannot be published before it is filed), the 红白理事会's check of a reported
wedding or funeral, a raised matter's moves by the other services' events, and the figures of a month."""
from datetime import date

import pytest

from services.village import councils, figures, sessions, village_rules
from services.village.api.codes import RULES_STATUS
from shared.errors import Conflict


def test_a_rules_version_cannot_be_published_before_it_is_filed():
    for status in ("draft", "adopted", "submitted", "reviewed"):
        with pytest.raises(Conflict) as refused:
            village_rules.step(status, "publish", {})
        assert refused.value.code == "village_rules.not_filed" and "须经乡镇备案后才能公布施行" in refused.value.message
    assert village_rules.step("filed", "publish", {}).target == "published"


def test_the_filing_table_exhaustively():
    allowed = {("draft", "adopt"): "adopted", ("adopted", "submit"): "submitted", ("submitted", "review"): "reviewed",
               ("reviewed", "file"): "filed", ("submitted", "return"): "returned", ("reviewed", "return"): "returned",
               ("filed", "publish"): "published", ("published", "supersede"): "superseded"}
    given = {"meeting": {"held_on": "2026-01-05"}, "opinion": "同意备案", "reason": "第五条与法律相抵触"}
    for status in RULES_STATUS:
        for action in village_rules.WORKFLOW.transitions:
            if (status, action) in allowed:
                assert village_rules.step(status, action, given).target == allowed[(status, action)]
            else:
                with pytest.raises(Conflict):
                    village_rules.step(status, action, given)
    assert village_rules.actions_for("village.file") == ["review", "file", "return"]
    assert village_rules.actions_for("village.manage") == ["adopt", "submit", "publish"]


def test_each_kind_of_rules_belongs_to_its_kind_of_area():
    assert village_rules.area_problem("village_compact", "village") is None
    assert village_rules.area_problem("residents_compact", "community") is None
    assert village_rules.area_problem("compound_rules", "grid") is None
    assert village_rules.area_problem("village_compact", "community") == "村规民约应由村制定"


REPORT = {"kind": "wedding", "event_date": "2026-05-01"}


def check(**changes):
    return {"checked_on": date(2026, 5, 3), "actual_tables": 8, "actual_guests": 90, "simple": True,
            "findings": "酒席八桌，未燃放烟花，礼金从简", **changes}


def test_a_simple_wedding_is_the_council_s_finding_within_its_own_standard():
    today = date(2026, 5, 10)
    assert councils.check_problem(REPORT, check(), 10, today) is None
    field, message = councils.check_problem(REPORT, check(actual_tables=12), 10, today)
    assert field == "simple" and "超过本村红白理事会简办标准（10桌）" in message
    assert councils.check_problem(REPORT, check(actual_tables=12, simple=False), 10, today) is None
    assert councils.check_problem(REPORT, check(checked_on=date(2026, 4, 30)), 10, today)[0] == "checked_on"
    assert councils.check_problem(REPORT, check(simple=None), 10, today)[0] == "simple"


def test_weddings_are_reported_ahead_and_funerals_within_three_days():
    today = date(2026, 5, 10)
    assert councils.report_problem("wedding", date(2026, 6, 1), today) is None
    assert councils.report_problem("wedding", date(2026, 5, 9), today)[0] == "event_date"
    assert councils.report_problem("funeral", date(2026, 5, 7), today) is None
    assert councils.report_problem("funeral", date(2026, 5, 6), today)[0] == "event_date"


@pytest.mark.parametrize("status, action, target", [
    ("with_grid", "resolve", "resolved"), ("with_grid", "hand_to_mediation", "with_mediation"),
    ("with_mediation", "fail", "unresolved"), ("unresolved", "resolve", "resolved"),
    ("resolved", "reopen", "with_grid"), ("resolved", "resolve", None), ("unresolved", "fail", None),
    ("settled", "resolve", None), ("raised", "resolve", None)])
def test_an_event_moves_a_raised_matter_only_where_it_may_go(status, action, target):
    assert sessions.move(status, action) == target


def test_a_closed_dispute_says_its_outcome():
    assert sessions.mediation_move("dispute.closed", {"outcome": "resolved"}) == "resolve"
    assert sessions.mediation_move("dispute.closed", {"outcome": "referred"}) == "fail"
    assert sessions.mediation_move("dispute.accepted", {}) is None


def matter(steps, flags=(), status="completed", registered_on="2026-03-01"):
    return {"area_path": ["500229", "500229001", "500229001001"], "status": status, "registered_on": registered_on,
            "steps": [{"step": s, "held_on": d, "late": late} for s, d, late in steps], "flags": list(flags),
            "refusals": []}


def test_the_month_counts_matters_completed_in_time_and_those_with_a_late_step():
    six = ["propose", "consult", "review", "resolve", "publish_resolution", "publish_result"]
    on_time = matter([(s, f"2026-04-{i + 1:02d}", False) for i, s in enumerate(six)])
    late = matter([(s, f"2026-04-{i + 1:02d}", s == "review") for i, s in enumerate(six)])
    stuck = matter([("propose", "2026-02-01", False)], flags=[{"flagged_on": "2026-04-03"}], status="proposed",
                   registered_on="2026-02-01")
    records = {"rules": [], "councils": [], "meetings": [], "sessions": [], "reports": [],
               "matters": [on_time, late, stuck]}
    counted = figures.count(records, date(2026, 4, 1), date(2026, 5, 1))
    assert (counted["matters_completed"], counted["matters_completed_in_time"], counted["matters_late"],
            counted["matters_open"]) == (2, 1, 2, 1)
    assert figures.rates(counted)["matters_in_time_rate"] == 0.5
