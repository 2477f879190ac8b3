from datetime import datetime, timedelta, timezone

import pytest

from services.gateway import accounts, audit
from shared.errors import Forbidden

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("password, ok", [
    ("short1!A", False), ("alllowercaseletters", False), ("Lower-and-123", True), ("chengkouadmin2026", False),
])
def test_password_policy(password, ok):
    assert (accounts.password_problem(password) is None) is ok


def test_password_may_not_contain_the_username():
    assert accounts.password_problem("Wangwei-2026!", "wangwei") == "密码不能包含用户名"


def test_scope_is_the_areas_of_grants_carrying_the_permission():
    grants = [{"role": "grid_worker", "area_code": "500229001001001"}, {"role": "leader", "area_code": "500229"}]
    assert accounts.scope_for(grants, accounts.WRITE) == ["500229001001001"]
    assert accounts.scope_for(grants, accounts.READ) == ["500229", "500229001001001"]
    with pytest.raises(Forbidden):
        accounts.scope_for(grants, accounts.STAFF)


def test_leader_and_auditor_can_never_write():
    for role in (accounts.Role.leader, accounts.Role.auditor):
        assert not accounts.PERMISSIONS[role] & {accounts.WRITE, accounts.IMPORT, accounts.REVEAL, accounts.STAFF}


def test_fifth_failure_locks_for_fifteen_minutes():
    account = {"failed_logins": 0}
    for _ in range(4):
        account.update(accounts.after_failed_login(account, NOW))
        assert not accounts.is_locked(account, NOW)
    account.update(accounts.after_failed_login(account, NOW))
    assert accounts.is_locked(account, NOW + timedelta(minutes=14))
    assert not accounts.is_locked(account, NOW + timedelta(minutes=16))


def test_rate_limiter_allows_bursts_then_refills():
    limiter = accounts.RateLimiter(rate=1, burst=3)
    assert [limiter.allow("ip", 0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("ip", 1.5) and not limiter.allow("ip", 1.6)
    assert limiter.allow("other", 1.6)


def chain(n):
    rows, prev = [], audit.GENESIS
    for seq in range(1, n + 1):
        row = {"seq": seq, "at": NOW, "actor": {"id": "a"}, "action": "x", "target": None, "outcome": "200",
               "detail": None, "correlation_id": "c"}
        row["prev_hash"], row["hash"] = prev, audit.digest(row, prev)
        rows.append(row)
        prev = row["hash"]
    return rows


def test_audit_chain_holds_and_names_the_first_edited_removed_or_reordered_row():
    rows = chain(5)
    assert audit.first_break(rows) is None
    edited = [dict(r) for r in rows]
    edited[2]["outcome"] = "403"
    assert audit.first_break(edited) == 3
    assert audit.first_break(rows[:2] + rows[3:]) == 4
    assert audit.first_break([rows[1], rows[0]] + rows[2:]) == 2
