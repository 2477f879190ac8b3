"""The assessment service layer: the scorecard of an area for a period, its 12-month trend, the areas one level
below ranked (the leader's tile map), the records behind a figure, the survey figures, and closing a month.
The rules are in scorecard.py; intake.py keeps the read model; storage is in store.py."""
from datetime import date, datetime, time, timedelta

from shared import clock
from shared.errors import ValidationFailed, parse

from . import scorecard
from .api.codes import BY_CODE, COUNTY_CODE, SURVEY_INDICATORS
from .api.events import ScorecardPeriodClosed, SurveyFiguresRecorded, TargetValue
from .api.rpc import ClosePeriodIn, SurveyFigureIn

VILLAGE_KINDS = ("village", "community")
TOWNSHIP_KINDS = ("town", "township", "street")


# the period and the area ---------------------------------------------------------------------------------------
def period(since: str | None, until: str | None) -> tuple[datetime, datetime]:
    """[start, end) in UTC from local dates; by default this month so far (to the end of today)."""
    today = clock.today()
    start = clock.parse_local(since, "since") if since else _local(today.replace(day=1))
    end = clock.parse_local(until, "until") if until else _local(today + timedelta(days=1))
    if start.year < 2000:
        raise ValidationFailed("起始日期应不早于2000年", field="since")
    if end.year > 2100:
        raise ValidationFailed("截止日期应不晚于2100年", field="until")
    if end <= start:
        raise ValidationFailed("结束日期应晚于开始日期", field="until")
    if end - start > timedelta(days=366 * 3):
        raise ValidationFailed("统计区间最长三年", field="until")
    return start, end


def _local(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.LOCAL)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return _local(first), _local(following)


def view_area(work, area_code: str | None) -> dict:
    code = area_code or (work.scope.codes[0] if work.scope.codes else COUNTY_CODE)
    work.scope.require(code, "area_code")
    area = work.store.get_area(code)
    if area is None and code == COUNTY_CODE:
        area = {"_id": COUNTY_CODE, "name": "城口县", "kind": "county", "path": [COUNTY_CODE]}
    if area is None or len(code) > 12:
        raise ValidationFailed("区划不存在或尚未同步（考核到县、乡镇（街道）和村（社区））", field="area_code",
                               code="area.not_found")
    return area


# the facts of an area --------------------------------------------------------------------------------------------
class Facts:
    """The read model's rows of one area over a span, loaded once, sliced per period in memory."""

    def __init__(self, work, code: str, start: datetime, end: datetime):
        self.code = code
        self.disputes = work.store.rows("disputes", {"area_path": code, "registered_at": {"$gte": start, "$lt": end}})
        self.petitions = work.store.rows("petitions", {"area_path": code, "received_at": {"$gte": start, "$lt": end}})
        places = work.store.rows("places", {"area_path": code})
        self.centres = [p for p in places if p["kind"] == "governance_centre"]
        self.facilities = [p for p in places if p["kind"] == "service_facility"]
        self.key_areas = [p for p in places if p["kind"] == "key_area"]
        self.villages = [a["_id"] for a in work.store.areas({"path": code, "kind": {"$in": list(VILLAGE_KINDS)}})]
        self.survey = survey_of(work, code)

    def cards(self, start: datetime, end: datetime, now: datetime) -> list[dict]:
        disputes = [d for d in self.disputes if start <= d["registered_at"] < end]
        petitions = [p for p in self.petitions if start <= p["received_at"] < end]
        places = scorecard.place_counts(self.centres, self.facilities, self.key_areas, self.villages, min(end, now))
        year = (min(end, now) - timedelta(seconds=1)).astimezone(clock.LOCAL).year
        survey = [f for f in self.survey if f["year"] == year]
        return scorecard.cards(disputes, petitions, places, survey, now)

    def records(self, target: str, start: datetime, end: datetime, now: datetime) -> list[dict]:
        return _records(self, target, start, end, now)


def survey_of(work, code: str) -> list[dict]:
    """The survey figures of an area, or of the nearest area above it that has some (a county-wide survey)."""
    area_path = [code[:n] for n in (6, 9, 12) if n <= len(code)]
    for candidate in reversed(area_path):
        found = work.store.survey_figures({"area_code": candidate})
        if found:
            return found
    return []


# the scorecard, its trend, the areas below -------------------------------------------------------------------------
def get_scorecard(work, area_code: str | None, since: str | None, until: str | None, as_of: str | None = None) -> dict:
    area = view_area(work, area_code)
    start, end = period(since, until)
    now = clock.parse_local(as_of, "as_of") if as_of else clock.now()
    months = _months_before(end, 12)
    facts = Facts(work, area["_id"], min(start, months[0][0]), max(end, months[-1][1]))
    found = facts.cards(start, end, now)
    trend = {c["code"]: [] for c in found}
    for first, following in months:
        for card in facts.cards(first, following, now):
            trend[card["code"]].append({"month": first.astimezone(clock.LOCAL).strftime("%Y-%m"),
                                        "value": card["value"], "met": card["met"]})
    for card in found:
        card["trend"] = trend[card["code"]]
    return {"area_code": area["_id"], "area_name": area["name"], "since": clock.iso(start), "until": clock.iso(end),
            "as_of": clock.iso(now), "cards": found, "met": sum(1 for c in found if c["met"]),
            "attainment": scorecard.attainment(found), "survey_indicators": SURVEY_INDICATORS}


def _months_before(end: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """The `count` calendar months ending with the one `end` falls in (or just before it)."""
    month = (end - timedelta(seconds=1)).astimezone(clock.LOCAL).date().replace(day=1)
    out = []
    for _ in range(count):
        out.append(month_bounds(month))
        month = (month - timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def ranking(work, area_code: str | None, since: str | None, until: str | None) -> dict:
    """The areas one level below (the county's 25 townships, a township's villages), each with its cards, ranked by
    目标达成指数; ties by code, so the order never changes between two reads."""
    area = view_area(work, area_code)
    start, end = period(since, until)
    now = clock.now()
    kinds = TOWNSHIP_KINDS if len(area["_id"]) == 6 else VILLAGE_KINDS
    children = work.store.areas({"parent_code": area["_id"], "kind": {"$in": list(kinds)}})
    rows = []
    for child in children:
        if not work.scope.allows(child["path"]):
            continue
        found = Facts(work, child["_id"], start, end).cards(start, end, now)
        rows.append({"area_code": child["_id"], "area_name": child["name"], "attainment": scorecard.attainment(found),
                     "met": sum(1 for c in found if c["met"]),
                     "values": {c["code"]: c["value"] for c in found}})
    rows.sort(key=lambda r: (-(r["attainment"] if r["attainment"] is not None else -1), r["area_code"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return {"area_code": area["_id"], "area_name": area["name"], "since": clock.iso(start), "until": clock.iso(end),
            "items": rows}


def target_records(work, target: str, area_code: str | None, since: str | None, until: str | None) -> dict:
    if target not in BY_CODE:
        raise ValidationFailed("未知的指标", field="target", code="target.unknown")
    area = view_area(work, area_code)
    start, end = period(since, until)
    now = clock.now()
    items = Facts(work, area["_id"], start, end).records(target, start, end, now)
    return {"target": target, "label": BY_CODE[target].label, "area_code": area["_id"], "total": len(items),
            "items": items[:2000]}


def _records(facts: Facts, target: str, start: datetime, end: datetime, now: datetime) -> list[dict]:
    """Every record a target counts, each saying whether it is in the numerator (and why not)."""
    if target in ("governance_centre", "service_facility", "video_coverage"):
        places = scorecard.place_counts(facts.centres, facts.facilities, facts.key_areas, facts.villages,
                                        min(end, now))
        hits, base = places[target]
        return [{"id": i, "kind": "village" if target == "service_facility" else "place", "counted": i in hits}
                for i in base]
    if target == "online_share":
        rows = [p for p in facts.petitions if start <= p["received_at"] < end]
        return [{"id": p["_id"], "kind": "petition", "channel": p["channel"], "received_at": clock.iso(p["received_at"]),
                 "counted": p["channel"] == "online"} for p in sorted(rows, key=lambda p: p["received_at"])]
    if target == "public_opinion":
        return [{"id": f["_id"], "kind": "survey", "indicator": f["indicator"], "year": f["year"],
                 "value": f["value"], "city_average": f["city_average"], "counted": f["value"] >= f["city_average"]}
                for f in facts.survey]
    rows = [d for d in facts.disputes if start <= d["registered_at"] < end]
    out = []
    for d in sorted(rows, key=lambda d: d["registered_at"]):
        open_ = d["status"] in scorecard.mediation_targets.OPEN
        overdue = open_ and d["due_at"] < now
        if target == "major_rate" and not d.get("major"):
            continue
        if target == "success_rate" and not d.get("level"):
            continue
        if open_ and not overdue:
            continue  # within its limit: in no rate yet
        resolved = bool(d.get("resolved_at")) and (target != "grassroots_rate"
                                                   or d.get("level") in scorecard.mediation_targets.GRASSROOTS)
        out.append({"id": d["_id"], "kind": "dispute", "status": d["status"], "level": d.get("level"),
                    "overdue": overdue, "registered_at": clock.iso(d["registered_at"]), "counted": resolved})
    return out


# the county's own records -----------------------------------------------------------------------------------------
def record_survey_figure(work, payload: dict) -> dict:
    figure = parse(SurveyFigureIn, payload)
    work.scope.require(figure.area_code, "area_code")
    if figure.year > clock.today().year:
        raise ValidationFailed("测评年度不能晚于今年", field="year")
    doc = {"_id": f"{figure.area_code}:{figure.year}:{figure.indicator}", **figure.model_dump(),
           "recorded_by": work.actor_ref()}

    def save(tx):
        saved = work.store.save_survey_figure(doc, tx.session)
        tx.emit(SurveyFiguresRecorded(year=figure.year, area_code=figure.area_code, indicator=figure.indicator,
                                      value=figure.value, city_average=figure.city_average),
                area_code=figure.area_code)
        return saved

    saved = work.transaction(save)
    return {k: saved[k] for k in ("year", "area_code", "indicator", "value", "city_average", "source")}


def list_survey_figures(work, area_code: str | None) -> dict:
    area = view_area(work, area_code)
    items = work.store.survey_figures({"area_code": area["_id"]})
    return {"area_code": area["_id"], "items": [
        {k: f[k] for k in ("year", "area_code", "indicator", "value", "city_average", "source")} | {
            "label": SURVEY_INDICATORS[f["indicator"]]} for f in items]}


def close_period(work, payload: dict) -> dict:
    """Close a month for the county and every township: each scorecard is published once as it stood."""
    month = date.fromisoformat(parse(ClosePeriodIn, payload).period + "-01")
    start, end = month_bounds(month)
    now = clock.now()
    if end > now:
        raise ValidationFailed("只能结账已经结束的月份", field="period")
    label = month.strftime("%Y-%m")
    codes = [COUNTY_CODE] + [a["_id"] for a in work.store.areas({"parent_code": COUNTY_CODE,
                                                                 "kind": {"$in": list(TOWNSHIP_KINDS)}})]
    closed = []
    for code in codes:
        found = Facts(work, code, start, end).cards(start, end, now)

        def save(tx, code=code, found=found):
            doc = {"_id": f"{label}:{code}", "period": label, "area_code": code, "cards": found}
            if not work.store.close_period(doc, tx.session):
                return False
            tx.emit(ScorecardPeriodClosed(
                period=label, area_code=code, township_code=code if len(code) == 9 else None,
                targets=[TargetValue(code=c["code"], value=c["value"], met=c["met"], numerator=c.get("numerator"),
                                     denominator=c.get("denominator")) for c in found],
                met=sum(1 for c in found if c["met"]), attainment=scorecard.attainment(found)), area_code=code)
            return True

        if work.transaction(save):
            closed.append(code)
    return {"period": label, "closed": closed}


def close_last_month(work) -> dict:
    last = clock.today().replace(day=1) - timedelta(days=1)
    return close_period(work, {"period": last.strftime("%Y-%m")})
