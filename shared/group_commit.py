"""Group commit for event handlers: the deliveries a service process holds at one moment (its prefetch, up to
max_workers) are applied in one transaction instead of one each, where the handler allows it (`@handles(...,
batch=True)`).

On the local store a transaction costs about the same whatever it carries: the time goes per command (docs/adr/
0020), so ten events in one transaction cost little more than one. Each worker hands its delivery to the batcher
and waits; the first to arrive leads: it applies what has gathered, wakes every worker with its outcome, and
passes the lead to the next worker waiting, so no worker leads for long and each message is acked as soon as its
batch committed. A batch that fails for any reason (a handler error, a duplicate, a conflict that did not clear)
is not retried as a batch: each of its workers applies its own event alone, with the usual retries and dead
letters, so one bad event never holds the others back and is parked alone.
"""
import logging
from dataclasses import dataclass, field

import eventlet
from eventlet.event import Event

from shared import inbox, metrics

log = logging.getLogger(__name__)

LIMIT = 100  # events in one transaction at most
LEADERS = 1  # batches in flight at once (more split the deliveries into smaller ones)
LEAD = object()


@dataclass
class Item:
    work: object          # the worker's own Work (its correlation and causation follow its envelope)
    handler: str
    envelope: object
    apply: object         # apply(tx, envelope), the handler with its lookup's answer bound
    done: Event = field(default_factory=Event)


class Batcher:
    def __init__(self):
        self.pending: list[Item] = []
        self.leading = 0

    def apply(self, item: Item) -> bool:
        """True once the item's event was applied in a batch; False: apply it alone."""
        if self.leading < LEADERS:
            self.leading += 1
            return self._lead(item)
        self.pending.append(item)
        outcome = item.done.wait()
        if outcome is LEAD:
            return self._lead(item)
        return outcome

    def _lead(self, own: Item) -> bool:
        eventlet.sleep(0)  # workers whose deliveries arrived with this one join the batch
        batch, self.pending = [own, *self.pending[:LIMIT - 1]], self.pending[LIMIT - 1:]
        applied = False
        try:
            applied = _apply_together(batch)
        finally:
            for item in batch[1:]:
                item.done.send(applied)
            if self.pending:
                self.pending.pop(0).done.send(LEAD)
            else:
                self.leading -= 1
        return applied


def _apply_together(batch: list[Item]) -> bool:
    if len(batch) == 1:
        return False  # alone anyway: the plain path costs the same and reports duplicates itself
    first = batch[0].work

    def body(tx):
        inbox.record_many(first.db, tx.session, [(item.handler, item.envelope) for item in batch])
        for item in batch:
            tx.work = item.work  # events emitted here are caused by this item's envelope
            item.apply(tx, item.envelope)
        tx.work = first

    try:
        first.transaction(body)
    except Exception as exc:  # noqa: BLE001 - each event is then applied alone, with its retries and dead letter
        log.info("a batch of %d events failed (%s); each is applied alone", len(batch), type(exc).__name__)
        return False
    metrics.EVENT_BATCHES.labels(first.storage.service).observe(len(batch))
    return True
