"""What every domain service has besides its own entrypoints: the outbox timer, dead-letter operations,
health, metrics and correlated logs. A service class inherits it and declares `name` and `db = Storage(...)`."""
import logging

from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError
from nameko.rpc import Rpc
from nameko.timer import timer

from shared import config, dead_letters
from shared.errors import XiangzhiError
from shared.logs import CorrelationLogging
from shared.metrics import Metrics

log = logging.getLogger(__name__)


class _Rpc(Rpc):
    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except (OperationalError, AMQPError, OSError) as exc:
            # nameko would kill the whole container when a reply cannot be sent (broker away). The request
            # stays unacked and comes again after reconnection, which is why every command is idempotent.
            log.warning("reply of %s not sent: %s", worker_ctx.entrypoint.method_name, type(exc).__name__)
            return result, exc_info


def rpc(fn):
    """nameko's rpc, with the suite's typed errors marked expected (logged as warnings, not crashes), and a
    reply lost to a broker outage not taking the service down."""
    return _Rpc.decorator(expected_exceptions=(XiangzhiError,))(fn)


class ReliableService:
    correlation = CorrelationLogging()
    metrics = Metrics()

    @timer(interval=config.outbox_resend_seconds())
    def send_unsent_events(self):
        self.db.storage.send_unsent()

    @timer(interval=5)
    def replay_transient_dead_letters(self):
        # Every few seconds, one indexed read: what was parked for a transient cause long enough ago goes again.
        dead_letters.replay_transient(self.db.db, config.transient_replay_seconds())

    @timer(interval=3600)
    def prune_outbox(self):
        self.db.storage.relay.prune(config.outbox_keep_days())

    @rpc
    def health(self) -> dict:
        """Ping the store and report the outbox backlog."""
        return self.db.storage.health()

    @rpc
    def list_dead_letters(self, state: str | None = dead_letters.PARKED, limit: int = 100) -> list[dict]:
        """Events parked after their handler kept failing (without the envelope body)."""
        return dead_letters.listing(self.db.db, state, min(int(limit), 1000))

    @rpc
    def replay_dead_letters(self, letter_ids: list[str] | None = None) -> int:
        """Send parked events to their handler's queue again; the inbox keeps the replay from doubling."""
        return dead_letters.replay(self.db.db, letter_ids)

    @rpc
    def resend_unrouted_events(self, routing_keys: list[str] | None = None) -> int:
        """Mark events that found no queue as pending again, once the missing subscriber queue exists
        (only those of `routing_keys` when given)."""
        return self.db.storage.relay.requeue_unrouted(routing_keys)
