"""Test bootstrap: eventlet is patched before anything else (nameko's pytest plugin no longer does it), and the
real parts are found or started: RabbitMQ on the machine (each test gets its own vhost) and a MongoDB-protocol
server (MONGO_URI, or a SecantusDB process started for the session; each test gets its own databases)."""
import eventlet

eventlet.monkey_patch()

import base64  # noqa: E402
import ctypes  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["XZ_ENV"] = "test"
# The test run's own keys, random per run and set for every process it starts; never the install's.
for _name in ("JWT_SECRET", "PII_ENCRYPTION_KEY", "PII_INDEX_KEY"):
    os.environ[_name] = base64.b64encode(os.urandom(32)).decode()
os.environ["PII_KEY_ID"] = "k1"
os.environ.pop("PII_PREVIOUS_KEYS", None)
os.environ.setdefault("OUTBOX_RESEND_SECONDS", "1")
# Gateways anchor their audit chain's head each test database to its own file in a folder of the run (a test that
# wants it soon sets AUDIT_ANCHOR_SECONDS before its gateway starts).
os.environ.setdefault("AUDIT_ANCHOR_DIR", tempfile.mkdtemp(prefix="xz-anchors-"))
os.environ.setdefault("HANDLER_BACKOFF_SECONDS", "0.05")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def _die_with_parent() -> None:
    """A test run that is killed must not leave its database server behind, busy and holding a port."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG; a busy server ignores TERM


@pytest.fixture(scope="session")
def mongo_uri():
    """A MongoDB-protocol server over TCP for the whole run."""
    if os.environ.get("MONGO_URI"):
        yield os.environ["MONGO_URI"]
        return
    port = free_port()
    data = tempfile.mkdtemp(prefix="xz-mongo-")
    exe = shutil.which("secantusd-py") or str(Path(sys.executable).parent / "secantusd-py")
    log = open(Path(data) / "server.log", "w")
    proc = subprocess.Popen([exe, "--host", "127.0.0.1", "--port", str(port), "--storage-path", data,
                             "--log-level", "WARNING"], stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=_die_with_parent)
    try:
        wait_for_port(port)
        yield f"mongodb://127.0.0.1:{port}/?directConnection=true"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(data, ignore_errors=True)


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def vhost():
    """A RabbitMQ vhost of this test's own, removed afterwards."""
    name = f"xz-test-{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", name)
    _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    yield name
    subprocess.Popen(["rabbitmqctl", "-q", "delete_vhost", name], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


@pytest.fixture
def env(mongo_uri, vhost, monkeypatch):
    """Environment of one isolated suite: own vhost, own database prefix, fixed test keys."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    values = {
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
        "MONGO_URI": mongo_uri,
        "MONGO_DB_PREFIX": prefix,
        "XZ_ENV": "test",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture(scope="module")
def module_gateway_port(mongo_uri):
    """For a module that shares one running suite across its tests: own vhost, databases and gateway port."""
    vhost = f"xz-test-{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    saved = dict(os.environ)
    port = free_port()
    os.environ.update({"AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}", "MONGO_URI": mongo_uri,
                       "GATEWAY_PORT": str(port), "MONGO_DB_PREFIX": f"m{uuid.uuid4().hex[:10]}",
                       "ADMIN_INITIAL_PASSWORD": "Chengkou-Initial-2026!", "XZ_ENV": "test"})
    try:
        yield port
    finally:
        os.environ.clear()
        os.environ.update(saved)
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test's requests come from 127.0.0.1: each starts with its allowance whole, as a new client would (a
    module's shared suite keeps its counters in its gateway database, which is cleared here)."""
    from tests.harness import fresh_rate_limits as clear

    clear()
