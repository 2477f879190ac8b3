"""The gateway's routes for assessment (考核评价): a mixin of GatewayService, entrypoints only. The scorecard, the
ranking and the records behind a figure are the assessment service's; this module only turns any of those tables
into an `.xlsx` the county's staff open in their spreadsheet (Chinese headers, percentages as numbers)."""
import io
from urllib.parse import quote

from nameko.rpc import RpcProxy
from openpyxl import Workbook
from werkzeug.wrappers import Response

from services.assessment.api import codes
from services.assessment.api.rpc import ClosePeriodIn, SurveyFigureIn
from shared.calls import call
from shared.errors import ValidationFailed

from .http import json_body, route

AS_READ, AS_MANAGE = codes.AS_READ, codes.AS_MANAGE
PERIOD = {"area_code": "区划代码（默认本人辖区）", "since": "起始日期（含），默认本月1日",
          "until": "截止日期（不含），默认明天"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = "scorecard、ranking 或 records"


def _percent(value):
    return None if value is None else round(value * 100, 2)


def _met(value):
    return "" if value is None else ("达标" if value else "未达标")


def scorecard_sheet(found: dict) -> tuple[str, list[str], list[list]]:
    rows = [[c["label"], _percent(c["value"]), "不低于全市平均" if c["threshold"] is None else _percent(c["threshold"]),
             _met(c["met"]), c.get("numerator"), c.get("denominator"), c["definition"]] for c in found["cards"]]
    return "目标考核", ["指标", "数值（%）", "目标（%）", "是否达标", "分子", "分母", "口径"], rows


def ranking_sheet(found: dict) -> tuple[str, list[str], list[list]]:
    headers = ["名次", "区划代码", "名称", "目标达成指数", "达标项数"] + [t.label for t in codes.TARGETS]
    rows = [[r["rank"], r["area_code"], r["area_name"], r["attainment"], r["met"]] +
            [_percent(r["values"].get(t.code)) for t in codes.TARGETS] for r in found["items"]]
    return "排名", headers, rows


def records_sheet(found: dict) -> tuple[str, list[str], list[list]]:
    rows = [[r["id"], r.get("status") or r.get("channel") or r.get("indicator") or "",
             r.get("registered_at") or r.get("received_at") or r.get("year") or "", "计入分子" if r["counted"] else "仅计入分母"]
            for r in found["items"]]
    return found["label"][:28], ["编号", "状态/渠道", "时间", "计数"], rows


def workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class AssessmentRoutes:
    assessment = RpcProxy("assessment")

    @route("GET", "/api/v1/assessment/reference", summary="考核评价：八项目标的口径与测评指标", tag="assessment",
           permission=AS_READ)
    def assessment_reference(self, request):
        return call(self.assessment, "reference")

    @route("GET", "/api/v1/assessment/scorecard", summary="八项目标的记分卡：数值、目标、是否达标、口径、近12个月趋势",
           tag="assessment", query=PERIOD, permission=AS_READ)
    def assessment_scorecard(self, request):
        args = request.args
        return call(self.assessment, "scorecard", area_code=args.get("area_code"), since=args.get("since"),
                    until=args.get("until"))

    @route("GET", "/api/v1/assessment/ranking", summary="下一级区划按目标达成指数排名（乡镇色块图）", tag="assessment",
           query=PERIOD, permission=AS_READ)
    def assessment_ranking(self, request):
        args = request.args
        return call(self.assessment, "ranking", area_code=args.get("area_code"), since=args.get("since"),
                    until=args.get("until"))

    @route("GET", "/api/v1/assessment/records", summary="某项指标所计的记录（分母中的每一条，是否计入分子）",
           tag="assessment", query={"target": "指标代码", **PERIOD}, permission=AS_READ)
    def assessment_records(self, request):
        args = request.args
        return call(self.assessment, "target_records", target=args.get("target", ""), area_code=args.get("area_code"),
                    since=args.get("since"), until=args.get("until"))

    @route("GET", "/api/v1/assessment/export", summary="导出记分卡、排名或指标记录为 .xlsx", tag="assessment",
           query={"table": TABLES, "target": "指标代码（table=records 时）", **PERIOD}, permission=AS_READ,
           produces=XLSX)
    def assessment_export(self, request):
        args = request.args
        period = {"area_code": args.get("area_code"), "since": args.get("since"), "until": args.get("until")}
        table = args.get("table", "scorecard")
        if table == "scorecard":
            sheet = scorecard_sheet(call(self.assessment, "scorecard", **period))
        elif table == "ranking":
            sheet = ranking_sheet(call(self.assessment, "ranking", **period))
        elif table == "records":
            sheet = records_sheet(call(self.assessment, "target_records", target=args.get("target", ""), **period))
        else:
            raise ValidationFailed(f"应为 {TABLES}", field="table")
        filename = f"{sheet[0]}-{period['area_code'] or '本辖区'}.xlsx"
        return Response(workbook(*sheet), mimetype=XLSX,
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})

    @route("GET", "/api/v1/assessment/survey-figures", summary="测评得分与全市平均（按年度）", tag="assessment",
           query={"area_code": "区划代码（默认本人辖区）"}, permission=AS_READ)
    def list_survey_figures(self, request):
        return call(self.assessment, "list_survey_figures", area_code=request.args.get("area_code"))

    @route("POST", "/api/v1/assessment/survey-figures", summary="录入某年度的测评得分与全市平均", tag="assessment",
           body=SurveyFigureIn, status=201, permission=AS_MANAGE)
    def record_survey_figure(self, request):
        return call(self.assessment, "record_survey_figure", payload=json_body(request))

    @route("POST", "/api/v1/assessment/periods", summary="月度结账：发布县和各乡镇该月的记分卡（每月一次）",
           tag="assessment", body=ClosePeriodIn, permission=AS_MANAGE)
    def close_assessment_period(self, request):
        return call(self.assessment, "close_period", payload=json_body(request))
