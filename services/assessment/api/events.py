"""The assessment service's events: figures of areas only, never a person."""
from pydantic import BaseModel, ConfigDict, Field

from shared.events import EventData, event

SOURCE = "assessment"


class TargetValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(description="指标代码 (contracts: services/assessment/api/codes.py TARGETS)")
    value: float | None = Field(description="ratio 0–1, or for public_opinion the lowest score ÷ its city average")
    met: bool | None
    numerator: int | None
    denominator: int | None


@event(SOURCE, "scorecard.period_closed",
       summary="月度目标考核结账 (a month's scorecard of the plan's eight targets for an area, as closed)")
class ScorecardPeriodClosed(EventData):
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="the month, as 2026-11")
    area_code: str
    township_code: str | None
    targets: list[TargetValue]
    met: int = Field(ge=0, description="targets met")
    attainment: float | None = Field(description="目标达成指数 0–100")


@event(SOURCE, "survey_figures.recorded",
       summary="测评结果录入 (a year's survey score and city average of an area were recorded)")
class SurveyFiguresRecorded(EventData):
    year: int
    area_code: str
    indicator: str
    value: float
    city_average: float


class AreaResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    area_code: str
    total: float
    rank: int


@event(SOURCE, "round.published", summary="考核结果发布 (a round of 线上考核 was published after its notice)")
class RoundPublished(EventData):
    round_id: str
    scheme_id: str
    period: str
    level: str
    results: list[AreaResult]


@event(SOURCE, "appeal.decided", summary="考核申诉裁定 (the county decided an area's appeal of one point)")
class AppealDecided(EventData):
    appeal_id: str
    round_id: str
    area_code: str
    indicator: str
    decision: str
    points_before: float
    points_after: float


@event(SOURCE, "selection.awarded", summary="评选表彰 (a nominee of an annual selection was awarded)")
class SelectionAwarded(EventData):
    selection_id: str
    kind: str
    year: int
    nomination_id: str
    area_code: str


@event(SOURCE, "survey.closed", summary="测评结束 (a year's survey closed; its scores entered the scorecard)")
class SurveyClosed(EventData):
    survey_id: str
    year: int
    questionnaire_id: str
    sampled: int = Field(ge=0)
    answered: int = Field(ge=0)
