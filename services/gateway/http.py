"""The gateway's HTTP entrypoint: JSON in and out, typed errors mapped to {code, message, field} with their status,
and route metadata kept on the entrypoint so contracts/openapi.yaml is generated from the routes themselves.

Before a worker runs, each request passes the edge in this order: the shared rate limit (throttle.py), the input
bounds (bounds.py), the access token and its session (caller.py), and for sign-in the wait its recent failures
earned. Nothing of it holds a worker."""
import json
import logging
from functools import partial

import eventlet
from eventlet.event import Event
from kombu.exceptions import OperationalError
from nameko.exceptions import UnknownService
from nameko.web.handlers import HttpRequestHandler
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from shared.errors import NotFound, TooManyRequests, Unavailable, ValidationFailed, XiangzhiError
from shared.storage import Storage

from . import bounds
from .caller import Caller, context_for
from .throttle import Throttle

log = logging.getLogger(__name__)


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
                 produces: str | None = None, response=None, signin: bool = False, **kwargs):
        super().__init__(method, url, expected_exceptions=(XiangzhiError,), **kwargs)
        # upload: the form fields beside `file` of a multipart route; produces: a non-JSON response type;
        # body and response: the pydantic models of what a client sends and gets (for contracts/openapi.yaml);
        # signin: the route checks a password, so its caller first waits for the failures before (throttle.py).
        self.spec = {"summary": summary, "body": body, "query": query or {}, "tag": tag, "status": status,
                     "permission": permission, "audit": audit, "public_write": public_write,
                     "upload": upload, "produces": produces, "response": response, "signin": signin}

    def handle_request(self, request):
        request.shallow = False
        context = {}
        try:
            client = request.remote_addr or "-"
            bearer = request.headers.get("Authorization", "")
            token = bearer[7:].strip() if bearer[:7].lower() == "bearer " else None
            if not self._provider(Throttle).allow(client, self.spec["public_write"], token):
                raise TooManyRequests()
            self._check_input(request)
            context_for(request, self.spec["permission"], context,
                        self._provider(Caller).session_check(self._storage().store))
            if self.spec["signin"]:
                body = request.xz_json or {}
                eventlet.sleep(self._provider(Throttle).signin_wait(str(body.get("username", "")), client))
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

    def _check_input(self, request) -> None:
        bounds.check_query(request)
        bounds.check_path(getattr(request, "path_values", None))
        bounds.check_length(request, self.spec["upload"] is not None)
        request.xz_json = None
        if self.spec["upload"] is not None:
            bounds.check_form(request)
        elif request.method in ("POST", "PUT", "PATCH", "DELETE"):
            request.xz_json = bounds.parse_json(request)
            if request.xz_json is not None:
                if "plain_fields" not in self.__dict__:
                    self.plain_fields = bounds.plain_fields(self.spec["body"])
                bounds.check_plain_values(request.xz_json, self.plain_fields)

    def _provider(self, cls):
        """One of the container's providers (the store, the throttle, the caller), found once."""
        found = self.__dict__.setdefault("_providers", {})
        if cls not in found:
            found[cls] = next(d for d in self.container.dependencies if isinstance(d, cls))
        return found[cls]

    def _storage(self) -> Storage:
        """The gateway's own store."""
        return self._provider(Storage)

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
        if isinstance(exc, RequestEntityTooLarge):
            error = ValidationFailed("请求体过大", field="body", code="request.too_large")
            return json_response(error.to_dict(), error.status)
        if isinstance(exc, (UnknownService, eventlet.Timeout, OperationalError, ConnectionError)):
            return json_response(Unavailable().to_dict(), 503)
        log.error("unexpected error in gateway route %s %s: %s", self.method, self.url, type(exc).__name__)
        return json_response({"code": "internal", "message": "系统内部错误", "field": None}, 500)


route = Route.decorator


def _body_or_empty(request) -> dict:
    return getattr(request, "xz_json", None) or {}


def json_body(request) -> dict:
    """The request's JSON object, as the edge checked it (bounds.parse_json); {} without a body."""
    body = getattr(request, "xz_json", None)
    if body is None and request.data:
        body = bounds.parse_json(request)
    return dict(body or {})


def query_int(request, name: str, default: int) -> int:
    """An integer query parameter; `page` and `page_size` within the paging bounds, anything else within 10^15."""
    value = request.args.get(name)
    if value in (None, ""):
        return default
    return bounds.bounded_int(name, value)


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


def paging(request, page_size: int = 20) -> dict:
    """`page` and `page_size` of a list request, as keyword arguments of the service's list method."""
    return {"page": query_int(request, "page", 1), "page_size": query_int(request, "page_size", page_size)}
