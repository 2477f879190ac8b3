"""Structured JSON logs that carry the correlation id of the request or event being handled, and never
personal data: a filter masks anything that looks like an ID number or a phone before a record is written."""
import logging
import sys

from eventlet.corolocal import local
from nameko.extensions import DependencyProvider
from pythonjsonlogger.json import JsonFormatter

from shared import config, pii

_context = local()


def correlation_id() -> str | None:
    return getattr(_context, "correlation_id", None)


def set_correlation_id(value: str | None) -> None:
    _context.correlation_id = value


class _ContextFilter(logging.Filter):
    def filter(self, record):
        record.correlation_id = correlation_id()
        if isinstance(record.msg, str) and record.msg.startswith("(expected)"):
            record.exc_info = None  # a typed error returned to the caller is not a crash
        if isinstance(record.msg, str):
            record.msg = pii.mask_text(record.msg)
        if record.args:
            record.args = tuple(pii.mask_text(a) if isinstance(a, str) else a for a in record.args) \
                if isinstance(record.args, tuple) else record.args
        return True


def configure(service: str, stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        static_fields={"service": service}))
    handler.addFilter(_ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config.log_level())
    logging.getLogger("pymongo").setLevel(logging.WARNING)
    logging.getLogger("amqp").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.WARNING)


class CorrelationLogging(DependencyProvider):
    """Puts the worker's correlation id (propagated by nameko's context data) where log records find it."""

    def worker_setup(self, worker_ctx):
        cid = worker_ctx.data.get("correlation_id") or worker_ctx.call_id
        worker_ctx.data["correlation_id"] = cid
        set_correlation_id(cid)

    def worker_teardown(self, worker_ctx):
        set_correlation_id(None)
