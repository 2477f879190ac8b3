"""A year's holiday notice loaded (the grid service publishes it; this service keeps it as a read model): the
running working-day clocks whose end it moves are announced with `petition.deadline_changed`. Clocks are computed
from the petition's moments, never stored (ADR 0009), so nothing else changes; the events and the job's end commit
together, so a redelivered notice or a second replica announces nothing twice."""
from shared import clock, holiday_notices

from . import clocks
from .api.events import PetitionDeadlineChanged
from .commands import _fields
from .petitions import OPEN

WORKING = [c for c in clocks.CLOCKS if c.day_kind == clock.DayKind.working]


def moved_clocks(petition: dict, before, after) -> list[dict]:
    """The running working-day clocks of a petition whose end differs between two calendars."""
    out = []
    for c in WORKING:
        extension = petition.get("extension_days", 0) if c.name == "handle" else 0
        after_state = clocks.state(c, petition["times"], clock.now(), extension, after)
        if after_state is None or after_state["stopped_at"] is not None:
            continue
        previous = clocks.due(c, after_state["started_at"], extension, before)
        if previous != after_state["due_at"]:
            out.append({"clock": c.name, "due_at": after_state["due_at"], "previous_due_at": previous,
                        "provisional": after_state["provisional"]})
    return out


def recompute_deadlines(work, job: dict, before, after) -> int:
    events = []
    for petition in work.store.open_petitions([str(s) for s in OPEN]):
        for moved in moved_clocks(petition, before, after):
            events.append((petition["area_code"], PetitionDeadlineChanged(**_fields(petition), **moved)))

    def save(tx):
        for area_code, data in events:
            tx.emit(data, area_code=area_code)
        holiday_notices.finish(work.db, job, tx.session)

    work.transaction(save)
    return len(events)
