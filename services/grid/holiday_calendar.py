"""The holiday calendar the county keeps (节假日安排), owned by the grid service (ADR 0013): the State Council's
notice of a year, pasted as text or entered day by day, previewed, loaded (each load a revision kept with who
loaded it and the text), published as `grid.holiday_notice.loaded` for every service that counts working days, and
the grid's own open deadlines computed again with it: each one that moves is saved with a history entry and a
`case.deadline_changed` or `service_order.deadline_changed` event, once."""
from datetime import date, datetime, time, timedelta

from shared import clock, holiday_notices, holidays
from shared.errors import Forbidden, ValidationFailed, parse
from shared.holidays import HolidayNotice

from . import cases, deadlines, notice_text, service_orders
from .affairs import _case_fields
from .api.codes import COUNTY_CODE
from .api.events import CaseDeadlineChanged, HolidayNoticeLoaded, OrderDeadlineChanged
from .api.rpc import DeadlineRule, HolidayNoticeIn

# A recompute is run again for a while after a load: a replica that had not installed the notice yet may have
# computed a deadline with the old calendar meanwhile. Running it again changes nothing that is already right.
RECHECK = timedelta(minutes=10)


def notice_of(payload: dict) -> HolidayNotice:
    given = parse(HolidayNoticeIn, payload)
    if given.text:
        notice = notice_text.parse(given.text, given.year)
        return notice.model_copy(update={k: v for k, v in (("title", given.title),
                                                            ("document_number", given.document_number)) if v})
    if given.year is None:
        raise ValidationFailed("请填写年份", field="year")
    return parse(HolidayNotice, {"year": given.year, "title": given.title or f"{given.year}年部分节假日安排",
                                 "document_number": given.document_number,
                                 "holidays": [h.model_dump() for h in given.holidays], "workdays": given.workdays})


def _local(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.LOCAL)


def _span(year: int) -> tuple[datetime, datetime]:
    """The instants a year's notice can speak of: from the December before to the end of the year."""
    return _local(date(year - 1, 12, 1)), _local(date(year + 1, 1, 1))


def _changed_days(before: holidays.Calendar, after: holidays.Calendar, year: int) -> list[dict]:
    first, last = date(year - 1, 12, 1), date(year, 12, 31)
    out = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        old, new = before.day(day), after.day(day)
        if old.working != new.working:
            out.append({"date": day.isoformat(), "working": new.working, "name": new.name,
                        "was": "上班" if old.working else "放假"})
    return out


def _moves(work, calendar: holidays.Calendar, year: int) -> list[tuple[str, dict, dict]]:
    """(collection, record, new deadline) for each open record whose deadline `calendar` would change."""
    since, until = _span(year)
    out = []
    for collection, statuses in (("cases", cases.OPEN), ("service_orders", service_orders.OPEN)):
        for record in work.store.affairs.working_day_deadlines(collection, statuses, since, until):
            old = record["deadline"]
            new = deadlines.deadline(old["start"], DeadlineRule.model_validate(old["rule"]), calendar)
            if new["due_at"] != old["due_at"] or new["provisional"] != bool(old.get("provisional")):
                out.append((collection, record, new))
    return out


def preview(work, payload: dict) -> dict:
    """What loading the notice would do: its days, the days that change, and how many open deadlines move."""
    notice = notice_of(payload)
    now = holidays.current()
    after = now.replaced(notice.year, notice)
    moves = _moves(work, after, notice.year)
    return {"notice": present_notice(notice), "changed_days": _changed_days(now, after, notice.year),
            "deadlines_moved": sum(m[2]["due_at"] != m[1]["deadline"]["due_at"] for m in moves)}


def load(work, payload: dict) -> dict:
    """Load a year's notice (county administrators): a new revision of that year, unless it says what the current
    one says; every service that counts working days gets it by event."""
    if not work.scope.allows([COUNTY_CODE]):
        raise Forbidden("节假日安排由县级管理员导入", code="holiday_notice.county_only")
    notice = notice_of(payload)
    kept = holiday_notices.kept(work.db, notice.year)
    if kept and HolidayNotice.model_validate(kept["notice"]) == notice:
        return year_view(work, notice.year)
    revision = (kept["revision"] if kept else 0) + 1
    fields = notice.model_dump(mode="json")
    now = clock.now()
    version = {"_id": f"{notice.year}:{revision}", "year": notice.year, "revision": revision, "notice": fields,
               "text": str(payload.get("text") or "")[:5000] or None, "loaded_at": now,
               "loaded_by": work.actor_ref()}

    def save(tx):
        work.store.affairs.add_notice_version(version, tx.session)
        holiday_notices.keep(work.db, tx.session, notice.year, revision, fields, now)
        tx.emit(HolidayNoticeLoaded(year=notice.year, revision=revision, notice=notice), area_code=COUNTY_CODE)

    work.transaction(save)
    apply(work)
    return year_view(work, notice.year)


def apply(work) -> holidays.Calendar:
    """Install the notices the grid holds and recompute what a load left to do (after a load, and every minute:
    a crash between the load and its recompute, or a replica that counted with the old calendar, is caught up)."""
    calendar = holiday_notices.apply(work.db, lambda job, before, after: recompute(work, job, after))
    for year in holiday_notices.loaded_since(work.db, clock.now() - RECHECK):
        _recompute_year(work, calendar, year)
    return calendar


def recompute(work, job: dict, calendar: holidays.Calendar) -> int:
    moved = _recompute_year(work, calendar, job["year"])
    work.transaction(lambda tx: holiday_notices.finish(work.db, job, tx.session))
    return moved


def _recompute_year(work, calendar: holidays.Calendar, year: int) -> int:
    moved = 0
    now = clock.now()
    for collection, record, deadline in _moves(work, calendar, year):
        old_due = record["deadline"]["due_at"]
        changed = deadline["due_at"] != old_due
        note = (f"{year}年节假日安排导入，办理时限由{clock.iso(old_due.astimezone(clock.LOCAL).date())}"
                f"调整为{clock.iso(deadline['due_at'].astimezone(clock.LOCAL).date())}" if changed
                else f"{year}年节假日安排导入，办理时限不变，不再为暂定")
        entry = cases.history_entry("recompute_deadline", record["status"], record["status"], now, None, note)

        def save(tx, collection=collection, record=record, deadline=deadline, changed=changed, entry=entry):
            if not work.store.affairs.move_deadline(collection, record, deadline, entry, tx.session):
                return False  # moved meanwhile (acted on, or another pass): the next pass looks again
            if changed:
                tx.emit(_event(collection, record, deadline), area_code=record.get("grid_code") or record["area_code"])
            return changed

        moved += bool(work.transaction(save))
    return moved


def _event(collection: str, record: dict, deadline: dict):
    if collection == "cases":
        fields = {**_case_fields(record), "due_at": deadline["due_at"]}
        return CaseDeadlineChanged(**fields, previous_due_at=record["deadline"]["due_at"],
                                   provisional=deadline["provisional"])
    path = record["area_path"]
    return OrderDeadlineChanged(order_id=record["_id"], area_code=record["area_code"], village_code=path[2],
                                township_code=path[1], channel=record["channel"], status=record["status"],
                                due_at=deadline["due_at"], previous_due_at=record["deadline"]["due_at"],
                                provisional=deadline["provisional"])


# reads ----------------------------------------------------------------------------------------------------
def present_notice(notice: HolidayNotice) -> dict:
    return {**notice.model_dump(mode="json"),
            "days_off": sum(len(h.days()) for h in notice.holidays), "working_weekend_days": len(notice.workdays)}


def year_view(work, year) -> dict:
    """A year as the suite counts it: its days off and working weekend days, where they come from, and every
    notice loaded for it."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed("年份应为数字，如 2027", field="year") from None
    if not holidays.FIRST_YEAR <= year <= holidays.LAST_YEAR:
        raise ValidationFailed(f"年份应在{holidays.FIRST_YEAR}至{holidays.LAST_YEAR}之间", field="year")
    calendar = holidays.current()
    basis = calendar.basis_of_year(year)
    first = date(year, 1, 1)
    off, working_weekends = [], []
    for n in range((date(year + 1, 1, 1) - first).days):
        when = first + timedelta(days=n)
        day, weekend = calendar.day(when), when.weekday() >= 5
        if not day.working and not weekend:
            off.append({"date": when.isoformat(), "name": day.name})
        elif day.working and weekend:
            working_weekends.append({"date": when.isoformat()})
    versions = [{"revision": v["revision"], "title": v["notice"]["title"],
                 "document_number": v["notice"].get("document_number"), "loaded_at": clock.iso(v["loaded_at"]),
                 "loaded_by": (v.get("loaded_by") or {}).get("name")} for v in work.store.affairs.notice_versions(year)]
    named = [{"date": d.isoformat(), "name": n} for d, n in sorted(holidays.statutory_holidays(year).items())]
    return {"year": year, "basis": basis, "basis_label": holidays.BASIS_LABELS[basis],
            "provisional": basis == holidays.STATUTORY, "weekday_days_off": off,
            "working_weekend_days": working_weekends, "statutory_holidays": named,
            "notice": present_notice(calendar.notices[year]) if year in calendar.notices else None,
            "versions": versions}
