"""The gateway's routes for village self-governance (村务自治): a mixin of GatewayService, entrypoints only. Request
bodies are the village service's own models (its public face); the service filters every record by the scope of
the route's permission, so village staff see their village and township staff the villages of their township."""
from pathlib import Path

from nameko.rpc import RpcProxy
from nameko.web.handlers import http
from werkzeug.wrappers import Response

from services.village.api import codes
from services.village.api.rpc import (
    ClaimReviewIn,
    ConductIn,
    CouncilIn,
    CouncilMeetingIn,
    FamilyEventActionBody,
    FamilyEventIn,
    MatterIn,
    RepresentativesIn,
    RulesActionBody,
    RulesDraftChange,
    RulesDraftIn,
    SessionIn,
    SessionMatterActionBody,
    StepIn,
    WithdrawIn,
)
from shared.calls import call
from shared.errors import NotFound

from .http import json_body, json_response, paging, query_bool, route

V_READ, V_MANAGE, V_FILE = codes.V_READ, codes.V_MANAGE, codes.V_FILE
PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}
AREA = {"area_code": "区划代码（默认本人辖区）"}
VILLAGE_ACTIONS = "adopt,submit,publish"
TOWNSHIP_ACTIONS = "review,file,return"
PUBLIC_SCRIPT = Path(__file__).parent / "static" / "public" / "village.js"


def _unknown(message: str, field: str, code: str):
    error = NotFound(message, field=field, code=code)
    return json_response(error.to_dict(), error.status)


class VillageRoutes:
    village = RpcProxy("village")

    @route("GET", "/api/v1/village/reference", summary="村务自治：类别、状态、流转表、步骤与指标口径", tag="village",
           permission=V_READ)
    def village_reference(self, request):
        return call(self.village, "reference")

    @route("GET", "/api/v1/village/areas", summary="村务自治服务已同步的下级区划与网格（供选择）", tag="village",
           query={"parent_code": "上级区划代码（默认本人辖区）"}, permission=V_READ)
    def village_areas(self, request):
        return call(self.village, "list_areas", parent_code=request.args.get("parent_code"))

    @route("GET", "/api/v1/village/villages/<string:village_code>/representatives",
           summary="村民代表会议组成人员", tag="village", permission=V_READ)
    def get_representatives(self, request, village_code):
        return call(self.village, "get_representatives", village_code=village_code)

    @route("PUT", "/api/v1/village/villages/<string:village_code>/representatives",
           summary="登记村民代表会议组成人员（村民委员会成员和村民代表，整单替换）", tag="village", body=RepresentativesIn,
           permission=V_MANAGE)
    def save_representatives(self, request, village_code):
        return call(self.village, "save_representatives", village_code=village_code, payload=json_body(request))

    # 一约 ---------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/village/rules", summary="村规民约、居民公约、小区守则的各版本", tag="village",
           query={**AREA, "status": "状态，可逗号分隔多个", "kind": "类别", **PAGING}, permission=V_READ)
    def list_village_rules(self, request):
        args = request.args
        return call(self.village, "list_rules", area_code=args.get("area_code"), status=args.get("status"),
                    kind=args.get("kind"), **paging(request))

    @route("POST", "/api/v1/village/rules", summary="起草村规民约新版本（条款可关联道德银行积分规则）", tag="village",
           body=RulesDraftIn, status=201, permission=V_MANAGE)
    def create_village_rules(self, request):
        return call(self.village, "create_rules_version", payload=json_body(request))

    @route("GET", "/api/v1/village/rules/<string:rules_id>", summary="村规民约版本详情：条款、表决、备案、记录",
           tag="village", permission=V_READ)
    def get_village_rules(self, request, rules_id):
        return call(self.village, "get_rules", rules_id=rules_id)

    @route("PATCH", "/api/v1/village/rules/<string:rules_id>", summary="修改草案的标题或条款", tag="village",
           body=RulesDraftChange, permission=V_MANAGE)
    def edit_village_rules(self, request, rules_id):
        return call(self.village, "edit_rules_draft", rules_id=rules_id, payload=json_body(request))

    @route("POST", f"/api/v1/village/rules/<string:rules_id>/<any({VILLAGE_ACTIONS}):action>",
           summary="村里操作：会议表决通过（核对法定人数）、报乡镇备案、公布施行（须已备案）", tag="village",
           body=RulesActionBody, permission=V_MANAGE)
    def village_rules_action(self, request, rules_id, action):
        return call(self.village, "act_on_rules", rules_id=rules_id, payload={**json_body(request), "action": action})

    @route("POST", f"/api/v1/village/rules/<string:rules_id>/<any({TOWNSHIP_ACTIONS}):action>",
           summary="乡镇备案审查：审查、予以备案、退回修改（写明理由）", tag="village", body=RulesActionBody,
           permission=V_FILE)
    def township_rules_action(self, request, rules_id, action):
        return call(self.village, "act_on_rules", rules_id=rules_id, payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/village/rules/<string:rules_id>/conduct",
           summary="依施行中的条款记录某户的善行或违约（道德银行经复核、公示后入账）", tag="village", body=ConductIn,
           status=201, permission=V_MANAGE)
    def record_conduct(self, request, rules_id):
        return call(self.village, "record_conduct", rules_id=rules_id, payload=json_body(request))

    @route("GET", "/api/v1/village/conduct", summary="依村规民约记录的善行与违约", tag="village",
           query={**AREA, "rules_id": "村规民约版本编号", **PAGING}, permission=V_READ)
    def list_conduct(self, request):
        return call(self.village, "list_conduct", area_code=request.args.get("area_code"),
                    rules_id=request.args.get("rules_id"), **paging(request))

    # 四会 ---------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/village/councils", summary="四会：红白理事会、村民议事会、道德评议会、禁毒禁赌会", tag="village",
           query={**AREA, "kind": "类别"}, permission=V_READ)
    def list_councils(self, request):
        return call(self.village, "list_councils", area_code=request.args.get("area_code"),
                    kind=request.args.get("kind"))

    @route("POST", "/api/v1/village/councils", summary="设立四会之一，或换届、调整成员（每村每类一个）", tag="village",
           body=CouncilIn, permission=V_MANAGE)
    def save_council(self, request):
        return call(self.village, "save_council", payload=json_body(request))

    @route("GET", "/api/v1/village/councils/<string:council_id>", summary="会的详情：成员、会议、报备或评议",
           tag="village", permission=V_READ)
    def get_council(self, request, council_id):
        return call(self.village, "get_council", council_id=council_id)

    @route("POST", "/api/v1/village/councils/<string:council_id>/meetings", summary="记录会议：议题、到会、纪要、议定事项",
           tag="village", body=CouncilMeetingIn, status=201, permission=V_MANAGE)
    def record_council_meeting(self, request, council_id):
        return call(self.village, "record_council_meeting", council_id=council_id, payload=json_body(request))

    @route("POST", "/api/v1/village/councils/<string:council_id>/family-events", summary="红白理事会：婚丧事宜报备",
           tag="village", body=FamilyEventIn, status=201, permission=V_MANAGE)
    def report_family_event(self, request, council_id):
        return call(self.village, "report_family_event", council_id=council_id, payload=json_body(request))

    @route("POST", "/api/v1/village/councils/<string:council_id>/claim-reviews",
           summary="道德评议会：评议待复核的积分申报（记入该申报，供复核人参考）", tag="village", body=ClaimReviewIn,
           status=201, permission=V_MANAGE)
    def review_points_claim(self, request, council_id):
        return call(self.village, "review_points_claim", council_id=council_id, payload=json_body(request))

    @route("GET", "/api/v1/village/family-events", summary="婚丧事宜报备及核查", tag="village",
           query={**AREA, "status": "状态，可逗号分隔多个", **PAGING}, permission=V_READ)
    def list_family_events(self, request):
        return call(self.village, "list_family_events", area_code=request.args.get("area_code"),
                    status=request.args.get("status"), **paging(request))

    @route("POST", "/api/v1/village/family-events/<string:report_id>/<any(check,cancel):action>",
           summary="红白理事会：事后核查（认定是否简办）或取消报备", tag="village", body=FamilyEventActionBody,
           permission=V_MANAGE)
    def act_on_family_event(self, request, report_id, action):
        return call(self.village, "act_on_family_event", report_id=report_id,
                    payload={**json_body(request), "action": action})

    # 四议两公开 ---------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/village/matters", summary="四议两公开事项", tag="village",
           query={**AREA, "status": "状态，可逗号分隔多个", "flagged": "true 只看曾超时督办的", **PAGING},
           permission=V_READ)
    def list_matters(self, request):
        return call(self.village, "list_matters", area_code=request.args.get("area_code"),
                    status=request.args.get("status"), flagged=query_bool(request, "flagged", False), **paging(request))

    @route("POST", "/api/v1/village/matters", summary="登记村级重大事项（土地承包、项目、集体资金等）", tag="village",
           body=MatterIn, status=201, permission=V_MANAGE)
    def register_matter(self, request):
        return call(self.village, "register_matter", payload=json_body(request))

    @route("GET", "/api/v1/village/matters/<string:matter_id>", summary="事项详情：六个步骤、未成立的决议会议、督办",
           tag="village", permission=V_READ)
    def get_matter(self, request, matter_id):
        return call(self.village, "get_matter", matter_id=matter_id)

    @route("POST", "/api/v1/village/matters/<string:matter_id>/steps/<string:step>",
           summary="记录下一步：提议、商议、审议、决议（核对法定人数）、决议公开、实施结果公开；不得跳步或倒序",
           tag="village", body=StepIn, permission=V_MANAGE)
    def record_matter_step(self, request, matter_id, step):
        return call(self.village, "record_matter_step", matter_id=matter_id, step=step, payload=json_body(request))

    @route("POST", "/api/v1/village/matters/<string:matter_id>/withdraw", summary="撤回事项（决议之前，写明理由）",
           tag="village", body=WithdrawIn, permission=V_MANAGE)
    def withdraw_matter(self, request, matter_id):
        return call(self.village, "withdraw_matter", matter_id=matter_id, payload=json_body(request))

    # 村民说事 ---------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/village/sessions", summary="村民说事、民情恳谈、百姓议事", tag="village",
           query={**AREA, "kind": "类别", **PAGING}, permission=V_READ)
    def list_sessions(self, request):
        return call(self.village, "list_sessions", area_code=request.args.get("area_code"),
                    kind=request.args.get("kind"), **paging(request))

    @route("POST", "/api/v1/village/sessions", summary="记录一次说事：参加人、群众提出的事项", tag="village",
           body=SessionIn, status=201, permission=V_MANAGE)
    def record_session(self, request):
        return call(self.village, "record_session", payload=json_body(request))

    @route("GET", "/api/v1/village/sessions/<string:session_id>", summary="说事详情：各事项的去向与结果", tag="village",
           permission=V_READ)
    def get_session(self, request, session_id):
        return call(self.village, "get_session", session_id=session_id)

    @route("POST", "/api/v1/village/sessions/<string:session_id>/matters/<string:matter_id>/"
                   "<any(refer_to_grid,refer_to_mediation,settle):action>",
           summary="说事事项：转网格事件、转人民调解、当场答复解决", tag="village", body=SessionMatterActionBody,
           permission=V_MANAGE)
    def act_on_session_matter(self, request, session_id, matter_id, action):
        return call(self.village, "act_on_session_matter", session_id=session_id, matter_id=matter_id,
                    payload={**json_body(request), "action": action})

    # figures, the residents' page ------------------------------------------------------------------------
    @route("GET", "/api/v1/village/figures", summary="村务自治指标：一约备案、四会活跃、四议两公开、村民说事（按下级区划）",
           tag="village", query={**AREA, "since": "开始日期（含，默认本月）", "until": "结束日期（不含）"},
           permission=V_READ)
    def village_figures(self, request):
        return call(self.village, "figures", area_code=request.args.get("area_code"),
                    since=request.args.get("since", ""), until=request.args.get("until", ""))

    @route("GET", "/api/v1/public/village/<string:village_code>",
           summary="群众查看本村：施行中的村规民约、重大事项的决议公开与实施结果公开", tag="public")
    def public_village(self, request, village_code):
        return call(self.village, "public_village", village_code=village_code)

    @route("GET", "/public/village.js", summary="群众页面的村务公开脚本", tag="console", produces="text/javascript")
    def public_village_script(self, request):
        return Response(PUBLIC_SCRIPT.read_bytes(), mimetype="text/javascript", headers={"Cache-Control": "no-cache"})

    # An action no table has: JSON like every other refusal. Undocumented on purpose (nothing is read).
    @http("POST", "/api/v1/village/rules/<string:rules_id>/<path:action>")
    def unknown_rules_action(self, request, rules_id, action):
        return _unknown(f"没有此操作，操作应为以下之一：{'、'.join([*VILLAGE_ACTIONS.split(','), *TOWNSHIP_ACTIONS.split(',')])}",
                        "action", "village_rules.unknown_action")

    @http("POST", "/api/v1/village/family-events/<string:report_id>/<path:action>")
    def unknown_family_event_action(self, request, report_id, action):
        return _unknown("没有此操作，操作应为 check 或 cancel", "action", "family_event_report.unknown_action")

    @http("POST", "/api/v1/village/sessions/<string:session_id>/matters/<string:matter_id>/<path:action>")
    def unknown_session_matter_action(self, request, session_id, matter_id, action):
        return _unknown("没有此操作，操作应为 refer_to_grid、refer_to_mediation 或 settle", "action",
                        "session_matter.unknown_action")
