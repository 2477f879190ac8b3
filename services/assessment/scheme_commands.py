"""线上考核: the county's annual scheme, a round scored for every township (or village) of the county, manual points
with evidence, the notice, appeals and the county's decisions, and publication once the notice has passed.
Every change is appended to the record's history with who and when (the gateway's audit log keeps the request).
A township or village sees only its own result, each point with the sentence that explains it."""
from datetime import date, datetime, time, timedelta

from shared import clock
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, parse

from . import schemes
from .api.codes import APPEAL_STATUS, COUNTY_CODE, LEVELS, ROUND_STATUS
from .api.events import AppealDecided, AreaResult, RoundPublished
from .api.rpc import AppealDecisionIn, AppealIn, ManualScoreIn, NoticeIn, RoundIn, SchemeIn
from .commands import TOWNSHIP_KINDS, VILLAGE_KINDS, Facts


def _actor(work) -> dict:
    return work.actor_ref() or {"id": "system", "role": None, "name": "系统"}


def _entry(work, action: str, note: str | None = None, **extra) -> dict:
    return {"action": action, "at": clock.now(), "actor": _actor(work), "note": note, **extra}


def require_county(work) -> None:
    if not (work.scope.unrestricted or COUNTY_CODE in work.scope.codes):
        raise Forbidden("考核方案、评分与裁定由县级进行", code="assessment.county_only")


def _moved(result):
    if result is None:
        raise Conflict("记录已被他人修改，请刷新后重试", code="assessment.changed")
    return result


# the scheme ---------------------------------------------------------------------------------------------------------
def save_scheme(work, payload: dict) -> dict:
    require_county(work)
    scheme = parse(SchemeIn, payload)
    indicators = [i.model_dump() for i in scheme.indicators]
    schemes.check_scheme(indicators)
    scheme_id = f"SC{scheme.year}-{scheme.level}"
    found = work.store.get("schemes", scheme_id)
    if found and found["status"] != "draft":
        raise Conflict("方案已执行，年度内不再修改", field="scheme_id", code="scheme.in_force")
    doc = {**scheme.model_dump(), "indicators": indicators, "status": "draft"}

    def save(tx):
        if found is None:
            work.store.insert("schemes", {"_id": scheme_id, **doc, "history": [_entry(work, "draft")]}, tx.session)
            return work.store.get("schemes", scheme_id, tx.session)
        return _moved(work.store.move("schemes", found, doc, _entry(work, "revise"), tx.session))

    return present_scheme(work.transaction(save))


def activate_scheme(work, scheme_id: str) -> dict:
    require_county(work)
    found = _scheme(work, scheme_id)
    if found["status"] != "draft":
        raise Conflict("方案已在执行", field="scheme_id", code="scheme.in_force")
    return present_scheme(work.transaction(lambda tx: _moved(work.store.move(
        "schemes", found, {"status": "in_force"}, _entry(work, "activate"), tx.session))))


def _scheme(work, scheme_id: str) -> dict:
    found = work.store.get("schemes", str(scheme_id))
    if found is None:
        raise NotFound("没有此考核方案", field="scheme_id", code="scheme.not_found")
    return found


def present_scheme(doc: dict) -> dict:
    return {"scheme_id": doc["_id"], "year": doc["year"], "title": doc["title"], "level": doc["level"],
            "level_label": LEVELS[doc["level"]], "frequency": doc["frequency"], "notice_days": doc["notice_days"],
            "status": doc["status"], "indicators": doc["indicators"]}


def list_schemes(work) -> dict:
    return {"items": [present_scheme(d) for d in work.store.find("schemes", {}, ("year", -1))]}


# a round --------------------------------------------------------------------------------------------------------------
def _local(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.LOCAL)


def start_round(work, payload: dict) -> dict:
    """Score every area of the scheme's level for a period: the automatic indicators from the scorecard now, the
    manual ones left for the county. Starting the same period again gives the same round."""
    require_county(work)
    command = parse(RoundIn, payload)
    scheme = _scheme(work, command.scheme_id)
    if scheme["status"] != "in_force":
        raise Conflict("方案尚未执行", field="scheme_id", code="scheme.draft")
    first, following = schemes.period_dates(command.period, scheme["frequency"], scheme["year"])
    if _local(following) > clock.now():
        raise ValidationFailed("只能考核已经结束的期次", field="period")
    round_id = f"RD{scheme['year']}-{scheme['level']}-{command.period}"
    found = work.store.get("rounds", round_id)
    if found:
        return present_round(work, found)
    kinds = TOWNSHIP_KINDS if scheme["level"] == "township" else VILLAGE_KINDS
    areas = work.store.areas({"kind": {"$in": list(kinds)}})
    start, end, now = _local(first), _local(following), clock.now()
    results = []
    for area in areas:
        cards = {c["code"]: c for c in Facts(work, area["_id"], start, end).cards(start, end, now)}
        points = []
        for indicator in scheme["indicators"]:
            item = {"indicator": indicator["code"], "label": indicator["label"], "max": indicator["weight"],
                    "source": indicator["source"], "evidence": [], "appealed": False}
            if indicator["source"] == "target":
                item.update(schemes.auto_points(indicator, cards[indicator["target"]]))
            else:
                item.update(points=None, basis=f"待县级评分：{indicator['guidance']}")
            points.append(item)
        results.append({"area_code": area["_id"], "area_name": area["name"], "points": points,
                        "total": schemes.total(points)})
    doc = {"_id": round_id, "scheme_id": scheme["_id"], "period": command.period, "level": scheme["level"],
           "since": first.isoformat(), "until": following.isoformat(), "status": "scoring",
           "notice_days": scheme["notice_days"], "noticed_on": None, "notice_until": None,
           "results": schemes.ranked(results), "history": [_entry(work, "start", f"{len(results)}个区划")]}
    work.transaction(lambda tx: work.store.insert("rounds", doc, tx.session))
    return present_round(work, work.store.get("rounds", round_id))


def _round(work, round_id: str) -> dict:
    found = work.store.get("rounds", str(round_id))
    if found is None:
        raise NotFound("没有此考核期次", field="round_id", code="round.not_found")
    return found


def _result(found: dict, area_code: str, indicator: str) -> tuple[dict, dict]:
    result = next((r for r in found["results"] if r["area_code"] == area_code), None)
    if result is None:
        raise ValidationFailed("该区划不在本期考核中", field="area_code")
    point = next((p for p in result["points"] if p["indicator"] == indicator), None)
    if point is None:
        raise ValidationFailed("没有此考核指标", field="indicator")
    return result, point


def _with_point(found: dict, area_code: str, indicator: str, changes: dict) -> list[dict]:
    results = []
    for result in found["results"]:
        if result["area_code"] == area_code:
            points = [{**p, **changes} if p["indicator"] == indicator else p for p in result["points"]]
            result = {**result, "points": points, "total": schemes.total(points)}
        results.append(result)
    return schemes.ranked(results)


def score_manual(work, round_id: str, payload: dict) -> dict:
    require_county(work)
    command = parse(ManualScoreIn, payload)
    found = _round(work, round_id)
    if found["status"] != "scoring":
        raise Conflict(f"当前为「{ROUND_STATUS[found['status']]}」，不能再评分", field="round_id",
                       code="round.not_scoring")
    _, point = _result(found, command.area_code, command.indicator)
    if point["source"] != "manual":
        raise ValidationFailed("该指标取自记分卡，不手工评分", field="indicator")
    if command.points > point["max"]:
        raise ValidationFailed(f"不能超过该项分值{point['max']:g}分", field="points")
    basis = f"县级评分 {command.points:g} 分" + (f"：{command.note}" if command.note else "")
    results = _with_point(found, command.area_code, command.indicator, {
        "points": command.points, "basis": basis, "evidence": command.evidence, "scored_by": _actor(work)})
    moved = work.transaction(lambda tx: _moved(work.store.move("rounds", found, {"results": results}, _entry(
        work, "score", f"{command.area_code} {point['label']} {command.points:g}分"), tx.session)))
    return present_round(work, moved)


def start_notice(work, round_id: str, payload: dict) -> dict:
    require_county(work)
    command = parse(NoticeIn, payload or {})
    found = _round(work, round_id)
    if found["status"] != "scoring":
        raise Conflict("本期已公示", field="round_id", code="round.not_scoring")
    if any(r["total"] is None for r in found["results"]):
        raise Conflict("尚有区划未完成评分", field="round_id", code="round.unscored")
    on = command.noticed_on or clock.today()
    if on > clock.today() or on < date.fromisoformat(found["until"]):
        raise ValidationFailed("公示日期应在期次结束之后、不晚于今天", field="noticed_on")
    until = on + timedelta(days=found["notice_days"])
    moved = work.transaction(lambda tx: _moved(work.store.move("rounds", found, {
        "status": "in_notice", "noticed_on": on.isoformat(), "notice_until": until.isoformat()},
        _entry(work, "notice", f"公示至{until.isoformat()}"), tx.session)))
    return present_round(work, moved)


# appeals --------------------------------------------------------------------------------------------------------------
def appeal(work, round_id: str, payload: dict) -> dict:
    command = parse(AppealIn, payload)
    work.scope.require(command.area_code, "area_code")
    found = _round(work, round_id)
    filed = command.filed_on or clock.today()
    if found["status"] != "in_notice":
        raise Conflict("只能在公示期内申诉", field="round_id", code="round.not_in_notice")
    if not (found["noticed_on"] <= filed.isoformat() <= found["notice_until"]) or filed > clock.today():
        raise ValidationFailed(f"申诉应在公示期（{found['noticed_on']}至{found['notice_until']}）内提出",
                               field="filed_on")
    _, point = _result(found, command.area_code, command.indicator)
    if work.store.find("appeals", {"round_id": round_id, "area_code": command.area_code,
                                   "indicator": command.indicator, "status": "pending"}):
        raise Conflict("该项已有待裁定的申诉", field="indicator", code="appeal.pending")
    doc = {"_id": f"AP{round_id[2:]}-{command.area_code}-{command.indicator}-{clock.now().strftime('%H%M%S%f')}",
           "round_id": round_id, "area_code": command.area_code, "indicator": command.indicator,
           "label": point["label"], "points_before": point["points"], "reason": command.reason,
           "evidence": command.evidence, "filed_on": filed.isoformat(), "status": "pending",
           "filed_by": _actor(work), "history": [_entry(work, "appeal")]}
    work.transaction(lambda tx: work.store.insert("appeals", doc, tx.session))
    return present_appeal(work.store.get("appeals", doc["_id"]))


def decide_appeal(work, appeal_id: str, payload: dict) -> dict:
    require_county(work)
    command = parse(AppealDecisionIn, payload)
    found = work.store.get("appeals", str(appeal_id))
    if found is None:
        raise NotFound("没有此申诉", field="appeal_id", code="appeal.not_found")
    if found["status"] != "pending":
        raise Conflict("申诉已裁定", field="appeal_id", code="appeal.decided")
    current = _round(work, found["round_id"])
    _, point = _result(current, found["area_code"], found["indicator"])
    after = point["points"]
    if command.decision == "upheld":
        if command.points is None:
            raise ValidationFailed("申诉成立须改定分数", field="points")
        if command.points > point["max"]:
            raise ValidationFailed(f"不能超过该项分值{point['max']:g}分", field="points")
        after = command.points

    def save(tx):
        if command.decision == "upheld":
            results = _with_point(current, found["area_code"], found["indicator"], {
                "points": after, "appealed": True,
                "basis": f"{point['basis']}；申诉成立，改定为 {after:g} 分：{command.note}"})
            _moved(work.store.move("rounds", current, {"results": results}, _entry(
                work, "appeal_upheld", f"{found['area_code']} {found['label']} {point['points']:g}→{after:g}"),
                tx.session))
        moved = _moved(work.store.move("appeals", found, {"status": command.decision, "decision_note": command.note,
                                                           "points_after": after},
                                       _entry(work, command.decision, command.note), tx.session))
        tx.emit(AppealDecided(appeal_id=found["_id"], round_id=found["round_id"], area_code=found["area_code"],
                              indicator=found["indicator"], decision=command.decision,
                              points_before=point["points"], points_after=after), area_code=found["area_code"])
        return moved

    return present_appeal(work.transaction(save))


def present_appeal(doc: dict) -> dict:
    return {"appeal_id": doc["_id"], "round_id": doc["round_id"], "area_code": doc["area_code"],
            "indicator": doc["indicator"], "label": doc["label"], "reason": doc["reason"], "evidence": doc["evidence"],
            "filed_on": doc["filed_on"], "status": doc["status"], "status_label": APPEAL_STATUS[doc["status"]],
            "points_before": doc["points_before"], "points_after": doc.get("points_after"),
            "decision_note": doc.get("decision_note")}


# publication ------------------------------------------------------------------------------------------------------------
def publish_round(work, round_id: str) -> dict:
    require_county(work)
    found = _round(work, round_id)
    if found["status"] != "in_notice":
        raise Conflict("只能发布公示中的期次", field="round_id", code="round.not_in_notice")
    if clock.today().isoformat() <= found["notice_until"]:
        raise Conflict(f"公示期至{found['notice_until']}，期满后发布", field="round_id", code="round.in_notice")
    if work.store.find("appeals", {"round_id": round_id, "status": "pending"}):
        raise Conflict("尚有待裁定的申诉", field="round_id", code="round.appeals_pending")

    def save(tx):
        moved = _moved(work.store.move("rounds", found, {"status": "published", "published_on": clock.today()
                                                          .isoformat()}, _entry(work, "publish"), tx.session))
        tx.emit(RoundPublished(round_id=found["_id"], scheme_id=found["scheme_id"], period=found["period"],
                               level=found["level"], results=[AreaResult(area_code=r["area_code"], total=r["total"],
                                                                         rank=r["rank"])
                                                for r in sorted(moved["results"], key=lambda r: r["rank"])]),
                area_code=COUNTY_CODE)
        return moved

    return present_round(work, work.transaction(save))


def present_round(work, doc: dict) -> dict:
    """A round as the caller may see it: the county every area, a township or village its own result only."""
    visible = [r for r in doc["results"] if work.scope.allows([r["area_code"][:n] for n in (6, 9, 12)
                                                              if n <= len(r["area_code"])])]
    appeals = [present_appeal(a) for a in work.store.find("appeals", {"round_id": doc["_id"]})
               if any(a["area_code"] == r["area_code"] for r in visible)]
    return {"round_id": doc["_id"], "scheme_id": doc["scheme_id"], "period": doc["period"], "level": doc["level"],
            "since": doc["since"], "until": doc["until"], "status": doc["status"],
            "status_label": ROUND_STATUS[doc["status"]], "noticed_on": doc["noticed_on"],
            "notice_until": doc["notice_until"], "published_on": doc.get("published_on"),
            "results": sorted(visible, key=lambda r: (r["rank"] or 10**6, r["area_code"])), "appeals": appeals,
            "history": [{"action": h["action"], "at": clock.iso(h["at"]), "actor": (h.get("actor") or {}).get("name"),
                         "note": h.get("note")} for h in doc.get("history", [])]}


def get_round(work, round_id: str) -> dict:
    return present_round(work, _round(work, round_id))


def list_rounds(work, scheme_id: str | None = None) -> dict:
    query = {"scheme_id": scheme_id} if scheme_id else {}
    return {"items": [{k: v for k, v in present_round(work, d).items() if k not in ("results", "history")}
                      for d in work.store.find("rounds", query, ("period", -1))]}
