"""The holiday notices as a service's own read model, and the calendar its process counts with.

The grid service owns the holiday calendar: the county loads each year's State Council notice there, and the grid
publishes it as `grid.holiday_notice.loaded` (ADR 0013). Every service that counts working days keeps the notices
in its own `holiday_notices` collection (one document per year, the newest revision), installs them in
`shared.holidays` at start, after each load and every minute (so every replica counts with what its database
holds), and recomputes its open deadlines once per loaded revision: a `holiday_recomputes` job is written in the
same transaction as the notice, and the service's `recompute_deadlines(job, before, after)` marks it done with
`finish` in the transaction that writes its deadline events, so a crash or a second replica cannot do it twice.
"""
import logging

from nameko.timer import timer

from shared import clock, holidays
from shared.mongo import ASC, Index
from shared.subscriber import handles

log = logging.getLogger(__name__)
INDEXES = [Index("holiday_recomputes", [("state", ASC), ("created_at", ASC)])]


def stored_notices(db) -> list[holidays.HolidayNotice]:
    return [holidays.HolidayNotice.model_validate(d["notice"]) for d in db.holiday_notices.find().sort("_id", ASC)]


def kept(db, year: int) -> dict | None:
    """The year's notice this service holds: {_id: year, revision, notice, loaded_at}."""
    return db.holiday_notices.find_one({"_id": year})


def loaded_since(db, since) -> list[int]:
    return [d["_id"] for d in db.holiday_notices.find({"loaded_at": {"$gte": since}}, {"_id": 1})]


def keep(db, session, year: int, revision: int, notice: dict, occurred_at) -> bool:
    """Store a year's notice when it is newer than the one kept (revisions may arrive out of order), with the job
    that recomputes the deadlines it moves; False when it is not newer."""
    kept = db.holiday_notices.find_one({"_id": year}, session=session)
    if kept and kept["revision"] >= revision:
        return False
    db.holiday_notices.replace_one({"_id": year}, {"_id": year, "revision": revision, "notice": notice,
                                                   "loaded_at": occurred_at, "kept_at": clock.now()},
                                   upsert=True, session=session)
    db.holiday_recomputes.insert_one({"_id": f"{year}:{revision}", "year": year, "revision": revision,
                                      "previous": kept["notice"] if kept else None, "state": "pending",
                                      "created_at": clock.now(), "done_at": None}, session=session)
    return True


def keep_event(db, session, envelope) -> bool:
    data = envelope.data
    return keep(db, session, data["year"], data["revision"], data["notice"], envelope.occurred_at)


def finish(db, job: dict, session) -> None:
    """Mark a job done in the transaction of its effects; one that is done already aborts that transaction."""
    moved = db.holiday_recomputes.update_one({"_id": job["_id"], "state": "pending"},
                                             {"$set": {"state": "done", "done_at": clock.now()}}, session=session)
    if moved.modified_count != 1:
        raise JobTaken(job["_id"])


class JobTaken(Exception):
    """Another worker finished this recompute first."""


def apply(db, recompute) -> holidays.Calendar:
    """Install what the database holds, then run the recompute jobs still pending: `recompute(job, before, after)`
    gets the calendar as it was before the job's notice and as it is now."""
    calendar = holidays.install(stored_notices(db))
    for job in db.holiday_recomputes.find({"state": "pending"}).sort("created_at", ASC):
        previous = holidays.HolidayNotice.model_validate(job["previous"]) if job["previous"] else None
        try:
            recompute(job, calendar.replaced(job["year"], previous), calendar)
        except JobTaken:
            continue
    return calendar


class KeepsHolidayCalendar:
    """For a service that counts working days but does not own the calendar: it keeps the grid's notices and
    recomputes its deadlines with `recompute_deadlines(job, before, after)`, which it defines."""

    @handles("grid", "holiday_notice.loaded", after="apply_holiday_notices")
    def keep_holiday_notice(self, tx, envelope):
        keep_event(self.db.db, tx.session, envelope)

    @timer(interval=60, eager=True)
    def refresh_holiday_calendar(self):
        self.apply_holiday_notices()

    def apply_holiday_notices(self):
        apply(self.db.db, lambda job, before, after: self.recompute_deadlines(job, before, after))
