"""The gateway's routes for emergencies (平战转换): a mixin of GatewayService, entrypoints only.

The board and the grid worker's own emergency work answer polls with an ETag: an unchanged answer is a 304 with no
body, which keeps a phone on a weak network (and a commander's screen polling every second) cheap."""
import base64
from urllib.parse import quote

from nameko.rpc import RpcProxy
from werkzeug.wrappers import Response

from services.emergency.api import (
    ActivationIn,
    DeactivationIn,
    ExtendIn,
    HourlyReportIn,
    HouseholdReportIn,
    LevelChangeIn,
    PlanIn,
    TaskDoneIn,
)
from shared.calls import call
from shared.files import MAX_FILE_BYTES

from .accounts import E_COMMAND, E_PLAN, E_READ, E_REPORT
from .http import json_body, json_response, paging, query_bool, route, upload

PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}


def _polled(request, answer: dict) -> Response:
    """The answer with its version as ETag; 304 when the caller already holds that version."""
    tag = f'"{answer["version"]}"'
    if request.headers.get("If-None-Match") == tag:
        return Response(status=304, headers={"ETag": tag, "Cache-Control": "no-cache"})
    response = json_response(answer)
    response.headers.update({"ETag": tag, "Cache-Control": "no-cache"})
    return response


class EmergencyRoutes:
    emergency = RpcProxy("emergency")

    @route("GET", "/api/v1/emergency/reference", summary="应急：灾种、响应等级、指挥角色、任务类别、入户状态与流转表",
           tag="emergency", permission=E_READ)
    def emergency_reference(self, request):
        return call(self.emergency, "reference")

    # plans ------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/emergency/plans", summary="应急预案（本辖区及上级的），过期未复审的标出", tag="emergency",
           query={"area_code": "区划代码", "hazard": "灾种", "outdated": "true 只看过期未复审的"},
           permission=E_READ)
    def list_emergency_plans(self, request):
        return call(self.emergency, "list_plans", area_code=request.args.get("area_code"),
                    hazard=request.args.get("hazard"), outdated=query_bool(request, "outdated", False))

    @route("PUT", "/api/v1/emergency/plans/<string:plan_id>", summary="保存预案草稿（已发布的预案生成新版本）",
           tag="emergency", body=PlanIn, permission=E_PLAN)
    def save_emergency_plan(self, request, plan_id):
        return call(self.emergency, "save_plan", plan_id=plan_id, payload=json_body(request))

    @route("POST", "/api/v1/emergency/plans/<string:plan_id>/publish",
           summary="发布预案草稿；无草稿时为年度复审（同内容新版本，可填审定日期 reviewed_on）", tag="emergency",
           permission=E_PLAN)
    def publish_emergency_plan(self, request, plan_id):
        return call(self.emergency, "publish_plan", plan_id=plan_id, payload=json_body(request))

    @route("GET", "/api/v1/emergency/plans/<string:plan_id>", summary="预案详情：现行版本、草稿、历次版本、总结报告",
           tag="emergency", permission=E_READ)
    def get_emergency_plan(self, request, plan_id):
        return call(self.emergency, "get_plan", plan_id=plan_id)

    # activations ------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/emergency/activations", summary="应急响应与演练列表", tag="emergency",
           query={"status": "active 响应中、deactivated 已解除", "drill": "true 只看演练、false 只看实战", **PAGING},
           permission=E_READ)
    def list_emergency_activations(self, request):
        drill = query_bool(request, "drill", False) if request.args.get("drill") else None
        return call(self.emergency, "list_activations", status=request.args.get("status"), drill=drill,
                    **paging(request))

    @route("POST", "/api/v1/emergency/activations", summary="平→战：按预案启动应急响应（或演练），任务下达到网格和每户",
           tag="emergency", body=ActivationIn, status=201, permission=E_COMMAND)
    def activate_emergency(self, request):
        return call(self.emergency, "activate", payload=json_body(request), timeout=90)

    @route("GET", "/api/v1/emergency/activations/<string:activation_id>", summary="应急响应：战时指挥体系、时间线",
           tag="emergency", permission=E_READ)
    def get_emergency_activation(self, request, activation_id):
        return call(self.emergency, "get_activation", activation_id=activation_id)

    @route("POST", "/api/v1/emergency/activations/<string:activation_id>/level", summary="调整响应等级",
           tag="emergency", body=LevelChangeIn, permission=E_COMMAND)
    def change_emergency_level(self, request, activation_id):
        return call(self.emergency, "change_level", activation_id=activation_id, payload=json_body(request))

    @route("POST", "/api/v1/emergency/activations/<string:activation_id>/extend", summary="扩大响应区域",
           tag="emergency", body=ExtendIn, permission=E_COMMAND)
    def extend_emergency_activation(self, request, activation_id):
        return call(self.emergency, "extend_activation", activation_id=activation_id, payload=json_body(request),
                    timeout=90)

    @route("POST", "/api/v1/emergency/activations/<string:activation_id>/deactivate",
           summary="战→平：解除响应，冻结态势并形成总结报告", tag="emergency", body=DeactivationIn,
           permission=E_COMMAND)
    def deactivate_emergency(self, request, activation_id):
        return call(self.emergency, "deactivate", activation_id=activation_id, payload=json_body(request), timeout=60)

    @route("GET", "/api/v1/emergency/activations/<string:activation_id>/board",
           summary="态势图：各村各网格入户核查、未联系上、已转移，重点人员、安置点、逾期任务、每小时报告（ETag，未变化为304）",
           tag="emergency", permission=E_READ)
    def emergency_board(self, request, activation_id):
        return _polled(request, call(self.emergency, "board", activation_id=activation_id))

    @route("GET", "/api/v1/emergency/activations/<string:activation_id>/closing-report",
           summary="总结报告：时间线、各项数字、存在问题、后续整改任务", tag="emergency", permission=E_READ)
    def emergency_closing_report(self, request, activation_id):
        return call(self.emergency, "closing_report", activation_id=activation_id)

    @route("GET", "/api/v1/emergency/activations/<string:activation_id>/tasks", summary="网格、村级战时任务",
           tag="emergency", query={"grid_code": "网格代码", "status": "open 或 done"}, permission=E_READ)
    def list_emergency_tasks(self, request, activation_id):
        return call(self.emergency, "list_tasks", activation_id=activation_id, grid_code=request.args.get("grid_code"),
                    status=request.args.get("status"))

    # the field ---------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/emergency/mine", summary="网格员的战时任务：本人网格内的响应、每户状态、任务（平时为空；ETag）",
           tag="emergency", permission=E_REPORT)
    def my_emergency_work(self, request):
        return _polled(request, call(self.emergency, "my_work"))

    @route("GET", "/api/v1/emergency/mine/visits", summary="入户名单：户号、住址、户主与须协助转移人员（姓名脱敏）",
           tag="emergency", query={"activation_id": "应急响应编号"}, permission=E_REPORT)
    def my_emergency_visits(self, request):
        ids = call(self.emergency, "my_household_ids", activation_id=request.args.get("activation_id", ""))
        return call(self.grid, "visit_list", household_ids=ids)

    @route("POST", "/api/v1/emergency/activations/<string:activation_id>/households/<string:household_id>/reports",
           summary="入户核查上报：已核查、未联系上、已转移至安置点、需要帮助（报告编号重复只算一次）", tag="emergency",
           body=HouseholdReportIn, permission=E_REPORT)
    def report_emergency_household(self, request, activation_id, household_id):
        return call(self.emergency, "report_household", activation_id=activation_id, household_id=household_id,
                    payload=json_body(request))

    @route("POST", "/api/v1/emergency/reports/<string:report_id>/photo", summary="为入户报告附现场照片（JPEG/PNG）",
           tag="emergency", status=201, permission=E_REPORT, upload={})
    def attach_emergency_photo(self, request, report_id):
        filename, content = upload(request, MAX_FILE_BYTES)
        return call(self.emergency, "attach_report_photo", report_id=report_id, filename=filename,
                    content_base64=base64.b64encode(content).decode())

    @route("GET", "/api/v1/emergency/reports/<string:report_id>/photo", summary="查看入户报告的照片", tag="emergency",
           permission=E_READ, produces="application/octet-stream")
    def read_emergency_photo(self, request, report_id):
        found = call(self.emergency, "read_report_photo", report_id=report_id)
        return Response(base64.b64decode(found["content_base64"]), mimetype=found["content_type"], headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(found['filename'])}",
            "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})

    @route("POST", "/api/v1/emergency/activations/<string:activation_id>/hourly-reports",
           summary="每小时报告（村或网格）", tag="emergency", body=HourlyReportIn, status=201, permission=E_REPORT)
    def emergency_hourly_report(self, request, activation_id):
        return call(self.emergency, "hourly_report", activation_id=activation_id, payload=json_body(request))

    @route("POST", "/api/v1/emergency/tasks/<string:task_id>/done", summary="报告战时任务完成（封控到位、物资到位等）",
           tag="emergency", body=TaskDoneIn, permission=E_REPORT)
    def complete_emergency_task(self, request, task_id):
        return call(self.emergency, "complete_task", task_id=task_id, payload=json_body(request))
