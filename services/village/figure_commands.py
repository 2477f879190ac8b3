"""The figures in the service layer: an area's for a period (the console, the leaders' dashboards), and the close
of a month, when every village's and township's figures go out once as `village.figures.period_closed` for the
assessment service to use."""
from datetime import date

from prometheus_client import Gauge

from shared import clock
from shared.errors import ValidationFailed

from . import figures
from .api.events import FiguresPeriodClosed
from .commands import view_area
from .domain import COUNTY_CODE

COUNTY_FIGURES = Gauge("xz_village_county_figure", "村务自治 figures of the whole county this month", ["figure"])
GAUGED = ("rules_in_force", "councils_active", "matters_completed", "matters_late", "sessions_held")
FIELDS = {
    "rules": {"area_path": 1, "area_code": 1, "kind": 1, "adoption.held_on": 1, "filing.filed_on": 1,
              "published_on": 1, "superseded_on": 1},
    "councils": {"area_path": 1, "term_start": 1, "term_end": 1},
    "meetings": {"area_path": 1, "council_id": 1, "held_on": 1},
    "matters": {"area_path": 1, "status": 1, "registered_on": 1, "steps.step": 1, "steps.held_on": 1,
                "steps.late": 1, "flags.flagged_on": 1, "refusals.held_on": 1},
    "sessions": {"area_path": 1, "held_on": 1, "matters.status": 1},
    "reports": {"area_path": 1, "reported_on": 1, "check.simple": 1},
}
COLLECTIONS = {"rules": "village_rules", "councils": "councils", "meetings": "council_meetings", "matters": "matters",
               "sessions": "sessions", "reports": "family_event_reports"}


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, (start.replace(year=start.year + 1, month=1) if start.month == 12 else
                   start.replace(month=start.month + 1))


def _period(since: str, until: str) -> tuple[date, date]:
    if not since and not until:
        return month_of(clock.today())
    try:
        start, end = date.fromisoformat(since), date.fromisoformat(until)
    except ValueError:
        raise ValidationFailed("应为日期，如 2026-01-01", field="since" if not _is_date(since) else "until") from None
    if end <= start:
        raise ValidationFailed("结束日期应晚于开始日期", field="until")
    return start, end


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return False


def records(work, query: dict) -> dict:
    return {kind: work.store.all(COLLECTIONS[kind], query, FIELDS[kind]) for kind in COLLECTIONS}


def compute(work, area_code=None, since: str = "", until: str = "") -> dict:
    code = view_area(work, area_code)
    if code != COUNTY_CODE and work.store.get_area(code) is None:
        raise ValidationFailed("区划不存在（新建的区划须待网格服务同步）", field="area_code", code="area.not_found")
    start, end = _period(since or "", until or "")
    level = len(code) + 3
    names = {a["_id"]: a["name"] for a in work.store.areas({"path": code})
             if len(a["_id"]) in (len(code), level) and a["kind"] != "grid"}
    names.setdefault(COUNTY_CODE, "城口县")
    result = figures.compute(code, records(work, {"area_path": code}), start, end, names)
    if code == COUNTY_CODE and (start, end) == month_of(clock.today()):
        for name in GAUGED:
            COUNTY_FIGURES.labels(name).set(result[name])
    return result


def close_period(work, period: str | None = None) -> dict:
    """Send each village's and township's figures of a month that has ended, once (a closed month is not sent again).
    Without `period`, the month before this one."""
    if period is None:
        start, _ = month_of(clock.today())
        start, end = month_of(date.fromordinal(start.toordinal() - 1))
    else:
        try:
            start, end = month_of(date.fromisoformat(f"{period}-01"))
        except ValueError:
            raise ValidationFailed("应为月份，如 2026-03", field="period") from None
        if end > clock.today():
            raise ValidationFailed("只能结算已经结束的月份", field="period")
    label = start.strftime("%Y-%m")
    areas = work.store.areas({"kind": {"$in": ["town", "township", "street", "village", "community"]}})
    closed = work.store.closed_periods(label)
    areas = [a for a in areas if f"{a['_id']}:{label}" not in closed]
    if not areas:
        return {"period": label, "closed_at": clock.now().isoformat(), "sent": 0}  # the hourly timer, most hours
    everything = records(work, {})
    sent = []
    for level in (12, 9):
        groups = figures.group(everything, level)
        for area in (a for a in areas if len(a["_id"]) == level):
            counts = figures.count(groups.get(area["_id"], {k: [] for k in COLLECTIONS}), start, end)
            body = FiguresPeriodClosed(area_code=area["_id"], area_level="village" if level == 12 else "township",
                                       period=label, **{k: counts[k] for k in FiguresPeriodClosed.model_fields
                                                        if k in counts})

            def save(tx, area=area, body=body):
                if work.store.close_period(f"{area['_id']}:{label}", tx.session):
                    tx.emit(body, area_code=area["_id"])
                    return True
                return False

            if work.transaction(save):
                sent.append(area["_id"])
    return {"period": label, "closed_at": clock.now().isoformat(), "sent": len(sent)}
