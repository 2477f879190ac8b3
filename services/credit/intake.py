"""Other services' events that reach the passbooks: a household registered by the grid opens its passbook; a rule
triggered by an event type (a grid case verified on site, a dispute resolved, a service order rated) awards the
households concerned.

The inbox stops a redelivered event; the ledger's unique source key (event type, record, rule, household) stops a
second event about the same record from awarding again, however the two arrive (a service order rated again after
it was reopened awards nothing more)."""
from shared import clock
from shared.events import Envelope

from . import domain, ledger
from .api.codes import TRIGGERS
from .commands import cap_room, post_entry


def open_passbook(work, tx, envelope: Envelope) -> bool:
    data = envelope.data
    path = domain.area_path(data["micro_grid_code"])
    passbook = {"_id": data["household_id"], "household_number": None, "holder": None, "holder_pending": True,
                "area_path": path, "village_code": data["village_code"], "township_code": data["township_code"],
                "balance": 0, "seq": 0, "head_hash": ledger.GENESIS, "earned_total": 0, "opened_at": clock.now()}
    return work.store.open_passbook(passbook, tx.session)


def move_passbook(work, tx, envelope: Envelope) -> None:
    """A household that moves takes its passbook along: later lines, rankings and scope follow the new village;
    the lines already written keep the village they were earned in."""
    path = domain.area_path(envelope.data["to_micro_grid_code"])
    work.store.move_passbook(envelope.data["household_id"], path, tx.session)


# Which field of each triggering event names the record it is about.
RECORD_FIELD = {"grid.case.verified": "case_id", "mediation.dispute.resolved": "dispute_id",
                "grid.service_order.rated": "order_id"}


def rules_triggered(work, envelope: Envelope) -> list[dict]:
    return [r for r in work.store.list_rules({"trigger": envelope.event_type, "active": True})
            if domain.matches(r.get("conditions", []), envelope.data)]


def award_from_event(work, tx, envelope: Envelope, households: list[str]) -> int:
    """Award every active rule this event triggers to the households it concerns; returns the entries written.
    `households` were asked of the source service before the transaction (the event carries ids of records, not
    of people)."""
    rules = rules_triggered(work, envelope)
    if not rules:
        return 0
    record = envelope.data[RECORD_FIELD[envelope.event_type]]
    written = 0
    for household_id in households:
        if work.store.get_passbook(household_id, session=tx.session) is None:
            continue  # a household registered before the credit service existed gets its passbook from the demo
        for rule in rules:
            key = f"{envelope.event_type}:{record}:{rule['code']}:{household_id}"
            if work.store.entry_by_source(key, tx.session):
                continue  # awarded already; the unique index is what guarantees it when two race
            points = cap_room(work, tx, household_id, rule, rule["points"])
            if points == 0:
                continue
            post_entry(work, tx, household_id=household_id, rule=rule, delta=points, kind="event",
                       source_ref=record, source_key=key, note=TRIGGERS[envelope.event_type])
            written += 1
    return written
