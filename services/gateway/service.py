"""The web gateway: health, the registry's HTTP API, and the console page. Entrypoints only; each route calls
one service over RPC and lets the typed error, if any, become {code, message, field} with its HTTP status."""
import base64
import uuid
from pathlib import Path
from urllib.parse import quote

from nameko.rpc import RpcProxy
from nameko.web.handlers import http
from werkzeug.wrappers import Response

from services.grid.api.codes import CASE_STATUS_LABELS, CASE_WORKFLOW, ORDER_STATUS_LABELS, ORDER_WORKFLOW
from services.grid.api.rpc import (
    AreaIn,
    CaseActionBody,
    CaseIn,
    GridWorkerIn,
    HouseholdChangeIn,
    HouseholdIn,
    HouseholdMoveIn,
    OrderActionBody,
    OrderIn,
    PatrolEndIn,
    PatrolStartIn,
    RequestRatingIn,
    RequestTrackIn,
    ResidentIn,
    ResidentRequestIn,
    ResidentSearchIn,
    ResponsibilityItemIn,
    RevealIn,
)
from services.mediation.api import codes as mediation_codes
from services.mediation.api.rpc import (
    CommitteeIn,
    DisputeActionBody,
    DisputeChange,
    DisputeIn,
    MediatorIn,
    TalkOfficeIn,
)
from shared import config
from shared.calls import call
from shared.errors import NotFound, Unavailable, ValidationFailed
from shared.files import MAX_FILE_BYTES
from shared.service import ReliableService
from shared.storage import Storage

from . import audit, signin
from .accounts import (
    A_ATTACH,
    A_CONFIGURE,
    A_DISPATCH,
    A_HANDLE,
    A_READ,
    A_REPORT,
    AUDIT,
    IMPORT,
    M_CONFIGURE,
    M_INTAKE,
    M_MEDIATE,
    M_READ,
    READ,
    REVEAL,
    STAFF,
    WRITE,
    AccountIn,
    handlers_for,
)
from .assessment_routes import AssessmentRoutes
from .bodies import GrantsIn, LoginIn, PasswordChangeIn, RefreshIn
from .calendar_routes import CalendarRoutes
from .caller import SELF, Caller, session_of
from .credit_routes import CreditRoutes
from .emergency_routes import EmergencyRoutes
from .http import json_body, paging, query_bool, query_int, route, unknown_action, upload
from .narrative_routes import NarrativeRoutes
from .org_routes import OrgRoutes
from .petition_routes import PetitionRoutes
from .places_routes import PlaceRoutes
from .risk_routes import RiskRoutes
from .store import GatewayStore
from .throttle import Throttle
from .village_routes import VillageRoutes

STATIC = Path(__file__).parent / "static"
PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}
MAX_IMPORT_BYTES = 20 * 1024 * 1024
STATUS_TIMEOUT = 3
# static/console/<domain>.js, one (or a few) per later domain (emergency-mobile: the phone page's emergency view);
# session: the signed-in session of both pages (renewal with the refresh token)
CONSOLE_SCRIPTS = ("session", "petitions", "org", "credit", "risk", "places", "village", "village-councils",
                   "village-matters", "emergency", "emergency-mobile", "calendar", "narratives", "assessment", "assessment-rounds")


def _any(actions: list[str]) -> str:
    return f"<any({','.join(actions)}):action>"


class GatewayService(PetitionRoutes, OrgRoutes, CreditRoutes, RiskRoutes, PlaceRoutes, VillageRoutes, EmergencyRoutes,
                     CalendarRoutes, NarrativeRoutes, AssessmentRoutes,
                     ReliableService):
    """The registry, grid affairs and mediation routes are here; each later domain's routes are a mixin of their
    own module (petition_routes, org_routes, credit_routes), and its console pages a script of /console."""
    name = "gateway"
    db = Storage(GatewayStore)
    caller = Caller()
    throttle = Throttle()
    grid = RpcProxy("grid")
    mediation = RpcProxy("mediation")

    # residents' channel (no account) ---------------------------------------------------------------------------
    @route("GET", "/public", summary="群众服务页面：点单、反映纠纷、网上信访、查询进度", tag="console")
    def public_page(self, request):
        return Response((STATIC / "public.html").read_bytes(), mimetype="text/html")

    @route("POST", "/api/v1/public/requests", summary="群众提交服务点单、矛盾纠纷或网上信访，返回查询码",
           tag="public", status=201, body=ResidentRequestIn, public_write=True)
    def submit_request(self, request):
        return call(self.grid, "submit_resident_request", payload=json_body(request))

    @route("POST", "/api/v1/public/requests/rate", summary="群众对已办理的服务点单评价（1-5分，2分及以下重新办理）",
           tag="public", body=RequestRatingIn, public_write=True)
    def rate_request(self, request):
        body = json_body(request)
        return call(self.grid, "rate_resident_request", tracking_code=str(body.get("tracking_code", "")),
                    phone_last4=str(body.get("phone_last4", "")), rating=body.get("rating"),
                    comment=body.get("comment"))

    @route("POST", "/api/v1/public/requests/track", summary="凭查询码和手机号后四位查询办理进度", tag="public",
           body=RequestTrackIn, public_write=True)
    def track_request(self, request):
        body = json_body(request)
        code, last4 = str(body.get("tracking_code", "")), str(body.get("phone_last4", ""))
        tracked = call(self.grid, "track_resident_request", tracking_code=code, phone_last4=last4)
        return self.petition_of_request(tracked, code, last4)

    @route("GET", "/api/v1/resident-requests", summary="群众来件列表（联系人已脱敏）", tag="registry",
           query={"area_code": "区划代码", **PAGING}, permission=READ)
    def list_requests(self, request):
        return call(self.grid, "list_resident_requests", area_code=request.args.get("area_code"),
                    **paging(request))

    # sign-in ---------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/auth/login", summary="登录：返回访问令牌与刷新令牌（连续失败后逐次放慢，从不锁定）", tag="auth",
           body=LoginIn, signin=True)
    def login(self, request):
        body = json_body(request)
        return signin.login(self.db.store, self.throttle, str(body.get("username", "")),
                            str(body.get("password", "")), request.remote_addr)

    @route("POST", "/api/v1/auth/refresh", summary="用刷新令牌换取新令牌（每个刷新令牌只能用一次）", tag="auth",
           body=RefreshIn)
    def refresh(self, request):
        return signin.refresh(self.db.store, str(json_body(request).get("refresh_token", "")))

    @route("POST", "/api/v1/auth/logout", summary="退出登录：本次登录的访问令牌与刷新令牌立即失效", tag="auth",
           permission=SELF)
    def logout(self, request):
        return signin.logout(self.db.store, session_of(request))

    @route("POST", "/api/v1/auth/password", summary="修改密码", tag="auth", body=PasswordChangeIn, permission=SELF)
    def change_password(self, request):
        body = json_body(request)
        return signin.change_password(self.db.store, self.caller["actor"]["id"], str(body.get("old_password", "")),
                                      str(body.get("new_password", "")))

    @route("GET", "/api/v1/me", summary="当前账号、角色与辖区", tag="auth", permission=SELF)
    def me(self, request):
        return signin.profile(self.db.store, self.caller["actor"]["id"])

    # staff and grants --------------------------------------------------------------------------------------
    @route("GET", "/api/v1/accounts", summary="工作人员账号列表", tag="staff", permission=STAFF)
    def list_accounts(self, request):
        return {"items": [signin.present(a) for a in self.db.store.list_accounts()]}

    @route("POST", "/api/v1/accounts", summary="新建工作人员账号", tag="staff", body=AccountIn, status=201,
           permission=STAFF)
    def create_account(self, request):
        return signin.create_account(self.db.store, json_body(request), self.caller["scope"])

    @route("PUT", "/api/v1/accounts/<string:account_id>/grants", summary="设置账号的角色与辖区（原有令牌立即失效）",
           tag="staff", body=GrantsIn, permission=STAFF)
    def set_grants(self, request, account_id):
        return signin.set_grants(self.db.store, account_id, json_body(request), self.caller["scope"])

    @route("POST", "/api/v1/accounts/<string:account_id>/unlock", summary="清除账号近期的登录失败记录（登录不再等待）",
           tag="staff", permission=STAFF)
    def unlock(self, request, account_id):
        return signin.unlock(self.db.store, self.throttle, account_id)

    @route("POST", "/api/v1/accounts/<string:account_id>/disable", summary="停用账号（全部登录立即失效）", tag="staff",
           permission=STAFF)
    def disable_account(self, request, account_id):
        return signin.set_active(self.db.store, self.throttle, account_id, False, self.caller["actor"]["id"])

    @route("POST", "/api/v1/accounts/<string:account_id>/enable", summary="重新启用账号", tag="staff",
           permission=STAFF)
    def enable_account(self, request, account_id):
        return signin.set_active(self.db.store, self.throttle, account_id, True, self.caller["actor"]["id"])

    # audit -------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/audit", summary="审计日志查询", tag="audit", permission=AUDIT,
           query={"actor": "账号编号", "action": "操作", "page": "页码", "page_size": "每页条数"})
    def search_audit(self, request):
        return signin.search_audit(self.db.store, request.args.get("actor"), request.args.get("action"),
                                   query_int(request, "page", 1), query_int(request, "page_size", 50))

    @route("GET", "/api/v1/audit/verify", summary="校验审计日志哈希链及其库外锚点（锚点文件、已发布的锚定事件）", tag="audit",
           permission=AUDIT)
    def verify_audit(self, request):
        return signin.verify_audit(self.db.store)

    @audit.every_anchor_interval
    def anchor_audit_head(self):
        signin.anchor_audit(self.db)

    @route("GET", "/health", summary="存活检查", tag="ops")
    def health(self, request):
        return {"status": "ok"}

    @route("GET", "/ready", summary="就绪检查：网关自身的数据库可用（不随其他服务起落，免得一个服务停摆拖垮整个控制台）",
           tag="ops")
    def ready(self, request):
        return {"status": "ready", "gateway": self.db.storage.health()}

    @route("GET", "/status", summary="各服务运行状态（逐个检查，不可用的服务标为 down）", tag="ops")
    def status(self, request):
        services = {}
        # Every service the gateway talks to: those with an RpcProxy here (a later domain's mixin declares its own).
        for name in (n for n in config.SERVICES if isinstance(getattr(type(self), n, None), RpcProxy)):
            try:
                services[name] = {"status": "up", **call(getattr(self, name), "health", timeout=STATUS_TIMEOUT)}
            except Unavailable:
                services[name] = {"status": "down"}
        down = sorted(name for name, state in services.items() if state["status"] == "down")
        return {"status": "degraded" if down else "ok", "down": down, "services": services}

    @route("GET", "/m", summary="网格员手机页：我的网格、我的事件、上报事件、巡查", tag="console")
    def mobile_page(self, request):
        return Response((STATIC / "mobile.html").read_bytes(), mimetype="text/html")

    @route("GET", "/console/<string:domain>.js",
           summary="控制台各业务页面的脚本（petitions、org、credit、risk、places、village、emergency、calendar、narratives、assessment、assessment-rounds，"
                   "手机页的 emergency-mobile）",
           tag="console", produces="text/javascript")
    def console_script(self, request, domain):
        if domain not in CONSOLE_SCRIPTS:
            raise NotFound("没有此页面脚本", field="domain", code="console.not_found")
        return Response((STATIC / "console" / f"{domain}.js").read_bytes(), mimetype="text/javascript",
                        headers={"Cache-Control": "no-cache"})

    @route("GET", "/", summary="控制台首页", tag="console")
    def console(self, request):
        return Response((STATIC / "index.html").read_bytes(), mimetype="text/html")

    # areas ---------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/areas", summary="区划与网格列表",
           query={"parent_code": "上级区划代码", "kind": "区划类型", **PAGING}, permission=READ)
    def list_areas(self, request):
        return call(self.grid, "list_areas", parent_code=request.args.get("parent_code"), kind=request.args.get("kind"),
                    **paging(request, 50))

    @route("GET", "/api/v1/areas/<string:code>", summary="区划详情", permission=READ)
    def get_area(self, request, code):
        return call(self.grid, "get_area", code=code)

    @route("PUT", "/api/v1/areas/<string:code>", summary="新增或修改区划/网格/微网格", body=AreaIn, permission=WRITE)
    def put_area(self, request, code):
        body = json_body(request)
        body["code"] = code
        return call(self.grid, "upsert_area", payload=body)

    @route("GET", "/api/v1/areas/<string:code>/coverage", summary="定格定人检查：无网格员的网格、未入格或重复入格的户", permission=READ)
    def coverage(self, request, code):
        return call(self.grid, "check_coverage", area_code=code)

    # grid workers ----------------------------------------------------------------------------------------
    @route("GET", "/api/v1/grid-workers", summary="网格员列表", query={"grid_code": "网格代码", **PAGING},
           permission=READ)
    def list_grid_workers(self, request):
        return call(self.grid, "list_grid_workers", grid_code=request.args.get("grid_code"),
                    **paging(request, 50))

    @route("POST", "/api/v1/grid-workers", summary="新增网格员", body=GridWorkerIn, status=201, permission=WRITE)
    def create_grid_worker(self, request):
        return call(self.grid, "create_grid_worker", payload=json_body(request))

    @route("GET", "/api/v1/grid-workers/<string:worker_id>", summary="网格员详情", permission=READ)
    def get_grid_worker(self, request, worker_id):
        return call(self.grid, "get_grid_worker", worker_id=worker_id)

    @route("PUT", "/api/v1/grid-workers/<string:worker_id>", summary="修改网格员及其负责网格", body=GridWorkerIn,
           permission=WRITE)
    def update_grid_worker(self, request, worker_id):
        return call(self.grid, "update_grid_worker", worker_id=worker_id, payload=json_body(request))

    # households and residents ----------------------------------------------------------------------------
    @route("GET", "/api/v1/households", summary="户列表",
           query={"area_code": "区划代码（任一级）", "household_number": "户号",
                  "sort": "排序：household_number、registered_at、address，前加 - 为倒序", **PAGING}, permission=READ)
    def list_households(self, request):
        return call(self.grid, "list_households", area_code=request.args.get("area_code"),
                    household_number=request.args.get("household_number"), **paging(request),
                    sort=request.args.get("sort"))

    @route("POST", "/api/v1/households", summary="登记户及其成员", body=HouseholdIn, status=201, permission=WRITE)
    def register_household(self, request):
        return call(self.grid, "register_household", payload=json_body(request))

    @route("GET", "/api/v1/households/<string:household_id>", summary="户详情（个人信息已脱敏）", permission=READ)
    def get_household(self, request, household_id):
        return call(self.grid, "get_household", household_id=household_id)

    @route("PATCH", "/api/v1/households/<string:household_id>", summary="修改户住址", body=HouseholdChangeIn,
           permission=WRITE)
    def update_household(self, request, household_id):
        return call(self.grid, "update_household", household_id=household_id, payload=json_body(request))

    @route("POST", "/api/v1/households/<string:household_id>/move", summary="户迁移到另一微网格", body=HouseholdMoveIn,
           permission=WRITE)
    def move_household(self, request, household_id):
        body = json_body(request)
        if not body.get("micro_grid_code"):
            raise ValidationFailed("必填", field="micro_grid_code")
        return call(self.grid, "move_household", household_id=household_id, micro_grid_code=body["micro_grid_code"])

    @route("GET", "/api/v1/residents", summary="居民列表（脱敏）",
           query={"household_id": "户编号", "area_code": "区划代码",
                  "sort": "排序：birth_year、registered_at、household_id，前加 - 为倒序", **PAGING}, permission=READ)
    def list_residents(self, request):
        return call(self.grid, "list_residents", household_id=request.args.get("household_id"),
                    area_code=request.args.get("area_code"), **paging(request), sort=request.args.get("sort"))

    @route("POST", "/api/v1/residents", summary="登记居民到已有户", body=ResidentIn, status=201, permission=WRITE)
    def register_resident(self, request):
        return call(self.grid, "register_resident", payload=json_body(request))

    @route("POST", "/api/v1/residents/search", summary="按身份证号查找居民（身份证号放在请求体，不进URL）",
           body=ResidentSearchIn, permission=READ)
    def find_resident(self, request):
        body = json_body(request)
        if not body.get("id_number"):
            raise ValidationFailed("必填", field="id_number")
        return call(self.grid, "find_resident", id_number=str(body["id_number"]))

    @route("GET", "/api/v1/residents/<string:resident_id>", summary="居民详情（脱敏）", permission=READ)
    def get_resident(self, request, resident_id):
        return call(self.grid, "get_resident", resident_id=resident_id)

    @route("POST", "/api/v1/residents/<string:resident_id>/reveal", summary="查看完整个人信息（须填写理由，记录审计）",
           body=RevealIn, permission=REVEAL, audit="personal_data.reveal")
    def reveal_resident(self, request, resident_id):
        return call(self.grid, "get_resident", resident_id=resident_id, unmasked=True,
                    reason=json_body(request).get("reason"))

    # imports -------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/imports", summary="上传户籍/居民表（.xlsx/.csv）：预检或导入，返回任务号", status=202,
           query={"dry_run": "true 仅预检（默认），false 导入"}, tag="import", permission=IMPORT, upload={})
    def start_import(self, request):
        filename, content = upload(request, MAX_IMPORT_BYTES)
        dry_run = query_bool(request, "dry_run", True)
        job_id = uuid.uuid4().hex
        # Long files take a while: the import runs on, and the console polls the job for progress and report.
        self.grid.import_file.call_async(job_id=job_id, filename=filename,
                                         content_base64=base64.b64encode(content).decode(), dry_run=dry_run)
        return 202, {"job_id": job_id, "dry_run": dry_run}

    @route("GET", "/api/v1/imports/<string:job_id>", summary="导入任务进度与报告", tag="import", permission=IMPORT)
    def get_import(self, request, job_id):
        return call(self.grid, "get_import_job", job_id=job_id)

    # grid affairs: responsibility items ---------------------------------------------------------------------
    @route("GET", "/api/v1/responsibility-items", summary="责任事项清单（两级，含责任部门、时限、是否现场核查）",
           tag="affairs", permission=A_READ)
    def list_responsibility_items(self, request):
        return call(self.grid, "list_responsibility_items", include_inactive=True)

    @route("PUT", "/api/v1/responsibility-items/<string:code>", summary="新增或修改责任事项（生成新版本）",
           tag="affairs", body=ResponsibilityItemIn, permission=A_CONFIGURE)
    def save_responsibility_item(self, request, code):
        return call(self.grid, "save_responsibility_item", payload={**json_body(request), "code": code})

    @route("GET", "/api/v1/responsibility-items/<string:code>/versions", summary="责任事项的历次版本",
           tag="affairs", permission=A_READ)
    def responsibility_item_versions(self, request, code):
        return call(self.grid, "responsibility_item_versions", code=code)

    @route("GET", "/api/v1/affairs/workflow", summary="网格事件与服务单的流转表", tag="affairs", permission=A_READ)
    def affairs_workflow(self, request):
        return {"case": CASE_WORKFLOW.table(), "case_status": {str(k): v for k, v in CASE_STATUS_LABELS.items()},
                "service_order": ORDER_WORKFLOW.table(),
                "service_order_status": {str(k): v for k, v in ORDER_STATUS_LABELS.items()}}

    @route("GET", "/api/v1/affairs/handlers", summary="可派单的干部和部门账号（本辖区）", tag="affairs",
           permission=A_REPORT)
    def affairs_handlers(self, request):
        return {"items": handlers_for(self.db.store.list_accounts(), self.caller["scope"])}

    @route("GET", "/api/v1/affairs/figures", summary="网格事件与服务单统计：按状态、类别、下级区划，按时办结率、满意度",
           tag="affairs", query={"area_code": "区划代码（默认本人辖区）", "since": "开始日期（含）",
                                 "until": "结束日期（不含）"}, permission=A_READ)
    def affairs_figures(self, request):
        return call(self.grid, "affairs_figures", area_code=request.args.get("area_code"),
                    since=request.args.get("since", ""), until=request.args.get("until", ""))

    # patrols -----------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/patrols", summary="开始巡查", tag="affairs", status=201, body=PatrolStartIn,
           permission=A_REPORT)
    def start_patrol(self, request):
        return call(self.grid, "start_patrol", grid_code=str(json_body(request).get("grid_code", "")))

    @route("GET", "/api/v1/patrols/current", summary="我正在进行的巡查", tag="affairs", permission=A_REPORT)
    def current_patrol(self, request):
        return call(self.grid, "current_patrol")

    @route("POST", "/api/v1/patrols/<string:patrol_id>/end", summary="结束巡查（可填巡查记录）", tag="affairs",
           body=PatrolEndIn, permission=A_REPORT)
    def end_patrol(self, request, patrol_id):
        return call(self.grid, "end_patrol", patrol_id=patrol_id, notes=json_body(request).get("notes"))

    @route("GET", "/api/v1/patrols", summary="巡查记录", tag="affairs",
           query={"area_code": "区划代码", "mine": "true 只看我的", **PAGING}, permission=A_READ)
    def list_patrols(self, request):
        return call(self.grid, "list_patrols", area_code=request.args.get("area_code"),
                    mine=query_bool(request, "mine", False), **paging(request))

    # cases -------------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/cases", summary="采集登记网格事件", tag="affairs", body=CaseIn, status=201,
           permission=A_REPORT)
    def open_case(self, request):
        return call(self.grid, "open_case", payload=json_body(request))

    @route("GET", "/api/v1/cases", summary="网格事件列表", tag="affairs",
           query={"status": "状态，可逗号分隔多个", "area_code": "区划代码", "category": "事项大类",
                  "assignee": "me 为待我处理", "overdue": "true 只看逾期",
                  "sort": "排序：discovered_at、due_at、status，前加 - 为倒序", **PAGING}, permission=A_READ)
    def list_cases(self, request):
        args = request.args
        return call(self.grid, "list_cases", status=args.get("status"), area_code=args.get("area_code"),
                    category=args.get("category"), assignee=args.get("assignee"),
                    overdue=query_bool(request, "overdue", False), **paging(request), sort=args.get("sort"))

    @route("GET", "/api/v1/cases/<string:case_id>", summary="网格事件详情与流转记录", tag="affairs",
           permission=A_READ)
    def get_case(self, request, case_id):
        return call(self.grid, "get_case", case_id=case_id)

    @route("POST", "/api/v1/cases/<string:case_id>/" + _any(CASE_WORKFLOW.actions_for(A_REPORT)),
           summary="网格员操作：上报、不予立案、现场核查、核查退回、转人民调解", tag="affairs", body=CaseActionBody,
           permission=A_REPORT)
    def case_grid_action(self, request, case_id, action):
        return call(self.grid, "act_on_case", case_id=case_id, payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/cases/<string:case_id>/" + _any(CASE_WORKFLOW.actions_for(A_DISPATCH)),
           summary="乡镇操作：派单、退回网格、办结、重新办理", tag="affairs", body=CaseActionBody, permission=A_DISPATCH)
    def case_township_action(self, request, case_id, action):
        return call(self.grid, "act_on_case", case_id=case_id, payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/cases/<string:case_id>/" + _any(CASE_WORKFLOW.actions_for(A_HANDLE)),
           summary="承办人操作：办理反馈、退回（非本单位职责）", tag="affairs", body=CaseActionBody, permission=A_HANDLE)
    def case_handler_action(self, request, case_id, action):
        return call(self.grid, "act_on_case", case_id=case_id, payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/cases/<string:case_id>/files", summary="上传事件照片或材料（JPEG/PNG/PDF，10MB以内）",
           tag="affairs", status=201, permission=A_ATTACH,
           upload={"stage": "discovered 发现时、before 办理前、after 办理后、document 材料"})
    def attach_case_file(self, request, case_id):
        filename, content = upload(request, MAX_FILE_BYTES)
        return call(self.grid, "attach_case_file", case_id=case_id, stage=request.form.get("stage", "discovered"),
                    filename=filename, content_base64=base64.b64encode(content).decode())

    @route("GET", "/api/v1/cases/<string:case_id>/files/<string:file_id>", summary="查看事件附件", tag="affairs",
           permission=A_READ, produces="application/octet-stream")
    def read_case_file(self, request, case_id, file_id):
        found = call(self.grid, "read_case_file", case_id=case_id, file_id=file_id)
        disposition = f"inline; filename*=UTF-8''{quote(found['filename'])}"
        return Response(base64.b64decode(found["content_base64"]), mimetype=found["content_type"],
                        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff"})

    # service orders (三单) ----------------------------------------------------------------------------------
    @route("POST", "/api/v1/service-orders", summary="网格员代群众点单", tag="affairs", body=OrderIn, status=201,
           permission=A_REPORT)
    def place_service_order(self, request):
        return call(self.grid, "place_service_order", payload=json_body(request))

    @route("GET", "/api/v1/service-orders", summary="服务单列表（联系人已脱敏）", tag="affairs",
           query={"status": "状态，可逗号分隔多个", "area_code": "区划代码", "assignee": "me 为派给我的", **PAGING},
           permission=A_READ)
    def list_service_orders(self, request):
        return call(self.grid, "list_service_orders", status=request.args.get("status"),
                    area_code=request.args.get("area_code"), assignee=request.args.get("assignee"), **paging(request))

    @route("GET", "/api/v1/service-orders/<string:order_id>", summary="服务单详情与流转记录", tag="affairs",
           permission=A_READ)
    def get_service_order(self, request, order_id):
        return call(self.grid, "get_service_order", order_id=order_id)

    @route("POST", "/api/v1/service-orders/<string:order_id>/" + _any(ORDER_WORKFLOW.actions_for(A_REPORT)),
           summary="网格派单，或代群众评价", tag="affairs", body=OrderActionBody, permission=A_REPORT)
    def order_grid_action(self, request, order_id, action):
        return call(self.grid, "act_on_service_order", order_id=order_id,
                    payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/service-orders/<string:order_id>/" + _any(ORDER_WORKFLOW.actions_for(A_HANDLE)),
           summary="干部买单：办理反馈", tag="affairs", body=OrderActionBody, permission=A_HANDLE)
    def order_handler_action(self, request, order_id, action):
        return call(self.grid, "act_on_service_order", order_id=order_id,
                    payload={**json_body(request), "action": action})

    # An action no table has matches none of the routes above: answer JSON like every other refusal, not the web
    # server's HTML page. Undocumented on purpose (no record is read, so no sign-in is asked for either).
    @http("POST", "/api/v1/cases/<string:case_id>/<path:action>")
    def unknown_case_action(self, request, case_id, action):
        return unknown_action(CASE_WORKFLOW)

    @http("POST", "/api/v1/service-orders/<string:order_id>/<path:action>")
    def unknown_order_action(self, request, order_id, action):
        return unknown_action(ORDER_WORKFLOW)

    @http("POST", "/api/v1/disputes/<string:dispute_id>/<path:action>")
    def unknown_dispute_action(self, request, dispute_id, action):
        return unknown_action(mediation_codes.WORKFLOW)

    # mediation: committees, mediators, talk offices --------------------------------------------------------
    @route("GET", "/api/v1/mediation/reference", summary="调解参考数据：纠纷类别、重大纠纷认定依据、层级、流转表",
           tag="mediation", permission=M_READ)
    def mediation_reference(self, request):
        return {"categories": mediation_codes.CATEGORIES, "major_criteria": mediation_codes.MAJOR_CRITERIA,
                "levels": {str(k): v for k, v in mediation_codes.LEVEL_LABELS.items()},
                "referrals": mediation_codes.REFERRAL_LABELS, "follow_up": mediation_codes.FOLLOW_UP_LABELS,
                "workflow": mediation_codes.WORKFLOW.table(),
                "statuses": {str(k): v for k, v in mediation_codes.STATUS_LABELS.items()}}

    @route("GET", "/api/v1/mediation/committees", summary="人民调解委员会（可按纠纷发生地筛选可受理的调委会）",
           tag="mediation", query={"area_code": "纠纷发生地区划代码"}, permission=M_READ)
    def list_committees(self, request):
        return call(self.mediation, "list_committees", area_code=request.args.get("area_code"))

    @route("PUT", "/api/v1/mediation/committees/<string:committee_id>", summary="新增或修改人民调解委员会",
           tag="mediation", body=CommitteeIn, permission=M_CONFIGURE)
    def save_committee(self, request, committee_id):
        return call(self.mediation, "save_committee", payload={**json_body(request), "committee_id": committee_id})

    @route("GET", "/api/v1/mediation/mediators", summary="人民调解员", tag="mediation",
           query={"committee_id": "调委会编号"}, permission=M_READ)
    def list_mediators(self, request):
        return call(self.mediation, "list_mediators", committee_id=request.args.get("committee_id"))

    @route("PUT", "/api/v1/mediation/mediators/<string:mediator_id>", summary="新增或修改人民调解员",
           tag="mediation", body=MediatorIn, permission=M_CONFIGURE)
    def save_mediator(self, request, mediator_id):
        return call(self.mediation, "save_mediator", payload={**json_body(request), "mediator_id": mediator_id})

    @route("GET", "/api/v1/mediation/talk-offices", summary="群众说事处及其志愿者", tag="mediation",
           permission=M_READ)
    def list_talk_offices(self, request):
        return call(self.mediation, "list_talk_offices")

    @route("PUT", "/api/v1/mediation/talk-offices/<string:township_code>", summary="新增或修改乡镇群众说事处",
           tag="mediation", body=TalkOfficeIn, permission=M_CONFIGURE)
    def save_talk_office(self, request, township_code):
        return call(self.mediation, "save_talk_office", payload={**json_body(request), "township_code": township_code})

    @route("GET", "/api/v1/mediation/targets", summary="三项调解指标：基层化解率、调解成功率、重大纠纷化解率",
           tag="mediation", query={"area_code": "区划代码（默认本人辖区）", "since": "开始日期（含）",
                                   "until": "结束日期（不含）"}, permission=M_READ)
    def mediation_targets(self, request):
        return call(self.mediation, "targets", area_code=request.args.get("area_code"),
                    since=request.args.get("since", ""), until=request.args.get("until", ""))

    # disputes ----------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/disputes", summary="群众说事处登记矛盾纠纷", tag="mediation", body=DisputeIn, status=201,
           permission=M_INTAKE)
    def register_dispute(self, request):
        return call(self.mediation, "register_dispute", payload=json_body(request))

    @route("GET", "/api/v1/disputes", summary="矛盾纠纷列表（当事人已脱敏）", tag="mediation",
           query={"status": "状态，可逗号分隔多个", "area_code": "区划代码", "committee_id": "调委会编号",
                  "major": "true 只看重大纠纷", "overdue": "true 只看超期",
                  "sort": "排序：registered_at、due_at、status，前加 - 为倒序", **PAGING}, permission=M_READ)
    def list_disputes(self, request):
        args = request.args
        major = query_bool(request, "major", False) if args.get("major") else None
        return call(self.mediation, "list_disputes", status=args.get("status"), area_code=args.get("area_code"),
                    committee_id=args.get("committee_id"), major=major, overdue=query_bool(request, "overdue", False),
                    **paging(request), sort=args.get("sort"))

    @route("GET", "/api/v1/disputes/<string:dispute_id>", summary="纠纷详情：当事人（脱敏）、调解记录、协议、回访、流转记录",
           tag="mediation", permission=M_READ)
    def get_dispute(self, request, dispute_id):
        return call(self.mediation, "get_dispute", dispute_id=dispute_id)

    @route("PATCH", "/api/v1/disputes/<string:dispute_id>", summary="补充或更正纠纷登记信息（当事人、类别、重大纠纷依据）",
           tag="mediation", body=DisputeChange, permission=M_INTAKE)
    def update_dispute(self, request, dispute_id):
        return call(self.mediation, "update_dispute", dispute_id=dispute_id, payload=json_body(request))

    @route("POST", "/api/v1/disputes/<string:dispute_id>/" + _any(list(mediation_codes.WORKFLOW.transitions)),
           summary="调解操作：受理、不予受理、记录调解、签订协议、调解不成、移送、转出、确认履行、回访、结案",
           tag="mediation", body=DisputeActionBody, permission=M_MEDIATE)
    def dispute_action(self, request, dispute_id, action):
        return call(self.mediation, "act_on_dispute", dispute_id=dispute_id,
                    payload={**json_body(request), "action": action})

    @route("GET", "/api/v1/disputes/<string:dispute_id>/case-file", summary="导出人民调解卷宗（PDF，含当事人完整信息，记录审计）",
           tag="mediation", permission=M_MEDIATE, produces="application/pdf", audit="mediation.case_file")
    def dispute_case_file(self, request, dispute_id):
        found = call(self.mediation, "case_file", dispute_id=dispute_id)
        return Response(base64.b64decode(found["content_base64"]), mimetype="application/pdf", headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(found['filename'])}",
            "Cache-Control": "private, no-store"})
