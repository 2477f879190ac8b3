"""The dependency a service's workers use for everything stored: reads through the service's store, changes
through one transaction that also writes the outbox, and event handling through the inbox with bounded
retries and dead letters."""
import logging
import os
import random
import signal
import time
import uuid

from nameko.extensions import DependencyProvider
from pydantic import ValidationError

from shared import clock, config, dead_letters, group_commit, inbox, logs, metrics, mongo, outbox, topology
from shared.errors import Unavailable
from shared.events import Actor, Envelope, EventData, envelope_for
from shared.scope import Scope

log = logging.getLogger(__name__)


class Transaction:
    """Handed to the function run inside one Mongo transaction: its session, and `emit` for events."""

    def __init__(self, work: "Work", session):
        self.work = work
        self.session = session
        self.envelopes: list[Envelope] = []
        self.claim = uuid.uuid4().hex
        self.entries: list[dict] = []
        self.gathered: dict[str, object] = {}

    def gather(self, key: str, make):
        """A per-transaction collector that handlers add to (make() the first time); its flush(tx) runs once just
        before the commit, so what the transaction's events have in common is written once."""
        if key not in self.gathered:
            self.gathered[key] = make()
        return self.gathered[key]

    def emit(self, data: EventData, area_code: str | None, story: str | None = None) -> Envelope:
        """`story`: the correlation id of the matter the event is about, which its record keeps from its first
        event, so that one case's (dispute's, petition's …) events are one story whichever request caused them."""
        envelope = envelope_for(data, area_code=area_code, correlation_id=story or self.work.correlation_id,
                                causation_id=self.work.causation_id, actor=self.work.actor)
        self.envelopes.append(envelope)
        return envelope

    def write_outbox(self) -> None:
        """One write for all the events of the transaction, just before it commits."""
        for collector in self.gathered.values():
            collector.flush(self)
        self.entries = [outbox.entry_for(e, self.claim) for e in self.envelopes]
        if self.entries:
            self.work.db.outbox.insert_many(self.entries, session=self.session)


class Work:
    def __init__(self, storage: "Storage", worker_ctx):
        self.storage = storage
        self.db = storage.db
        self.store = storage.store
        self.scope = Scope.from_context(worker_ctx.data)
        actor = worker_ctx.data.get("actor")
        self.actor = Actor.model_validate(actor) if actor else None
        self.actor_name = worker_ctx.data.get("actor_name") or worker_ctx.data.get("username")
        self.correlation_id = worker_ctx.data.get("correlation_id") or worker_ctx.call_id
        self.causation_id = None

    def actor_ref(self) -> dict | None:
        """Who is acting, as histories record it: id, role and the name colleagues know them by."""
        if self.actor is None:
            return None
        return {"id": self.actor.id, "role": self.actor.role, "name": self.actor_name or self.actor.id}

    def transaction(self, fn):
        """Run fn(tx) atomically; the events it emitted are published right after the commit."""
        last: list[Transaction] = []

        def body(session):
            tx = Transaction(self, session)
            result = fn(tx)
            tx.write_outbox()
            last[:] = [tx]  # a conflict may run body again; only the attempt that committed counts
            return result

        result = mongo.run_in_transaction(self.storage.client, body)
        if last and last[0].entries:
            self.storage.after_commit(last[0])
        return result

    def consume(self, payload: dict, handler: str, queue: str, fn, prepare=None, batch: bool = False) -> str:
        """Apply fn(tx, envelope) once per (handler, event): returns applied, duplicate or parked. With `prepare`,
        its answer for the envelope is found first, outside the transaction, and fn(tx, envelope, found) applied.
        With `batch`, the event is applied together with the others this process holds (shared.group_commit),
        and alone when that batch fails."""
        try:
            envelope = Envelope.model_validate(payload)
        except ValidationError as exc:
            dead_letters.park(self.db, handler=handler, queue=queue, envelope=payload if isinstance(payload, dict)
                              else {"raw": str(payload)[:200]}, error=f"invalid envelope: {exc}", attempts=0)
            metrics.DEAD_LETTERS.labels(handler, "invalid").inc()
            return "parked"
        self.correlation_id, self.causation_id = envelope.correlation_id, envelope.event_id
        self.actor = envelope.actor
        logs.set_correlation_id(envelope.correlation_id)
        if batch and self._consume_in_batch(handler, envelope, fn, prepare):
            return "applied"
        return self._consume_alone(payload, handler, queue, envelope, fn, prepare)

    def _consume_in_batch(self, handler: str, envelope: Envelope, fn, prepare) -> bool:
        try:
            found = (prepare(envelope),) if prepare is not None else ()
        except Exception:  # noqa: BLE001 - the plain path retries the lookup and parks it if it keeps failing
            return False
        item = group_commit.Item(self, handler, envelope, lambda tx, env: fn(tx, env, *found))
        if not self.storage.batcher.apply(item):
            return False
        self._applied(handler, envelope)
        return True

    def _applied(self, handler: str, envelope: Envelope) -> None:
        metrics.EVENTS_CONSUMED.labels(handler, envelope.event_type, "applied").inc()
        metrics.EVENT_LAG.labels(handler, envelope.event_type).observe(
            (clock.now() - envelope.occurred_at).total_seconds())

    def _consume_alone(self, payload: dict, handler: str, queue: str, envelope: Envelope, fn, prepare) -> str:
        # No read of the inbox first: a duplicate fails the inbox insert, the transaction's first statement, at
        # the cost of one aborted transaction, and a new event (nearly every one) saves a round trip.
        # A transient failure (a write conflict, the store or a service it asks unavailable) is not poison: it is
        # tried again with a growing, jittered pause for `transient_retry_seconds` without using up the attempts
        # that park a poison event; only then is the event parked, as transient, for the replay timer.
        max_attempts, backoff = config.retry_policy()
        error, attempt, transient_tries, transient_until = "", 0, 0, None
        while True:
            try:
                found = (prepare(envelope),) if prepare is not None else ()
                # The lambda runs within this iteration, so it sees this attempt's `found`.
                self.transaction(lambda tx: (inbox.record(self.db, tx.session, handler, envelope),
                                             fn(tx, envelope, *found)))  # noqa: B023
            except inbox.Duplicate:
                if inbox.seen(self.db, handler, envelope.event_id):
                    metrics.EVENTS_CONSUMED.labels(handler, envelope.event_type, "duplicate").inc()
                    return "duplicate"
                error = "duplicate key in handler"
            except Unavailable as exc:
                error = f"{type(exc).__name__}: {exc}"
                metrics.HANDLER_TRANSIENT.labels(handler, exc.code).inc()
                transient_until = transient_until or time.monotonic() + config.transient_retry_seconds()
                if time.monotonic() < transient_until:
                    transient_tries += 1
                    # The first pauses are the poison retries' own (a conflict usually clears at once); past them
                    # the pause keeps growing, jittered so that replicas do not collide again, up to 30 s.
                    pause = backoff * 2 ** (transient_tries - 1)
                    if transient_tries >= max_attempts:
                        pause = min(30.0, pause) * random.uniform(0.5, 1.5)
                    time.sleep(pause)
                    continue
                return self._park(payload, handler, queue, envelope, error, attempt, dead_letters.TRANSIENT)
            except Exception as exc:  # noqa: BLE001 - any failure is retried, then parked, never dropped
                error = f"{type(exc).__name__}: {exc}"
                metrics.HANDLER_FAILURES.labels(handler, envelope.event_type).inc()
                log.warning("handler %s failed on %s (attempt %d of %d): %s", handler, envelope.event_type,
                            attempt + 1, max_attempts, type(exc).__name__)
            else:
                self._applied(handler, envelope)
                return "applied"
            attempt += 1
            if attempt >= max_attempts:
                return self._park(payload, handler, queue, envelope, error, attempt)
            time.sleep(backoff * 2 ** (attempt - 1))

    def _park(self, payload, handler: str, queue: str, envelope: Envelope, error: str, attempts: int,
              cause: str | None = None) -> str:
        dead_letters.park(self.db, handler=handler, queue=queue, envelope=payload, error=error, attempts=attempts,
                          cause=cause)
        metrics.DEAD_LETTERS.labels(handler, envelope.event_type).inc()
        log.error("handler %s parked %s after %d attempts", handler, envelope.event_type, attempts)
        return "parked"


class Storage(DependencyProvider):
    """One per service: `db = Storage(GridStore)`; the store class lists its INDEXES and takes the database."""

    def __init__(self, store_cls):
        self.store_cls = store_cls

    def setup(self):
        self.service = self.container.service_name
        self.client = mongo.connect(self.service)
        self.db = self.client[config.mongo_database(self.service)]
        self.store = self.store_cls(self.db)
        self.relay = outbox.Relay(self.db, self.service, outbox.make_publisher())
        self.batcher = group_commit.Batcher()
        # Here rather than in start(): nameko starts every extension at once, so a handler could already be
        # writing in a transaction while an index of the same collection is being built, and SecantusDB can
        # stall both for good. Every setup() ends before the first start(), so no worker runs yet.
        mongo.ensure_indexes(self.db, [*self.store_cls.INDEXES, *outbox.INDEXES, *inbox.INDEXES,
                                       *dead_letters.INDEXES])
        if hasattr(self.store, "on_start"):
            self.store.on_start()
        # Every subscriber queue of the suite exists before this service publishes anything.
        topology.declare(self.container.config["AMQP_URI"])

    def stop(self):
        self.relay.flush(5)
        self.relay.publisher.close()
        self.client.close()

    def get_dependency(self, worker_ctx):
        return Work(self, worker_ctx)

    def after_commit(self, tx: Transaction) -> None:
        fault = os.environ.get("XZ_FAULT_KILL_AFTER_COMMIT")
        if fault and any(e.event_type == fault for e in tx.envelopes):
            os.kill(os.getpid(), signal.SIGKILL)  # fault tests: die between the commit and the publish
        self.relay.submit(tx.entries)  # the relay greenthread publishes them with whatever else has committed

    def send_unsent(self) -> int:
        sent = self.relay.send_unsent(older_than_seconds=1)
        self.relay.backlog()
        return sent

    def health(self) -> dict:
        self.db.command("ping")
        return {"service": self.service, "outbox_backlog": self.relay.backlog(), "time": clock.now().isoformat()}
