"""The credit service's plain rules: the hash chain and what breaks it, rule conditions, caps, levels, and the
court list's rows."""
from datetime import date, datetime, timezone

import pytest
from pydantic import ValidationError

from services.credit import domain, ledger
from services.credit.api.codes import IntegrityLevel
from services.credit.api.rpc import PointsRuleIn
from services.credit.domain import DebtorRow
from shared.clock import LOCAL


def chain(deltas: list[int]) -> tuple[dict, list[dict]]:
    entries, prev, balance = [], ledger.GENESIS, 0
    for seq, delta in enumerate(deltas, start=1):
        balance += delta
        entry = {"passbook_id": "H1", "seq": seq, "kind": "award", "rule_code": "R", "delta": delta,
                 "balance_after": balance, "source_key": f"award:{seq}", "corrects": None,
                 "at": datetime(2026, 11, 1, 8, seq, tzinfo=timezone.utc), "prev_hash": prev}
        entry["hash"] = ledger.entry_hash(entry)
        prev = entry["hash"]
        entries.append(entry)
    return {"_id": "H1", "balance": balance, "seq": len(entries), "head_hash": prev}, entries


def test_a_sound_chain_has_no_problems_and_an_empty_passbook_is_sound():
    assert ledger.verify(*chain([10, 5, -3])) == []
    assert ledger.verify({"_id": "H0", "balance": 0, "seq": 0, "head_hash": ledger.GENESIS}, []) == []


@pytest.mark.parametrize("tamper, words", [
    (lambda p, e: e[1].update(delta=50), "哈希"),
    (lambda p, e: e.pop(1), "序号"),
    (lambda p, e: e.reverse(), "前序哈希"),
    (lambda p, e: p.update(balance=99), "存折余额"),
    (lambda p, e: e[2].update(balance_after=-1), "余额"),
])
def test_any_edit_removal_or_reordering_is_found(tamper, words):
    passbook, entries = chain([10, 5, -3])
    tamper(passbook, entries)
    problems = ledger.verify(passbook, entries)
    assert problems and any(words in p for p in problems), problems


def test_conditions_caps_and_periods():
    conditions = [{"field": "rating", "op": ">=", "value": 4}, {"field": "channel", "op": "in", "value": ["public"]}]
    assert domain.matches(conditions, {"rating": 5, "channel": "public"})
    assert not domain.matches(conditions, {"rating": 3, "channel": "public"})
    assert not domain.matches(conditions, {"channel": "public"})  # a missing field fails
    assert not domain.matches([{"field": "rating", "op": ">=", "value": 4}], {"rating": "high"})
    assert domain.within_cap(10, 95, 100) == 5 and domain.within_cap(10, 100, 100) == 0
    assert domain.within_cap(10, 0, None) == 10 and domain.within_cap(-5, 1000, 10) == -5
    now = datetime(2026, 3, 31, 20, 0, tzinfo=timezone.utc)  # 1 April in Chengkou
    assert domain.period_start("month", now, LOCAL).date() == date(2026, 4, 1)
    assert domain.period_start("year", now, LOCAL).date() == date(2026, 1, 1)
    assert domain.period_start("ever", now, LOCAL) is None


def test_rules_deduct_only_for_violations_and_name_known_triggers():
    with pytest.raises(ValidationError):
        PointsRuleIn(code="LITTER", name="乱倒垃圾", category="violation", points=5)
    with pytest.raises(ValidationError):
        PointsRuleIn(code="HELP", name="帮助邻里", category="volunteer", points=-5)
    with pytest.raises(ValidationError):
        PointsRuleIn(code="HELP", name="帮助邻里", category="volunteer", points=5, trigger="grid.unknown")
    assert PointsRuleIn(code="HELP", name="帮助邻里", category="volunteer", points=5).trigger == "manual"


def test_levels_follow_points_violations_and_listings():
    assert domain.household_level(120, 0, False)[0] == IntegrityLevel.AAA
    assert domain.household_level(60, 0, False)[0] == IntegrityLevel.AA
    assert domain.household_level(120, 1, False)[0] == IntegrityLevel.A
    assert domain.household_level(300, 2, False)[0] == IntegrityLevel.B
    level, reasons = domain.household_level(300, 0, True)
    assert level == IntegrityLevel.C and "失信被执行人" in reasons[-1]
    assert domain.enterprise_level(2, 0, False)[0] == IntegrityLevel.AAA
    assert domain.enterprise_level(5, 2, False)[0] == IntegrityLevel.B


def test_court_rows_need_an_identity_and_a_listing_lasts_two_years_by_default():
    with pytest.raises(ValidationError):
        DebtorRow(name="冉某某", kind="person", case_number="(2026)渝0229执1号", court="城口县人民法院",
                  listed_on=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        DebtorRow(name="某公司", kind="enterprise", enterprise_code="91500229MA5OOOOOO1",
                  case_number="(2026)渝0229执2号", court="城口县人民法院", listed_on=date(2026, 1, 1))
    assert domain.listing_expiry(date(2024, 2, 29), None) == date(2026, 2, 28)
    assert domain.listing_expiry(date(2026, 1, 1), date(2026, 6, 1)) == date(2026, 6, 1)
