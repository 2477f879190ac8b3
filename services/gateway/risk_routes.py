"""The gateway's routes for joint risk assessment ("16+N"): a mixin of GatewayService, entrypoints only."""
from pathlib import Path

from nameko.rpc import RpcProxy
from werkzeug.wrappers import Response

from services.risk.api.rpc import (
    AssessmentMeetingIn,
    ConclusionIn,
    DesignationRunIn,
    MemberUnitIn,
    OpinionIn,
    RiskItemChange,
    RiskItemIn,
    TaskDoneIn,
)
from shared.calls import call

from .accounts import R_ASSESS, R_CONFIGURE, R_OPINION, R_READ
from .http import json_body, paging, route

PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}
VENDOR = Path(__file__).parent / "static" / "vendor"


class RiskRoutes:
    risk = RpcProxy("risk")

    @route("GET", "/vendor/echarts.min.js", summary="ECharts（Apache-2.0），风险热力表用", tag="console",
           produces="text/javascript")
    def echarts_script(self, request):
        return Response((VENDOR / "echarts.min.js").read_bytes(), mimetype="text/javascript",
                        headers={"Cache-Control": "max-age=86400"})

    @route("GET", "/api/v1/risk/reference", summary="风险研判参考：评分权重、衰减、分级阈值、风险类别、平安创建标准",
           tag="risk", permission=R_READ)
    def risk_reference(self, request):
        return call(self.risk, "reference")

    @route("GET", "/api/v1/risk/heat", summary="风险热力：各乡镇（或某乡镇各村）的评分与等级", tag="risk",
           query={"township_code": "乡镇代码（给出时列其各村）"}, permission=R_READ)
    def risk_heat(self, request):
        return call(self.risk, "heat", township_code=request.args.get("township_code"))

    @route("GET", "/api/v1/risk/scores/<string:area_code>", summary="某村或乡镇的评分及其依据的每条信号", tag="risk",
           permission=R_READ)
    def risk_score(self, request, area_code):
        return call(self.risk, "explain_score", area_code=area_code)

    @route("GET", "/api/v1/risk/rebuild", summary="由已存信号重算全部评分并与实时评分比对", tag="risk",
           permission=R_CONFIGURE)
    def risk_rebuild(self, request):
        return call(self.risk, "rebuild_scores", timeout=60)

    @route("GET", "/api/v1/risk/alerts", summary="风险预警列表（含预警依据）", tag="risk",
           query={"status": "open 或 assessed", "area_code": "区划代码", **PAGING}, permission=R_READ)
    def risk_alerts(self, request):
        return call(self.risk, "list_alerts", status=request.args.get("status"),
                    area_code=request.args.get("area_code"), **paging(request))

    @route("GET", "/api/v1/risk/alerts/<string:alert_id>", summary="风险预警详情", tag="risk", permission=R_READ)
    def risk_alert(self, request, alert_id):
        return call(self.risk, "get_alert", alert_id=alert_id)

    @route("GET", "/api/v1/risk/units", summary="成员单位（16家常设单位与列席单位）", tag="risk", permission=R_READ)
    def risk_units(self, request):
        return {"items": call(self.risk, "list_units")}

    @route("PUT", "/api/v1/risk/units", summary="新增或修改成员单位", tag="risk", body=MemberUnitIn,
           permission=R_CONFIGURE)
    def save_risk_unit(self, request):
        return call(self.risk, "save_unit", payload=json_body(request))

    @route("GET", "/api/v1/risk/items", summary="风险台账", tag="risk",
           query={"area_code": "区划代码", "level": "red/orange/yellow/blue", "status": "open/controlled/closed",
                  "category": "风险类别", **PAGING}, permission=R_READ)
    def risk_items(self, request):
        args = request.args
        return call(self.risk, "list_risk_items", area_code=args.get("area_code"), level=args.get("level"),
                    status=args.get("status"), category=args.get("category"), **paging(request))

    @route("POST", "/api/v1/risk/items", summary="登记风险事项", tag="risk", body=RiskItemIn, status=201,
           permission=R_ASSESS)
    def create_risk_item(self, request):
        return call(self.risk, "create_risk_item", payload=json_body(request))

    @route("PATCH", "/api/v1/risk/items/<string:item_id>", summary="调整风险等级、状态、措施或责任单位", tag="risk",
           body=RiskItemChange, permission=R_ASSESS)
    def update_risk_item(self, request, item_id):
        return call(self.risk, "update_risk_item", item_id=item_id, payload=json_body(request))

    @route("GET", "/api/v1/risk/meetings", summary="研判会列表", tag="risk", query=PAGING, permission=R_READ)
    def risk_meetings(self, request):
        return call(self.risk, "list_meetings", **paging(request))

    @route("POST", "/api/v1/risk/meetings", summary="召开研判会（因预警或定期），常设单位与列席单位", tag="risk",
           body=AssessmentMeetingIn, status=201, permission=R_ASSESS)
    def convene_risk_meeting(self, request):
        return call(self.risk, "convene_meeting", payload=json_body(request))

    @route("GET", "/api/v1/risk/meetings/<string:meeting_id>", summary="研判会：各单位意见、结论、交办任务",
           tag="risk", permission=R_READ)
    def risk_meeting(self, request, meeting_id):
        return call(self.risk, "get_meeting", meeting_id=meeting_id)

    @route("POST", "/api/v1/risk/meetings/<string:meeting_id>/opinions", summary="成员单位发表研判意见",
           tag="risk", body=OpinionIn, permission=R_OPINION)
    def give_risk_opinion(self, request, meeting_id):
        return call(self.risk, "give_opinion", meeting_id=meeting_id, payload=json_body(request))

    @route("POST", "/api/v1/risk/meetings/<string:meeting_id>/conclusion", summary="形成研判结论并交办任务",
           tag="risk", body=ConclusionIn, permission=R_ASSESS)
    def conclude_risk_meeting(self, request, meeting_id):
        return call(self.risk, "conclude_meeting", meeting_id=meeting_id, payload=json_body(request))

    @route("GET", "/api/v1/risk/tasks", summary="研判会交办任务", tag="risk",
           query={"status": "open 或 done", **PAGING}, permission=R_READ)
    def risk_tasks(self, request):
        return call(self.risk, "list_tasks", status=request.args.get("status"), **paging(request, 50))

    @route("POST", "/api/v1/risk/tasks/<string:task_id>/done", summary="责任单位报告任务完成", tag="risk",
           body=TaskDoneIn, permission=R_OPINION)
    def complete_risk_task(self, request, task_id):
        return call(self.risk, "complete_task", task_id=task_id, payload=json_body(request))

    @route("GET", "/api/v1/risk/designations", summary="平安创建：无毒、无邪、无讼、平安示范乡镇及其依据", tag="risk",
           query={"township_code": "乡镇代码"}, permission=R_READ)
    def risk_designations(self, request):
        return {"items": call(self.risk, "list_designations", township_code=request.args.get("township_code"))}

    @route("POST", "/api/v1/risk/designations/assess", summary="按标准重新评定平安创建称号", tag="risk",
           body=DesignationRunIn, permission=R_CONFIGURE)
    def assess_risk_designations(self, request):
        return call(self.risk, "assess_designations", as_of=None,
                    township_codes=json_body(request).get("township_codes"), timeout=60)
