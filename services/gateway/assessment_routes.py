"""The gateway's routes for assessment (考核评价): a mixin of GatewayService, entrypoints only. The scorecard, the
ranking and the records behind a figure are the assessment service's; this module only turns any of those tables
into an `.xlsx` the county's staff open in their spreadsheet (Chinese headers, percentages as numbers)."""
import io
from pathlib import Path
from urllib.parse import quote

from nameko.rpc import RpcProxy
from openpyxl import Workbook
from werkzeug.wrappers import Response

from services.assessment.api import codes
from services.assessment.api.rpc import (
    AnswerIn,
    AppealDecisionIn,
    AppealIn,
    ClosePeriodIn,
    CodeIn,
    ManualScoreIn,
    NominationDecisionIn,
    NominationIn,
    NoticeIn,
    ObjectionDecisionIn,
    ObjectionIn,
    RoundIn,
    SchemeIn,
    SelectionIn,
    SurveyCloseIn,
    SurveyFigureIn,
    SurveyIn,
)
from shared.calls import call
from shared.errors import ValidationFailed

from .http import json_body, route

AS_READ, AS_MANAGE, AS_APPEAL = codes.AS_READ, codes.AS_MANAGE, codes.AS_APPEAL
PERIOD = {"area_code": "区划代码（默认本人辖区）", "since": "起始日期（含），默认本月1日",
          "until": "截止日期（不含），默认明天"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = "scorecard、ranking、records 或 round"
SURVEY_SCRIPT = Path(__file__).parent / "static" / "public" / "survey.js"


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


def round_sheet(found: dict) -> tuple[str, list[str], list[list]]:
    labels = [p["label"] for p in found["results"][0]["points"]] if found["results"] else []
    rows = [[r["rank"], r["area_code"], r["area_name"], r["total"]] + [p["points"] for p in r["points"]]
            for r in found["results"]]
    return f"考核{found['period']}", ["名次", "区划代码", "名称", "总分"] + labels, rows


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
           query={"table": TABLES, "target": "指标代码（table=records 时）", "round_id": "考核期次（table=round 时）",
                  **PERIOD}, permission=AS_READ,
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
        elif table == "round":
            sheet = round_sheet(call(self.assessment, "get_round", round_id=args.get("round_id", "")))
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

    # 线上考核 -------------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/assessment/schemes", summary="年度考核方案", tag="assessment", permission=AS_READ)
    def list_assessment_schemes(self, request):
        return call(self.assessment, "list_schemes")

    @route("POST", "/api/v1/assessment/schemes", summary="制定年度考核方案（指标不超过12项，手工评分不超过4项）",
           tag="assessment", body=SchemeIn, permission=AS_MANAGE)
    def save_assessment_scheme(self, request):
        return call(self.assessment, "save_scheme", payload=json_body(request))

    @route("POST", "/api/v1/assessment/schemes/<string:scheme_id>/activate", summary="方案开始执行（此后年度内不再修改）",
           tag="assessment", permission=AS_MANAGE)
    def activate_assessment_scheme(self, request, scheme_id):
        return call(self.assessment, "activate_scheme", scheme_id=scheme_id)

    @route("GET", "/api/v1/assessment/rounds", summary="考核期次", tag="assessment",
           query={"scheme_id": "方案编号"}, permission=AS_READ)
    def list_assessment_rounds(self, request):
        return call(self.assessment, "list_rounds", scheme_id=request.args.get("scheme_id"))

    @route("POST", "/api/v1/assessment/rounds", summary="开始一期考核：记分卡指标自动计分，手工项待评",
           tag="assessment", body=RoundIn, permission=AS_MANAGE)
    def start_assessment_round(self, request):
        return call(self.assessment, "start_round", payload=json_body(request))

    @route("GET", "/api/v1/assessment/rounds/<string:round_id>",
           summary="一期考核的结果（县级看全部，乡镇和村只看本级，每一分都有说明）", tag="assessment", permission=AS_READ)
    def get_assessment_round(self, request, round_id):
        return call(self.assessment, "get_round", round_id=round_id)

    @route("POST", "/api/v1/assessment/rounds/<string:round_id>/scores", summary="手工评分（附佐证材料）",
           tag="assessment", body=ManualScoreIn, permission=AS_MANAGE)
    def score_assessment_round(self, request, round_id):
        return call(self.assessment, "score_manual", round_id=round_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/rounds/<string:round_id>/notice", summary="考核结果公示", tag="assessment",
           body=NoticeIn, permission=AS_MANAGE)
    def notice_assessment_round(self, request, round_id):
        return call(self.assessment, "start_round_notice", round_id=round_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/rounds/<string:round_id>/appeals", summary="公示期内对某项得分申诉（附佐证）",
           tag="assessment", body=AppealIn, status=201, permission=AS_APPEAL)
    def appeal_assessment_round(self, request, round_id):
        return call(self.assessment, "appeal", round_id=round_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/appeals/<string:appeal_id>/decision", summary="县级裁定申诉",
           tag="assessment", body=AppealDecisionIn, permission=AS_MANAGE)
    def decide_assessment_appeal(self, request, appeal_id):
        return call(self.assessment, "decide_appeal", appeal_id=appeal_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/rounds/<string:round_id>/publish", summary="公示期满、申诉裁定后发布结果",
           tag="assessment", permission=AS_MANAGE)
    def publish_assessment_round(self, request, round_id):
        return call(self.assessment, "publish_round", round_id=round_id)

    # 评选 ----------------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/assessment/selections", summary="年度评选", tag="assessment", permission=AS_READ)
    def list_selections(self, request):
        return call(self.assessment, "list_selections")

    @route("POST", "/api/v1/assessment/selections", summary="发起年度评选", tag="assessment", body=SelectionIn,
           permission=AS_MANAGE)
    def save_selection(self, request):
        return call(self.assessment, "save_selection", payload=json_body(request))

    @route("GET", "/api/v1/assessment/selections/<string:selection_id>", summary="评选详情：推荐对象、材料、考核结果、异议",
           tag="assessment", permission=AS_READ)
    def get_selection(self, request, selection_id):
        return call(self.assessment, "get_selection", selection_id=selection_id)

    @route("POST", "/api/v1/assessment/selections/<string:selection_id>/nominations", summary="推荐评选对象（附材料）",
           tag="assessment", body=NominationIn, status=201, permission=AS_APPEAL)
    def nominate(self, request, selection_id):
        return call(self.assessment, "nominate", selection_id=selection_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/nominations/<string:nomination_id>/decision", summary="县级评审：拟表彰或不予入选",
           tag="assessment", body=NominationDecisionIn, permission=AS_MANAGE)
    def decide_nomination(self, request, nomination_id):
        return call(self.assessment, "decide_nomination", nomination_id=nomination_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/selections/<string:selection_id>/notice", summary="拟表彰对象公示",
           tag="assessment", body=NoticeIn, permission=AS_MANAGE)
    def notice_selection(self, request, selection_id):
        return call(self.assessment, "start_selection_notice", selection_id=selection_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/nominations/<string:nomination_id>/objections", summary="登记公示期内的异议",
           tag="assessment", body=ObjectionIn, permission=AS_APPEAL)
    def object_to_nomination(self, request, nomination_id):
        return call(self.assessment, "object_to_nomination", nomination_id=nomination_id, payload=json_body(request))

    @route("POST", "/api/v1/assessment/nominations/<string:nomination_id>/objections/<string:objection_id>/decision",
           summary="县级处理异议", tag="assessment", body=ObjectionDecisionIn, permission=AS_MANAGE)
    def decide_objection(self, request, nomination_id, objection_id):
        return call(self.assessment, "decide_objection", nomination_id=nomination_id, objection_id=objection_id,
                    payload=json_body(request))

    @route("POST", "/api/v1/assessment/selections/<string:selection_id>/award", summary="公示期满后表彰",
           tag="assessment", permission=AS_MANAGE)
    def award_selection(self, request, selection_id):
        return call(self.assessment, "award_selection", selection_id=selection_id)

    # surveys ------------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/assessment/surveys", summary="年度群众安全感和满意度测评", tag="assessment", permission=AS_READ)
    def list_surveys(self, request):
        return call(self.assessment, "list_surveys")

    @route("POST", "/api/v1/assessment/surveys", summary="开始年度测评：按村抽样入户，生成一次性测评码（只显示这一次）",
           tag="assessment", body=SurveyIn, status=201, permission=AS_MANAGE)
    def open_survey(self, request):
        return call(self.assessment, "open_survey", payload=json_body(request))

    @route("GET", "/api/v1/assessment/surveys/<string:survey_id>/results",
           summary="测评结果：各项得分、样本量与误差（不关联任何住户）", tag="assessment",
           query={"area_code": "区划代码（默认本人辖区）"}, permission=AS_READ)
    def survey_results(self, request, survey_id):
        return call(self.assessment, "survey_results", survey_id=survey_id, area_code=request.args.get("area_code"))

    @route("POST", "/api/v1/assessment/surveys/<string:survey_id>/close", summary="结束测评，得分与全市平均计入记分卡",
           tag="assessment", body=SurveyCloseIn, permission=AS_MANAGE)
    def close_survey(self, request, survey_id):
        return call(self.assessment, "close_survey", survey_id=survey_id, payload=json_body(request))

    @route("POST", "/api/v1/public/survey/questions", summary="群众凭一次性测评码取问卷", tag="public", body=CodeIn)
    def public_survey_questions(self, request):
        return call(self.assessment, "survey_questions", payload=json_body(request))

    @route("POST", "/api/v1/public/survey/answers", summary="群众凭一次性测评码作答（每户一次，不记录身份）", tag="public",
           body=AnswerIn, public_write=True)
    def public_survey_answers(self, request):
        return call(self.assessment, "answer_survey", payload=json_body(request))

    @route("GET", "/public/survey.js", summary="群众页面的测评脚本", tag="console", produces="text/javascript")
    def public_survey_script(self, request):
        return Response(SURVEY_SCRIPT.read_bytes(), mimetype="text/javascript", headers={"Cache-Control": "no-cache"})
