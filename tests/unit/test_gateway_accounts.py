from datetime import datetime, timezone

import pytest

from services.gateway import accounts, audit, caller, permissions, throttle
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


def test_leader_and_auditor_hold_only_read_permissions():
    reads = {p for p in permissions.PERMISSION_LABELS if p.endswith(".read")}
    for role in permissions.READ_ONLY:
        assert permissions.PERMISSIONS[role] <= reads, role
    assert permissions.P_SUPERVISE not in permissions.PERMISSIONS[permissions.Role.leader]


def test_every_permission_a_role_holds_is_named_and_explained_once():
    held = set().union(*permissions.PERMISSIONS.values())
    assert held == set(permissions.PERMISSION_LABELS)
    assert set(permissions.PERMISSIONS) == set(permissions.Role) == set(permissions.ROLE_LABELS)


def test_sign_in_waits_grow_with_failures_and_stop_at_the_ceiling():
    waits = [throttle.signin_delay(n, free=3, ceiling=16) for n in range(12)]
    assert waits[:4] == [0, 0, 0, 0] and waits[4:9] == [1, 2, 4, 8, 16]
    assert max(waits) == 16, "never longer than the ceiling: the owner always gets in"


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


class _Store:
    def __init__(self):
        self.version, self.active, self.open, self.reads = 0, True, {"s1"}, 0

    def standing(self, account_id):
        self.reads += 1
        return self.version, self.active

    def session_open(self, session_id):
        self.reads += 1
        return session_id in self.open


def test_a_session_check_remembers_briefly_and_trusts_a_newer_token_at_once():
    store = _Store()
    check = caller.SessionCheck(store, ttl=60)
    token = {"sub": "a", "sid": "s1", "ver": 0}
    assert check.stands(token) and check.stands(token) and store.reads == 2  # the second answer from memory
    store.version = 1  # a password change ended version 0 and issued a token of version 1
    assert not caller.SessionCheck(store, ttl=0).stands(token)
    assert check.stands({**token, "ver": 1}), "the new token proves what was remembered stale"
    assert not check.stands(token)
    store.open.discard("s1")
    assert not caller.SessionCheck(store, ttl=0).stands({**token, "ver": 1})


class _Counters:
    """The store's side of limits: an atomic increment per key (one window, never expiring here)."""

    def __init__(self):
        self.counts, self.updates = {}, 0

    def incr(self, key, expiry, amount=1):
        self.updates += 1
        self.counts[key] = self.counts.get(key, 0) + amount
        return self.counts[key]


def test_two_replicas_share_one_window_and_update_the_store_only_now_and_then():
    store, item = _Counters(), throttle.RateLimitItemPerSecond(120, 4)
    replicas = [throttle.SharedWindow(store, item, "rate", sync_seconds=60) for _ in range(2)]
    allowed = sum(replicas[i % 2].hit("10.0.0.1") for i in range(400))
    assert 120 <= allowed <= 120 + 2 * (replicas[0].batch - 1), allowed
    assert store.updates < 400 / 2, "most requests are counted without a store update"
    small = throttle.SharedWindow(_Counters(), throttle.RateLimitItemPerSecond(6, 600), "rate")
    assert [small.hit("10.0.0.2") for _ in range(8)] == [True] * 6 + [False] * 2  # a small limit is exact
