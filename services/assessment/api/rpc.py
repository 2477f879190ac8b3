"""The models of the assessment service's RPC requests, validated by the service."""
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
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="要结账的月份，如 2026-11")
