"""Who is calling, and in which area scope: set on every gateway worker and carried to the services by nameko's
context data. Anything a client sent as context headers is discarded first, so no client can choose its scope.

Until staff accounts arrive, the gateway listens on 127.0.0.1 only and every caller is the local county
console with the whole county in scope.
"""
import uuid

from nameko.extensions import DependencyProvider

LOCAL_CONSOLE = {"actor": {"id": "local-console", "role": "county_admin"}, "scope": ["500229"]}


class Caller(DependencyProvider):
    def worker_setup(self, worker_ctx):
        worker_ctx.data.clear()
        worker_ctx.data.update(LOCAL_CONSOLE)
        worker_ctx.data["correlation_id"] = uuid.uuid4().hex

    def get_dependency(self, worker_ctx):
        return dict(worker_ctx.data)
