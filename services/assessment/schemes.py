"""线上考核 as plain rules: what a scheme may hold (the plan's limit on the burden of assessment), the period a
round covers, how an indicator from the scorecard is scored with its explanation, and the ranking.

An automatic indicator scores weight × min(1, value ÷ threshold); a target without a value (nothing to count in
the period) scores the full weight, said so in its explanation, because an area is not marked down for having no
disputes. A manual indicator is scored by the county with evidence. Totals are ranked highest first, ties by code.
"""
from datetime import date

from shared.errors import ValidationFailed

from .api.codes import BY_CODE, MAX_INDICATORS, MAX_MANUAL


def check_scheme(indicators: list[dict]) -> None:
    if len(indicators) > MAX_INDICATORS:
        raise ValidationFailed(f"为减轻基层负担，考核指标不超过{MAX_INDICATORS}项", field="indicators")
    if sum(1 for i in indicators if i["source"] == "manual") > MAX_MANUAL:
        raise ValidationFailed(f"手工评分指标不超过{MAX_MANUAL}项，其余应取自记分卡", field="indicators")
    codes = [i["code"] for i in indicators]
    if len(set(codes)) != len(codes):
        raise ValidationFailed("指标代码重复", field="indicators")
    if round(sum(i["weight"] for i in indicators), 2) != 100:
        raise ValidationFailed("各项分值合计应为100", field="indicators")
    for n, indicator in enumerate(indicators):
        if indicator["source"] == "target" and indicator.get("target") not in BY_CODE:
            raise ValidationFailed("应为记分卡的指标代码", field=f"indicators.{n}.target")
        if indicator["source"] == "manual" and not indicator.get("guidance"):
            raise ValidationFailed("手工评分项须写明评分细则", field=f"indicators.{n}.guidance")


def period_dates(period: str, frequency: str, year: int) -> tuple[date, date]:
    """[first day, first day after) of a round's period; the period must suit the scheme and lie in its year."""
    wanted_quarter = frequency == "quarterly"
    if ("Q" in period) != wanted_quarter:
        raise ValidationFailed("按季度考核的期次如 2026-Q3，按月的如 2026-09", field="period")
    y = int(period[:4])
    if y != year:
        raise ValidationFailed("期次应在方案的年度内", field="period")
    if wanted_quarter:
        first_month = 3 * (int(period[-1]) - 1) + 1
        months = 3
    else:
        first_month, months = int(period[5:7]), 1
    start = date(y, first_month, 1)
    end_month = first_month + months
    end = date(y + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, end


def auto_points(indicator: dict, card: dict) -> dict:
    """The points of an indicator taken from a scorecard card, with the sentence that explains them."""
    weight = indicator["weight"]
    value, threshold = card["value"], card["threshold"]
    if value is None:
        return {"points": weight, "basis": f"{card['label']}：本期无可计数记录，按满分计 {weight:g} 分"}
    share = min(1.0, value / (threshold or 1.0))
    points = round(weight * share, 2)
    if card["threshold"] is None:
        shown = f"最低一项得分为全市平均的 {value * 100:.1f}%"
    else:
        shown = f"{value * 100:.1f}%（{card.get('numerator')} ÷ {card.get('denominator')}，目标 {threshold * 100:g}%）"
    return {"points": points, "basis": f"{card['label']} {shown}，得分 = {weight:g} × min(1, 实际 ÷ 目标) = {points:g}"}


def total(points: list[dict]) -> float | None:
    if any(p["points"] is None for p in points):
        return None
    return round(sum(p["points"] for p in points), 2)


def ranked(results: list[dict]) -> list[dict]:
    """Results with their totals ranked (1 = highest); an area still unscored has no rank."""
    scored = sorted((r for r in results if r["total"] is not None), key=lambda r: (-r["total"], r["area_code"]))
    ranks = {r["area_code"]: n for n, r in enumerate(scored, 1)}
    return [{**r, "rank": ranks.get(r["area_code"])} for r in results]
