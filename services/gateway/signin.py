"""The gateway's service layer for accounts: sign-in with lock-out, token refresh with rotation, password
changes, staff and grant management, and the audit log's search and verification."""
from datetime import datetime, timezone

from pydantic import TypeAdapter, ValidationError

from shared import clock, tokens
from shared.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed, from_pydantic, parse
from shared.paging import page_request

from . import accounts, audit
from .accounts import AccountIn, Grant

WRONG = "用户名或密码错误"


def _tokens_for(store, account: dict) -> dict:
    claims = {"username": account["username"], "name": account["display_name"], "grants": account["grants"],
              "must_change_password": account.get("must_change_password", False)}
    access, _ = tokens.issue(account["_id"], tokens.ACCESS, claims)
    refresh, refresh_claims = tokens.issue(account["_id"], tokens.REFRESH)
    store.remember_refresh(refresh_claims["jti"], account["_id"],
                           datetime.fromtimestamp(refresh_claims["exp"], timezone.utc))
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
            "expires_in": int(tokens.LIFETIME[tokens.ACCESS].total_seconds()),
            "must_change_password": claims["must_change_password"], "account": present(account)}


def login(store, username: str, password: str, ip: str | None) -> dict:
    now = clock.now()
    account = store.account_by_username(username.strip().lower())

    def record(outcome: str):
        store.append_audit({"actor": {"id": account["_id"] if account else None, "username": username[:40],
                                      "ip": ip}, "action": "auth.login", "outcome": outcome})

    if account and accounts.is_locked(account, now):
        record("locked")
        raise Forbidden(f"账号已锁定，请{accounts.LOCK_MINUTES}分钟后再试或联系管理员", code="auth.locked")
    if not store.password_matches(account, password) or not (account or {}).get("active", False):
        if account:
            store.update_account(account["_id"], accounts.after_failed_login(account, now))
        record("failed")
        raise Unauthenticated(WRONG, code="auth.wrong_credentials")
    store.update_account(account["_id"], {"failed_logins": 0, "locked_until": None, "last_login_at": now})
    record("ok")
    return _tokens_for(store, account)


def refresh(store, token: str) -> dict:
    try:
        claims = tokens.verify(token, tokens.REFRESH)
    except tokens.InvalidToken:
        raise Unauthenticated("登录已失效，请重新登录", code="auth.invalid_token") from None
    spent = store.use_refresh(claims["jti"])
    account = store.account(claims["sub"])
    if spent is None:
        # A second use of one refresh token means a copy exists somewhere: end every session of the account.
        store.revoke_refresh_tokens(claims["sub"])
        raise Unauthenticated("登录已失效，请重新登录", code="auth.refresh_reused")
    if account is None or not account.get("active") or accounts.is_locked(account, clock.now()):
        raise Unauthenticated("账号不可用", code="auth.account_unavailable")
    return _tokens_for(store, account)


def change_password(store, account_id: str, old: str, new: str) -> dict:
    account = store.account(account_id)
    if not store.password_matches(account, old):
        raise ValidationFailed("原密码不正确", field="old_password", code="auth.wrong_password")
    problem = accounts.password_problem(new, account["username"])
    if problem:
        raise ValidationFailed(problem, field="new_password", code="auth.weak_password")
    if store.password_matches(account, new):
        raise ValidationFailed("新密码不能与原密码相同", field="new_password", code="auth.weak_password")
    store.set_password(account_id, new)
    store.revoke_refresh_tokens(account_id)
    return _tokens_for(store, store.account(account_id))


def present(account: dict) -> dict:
    return {"account_id": account["_id"], "username": account["username"],
            "display_name": account["display_name"], "active": account.get("active", True),
            "locked": accounts.is_locked(account, clock.now()),
            "must_change_password": account.get("must_change_password", False),
            "grants": [{**g, "role_label": accounts.ROLE_LABELS[accounts.Role(g["role"])]} for g in account["grants"]]}


def profile(store, account_id: str) -> dict:
    account = store.account(account_id)
    if account is None:
        raise NotFound("账号不存在", code="account.not_found")
    permissions = sorted({p for g in account["grants"] for p in accounts.PERMISSIONS[accounts.Role(g["role"])]})
    return {**present(account), "permissions": permissions}


def _grants_within(grants: list[Grant], scope: list[str]) -> list[dict]:
    for i, grant in enumerate(grants):
        if not any(grant.area_code.startswith(code) for code in scope):
            raise Forbidden("不能授予超出本人辖区的权限", field=f"grants.{i}.area_code", code="account.grant_outside")
    return [g.model_dump(mode="json") for g in grants]


def create_account(store, payload: dict, scope: list[str]) -> dict:
    account_in = parse(AccountIn, payload)
    problem = accounts.password_problem(account_in.password, account_in.username)
    if problem:
        raise ValidationFailed(problem, field="password", code="auth.weak_password")
    grants = _grants_within(account_in.grants, scope)
    created = store.create_account({**account_in.model_dump(mode="json"), "grants": grants},
                                   must_change_password=True)
    return present(created)


def set_grants(store, account_id: str, grants, scope: list[str]) -> dict:
    try:
        parsed = TypeAdapter(list[Grant]).validate_python(grants)
    except ValidationError as exc:
        error = from_pydantic(exc)
        raise ValidationFailed(error.message, field=f"grants.{error.field}", code="validation") from None
    if not parsed:
        raise ValidationFailed("至少需要一项授权", field="grants")
    if store.account(account_id) is None:
        raise NotFound("账号不存在", field="account_id", code="account.not_found")
    store.update_account(account_id, {"grants": _grants_within(parsed, scope)})
    store.revoke_refresh_tokens(account_id)  # new grants apply from the next sign-in or token refresh
    return present(store.account(account_id))


def unlock(store, account_id: str) -> dict:
    if store.account(account_id) is None:
        raise NotFound("账号不存在", field="account_id", code="account.not_found")
    store.update_account(account_id, {"locked_until": None, "failed_logins": 0})
    return present(store.account(account_id))


def search_audit(store, actor: str | None, action: str | None, page: int, page_size: int) -> dict:
    paging = page_request(page, page_size)
    query = {}
    if actor:
        query["actor.id"] = actor
    if action:
        query["action"] = action
    return store.search_audit(query, paging.page, paging.page_size)


def verify_audit(store) -> dict:
    broken = audit.first_break(store.audit_chain())
    return {"intact": broken is None, "first_broken_seq": broken}
