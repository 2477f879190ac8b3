"""The models of the assessment service's RPC requests, validated by the service."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,2}$", description="区划代码（县、乡镇或村）")]


class SurveyFigureIn(BaseModel):
    """A survey's result of one year for an area (the county's or a township's), beside the city's average."""
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2020, le=2100, description="测评年度")
    area_code: AreaCode
    indicator: Literal["sense_of_security", "team_satisfaction", "judicial_credibility"]
    value: float = Field(ge=0, le=100, description="得分（百分制）")
    city_average: float = Field(gt=0, le=100, description="全市平均（百分制）")
    source: str = Field(default="", max_length=100, description="测评来源，如 市统计局年度测评")


class ClosePeriodIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", description="要结账的月份，如 2026-11")


class IndicatorIn(BaseModel):
    """An indicator of a scheme: scored from a scorecard target, or by hand with evidence."""
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: str = Field(min_length=2, max_length=40)
    weight: float = Field(gt=0, le=100, description="分值（各项合计100）")
    source: Literal["target", "manual"]
    target: str | None = Field(default=None, description="source=target 时：记分卡指标代码")
    guidance: str = Field(default="", max_length=300, description="评分细则（手工评分项）")


class SchemeIn(BaseModel):
    """The county's annual 线上考核 scheme."""
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2020, le=2100)
    title: str = Field(min_length=4, max_length=80)
    level: Literal["township", "village"]
    frequency: Literal["quarterly", "monthly"]
    notice_days: int = Field(default=5, ge=3, le=15, description="结果公示天数")
    indicators: list[IndicatorIn] = Field(min_length=1)


class RoundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scheme_id: str = Field(min_length=1, max_length=40)
    period: str = Field(pattern=r"^20\d{2}-(Q[1-4]|0[1-9]|1[0-2])$", description="2026-Q3（按季度）或 2026-09（按月）")


class ManualScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    area_code: AreaCode
    indicator: str = Field(min_length=1, max_length=40)
    points: float = Field(ge=0, le=100)
    evidence: list[str] = Field(min_length=1, max_length=10, description="佐证材料（编号或说明）")
    note: str = Field(default="", max_length=300)


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    area_code: AreaCode
    indicator: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=5, max_length=1000)
    evidence: list[str] = Field(min_length=1, max_length=10)
    filed_on: date | None = Field(default=None, description="收到申诉的日期（默认今天；纸质申诉可补录）")


class AppealDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["upheld", "rejected"]
    points: float | None = Field(default=None, ge=0, le=100, description="申诉成立时改定的分数")
    note: str = Field(min_length=2, max_length=500)


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    noticed_on: date | None = Field(default=None, description="公示开始日期（默认今天）")


class SelectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2020, le=2100)
    kind: Literal["advanced_village", "excellent_worker", "innovation"]
    title: str = Field(min_length=4, max_length=80)
    notice_days: int = Field(default=7, ge=5, le=15)


class NominationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    area_code: AreaCode
    nominee: str = Field(min_length=2, max_length=60, description="先进村名称、工作者姓名或成果名称")
    material: str = Field(min_length=10, max_length=3000, description="推荐材料（事迹、成效）")


class NominationDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["shortlisted", "rejected"]
    note: str = Field(min_length=2, max_length=500)


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=5, max_length=1000)


class ObjectionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    upheld: bool
    note: str = Field(min_length=2, max_length=500)


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^q\d{1,2}$")
    indicator: Literal["sense_of_security", "team_satisfaction", "judicial_credibility"]
    text: str = Field(min_length=4, max_length=120)


class SurveyIn(BaseModel):
    """A year's survey: the questions (a new questionnaire version when they change) and the sample per village."""
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2020, le=2100)
    questions: list[QuestionIn] | None = Field(default=None, min_length=3, max_length=20,
                                               description="默认使用标准问卷（每项指标两题）")
    households_per_village: int = Field(ge=1, le=200, description="每村（社区）抽样户数")
    seed: int = Field(default=500229, ge=0, description="抽样种子（同一种子抽到同样的户）")


class AnswerIn(BaseModel):
    """A household's answers, with the one-time code handed to it: 1 (worst) to 5 (best) per question."""
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[A-Z0-9]{8}$", description="一次性测评码")
    answers: dict[str, Annotated[int, Field(ge=1, le=5)]] = Field(min_length=1, max_length=20)


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[A-Z0-9]{8}$", description="一次性测评码")


class SurveyCloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city_average: dict[Literal["sense_of_security", "team_satisfaction", "judicial_credibility"],
                       Annotated[float, Field(gt=0, le=100)]] = Field(min_length=3, max_length=3,
                                                                     description="全市平均（百分制）")
