"""The web gateway: health, the registry's HTTP API, and the console page. Entrypoints only; each route calls
one service over RPC and lets the typed error, if any, become {code, message, field} with its HTTP status."""
import base64
import uuid
from pathlib import Path

from nameko.rpc import RpcProxy
from werkzeug.wrappers import Response

from services.grid.domain import AreaIn, GridWorkerIn, HouseholdIn, ResidentIn
from services.grid.resident_requests import ResidentRequestIn
from shared.errors import ValidationFailed
from shared.service import ReliableService
from shared.storage import Storage

from . import signin
from .accounts import AUDIT, IMPORT, READ, REVEAL, STAFF, WRITE, AccountIn, Grant
from .caller import SELF, Caller
from .http import call, json_body, query_bool, query_int, route
from .store import GatewayStore

STATIC = Path(__file__).parent / "static"
PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class GatewayService(ReliableService):
    name = "gateway"
    db = Storage(GatewayStore)
    caller = Caller()
    grid = RpcProxy("grid")

    # residents' channel (no account) ---------------------------------------------------------------------------
    @route("GET", "/public", summary="群众服务页面：点单、反映纠纷、网上信访、查询进度", tag="console")
    def public_page(self, request):
        return Response((STATIC / "public.html").read_bytes(), mimetype="text/html")

    @route("POST", "/api/v1/public/requests", summary="群众提交服务点单、矛盾纠纷或网上信访，返回查询码",
           tag="public", status=201, body=ResidentRequestIn, public_write=True)
    def submit_request(self, request):
        return call(self.grid, "submit_resident_request", json_body(request))

    @route("POST", "/api/v1/public/requests/track", summary="凭查询码和手机号后四位查询办理进度", tag="public",
           public_write=True)
    def track_request(self, request):
        body = json_body(request)
        return call(self.grid, "track_resident_request", str(body.get("tracking_code", "")),
                    str(body.get("phone_last4", "")))

    @route("GET", "/api/v1/resident-requests", summary="群众来件列表（联系人已脱敏）", tag="registry",
           query={"area_code": "区划代码", **PAGING}, permission=READ)
    def list_requests(self, request):
        return call(self.grid, "list_resident_requests", request.args.get("area_code"),
                    query_int(request, "page", 1), query_int(request, "page_size", 20))

    # sign-in ---------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/auth/login", summary="登录：返回访问令牌与刷新令牌", tag="auth")
    def login(self, request):
        body = json_body(request)
        return signin.login(self.db.store, str(body.get("username", "")), str(body.get("password", "")),
                            request.remote_addr)

    @route("POST", "/api/v1/auth/refresh", summary="用刷新令牌换取新令牌（每个刷新令牌只能用一次）", tag="auth")
    def refresh(self, request):
        return signin.refresh(self.db.store, str(json_body(request).get("refresh_token", "")))

    @route("POST", "/api/v1/auth/logout", summary="退出登录：作废全部刷新令牌", tag="auth", permission=SELF)
    def logout(self, request):
        self.db.store.revoke_refresh_tokens(self.caller["actor"]["id"])
        return {"status": "signed_out"}

    @route("POST", "/api/v1/auth/password", summary="修改密码", tag="auth", permission=SELF)
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

    @route("PUT", "/api/v1/accounts/<string:account_id>/grants", summary="设置账号的角色与辖区", tag="staff",
           permission=STAFF)
    def set_grants(self, request, account_id):
        return signin.set_grants(self.db.store, account_id, json_body(request).get("grants"), self.caller["scope"])

    @route("POST", "/api/v1/accounts/<string:account_id>/unlock", summary="解除账号锁定", tag="staff",
           permission=STAFF)
    def unlock(self, request, account_id):
        return signin.unlock(self.db.store, account_id)

    # audit -------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/audit", summary="审计日志查询", tag="audit", permission=AUDIT,
           query={"actor": "账号编号", "action": "操作", "page": "页码", "page_size": "每页条数"})
    def search_audit(self, request):
        return signin.search_audit(self.db.store, request.args.get("actor"), request.args.get("action"),
                                   query_int(request, "page", 1), query_int(request, "page_size", 50))

    @route("GET", "/api/v1/audit/verify", summary="校验审计日志哈希链", tag="audit", permission=AUDIT)
    def verify_audit(self, request):
        return signin.verify_audit(self.db.store)

    @route("GET", "/health", summary="存活检查", tag="ops")
    def health(self, request):
        return {"status": "ok"}

    @route("GET", "/ready", summary="就绪检查：依赖的服务可用", tag="ops")
    def ready(self, request):
        return {"status": "ready", "grid": call(self.grid, "health")}

    @route("GET", "/", summary="控制台首页", tag="console")
    def console(self, request):
        return Response((STATIC / "index.html").read_bytes(), mimetype="text/html")

    # areas ---------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/areas", summary="区划与网格列表",
           query={"parent_code": "上级区划代码", "kind": "区划类型", **PAGING}, permission=READ)
    def list_areas(self, request):
        return call(self.grid, "list_areas", request.args.get("parent_code"), request.args.get("kind"),
                    query_int(request, "page", 1), query_int(request, "page_size", 50))

    @route("GET", "/api/v1/areas/<string:code>", summary="区划详情", permission=READ)
    def get_area(self, request, code):
        return call(self.grid, "get_area", code)

    @route("PUT", "/api/v1/areas/<string:code>", summary="新增或修改区划/网格/微网格", body=AreaIn, permission=WRITE)
    def put_area(self, request, code):
        body = json_body(request)
        body["code"] = code
        return call(self.grid, "upsert_area", body)

    @route("GET", "/api/v1/areas/<string:code>/coverage", summary="定格定人检查：无网格员的网格、未入格或重复入格的户", permission=READ)
    def coverage(self, request, code):
        return call(self.grid, "check_coverage", code)

    # grid workers ----------------------------------------------------------------------------------------
    @route("GET", "/api/v1/grid-workers", summary="网格员列表", query={"grid_code": "网格代码", **PAGING},
           permission=READ)
    def list_grid_workers(self, request):
        return call(self.grid, "list_grid_workers", request.args.get("grid_code"),
                    query_int(request, "page", 1), query_int(request, "page_size", 50))

    @route("POST", "/api/v1/grid-workers", summary="新增网格员", body=GridWorkerIn, status=201, permission=WRITE)
    def create_grid_worker(self, request):
        return call(self.grid, "create_grid_worker", json_body(request))

    @route("GET", "/api/v1/grid-workers/<string:worker_id>", summary="网格员详情", permission=READ)
    def get_grid_worker(self, request, worker_id):
        return call(self.grid, "get_grid_worker", worker_id)

    @route("PUT", "/api/v1/grid-workers/<string:worker_id>", summary="修改网格员及其负责网格", body=GridWorkerIn,
           permission=WRITE)
    def update_grid_worker(self, request, worker_id):
        return call(self.grid, "update_grid_worker", worker_id, json_body(request))

    # households and residents ----------------------------------------------------------------------------
    @route("GET", "/api/v1/households", summary="户列表",
           query={"area_code": "区划代码（任一级）", "household_number": "户号",
                  "sort": "排序：household_number、registered_at、address，前加 - 为倒序", **PAGING}, permission=READ)
    def list_households(self, request):
        return call(self.grid, "list_households", request.args.get("area_code"),
                    request.args.get("household_number"), query_int(request, "page", 1),
                    query_int(request, "page_size", 20), request.args.get("sort"))

    @route("POST", "/api/v1/households", summary="登记户及其成员", body=HouseholdIn, status=201, permission=WRITE)
    def register_household(self, request):
        return call(self.grid, "register_household", json_body(request))

    @route("GET", "/api/v1/households/<string:household_id>", summary="户详情（个人信息已脱敏）", permission=READ)
    def get_household(self, request, household_id):
        return call(self.grid, "get_household", household_id)

    @route("PATCH", "/api/v1/households/<string:household_id>", summary="修改户住址", permission=WRITE)
    def update_household(self, request, household_id):
        return call(self.grid, "update_household", household_id, json_body(request))

    @route("POST", "/api/v1/households/<string:household_id>/move", summary="户迁移到另一微网格", permission=WRITE)
    def move_household(self, request, household_id):
        body = json_body(request)
        if not body.get("micro_grid_code"):
            raise ValidationFailed("必填", field="micro_grid_code")
        return call(self.grid, "move_household", household_id, body["micro_grid_code"])

    @route("GET", "/api/v1/residents", summary="居民列表（脱敏）",
           query={"household_id": "户编号", "area_code": "区划代码",
                  "sort": "排序：birth_year、registered_at、household_id，前加 - 为倒序", **PAGING}, permission=READ)
    def list_residents(self, request):
        return call(self.grid, "list_residents", request.args.get("household_id"), request.args.get("area_code"),
                    query_int(request, "page", 1), query_int(request, "page_size", 20), request.args.get("sort"))

    @route("POST", "/api/v1/residents", summary="登记居民到已有户", body=ResidentIn, status=201, permission=WRITE)
    def register_resident(self, request):
        return call(self.grid, "register_resident", json_body(request))

    @route("POST", "/api/v1/residents/search", summary="按身份证号查找居民（身份证号放在请求体，不进URL）", permission=READ)
    def find_resident(self, request):
        body = json_body(request)
        if not body.get("id_number"):
            raise ValidationFailed("必填", field="id_number")
        return call(self.grid, "find_resident", str(body["id_number"]))

    @route("GET", "/api/v1/residents/<string:resident_id>", summary="居民详情（脱敏）", permission=READ)
    def get_resident(self, request, resident_id):
        return call(self.grid, "get_resident", resident_id)

    @route("POST", "/api/v1/residents/<string:resident_id>/reveal", summary="查看完整个人信息（须填写理由，记录审计）", permission=REVEAL, audit="personal_data.reveal")
    def reveal_resident(self, request, resident_id):
        return call(self.grid, "get_resident", resident_id, True, json_body(request).get("reason"))

    # imports -------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/imports", summary="上传户籍/居民表（.xlsx/.csv）：预检或导入，返回任务号", status=202,
           query={"dry_run": "true 仅预检（默认），false 导入"}, tag="import", permission=IMPORT)
    def start_import(self, request):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ValidationFailed("请选择要上传的文件", field="file", code="import.no_file")
        content = upload.read(MAX_IMPORT_BYTES + 1)
        if len(content) > MAX_IMPORT_BYTES:
            raise ValidationFailed("文件过大（上限20MB）", field="file", code="import.too_large")
        dry_run = query_bool(request, "dry_run", True)
        job_id = uuid.uuid4().hex
        # Long files take a while: the import runs on, and the console polls the job for progress and report.
        self.grid.import_file.call_async(job_id, upload.filename, base64.b64encode(content).decode(), dry_run)
        return 202, {"job_id": job_id, "dry_run": dry_run}

    @route("GET", "/api/v1/imports/<string:job_id>", summary="导入任务进度与报告", tag="import", permission=IMPORT)
    def get_import(self, request, job_id):
        return call(self.grid, "get_import_job", job_id)
