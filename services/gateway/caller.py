"""Who is calling, and in which area scope. The gateway's Route works it out from the signed access token and
the route's permission before any worker runs, and hands it to the worker (and so to every RPC it makes) as
nameko context data; nothing a client sends as context headers is used. A token whose session has ended or whose
account has moved to a new token version (sign-out, grant or password change, disabled) is refused, checked against
the gateway's store at most every SESSION_CHECK_SECONDS per session and account in each replica."""
import os
import re
import time
import uuid

from nameko.extensions import DependencyProvider

from shared import config, tokens
from shared.errors import Forbidden, Unauthenticated

from . import accounts

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SELF = "self"  # any signed-in account, for its own matters (password, sign-out, profile)


def correlation_id(request) -> str:
    # A caller's own X-Request-Id becomes the correlation id, so its logs and ours can be joined.
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


class SessionCheck:
    """Whether a token's session is still open and its account still at the token's version and active. Answers
    are kept a moment (`ttl` seconds), so a busy console costs one read per session and account per moment, and an
    ended session stops working on every replica within that moment."""

    def __init__(self, store, ttl: float | None = None, max_entries: int = 20000):
        self.store = store
        self.ttl = float(os.environ.get("SESSION_CHECK_SECONDS", "2")) if ttl is None else ttl
        self.max_entries = max_entries
        self._seen: dict[tuple, tuple[float, object]] = {}

    def _cached(self, key: tuple, read, stale=lambda value: False):
        now = time.monotonic()
        hit = self._seen.get(key)
        if hit is not None and now - hit[0] < self.ttl and not stale(hit[1]):
            return hit[1]
        if len(self._seen) > self.max_entries:
            self._seen.clear()  # bounded memory; the next reads simply go to the store
        value = read()
        self._seen[key] = (now, value)
        return value

    def stands(self, claims: dict) -> bool:
        # A token newer than what was seen (the one a password change just issued) proves the memory stale.
        account = self._cached(("account", claims["sub"]), lambda: self.store.standing(claims["sub"]),
                               stale=lambda seen: seen is not None and claims.get("ver", 0) > seen[0])
        if account != (claims.get("ver"), True):
            return False
        return self._cached(("session", claims["sid"]), lambda: self.store.session_open(claims["sid"]))


def bearer_claims(request, sessions: SessionCheck | None = None) -> dict:
    """The verified claims of the request's access token, refused (401) when missing, invalid or ended."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthenticated()
    try:
        claims = tokens.verify(header[7:].strip(), tokens.ACCESS)
    except tokens.InvalidToken:
        raise Unauthenticated("登录已失效，请重新登录", code="auth.invalid_token") from None
    if sessions is not None and not sessions.stands(claims):
        raise Unauthenticated("登录已失效，请重新登录", code="auth.session_ended")
    return claims


def context_for(request, permission: str | None, context: dict | None = None,
                sessions: SessionCheck | None = None) -> dict:
    """The context data of a request: correlation id, and for protected routes the actor and the scope. Filled
    into `context` as it is learnt, so a refusal after the token was read is still audited with who asked."""
    context = context if context is not None else {}
    context.update(correlation_id=correlation_id(request), scope=[])
    if permission is None:
        return context
    claims = bearer_claims(request, sessions)
    roles = sorted({g["role"] for g in claims.get("grants", [])})
    context["actor"] = {"id": claims["sub"], "role": ",".join(roles) or None}
    context["username"] = claims.get("username") or ""
    # The staff member's name as colleagues know it, for histories and timelines (not personal data of residents).
    context["actor_name"] = claims.get("name") or context["username"]
    if claims.get("must_change_password") and permission != SELF:
        raise Forbidden("请先修改初始密码", code="auth.password_change_required")
    if permission != SELF:
        context["scope"] = accounts.scope_for(claims.get("grants", []), permission)
    return context


def areas_with(request, permission: str) -> list[str]:
    """Where the signed-in caller of a protected route (its token already checked) also holds `permission`."""
    return accounts.areas_with(bearer_claims(request).get("grants", []), permission)


def session_of(request) -> str:
    """The session of the signed-in caller of a protected route (its token already checked)."""
    return bearer_claims(request)["sid"]


class Caller(DependencyProvider):
    """The worker's view of who calls; for the Route, the one SessionCheck of this gateway process."""

    def setup(self):
        # The gateway does not start on a signing key that is missing, published or guessable (shared.keys): a
        # token anyone could sign would open every household of the county.
        config.jwt_secret()
        self.sessions = None

    def session_check(self, store) -> SessionCheck:
        if self.sessions is None:
            self.sessions = SessionCheck(store)
        return self.sessions

    def get_dependency(self, worker_ctx):
        return dict(worker_ctx.data)
