"""Drive real service containers in the test process, and talk to them over the real broker."""
import contextlib
import os

from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy
from pymongo import MongoClient

from shared import config

COUNTY_SCOPE = {"scope": ["500229"], "actor": {"id": "tester", "role": "county_admin"}}


@contextlib.contextmanager
def running(*service_classes):
    runner = ServiceRunner(config.nameko_config("test"))
    for cls in service_classes:
        runner.add_service(cls)
    runner.start()
    try:
        yield runner
    finally:
        runner.kill()


@contextlib.contextmanager
def rpc(context_data: dict | None = None, timeout: float = 30):
    with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, context_data=context_data, timeout=timeout) as proxy:
        yield proxy


_clients: dict[str, MongoClient] = {}


def database(service: str):
    uri = config.mongo_uri(service)
    if uri not in _clients:
        _clients[uri] = MongoClient(uri, tz_aware=True)
    return _clients[uri][config.mongo_database(service)]


def fresh_rate_limits() -> None:
    """Forget the gateway's request and failed sign-in counters (throttle.py keeps them in its database, shared by
    its replicas): every test's requests come from 127.0.0.1."""
    if os.environ.get("MONGO_URI"):
        database("gateway").limit_counters.delete_many({})
