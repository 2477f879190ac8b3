"""Configuration from the environment, read in one place.

Every setting but the secrets has a local default so that `scripts/xz run` works on a bare machine. The secrets
(signing key, personal-data keys) have none: they are made per install (`shared.keys`), and a missing, published
or guessable one stops the process that reads it, whatever the environment.
"""
import os
from typing import NamedTuple

from shared import keys

SERVICES = ("gateway", "grid", "org", "mediation", "petitions", "credit", "risk", "village", "emergency", "assessment")
METRICS_PORTS = {name: 9100 + i for i, name in enumerate(SERVICES)}


def env() -> str:
    return os.environ.get("XZ_ENV", "local")


def is_production() -> bool:
    return env() == "production"


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")


def mongo_uri(service: str) -> str:
    specific = os.environ.get(f"{service.upper()}_MONGO_URI")
    return specific or os.environ.get("MONGO_URI", "mongodb://127.0.0.1:27017/?directConnection=true")


def mongo_database(service: str) -> str:
    return f"{os.environ.get('MONGO_DB_PREFIX', 'xiangzhi')}_{service}"


def metrics_port(service: str) -> int:
    return int(os.environ.get("METRICS_PORT") or METRICS_PORTS.get(service, 9199))


def metrics_bind() -> str:
    return os.environ.get("METRICS_BIND", "127.0.0.1")


def gateway_bind() -> tuple[str, int]:
    return os.environ.get("GATEWAY_BIND", "127.0.0.1"), int(os.environ.get("GATEWAY_PORT", "8000"))


def log_level() -> str:
    return os.environ.get("LOG_LEVEL", "INFO")


def _key(name: str) -> bytes:
    return keys.decode(name, os.environ.get(name))


def jwt_secret() -> bytes:
    return _key("JWT_SECRET")


def admin_initial_password() -> str | None:
    return os.environ.get("ADMIN_INITIAL_PASSWORD") or None


class PiiKeys(NamedTuple):
    """The current encryption key and its id, the blind-index key, and older encryption keys by id (still read)."""
    encryption_key: bytes
    index_key: bytes
    key_id: str
    previous: dict[str, bytes]


def pii_keys() -> PiiKeys:
    key_id = os.environ.get("PII_KEY_ID") or "k1"
    if not keys.KEY_ID.match(key_id):
        raise keys.UnsafeKey("PII_KEY_ID must be 1-16 letters, digits, '-' or '_'")
    previous = {k: keys.decode(f"PII_PREVIOUS_KEYS[{k}]", v)
                for k, v in keys.previous_keys(os.environ.get("PII_PREVIOUS_KEYS")).items() if k != key_id}
    return PiiKeys(_key("PII_ENCRYPTION_KEY"), _key("PII_INDEX_KEY"), key_id, previous)


def retry_policy() -> tuple[int, float]:
    """How often an event handler is tried before its event is parked in dead letters, and the first backoff."""
    return int(os.environ.get("HANDLER_MAX_ATTEMPTS", "5")), float(os.environ.get("HANDLER_BACKOFF_SECONDS", "0.2"))


def transient_retry_seconds() -> float:
    """How long a handler keeps retrying a transient failure (a write conflict, the store or a service it asks
    unavailable) before the event is parked as transient; these retries do not count toward HANDLER_MAX_ATTEMPTS."""
    return float(os.environ.get("HANDLER_TRANSIENT_RETRY_SECONDS", "600"))


def transient_replay_seconds() -> float:
    """How often events parked for a transient cause are sent again by themselves."""
    return float(os.environ.get("TRANSIENT_REPLAY_SECONDS", "300"))


def outbox_resend_seconds() -> float:
    return float(os.environ.get("OUTBOX_RESEND_SECONDS", "5"))


def audit_anchor_seconds() -> float:
    """How often the gateway anchors the audit chain's head outside its database (services/gateway/audit.py)."""
    return float(os.environ.get("AUDIT_ANCHOR_SECONDS", "300"))


def outbox_keep_days() -> float:
    return float(os.environ.get("OUTBOX_KEEP_DAYS", "7"))


def nameko_config(service: str) -> dict:
    host, port = gateway_bind()
    return {
        "AMQP_URI": amqp_uri(),
        "WEB_SERVER_ADDRESS": f"{host}:{port}",
        "max_workers": int(os.environ.get("MAX_WORKERS", "10")),
        "SERVICE_NAME": service,
    }


def mediation_limit_days() -> int:
    """How long mediation should normally take before a dispute counts as overdue (about a month)."""
    return int(os.environ.get("MEDIATION_LIMIT_DAYS", "30"))
