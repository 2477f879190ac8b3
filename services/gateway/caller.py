"""Who is calling, and in which area scope: set on every gateway worker and carried to the services by nameko's
context data. Anything a client sent as context headers is discarded first, so no client can choose its scope.

Until staff accounts arrive, the gateway listens on 127.0.0.1 only and every caller is the local county
console with the whole county in scope.
"""
import re
import uuid

from nameko.extensions import DependencyProvider

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

LOCAL_CONSOLE = {"actor": {"id": "local-console", "role": "county_admin"}, "scope": ["500229"]}


class Caller(DependencyProvider):
    def worker_setup(self, worker_ctx):
        worker_ctx.data.clear()
        worker_ctx.data.update(LOCAL_CONSOLE)
        # A caller's own X-Request-Id becomes the correlation id, so its logs and ours can be joined.
        request = worker_ctx.args[0] if worker_ctx.args else None
        given = request.headers.get("X-Request-Id", "") if request is not None else ""
        worker_ctx.data["correlation_id"] = given if REQUEST_ID.match(given) else uuid.uuid4().hex

    def get_dependency(self, worker_ctx):
        return dict(worker_ctx.data)
