"""The gateway's HTTP entrypoint: JSON in and out, typed errors mapped to {code, message, field} with their status,
and route metadata kept on the entrypoint so contracts/openapi.yaml is generated from the routes themselves."""
import json
import logging
import os
import time
from functools import partial

import eventlet
from eventlet.event import Event
from kombu.exceptions import OperationalError
from nameko.exceptions import UnknownService
from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from shared.errors import NotFound, TooManyRequests, Unavailable, ValidationFailed, XiangzhiError
from shared.storage import Storage

from .accounts import RateLimiter
from .caller import context_for

log = logging.getLogger(__name__)
# Per client address; generous for people, tight enough that one script cannot take the gateway down.
LIMITER = RateLimiter(rate=float(os.environ.get("RATE_LIMIT_PER_SECOND", "30")),
                      burst=int(os.environ.get("RATE_LIMIT_BURST", "120")))
# The residents' channel has no account behind it: a handful of requests, then one a minute per address.
PUBLIC_LIMITER = RateLimiter(rate=1 / 60, burst=int(os.environ.get("PUBLIC_RATE_LIMIT_BURST", "10")))


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, default=str), status=status, headers=headers,
                    mimetype="application/json")


class Route(HttpRequestHandler):
    """`permission=None` makes a route public; otherwise it needs a valid access token whose grants carry the
    permission, and the areas of those grants become the scope the services filter by. Writes, personal-data
    reveals and refusals go to the audit log."""

    def __init__(self, method, url, summary: str = "", body=None, query: dict | None = None,
                 tag: str = "registry", status: int = 200, permission: str | None = None,
                 audit: str | None = None, public_write: bool = False, upload: dict | None = None,
                 produces: str | None = None, **kwargs):
        super().__init__(method, url, expected_exceptions=(XiangzhiError,), **kwargs)
        # upload: the form fields beside `file` of a multipart route; produces: a non-JSON response type.
        self.spec = {"summary": summary, "body": body, "query": query or {}, "tag": tag, "status": status,
                     "permission": permission, "audit": audit, "public_write": public_write,
                     "upload": upload, "produces": produces}

    def handle_request(self, request):
        request.shallow = False
        context = {}
        try:
            client = request.remote_addr or "-"
            if not LIMITER.allow(client, time.monotonic()) or (
                    self.spec["public_write"] and not PUBLIC_LIMITER.allow(client, time.monotonic())):
                raise TooManyRequests()
            context_for(request, self.spec["permission"], context)
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context,
                                        handle_result=partial(self.handle_result, event))
            response = self.response_from_result(event.wait())
        except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error response
            response = self.response_from_exception(exc)
        self._audit(request, context, response)
        response.headers["X-Request-Id"] = context.get("correlation_id", "")
        return response

    def _storage(self) -> Storage:
        """The gateway's own store, found once among the container's providers."""
        if not hasattr(self, "_found_storage"):
            self._found_storage = next(d for d in self.container.dependencies if isinstance(d, Storage))
        return self._found_storage

    def _audit(self, request, context: dict, response) -> None:
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        denied = response.status_code == 403
        if not (self.spec["audit"] or denied or (writes and self.spec["permission"] and context.get("actor"))):
            return
        detail = None
        if self.spec["audit"] == "personal_data.reveal":
            detail = {"reason": str((_body_or_empty(request)).get("reason", ""))[:200]}
        entry = {"actor": {"id": (context.get("actor") or {}).get("id"), "username": context.get("username"),
                           "ip": request.remote_addr},
                 "action": self.spec["audit"] or f"{self.method} {self.url}",
                 "target": dict(getattr(request, "path_values", None) or {}) or None,
                 "outcome": "denied" if denied else str(response.status_code),
                 "detail": detail, "correlation_id": context.get("correlation_id")}
        try:
            self._storage().store.append_audit(entry)
        except Exception:  # noqa: BLE001 - the answer stands; a failed audit write is loud in the logs
            log.exception("audit append failed for %s %s", self.method, self.url)

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        if isinstance(result, tuple):
            status, payload = result
            return json_response(payload, status)
        return json_response(result, self.spec["status"])

    def response_from_exception(self, exc):
        if isinstance(exc, XiangzhiError):
            return json_response(exc.to_dict(), exc.status)
        if isinstance(exc, (UnknownService, eventlet.Timeout, OperationalError, ConnectionError)):
            return json_response(Unavailable().to_dict(), 503)
        log.error("unexpected error in gateway route %s %s: %s", self.method, self.url, type(exc).__name__)
        return json_response({"code": "internal", "message": "系统内部错误", "field": None}, 500)


route = Route.decorator


def _body_or_empty(request) -> dict:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def json_body(request) -> dict:
    if not request.data:
        return {}
    try:
        body = json.loads(request.get_data(as_text=True))
    except ValueError:
        raise ValidationFailed("请求体不是有效的JSON", field="body", code="request.bad_json") from None
    if not isinstance(body, dict):
        raise ValidationFailed("请求体应为JSON对象", field="body", code="request.bad_json")
    return body


def query_int(request, name: str, default: int) -> int:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed("应为整数", field=name) from None


def query_bool(request, name: str, default: bool) -> bool:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    if value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ValidationFailed("应为 true 或 false", field=name)


def unknown_action(workflow) -> Response:
    """An action no transition table has: JSON like every other refusal, not the web server's HTML page."""
    error = NotFound(f"没有此操作，操作应为以下之一：{'、'.join(workflow.transitions)}", field="action",
                     code=f"{workflow.noun}.unknown_action")
    return json_response(error.to_dict(), error.status)


def upload(request, limit: int) -> tuple[str, bytes]:
    """The `file` part of a multipart request, refused when missing or larger than `limit` bytes."""
    part = request.files.get("file")
    if part is None or not part.filename:
        raise ValidationFailed("请选择要上传的文件", field="file", code="import.no_file")
    content = part.read(limit + 1)
    if len(content) > limit:
        raise ValidationFailed(f"文件过大（上限{limit // 1024 // 1024}MB）", field="file", code="file.too_large")
    return part.filename, content
