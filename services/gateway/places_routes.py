"""The gateway's routes for places: governance centres (综治中心) and village service facilities (综合服务设施) with
the county's checklists and their inspections, key public-safety areas (重点区域) with their video points (雪亮工程),
the registers' import, and the figures of the three targets. A mixin of GatewayService, entrypoints only; the grid
service filters every read and write by the caller's areas."""
import base64
import uuid
from urllib.parse import quote

from werkzeug.wrappers import Response

from services.grid.api.places import (
    PLACE_IMPORT_KINDS,
    CentreIn,
    ChecklistIn,
    FacilityIn,
    InspectionIn,
    KeyAreaChange,
    KeyAreaIn,
    PlaceChange,
    VideoCheckIn,
    VideoChecksIn,
    VideoPointChange,
    VideoPointIn,
)
from shared.calls import call
from shared.errors import ValidationFailed
from shared.files import MAX_FILE_BYTES

from .accounts import PL_CONFIGURE, PL_INSPECT, PL_MANAGE, PL_READ
from .http import json_body, paging, query_bool, route, upload

PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}
AREA = {"area_code": "区划代码（默认本人辖区）"}
LIST_QUERY = {**AREA, "level": "综治中心层级：county、township、village", "status": "ok 已建成（达标）、not_ok 未建成（未达标）",
              "active": "true 在用、false 已停用", **PAGING}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _file(found: dict) -> Response:
    return Response(base64.b64decode(found["content_base64"]), mimetype=found["content_type"], headers={
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(found['filename'])}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


class PlaceRoutes:
    @route("GET", "/api/v1/places/reference", summary="场所：类别、层级及其中文名称，视频点位检查时效", tag="places",
           permission=PL_READ)
    def places_reference(self, request):
        return call(self.grid, "places_reference")

    @route("GET", "/api/v1/places/figures", summary="综治中心规范化建成率、综合服务设施达标率、重点区域视频监控覆盖率"
                                                    "（本级及下级区划，含口径与分子分母）", tag="places", query=AREA,
           permission=PL_READ)
    def places_figures(self, request):
        return call(self.grid, "places_figures", area_code=request.args.get("area_code"))

    # governance centres and service facilities (the same routes for each) ------------------------------------------
    @route("GET", "/api/v1/governance-centres", summary="综治中心列表（县、乡镇、村三级）", tag="places",
           query=LIST_QUERY, permission=PL_READ)
    def list_centres(self, request):
        return self._list_places(request, "governance_centre")

    @route("POST", "/api/v1/governance-centres", summary="登记综治中心（每个区划一个，再次登记即修改）", tag="places",
           body=CentreIn, permission=PL_MANAGE)
    def register_centre(self, request):
        return call(self.grid, "register_place", subject="governance_centre", payload=json_body(request))

    @route("GET", "/api/v1/governance-centres/<string:place_id>", summary="综治中心详情：适用的检查项与历次检查",
           tag="places", permission=PL_READ)
    def get_centre(self, request, place_id):
        return call(self.grid, "get_place", subject="governance_centre", place_id=place_id)

    @route("PATCH", "/api/v1/governance-centres/<string:place_id>", summary="修改综治中心名称、地址或停用、启用",
           tag="places", body=PlaceChange, permission=PL_MANAGE)
    def change_centre(self, request, place_id):
        return call(self.grid, "change_place", subject="governance_centre", place_id=place_id,
                    payload=json_body(request))

    @route("POST", "/api/v1/governance-centres/<string:place_id>/inspections",
           summary="记录综治中心规范化建设检查：按当前清单逐项判定（检查人为当前账号），照片随后上传", tag="places",
           body=InspectionIn, status=201, permission=PL_INSPECT)
    def inspect_centre(self, request, place_id):
        return call(self.grid, "record_inspection", subject="governance_centre", place_id=place_id,
                    payload=json_body(request))

    @route("GET", "/api/v1/service-facilities", summary="村（社区）综合服务设施列表", tag="places", query=LIST_QUERY,
           permission=PL_READ)
    def list_facilities(self, request):
        return self._list_places(request, "service_facility")

    @route("POST", "/api/v1/service-facilities", summary="登记村（社区）综合服务设施（每村一个，再次登记即修改）",
           tag="places", body=FacilityIn, permission=PL_MANAGE)
    def register_facility(self, request):
        return call(self.grid, "register_place", subject="service_facility", payload=json_body(request))

    @route("GET", "/api/v1/service-facilities/<string:place_id>", summary="综合服务设施详情：检查项与历次检查",
           tag="places", permission=PL_READ)
    def get_facility(self, request, place_id):
        return call(self.grid, "get_place", subject="service_facility", place_id=place_id)

    @route("PATCH", "/api/v1/service-facilities/<string:place_id>", summary="修改综合服务设施名称、地址或停用、启用",
           tag="places", body=PlaceChange, permission=PL_MANAGE)
    def change_facility(self, request, place_id):
        return call(self.grid, "change_place", subject="service_facility", place_id=place_id,
                    payload=json_body(request))

    @route("POST", "/api/v1/service-facilities/<string:place_id>/inspections",
           summary="记录综合服务设施达标检查：按当前清单逐项判定（检查人为当前账号），照片随后上传", tag="places",
           body=InspectionIn, status=201, permission=PL_INSPECT)
    def inspect_facility(self, request, place_id):
        return call(self.grid, "record_inspection", subject="service_facility", place_id=place_id,
                    payload=json_body(request))

    def _list_places(self, request, subject: str):
        args = request.args
        return call(self.grid, "list_places", subject=subject, area_code=args.get("area_code"), level=args.get("level"),
                    status=args.get("status"), active=query_bool(request, "active", None), **paging(request))

    @route("GET", "/api/v1/checklists/<string:subject>",
           summary="规范化建设（达标）检查清单（governance_centre 或 service_facility）：当前版本与历次版本",
           tag="places", permission=PL_READ)
    def get_checklist(self, request, subject):
        return call(self.grid, "get_checklist", subject=subject)

    @route("PUT", "/api/v1/checklists/<string:subject>",
           summary="发布新版检查清单（县级；此后须按新清单重新检查）", tag="places", body=ChecklistIn,
           permission=PL_CONFIGURE)
    def save_checklist(self, request, subject):
        return call(self.grid, "save_checklist", subject=subject, payload=json_body(request))

    # inspections ---------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/inspections", summary="检查记录", tag="places",
           query={**AREA, "subject": "governance_centre 或 service_facility", "passed": "true 通过、false 未通过",
                  **PAGING}, permission=PL_READ)
    def list_inspections(self, request):
        return call(self.grid, "list_inspections", area_code=request.args.get("area_code"),
                    subject=request.args.get("subject"), passed=query_bool(request, "passed", None), **paging(request))

    @route("GET", "/api/v1/inspections/<string:inspection_id>", summary="检查记录详情：逐项结果与照片", tag="places",
           permission=PL_READ)
    def get_inspection(self, request, inspection_id):
        return call(self.grid, "get_inspection", inspection_id=inspection_id)

    @route("POST", "/api/v1/inspections/<string:inspection_id>/photos",
           summary="上传检查照片（JPEG/PNG/PDF，10MB以内，可注明检查项）", tag="places", status=201,
           permission=PL_INSPECT, upload={"item_code": "检查项代码（可空）"})
    def attach_inspection_photo(self, request, inspection_id):
        filename, content = upload(request, MAX_FILE_BYTES)
        return call(self.grid, "attach_inspection_photo", inspection_id=inspection_id,
                    item_code=request.form.get("item_code") or None, filename=filename,
                    content_base64=base64.b64encode(content).decode())

    @route("GET", "/api/v1/inspections/<string:inspection_id>/photos/<string:file_id>", summary="查看检查照片",
           tag="places", permission=PL_READ, produces="application/octet-stream")
    def read_inspection_photo(self, request, inspection_id, file_id):
        return _file(call(self.grid, "read_inspection_photo", inspection_id=inspection_id, file_id=file_id))

    # key areas and video points --------------------------------------------------------------------------------
    @route("GET", "/api/v1/key-areas", summary="公共安全重点区域及其视频覆盖", tag="places",
           query={**AREA, "kind": "类别代码", "covered": "true 已覆盖、false 未覆盖", **PAGING}, permission=PL_READ)
    def list_key_areas(self, request):
        return call(self.grid, "list_key_areas", area_code=request.args.get("area_code"), kind=request.args.get("kind"),
                    covered=query_bool(request, "covered", None), **paging(request))

    @route("POST", "/api/v1/key-areas", summary="登记重点区域（同一区划同名即同一区域，再次登记即修改）", tag="places",
           body=KeyAreaIn, permission=PL_MANAGE)
    def register_key_area(self, request):
        return call(self.grid, "register_key_area", payload=json_body(request))

    @route("GET", "/api/v1/key-areas/<string:key_area_id>", summary="重点区域详情及其视频点位", tag="places",
           permission=PL_READ)
    def get_key_area(self, request, key_area_id):
        return call(self.grid, "get_key_area", key_area_id=key_area_id)

    @route("PATCH", "/api/v1/key-areas/<string:key_area_id>", summary="修改重点区域的类别、名称、地址或停用",
           tag="places", body=KeyAreaChange, permission=PL_MANAGE)
    def change_key_area(self, request, key_area_id):
        return call(self.grid, "change_key_area", key_area_id=key_area_id, payload=json_body(request))

    @route("POST", "/api/v1/key-areas/<string:key_area_id>/video-points",
           summary="登记视频点位（点位编号相同即同一点位，可同时报在线状态）", tag="places", body=VideoPointIn,
           permission=PL_MANAGE)
    def register_video_point(self, request, key_area_id):
        return call(self.grid, "register_video_point", key_area_id=key_area_id, payload=json_body(request))

    @route("GET", "/api/v1/video-points", summary="视频点位及其在线状态", tag="places",
           query={**AREA, "online": "true 在线、false 离线", **PAGING}, permission=PL_READ)
    def list_video_points(self, request):
        return call(self.grid, "list_video_points", area_code=request.args.get("area_code"),
                    online=query_bool(request, "online", None), **paging(request, 50))

    @route("PATCH", "/api/v1/video-points/<string:video_point_id>", summary="修改点位名称、所属重点区域或停用",
           tag="places", body=VideoPointChange, permission=PL_MANAGE)
    def change_video_point(self, request, video_point_id):
        return call(self.grid, "change_video_point", video_point_id=video_point_id, payload=json_body(request))

    @route("POST", "/api/v1/video-points/<string:video_point_id>/checks", summary="记录点位巡检结果（在线或离线）",
           tag="places", body=VideoCheckIn, permission=PL_INSPECT)
    def record_video_check(self, request, video_point_id):
        return call(self.grid, "record_video_check", video_point_id=video_point_id, payload=json_body(request))

    @route("POST", "/api/v1/video-points/checks", summary="视频平台批量上报点位状态（按点位编号，较旧的上报不覆盖较新的）",
           tag="places", body=VideoChecksIn, permission=PL_MANAGE)
    def record_video_checks(self, request):
        return call(self.grid, "record_video_checks", payload=json_body(request))

    # imports ---------------------------------------------------------------------------------------------------
    @route("POST", "/api/v1/places/imports", summary="上传综治中心、综合服务设施或重点区域（含视频点位）登记表：预检或导入，"
                                                    "返回任务号", tag="places", status=202,
           query={"kind": "governance_centre、service_facility 或 key_area", "dry_run": "true 仅预检（默认），false 导入"},
           permission=PL_MANAGE, upload={})
    def start_places_import(self, request):
        kind = request.args.get("kind", "")
        if kind not in PLACE_IMPORT_KINDS:
            raise ValidationFailed("导入类型应为 governance_centre、service_facility 或 key_area", field="kind")
        filename, content = upload(request, MAX_IMPORT_BYTES)
        dry_run = query_bool(request, "dry_run", True)
        job_id = uuid.uuid4().hex
        self.grid.import_places_file.call_async(job_id=job_id, kind=kind, filename=filename,
                                                content_base64=base64.b64encode(content).decode(), dry_run=dry_run)
        return 202, {"job_id": job_id, "kind": kind, "dry_run": dry_run}

    @route("GET", "/api/v1/places/imports/<string:job_id>", summary="场所导入任务进度与逐行报告", tag="places",
           permission=PL_MANAGE)
    def get_places_import(self, request, job_id):
        return call(self.grid, "get_places_import", job_id=job_id)

    @route("GET", "/api/v1/places/import-template", summary="下载登记表模板（.xlsx，中文表头）", tag="places",
           query={"kind": "governance_centre、service_facility 或 key_area"}, permission=PL_MANAGE,
           produces="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    def places_import_template(self, request):
        found = call(self.grid, "places_import_template", kind=request.args.get("kind", ""))
        return Response(base64.b64decode(found["content_base64"]),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found['filename'])}"})
