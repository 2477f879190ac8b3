"""The gateway's routes for petitions (信访): a mixin of GatewayService, entrypoints only."""
import base64
from urllib.parse import quote

from nameko.rpc import RpcProxy
from nameko.web.handlers import http
from werkzeug.wrappers import Response

from services.petitions.api.codes import WORKFLOW
from services.petitions.api.rpc import (
    HardCaseIn,
    LeaderIn,
    PetitionActionBody,
    PetitionIn,
    PublicRatingIn,
    PublicReviewIn,
    SupervisionIn,
    VisitIn,
)
from shared.calls import call
from shared.errors import NotFound
from shared.files import MAX_FILE_BYTES

from .http import json_body, paging, query_bool, route, unknown_action, upload
from .permissions import P_HANDLE, P_READ, P_REGISTER, P_SUPERVISE

PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}


def _any(actions: list[str]) -> str:
    return f"<any({','.join(actions)}):action>"


class PetitionRoutes:
    petitions = RpcProxy("petitions")

    # the petitioner's own view (no account) ------------------------------------------------------------------
    def petition_of_request(self, tracked: dict, tracking_code: str, phone_last4: str) -> dict:
        """A resident following an online petition sees the petitions office's progress once it has taken it."""
        if tracked.get("kind") != "petition":
            return tracked
        try:
            return {**tracked, "petition": call(self.petitions, "track_petition", tracking_code=tracking_code,
                                                phone_last4=phone_last4)}
        except NotFound:
            return tracked  # not taken over yet: the residents' channel's own status stands

    @route("POST", "/api/v1/public/petitions/review", summary="信访人在30日内请求复查（或复查后请求复核）",
           tag="public", body=PublicReviewIn, public_write=True)
    def public_petition_review(self, request):
        return call(self.petitions, "request_review_publicly", payload=json_body(request))

    @route("POST", "/api/v1/public/petitions/rate", summary="信访人对答复评价：满意、基本满意、不满意", tag="public",
           body=PublicRatingIn, public_write=True)
    def public_petition_rate(self, request):
        return call(self.petitions, "rate_publicly", payload=json_body(request))

    # reference, registration, lists -----------------------------------------------------------------------------
    @route("GET", "/api/v1/petitions/reference", summary="信访参考数据：渠道、类别、承办单位、法定时限表、流转表",
           tag="petitions", permission=P_READ)
    def petitions_reference(self, request):
        return call(self.petitions, "reference")

    @route("POST", "/api/v1/petitions", summary="登记来信、来访、来电（或代为登记网上信访）", tag="petitions",
           body=PetitionIn, status=201, permission=P_REGISTER)
    def register_petition(self, request):
        return call(self.petitions, "register_petition", payload=json_body(request))

    @route("GET", "/api/v1/petitions", summary="信访件列表（信访人已脱敏），含各法定时限的红黄绿状态", tag="petitions",
           query={"status": "状态，可逗号分隔多个", "area_code": "区划代码", "unit": "承办或首办单位",
                  "channel": "渠道", "leader": "me 为本人包案", "supervised": "true 只看督办中",
                  "hard_case": "true 只看疑难信访", "repeat": "true 只看重复信访",
                  "sort": "排序：received_at、status、repeat_count，前加 - 为倒序", **PAGING}, permission=P_READ)
    def list_petitions(self, request):
        args = request.args
        hard = query_bool(request, "hard_case", False) if args.get("hard_case") else None
        repeat = query_bool(request, "repeat", False) if args.get("repeat") else None
        return call(self.petitions, "list_petitions", status=args.get("status"), area_code=args.get("area_code"),
                    unit=args.get("unit"), channel=args.get("channel"), leader=args.get("leader"),
                    supervised=query_bool(request, "supervised", False), hard_case=hard, repeat=repeat,
                    **paging(request), sort=args.get("sort"))

    @route("GET", "/api/v1/petitions/figures", summary="信访统计：网上信访占比、按期受理率、按期办结率、重复信访率、存量化解、满意率",
           tag="petitions", query={"area_code": "区划代码（默认本人辖区）", "since": "开始日期（含）",
                                   "until": "结束日期（不含）"}, permission=P_READ)
    def petition_figures(self, request):
        return call(self.petitions, "figures", area_code=request.args.get("area_code"),
                    since=request.args.get("since", ""), until=request.args.get("until", ""))

    @route("GET", "/api/v1/petitions/<string:petition_id>", summary="信访件详情：信访人（脱敏）、时限、转办、督办、约访、流转记录",
           tag="petitions", permission=P_READ)
    def get_petition(self, request, petition_id):
        return call(self.petitions, "get_petition", petition_id=petition_id)

    # transitions, one route per duty -----------------------------------------------------------------------------
    @route("POST", "/api/v1/petitions/<string:petition_id>/" + _any(WORKFLOW.actions_for(P_REGISTER)),
           summary="信访部门：转送交办、改转、登记复查复核请求、办结、转人民调解", tag="petitions",
           body=PetitionActionBody, permission=P_REGISTER)
    def petition_office_action(self, request, petition_id, action):
        return call(self.petitions, "act_on_petition", petition_id=petition_id,
                    payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/petitions/<string:petition_id>/" + _any(WORKFLOW.actions_for(P_HANDLE)),
           summary="承办单位：受理、不予受理、异议、延期、答复；复查复核机关出具意见", tag="petitions",
           body=PetitionActionBody, permission=P_HANDLE)
    def petition_unit_action(self, request, petition_id, action):
        return call(self.petitions, "act_on_petition", petition_id=petition_id,
                    payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/petitions/<string:petition_id>/supervision", summary="督办：一般、重点、挂牌",
           tag="petitions", body=SupervisionIn, permission=P_SUPERVISE)
    def supervise_petition(self, request, petition_id):
        return call(self.petitions, "supervise", petition_id=petition_id, payload=json_body(request))

    @route("PUT", "/api/v1/petitions/<string:petition_id>/leader", summary="领导包案", tag="petitions", body=LeaderIn,
           permission=P_SUPERVISE)
    def own_petition(self, request, petition_id):
        return call(self.petitions, "own_case", petition_id=petition_id, payload=json_body(request))

    @route("POST", "/api/v1/petitions/<string:petition_id>/visits", summary="记录约访、接访、下访", tag="petitions",
           body=VisitIn, status=201, permission=P_SUPERVISE)
    def record_petition_visit(self, request, petition_id):
        return call(self.petitions, "record_visit", petition_id=petition_id, payload=json_body(request))

    @route("PUT", "/api/v1/petitions/<string:petition_id>/hard-case", summary="列为或取消疑难信访（骨头案）",
           tag="petitions", body=HardCaseIn, permission=P_SUPERVISE)
    def mark_hard_petition(self, request, petition_id):
        return call(self.petitions, "mark_hard_case", petition_id=petition_id, payload=json_body(request))

    @route("POST", "/api/v1/petitions/<string:petition_id>/files", summary="上传信访材料（来信扫描件、照片、PDF，10MB以内）",
           tag="petitions", status=201, permission=P_REGISTER, upload={})
    def attach_petition_file(self, request, petition_id):
        filename, content = upload(request, MAX_FILE_BYTES)
        return call(self.petitions, "attach_file", petition_id=petition_id, filename=filename,
                    content_base64=base64.b64encode(content).decode())

    @route("GET", "/api/v1/petitions/<string:petition_id>/files/<string:file_id>", summary="查看信访材料",
           tag="petitions", permission=P_READ, produces="application/octet-stream")
    def read_petition_file(self, request, petition_id, file_id):
        found = call(self.petitions, "read_file", petition_id=petition_id, file_id=file_id)
        return Response(base64.b64decode(found["content_base64"]), mimetype=found["content_type"], headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(found['filename'])}",
            "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})

    @http("POST", "/api/v1/petitions/<string:petition_id>/<path:action>")
    def unknown_petition_action(self, request, petition_id, action):
        return unknown_action(WORKFLOW)
