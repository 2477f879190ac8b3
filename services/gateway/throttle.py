"""Request limits and the sign-in slow-down, shared by every gateway replica: the counters live in the gateway's own
database through the `limits` library (fixed windows, atomic increments), so a client cannot double its allowance by
reaching another replica, and a failed sign-in on one replica slows the next one on any other.

Sign-in is never locked. Each failure, per account name and per client address, makes the next attempt wait
longer (nothing for the first few, then 1, 2, 4 … seconds up to a ceiling) before its password is even checked, so
guessing is slow while the rightful owner still gets in after at most the ceiling, whatever anyone else tried. The
wait happens before a worker is taken, so waiting sign-ins cannot starve the gateway's workers."""
import hashlib
import os
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MongoDBStorage
from nameko.extensions import DependencyProvider

from shared import config

FAILURE_WINDOW_SECONDS = 15 * 60


def signin_delay(failures: int, free: int, ceiling: float) -> float:
    """Seconds the next sign-in waits after `failures` recent failures: 0 for the first `free`, then doubling."""
    if failures <= free:
        return 0.0
    return float(min(ceiling, 2 ** (failures - free - 1)))


class SharedWindow:
    """A fixed window per client in the shared store, counted here between syncs: a replica adds its count to the
    store every `batch` requests (a twentieth of the limit) or `sync_seconds`, and at once when its estimate reaches
    the limit, so a request costs a store update only now and then (a refused one none) and a replica lets through at
    most `batch - 1` requests beyond the limit. A limit of 20 or less is counted in the store on every request."""

    def __init__(self, storage, item: RateLimitItem, namespace: str, sync_seconds: float = 0.5,
                 max_clients: int = 20000):
        self.storage, self.item, self.namespace = storage, item, namespace
        self.batch, self.sync_seconds, self.max_clients = max(1, item.amount // 20), sync_seconds, max_clients
        self._local: dict[str, tuple[int, int, float]] = {}  # key -> (count in the store, counted here since, when)

    def hit(self, client: str) -> bool:
        key = self.item.key_for(self.namespace, client)
        now = time.monotonic()
        shared, pending, synced = self._local.get(key, (0, 0, 0.0))
        if shared >= self.item.amount and now - synced < self.sync_seconds:
            return False  # over the limit, as the store said a moment ago: a flood is refused without a store update
        pending += 1
        if shared + pending <= self.item.amount and pending < self.batch and now - synced < self.sync_seconds:
            self._local[key] = (shared, pending, synced)
            return True
        if len(self._local) > self.max_clients:
            self._local.clear()  # bounded memory; what was counted here and not yet synced is forgiven
        self._local[key] = (shared, 0, now)  # before the store is asked, so a concurrent request does not add it twice
        count = self.storage.incr(key, self.item.get_expiry(), amount=pending)
        _, since, _ = self._local.get(key, (count, 0, now))
        self._local[key] = (count, since, now)
        return count <= self.item.amount


def _key(kind: str, value: str) -> str:
    # Account names and addresses are hashed so the counters' ids carry neither.
    return f"signin:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


class Throttle(DependencyProvider):
    def setup(self):
        rate = float(os.environ.get("RATE_LIMIT_PER_SECOND", "30"))
        burst = int(os.environ.get("RATE_LIMIT_BURST", "120"))
        public_burst = int(os.environ.get("PUBLIC_RATE_LIMIT_BURST", "10"))
        general = RateLimitItemPerSecond(burst, max(1, round(burst / rate)))
        public = RateLimitItemPerSecond(public_burst, 60 * public_burst)
        self.free_failures = int(os.environ.get("SIGNIN_FREE_FAILURES", "3"))
        self.ceiling = float(os.environ.get("SIGNIN_MAX_DELAY_SECONDS", "16"))
        self.storage = MongoDBStorage(config.mongo_uri(self.container.service_name),
                                      database_name=config.mongo_database(self.container.service_name),
                                      counter_collection_name="limit_counters",
                                      window_collection_name="limit_windows", appname="xiangzhi-gateway-limits")
        # A token bucket's "burst, refilled at rate" as a fixed window: `burst` requests per burst/rate seconds; the
        # residents' channel has no account behind it: a handful of requests, then about one a minute.
        self.general = SharedWindow(self.storage, general, "rate")
        self.public = SharedWindow(self.storage, public, "public")
        # A township office or a village's shared line is one address for all its staff: a signed-in caller is
        # counted by their token, and the address as a whole gets `ADDRESS_RATE_LIMIT_FACTOR` times the allowance.
        factor = int(os.environ.get("ADDRESS_RATE_LIMIT_FACTOR", "10"))
        self.address = SharedWindow(self.storage, RateLimitItemPerSecond(burst * factor, general.multiples),
                                    "address")

    def stop(self):
        if self.storage._storage is not None:  # the library opens its client on first use; closing twice is harmless
            self.storage._storage.close()

    def get_dependency(self, worker_ctx):
        return self

    def allow(self, client: str, public: bool, token: str | None = None) -> bool:
        """`client` is the address; `token` the bearer token a signed-in caller sent (hashed here, never kept)."""
        if token:
            caller = hashlib.sha256(token.encode()).hexdigest()[:32]
            if not self.general.hit(f"token:{caller}") or not self.address.hit(client):
                return False
        elif not self.general.hit(client):
            return False
        return not public or self.public.hit(client)

    def signin_wait(self, username: str, client: str) -> float:
        failures = max(self.storage.get(_key("account", username.strip().lower())),
                       self.storage.get(_key("address", client)))
        return signin_delay(failures, self.free_failures, self.ceiling)

    def signin_failed(self, username: str, client: str) -> None:
        self.storage.incr(_key("account", username.strip().lower()), FAILURE_WINDOW_SECONDS)
        self.storage.incr(_key("address", client), FAILURE_WINDOW_SECONDS)

    def signin_succeeded(self, username: str) -> None:
        # The owner proved themselves: the account's count starts again (the address's does not, or one account
        # of one's own would wipe the traces of guessing at others).
        self.storage.clear(_key("account", username.strip().lower()))

    def forget_account(self, username: str) -> None:
        self.storage.clear(_key("account", username.strip().lower()))
