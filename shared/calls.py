"""RPC from one service (or the gateway) to another with a deadline: a service that is down or slow becomes the
typed Unavailable (503 at the gateway) instead of a request that hangs."""
import logging

import eventlet
from nameko.exceptions import RemoteError, UnknownService

from shared.errors import Unavailable

log = logging.getLogger(__name__)
RPC_TIMEOUT_SECONDS = 30


def call(proxy, method: str, *args, timeout: float = RPC_TIMEOUT_SECONDS, **kwargs):
    try:
        with eventlet.Timeout(timeout):
            return getattr(proxy, method).call_async(*args, **kwargs).result()
    except eventlet.Timeout:
        raise Unavailable("服务响应超时，请稍后重试", code="gateway.timeout") from None
    except UnknownService:
        raise Unavailable(code="gateway.service_down") from None
    except RemoteError as exc:
        log.error("remote error from %s: %s", method, exc.exc_type)
        raise
