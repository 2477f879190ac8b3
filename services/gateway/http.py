"""The gateway's HTTP entrypoint: JSON in and out, typed errors mapped to {code, message, field} with their status,
and route metadata kept on the entrypoint so contracts/openapi.yaml is generated from the routes themselves."""
import json
import logging

import eventlet
from nameko.exceptions import RemoteError, UnknownService
from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from shared.errors import Unavailable, ValidationFailed, XiangzhiError

log = logging.getLogger(__name__)
RPC_TIMEOUT_SECONDS = 30


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, default=str), status=status, headers=headers,
                    mimetype="application/json")


class Route(HttpRequestHandler):
    def __init__(self, method, url, summary: str = "", body=None, query: dict | None = None,
                 tag: str = "registry", status: int = 200, **kwargs):
        super().__init__(method, url, expected_exceptions=(XiangzhiError,), **kwargs)
        self.spec = {"summary": summary, "body": body, "query": query or {}, "tag": tag, "status": status}

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
        if isinstance(exc, (UnknownService, eventlet.Timeout)):
            return json_response(Unavailable().to_dict(), 503)
        log.error("unexpected error in gateway route %s %s: %s", self.method, self.url, type(exc).__name__)
        return json_response({"code": "internal", "message": "系统内部错误", "field": None}, 500)


route = Route.decorator


def call(proxy, method: str, *args, **kwargs):
    """An RPC with a deadline: a service that is down answers 503 instead of hanging the request."""
    try:
        with eventlet.Timeout(RPC_TIMEOUT_SECONDS):
            return getattr(proxy, method).call_async(*args, **kwargs).result()
    except eventlet.Timeout:
        raise Unavailable("服务响应超时，请稍后重试", code="gateway.timeout") from None
    except UnknownService:
        raise Unavailable(code="gateway.service_down") from None
    except RemoteError as exc:
        log.error("remote error from %s: %s", method, exc.exc_type)
        raise


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
