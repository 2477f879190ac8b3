"""The plan's eight targets over the read model's rows, as plain data: no store, no clock of its own.

Each target is a card: value, threshold, met or not, the definition and the counts behind it (numerator ÷
denominator). The mediation targets are counted by the mediation service's own public definitions
(services/mediation/api/targets.py) over rows its events carry, so both give the same figure for the same period
and area. The place targets are the state at the end of the period (the last state each place had by then). The
survey target is met when every one of the three scores of the year is not below the city's average.

目标达成指数 (attainment, 0–100) ranks areas until the county's 线上考核 scheme scores them: the mean over the
targets that have a value of min(1, value ÷ threshold), the survey target by its lowest score ÷ city average.
"""
from datetime import datetime

from services.mediation.api import targets as mediation_targets

from .api.codes import SURVEY_INDICATORS, TARGETS

PLACE_STATE = {"governance_centre": "ok", "service_facility": "ok", "video_coverage": "covered"}


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def state_at(place: dict, end: datetime) -> dict | None:
    """The last state a place had before `end` (its history is in the order the events occurred)."""
    found = None
    for entry in place.get("history", []):
        if entry["at"] < end:
            found = entry
    return found


def place_counts(centres: list[dict], facilities: list[dict], key_areas: list[dict], villages: list[str],
                 end: datetime) -> dict:
    """(numerator, denominator, the ids counted in the numerator, the ids in the denominator) per place target."""
    active_centres = [(c["_id"], s) for c in centres if (s := state_at(c, end)) and s["active"]]
    ok_villages = {f["village_code"] for f in facilities if (s := state_at(f, end)) and s["active"] and s["ok"]}
    active_areas = [(a["_id"], s) for a in key_areas if (s := state_at(a, end)) and s["active"]]
    return {
        "governance_centre": ([i for i, s in active_centres if s["ok"]], [i for i, _ in active_centres]),
        "service_facility": (sorted(ok_villages & set(villages)), sorted(villages)),
        "video_coverage": ([i for i, s in active_areas if s["covered"]], [i for i, _ in active_areas]),
    }


def survey_card(figures: list[dict]) -> tuple[float | None, bool | None, dict]:
    """The survey target from one year's figures of one area: (lowest score ÷ city average, met, the scores)."""
    scores = {f["indicator"]: f for f in figures}
    if not scores:
        return None, None, {}
    relative = [f["value"] / f["city_average"] for f in scores.values()]
    complete = set(scores) == set(SURVEY_INDICATORS)
    met = complete and all(r >= 1 for r in relative)
    detail = {k: {"label": SURVEY_INDICATORS[k], "value": f["value"], "city_average": f["city_average"],
                  "met": f["value"] >= f["city_average"]} for k, f in sorted(scores.items())}
    return round(min(relative), 4), met, detail


def cards(disputes: list[dict], petitions: list[dict], places: dict, survey: list[dict], now: datetime) -> list[dict]:
    """The eight cards. `disputes` and `petitions` are the rows of the period; `places` what place_counts gave."""
    counted = mediation_targets.counts(disputes, now)
    online = sum(1 for p in petitions if p["channel"] == "online")
    mediation_parts = {
        "grassroots_rate": (counted["resolved_at_grassroots"], counted["concluded"] + counted["overdue"]),
        "success_rate": (counted["resolved"], _accepted_base(disputes, now)),
        "major_rate": (counted["major_resolved"], _major_base(disputes, now)),
    }
    out = []
    for target in TARGETS:
        card = {"code": target.code, "label": target.label, "threshold": target.threshold,
                "definition": target.definition, "source": target.source}
        if target.code in places:
            hits, base = places[target.code]
            card.update(numerator=len(hits), denominator=len(base), value=ratio(len(hits), len(base)))
        elif target.code in mediation_parts:
            numerator, denominator = mediation_parts[target.code]
            card.update(numerator=numerator, denominator=denominator, value=counted[target.code])
        elif target.code == "online_share":
            card.update(numerator=online, denominator=len(petitions), value=ratio(online, len(petitions)))
        else:
            value, met, detail = survey_card(survey)
            card.update(numerator=None, denominator=None, value=value, met=met, scores=detail)
            out.append(card)
            continue
        card["met"] = None if card["value"] is None else card["value"] >= target.threshold
        out.append(card)
    return out


def _accepted_base(rows: list[dict], now) -> int:
    """调解成功率's denominator, as the mediation service counts it (accepted: a level was given)."""
    return sum(1 for r in rows if r.get("level") and (r["status"] not in mediation_targets.OPEN or r["due_at"] < now))


def _major_base(rows: list[dict], now) -> int:
    return sum(1 for r in rows if r.get("major") and (r["status"] not in mediation_targets.OPEN or r["due_at"] < now))


def attainment(found: list[dict]) -> float | None:
    """目标达成指数 0–100 over the cards that have a value."""
    parts = []
    for card in found:
        if card["value"] is None:
            continue
        threshold = card["threshold"] or 1.0  # the survey card's value is already relative to the city average
        parts.append(min(1.0, card["value"] / threshold))
    return round(100 * sum(parts) / len(parts), 1) if parts else None
