"""The gateway's service layer for accounts: sign-in (slowed down, never locked), sessions with token refresh and
rotation, sign-out, password changes, staff and grant management with disabling, and the audit log's search and
verification.

Every token names its session and the account's token version; a grant change, a password change, disabling the
account or a reused refresh token moves the version on, and signing out ends the session, so the tokens issued
before stop working at the next check (caller.SessionCheck)."""
from datetime import datetime, timezone

from pydantic import ValidationError

from shared import clock, tokens
from shared.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed, from_pydantic, parse
from shared.paging import page_request

from . import accounts, audit
from .accounts import AccountIn, Grant
from .api.events import AuditHeadAnchored
from .bodies import GrantsIn

# One answer for an unknown name, a wrong password and a disabled account, so none of them can be told apart.
WRONG = "用户名或密码错误"


def _tokens_for(store, account: dict, session_id: str | None = None) -> dict:
    version = account.get("token_version", 0)
    if session_id is None:
        session_id = store.start_session(account["_id"], clock.now() + tokens.LIFETIME[tokens.REFRESH])
    claims = {"username": account["username"], "name": account["display_name"], "grants": account["grants"],
              "must_change_password": account.get("must_change_password", False), "sid": session_id, "ver": version}
    access, _ = tokens.issue(account["_id"], tokens.ACCESS, claims)
    refresh, refresh_claims = tokens.issue(account["_id"], tokens.REFRESH, {"sid": session_id, "ver": version})
    store.remember_refresh(refresh_claims["jti"], account["_id"], session_id,
                           datetime.fromtimestamp(refresh_claims["exp"], timezone.utc))
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
            "expires_in": int(tokens.LIFETIME[tokens.ACCESS].total_seconds()),
            "must_change_password": claims["must_change_password"], "account": present(account)}


def login(store, throttle, username: str, password: str, ip: str | None) -> dict:
    """The waiting for earlier failures is done before the worker runs (http.Route); here the password is checked
    and a failure counted. Unknown, disabled and wrong are one answer, in the same time (a dummy hash is checked)."""
    account = store.account_by_username(username.strip().lower())
    matches = store.password_matches(account, password)

    def record(outcome: str):
        store.append_audit({"actor": {"id": account["_id"] if account else None, "username": username[:40],
                                      "ip": ip}, "action": "auth.login", "outcome": outcome})

    if not matches or not account.get("active", True):
        throttle.signin_failed(username, ip or "-")
        record("disabled" if matches else "failed")
        raise Unauthenticated(WRONG, code="auth.wrong_credentials")
    throttle.signin_succeeded(username)
    store.update_account(account["_id"], {"last_login_at": clock.now()})
    record("ok")
    return _tokens_for(store, account)


def refresh(store, token: str) -> dict:
    try:
        claims = tokens.verify(token, tokens.REFRESH)
    except tokens.InvalidToken:
        raise Unauthenticated("登录已失效，请重新登录", code="auth.invalid_token") from None
    spent = store.use_refresh(claims["jti"])
    if spent is None:
        # A second use of one refresh token means a copy exists somewhere: end every session of the account.
        store.end_every_session(claims["sub"])
        raise Unauthenticated("登录已失效，请重新登录", code="auth.refresh_reused")
    standing = store.standing(claims["sub"])
    if standing != (claims["ver"], True) or not store.session_open(claims["sid"]):
        raise Unauthenticated("登录已失效，请重新登录", code="auth.session_ended")
    return _tokens_for(store, store.account(claims["sub"]), claims["sid"])


def logout(store, session_id: str) -> dict:
    store.end_session(session_id)
    return {"status": "signed_out"}


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
    store.end_every_session(account_id)  # a password someone else may have known ends every session it opened
    return _tokens_for(store, store.account(account_id))


def present(account: dict) -> dict:
    return {"account_id": account["_id"], "username": account["username"],
            "display_name": account["display_name"], "active": account.get("active", True),
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


def set_grants(store, account_id: str, body: dict, scope: list[str]) -> dict:
    try:
        parsed = GrantsIn.model_validate(body)
    except ValidationError as exc:
        raise from_pydantic(exc) from None
    if store.account(account_id) is None:
        raise NotFound("账号不存在", field="account_id", code="account.not_found")
    store.update_account(account_id, {"grants": _grants_within(parsed.grants, scope)})
    store.end_every_session(account_id)  # the old grants end with the tokens that carry them
    return present(store.account(account_id))


def set_active(store, throttle, account_id: str, active: bool, actor_id: str) -> dict:
    """Disable an account (every session ends at once) or enable it again."""
    account = store.account(account_id)
    if account is None:
        raise NotFound("账号不存在", field="account_id", code="account.not_found")
    if not active and account_id == actor_id:
        raise Conflict("不能停用本人正在使用的账号", field="account_id", code="account.self_disable")
    store.update_account(account_id, {"active": active})
    if not active:
        store.end_every_session(account_id)
    else:
        throttle.forget_account(account["username"])
    return present(store.account(account_id))


def unlock(store, throttle, account_id: str) -> dict:
    """Nothing is ever locked; this forgets the account's recent failed sign-ins, so its next one does not wait."""
    account = store.account(account_id)
    if account is None:
        raise NotFound("账号不存在", field="account_id", code="account.not_found")
    throttle.forget_account(account["username"])
    return present(account)


def search_audit(store, actor: str | None, action: str | None, page: int, page_size: int) -> dict:
    paging = page_request(page, page_size)
    query = {}
    if actor:
        query["actor.id"] = actor
    if action:
        query["action"] = action
    return store.search_audit(query, paging.page, paging.page_size)


def verify_audit(store) -> dict:
    return audit.check(store)


def anchor_audit(work) -> dict | None:
    """Anchor the chain's head: this replica's file, and once for all replicas the event (through the outbox)."""
    def publish(head):
        anchored = AuditHeadAnchored(seq=head["seq"], hash=head["hash"], at=head["at"].isoformat())
        work.transaction(lambda tx: tx.emit(anchored, area_code=None))

    return audit.anchor(work.store, publish)
