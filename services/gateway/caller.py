"""Who is calling, and in which area scope. The gateway's Route works it out from the signed access token and
the route's permission before any worker runs, and hands it to the worker (and so to every RPC it makes) as
nameko context data; nothing a client sends as context headers is used."""
import re
import uuid

from nameko.extensions import DependencyProvider

from shared import tokens
from shared.errors import Forbidden, Unauthenticated

from . import accounts

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SELF = "self"  # any signed-in account, for its own matters (password, sign-out, profile)


def correlation_id(request) -> str:
    # A caller's own X-Request-Id becomes the correlation id, so its logs and ours can be joined.
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def context_for(request, permission: str | None, context: dict | None = None) -> dict:
    """The context data of a request: correlation id, and for protected routes the actor and the scope. Filled
    into `context` as it is learnt, so a refusal after the token was read is still audited with who asked."""
    context = context if context is not None else {}
    context.update(correlation_id=correlation_id(request), scope=[])
    if permission is None:
        return context
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthenticated()
    try:
        claims = tokens.verify(header[7:].strip(), tokens.ACCESS)
    except tokens.InvalidToken:
        raise Unauthenticated("登录已失效，请重新登录", code="auth.invalid_token") from None
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
    claims = tokens.verify(request.headers.get("Authorization", "")[7:].strip(), tokens.ACCESS)
    return accounts.areas_with(claims.get("grants", []), permission)


class Caller(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return dict(worker_ctx.data)
