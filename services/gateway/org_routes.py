"""The gateway's routes for party organisation (党组织): a mixin of GatewayService, entrypoints only.

Member routes pass the areas where the caller also holds `org.sensitive`, so that the org service shows political
status (and names in full) there and nowhere else."""
from nameko.rpc import RpcProxy
from nameko.web.handlers import http

from services.org.api.codes import MEMBERSHIP, ROSTER_LABELS
from services.org.api.rpc import (
    CadreActivityIn,
    CadreAssignmentIn,
    CadreEndIn,
    DeputyVisitIn,
    JointActivityIn,
    JointBuildingIn,
    MemberIn,
    PartyOrgIn,
    RegistrationIn,
    RosterBody,
    TransferBody,
)
from shared.calls import call
from shared.errors import NotFound

from .accounts import O_MANAGE, O_READ, O_SENSITIVE
from .caller import areas_with
from .http import json_body, json_response, paging, route

PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}
AREA = {"area_code": "区划代码（默认本人辖区）"}
ROSTER_ROLES = ",".join(ROSTER_LABELS)
TRANSFERS = ",".join(MEMBERSHIP.transitions)


def _unknown(message: str, field: str, code: str):
    error = NotFound(message, field=field, code=code)
    return json_response(error.to_dict(), error.status)


class OrgRoutes:
    org = RpcProxy("org")

    @route("GET", "/api/v1/org/reference", summary="党建：组织类别、党员类别、报到、名册岗位等选项与指标口径", tag="org",
           permission=O_READ)
    def org_reference(self, request):
        return call(self.org, "reference")

    @route("GET", "/api/v1/org/areas", summary="党建服务已同步的下级区划与网格（供选择）", tag="org",
           query={"parent_code": "上级区划代码（默认本人辖区）"}, permission=O_READ)
    def org_areas(self, request):
        return call(self.org, "list_areas", parent_code=request.args.get("parent_code"))

    # the tree and its coverage of grids ----------------------------------------------------------------------
    @route("GET", "/api/v1/org/party-orgs", summary="党组织树（县委—乡镇党委、街道党工委—村社区党组织—网格党支部、党小组）",
           tag="org", query=AREA, permission=O_READ)
    def list_party_orgs(self, request):
        return call(self.org, "list_party_orgs", area_code=request.args.get("area_code"))

    @route("PUT", "/api/v1/org/party-orgs/<string:org_id>", summary="新设或修改党组织", tag="org", body=PartyOrgIn,
           permission=O_MANAGE)
    def save_party_org(self, request, org_id):
        return call(self.org, "save_party_org", payload={**json_body(request), "org_id": org_id})

    @route("GET", "/api/v1/org/coverage-gaps", summary="支部建在网格上：尚无党支部或党小组的网格", tag="org",
           query={**AREA, **PAGING}, permission=O_READ)
    def org_coverage_gaps(self, request):
        return call(self.org, "coverage_gaps", area_code=request.args.get("area_code"), **paging(request, 50))

    # members ------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/org/members", summary="党员名册（身份证号、电话脱敏；政治面貌仅对有权角色显示）", tag="org",
           query={**AREA, "org_id": "党组织编号", "status": "active 在册、transferred_out 已转出",
                  "registration": "both 已双报到、missing 未完成双报到", **PAGING}, permission=O_READ)
    def list_members(self, request):
        args = request.args
        return call(self.org, "list_members", area_code=args.get("area_code"), org_id=args.get("org_id"),
                    status=args.get("status"), registration=args.get("registration"), **paging(request),
                    sensitive=areas_with(request, O_SENSITIVE))

    @route("POST", "/api/v1/org/members", summary="党员入册（辖区党员、流入党员、机关在职党员）", tag="org", body=MemberIn,
           status=201, permission=O_MANAGE)
    def register_member(self, request):
        return call(self.org, "register_member", payload=json_body(request), sensitive=areas_with(request, O_SENSITIVE))

    @route("GET", "/api/v1/org/members/<string:member_id>", summary="党员详情、双报到与组织关系转接记录", tag="org",
           permission=O_READ)
    def get_member(self, request, member_id):
        return call(self.org, "get_member", member_id=member_id, sensitive=areas_with(request, O_SENSITIVE))

    @route("POST", f"/api/v1/org/members/<string:member_id>/<any({TRANSFERS}):action>",
           summary="组织关系转接：组织内调转、转出、转回（记录保留）", tag="org", body=TransferBody, permission=O_MANAGE)
    def transfer_member(self, request, member_id, action):
        return call(self.org, "transfer_member", member_id=member_id, payload={**json_body(request), "action": action},
                    sensitive=areas_with(request, O_SENSITIVE))

    @route("POST", "/api/v1/org/members/<string:member_id>/registrations",
           summary="三亮双报到：在网格单位或居住地社区报到，亮身份、亮职责、亮承诺", tag="org", body=RegistrationIn,
           permission=O_MANAGE)
    def record_registration(self, request, member_id):
        return call(self.org, "record_registration", member_id=member_id, payload=json_body(request),
                    sensitive=areas_with(request, O_SENSITIVE))

    # cadres in the grids, joint building --------------------------------------------------------------
    @route("GET", "/api/v1/org/cadres", summary="下沉网格干部及其活动记录", tag="org",
           query={**AREA, "status": "active 在岗、ended 已结束", **PAGING}, permission=O_READ)
    def list_cadres(self, request):
        return call(self.org, "list_cadres", area_code=request.args.get("area_code"), status=request.args.get("status"),
                    **paging(request))

    @route("POST", "/api/v1/org/cadres", summary="干部下沉网格", tag="org", body=CadreAssignmentIn, status=201,
           permission=O_MANAGE)
    def assign_cadre(self, request):
        return call(self.org, "assign_cadre", payload=json_body(request))

    @route("POST", "/api/v1/org/cadres/<string:assignment_id>/activities", summary="记录下沉干部的活动", tag="org",
           body=CadreActivityIn, permission=O_MANAGE)
    def record_cadre_activity(self, request, assignment_id):
        return call(self.org, "record_cadre_activity", assignment_id=assignment_id, payload=json_body(request))

    @route("POST", "/api/v1/org/cadres/<string:assignment_id>/end", summary="结束下沉（填结束日期 ended_on）",
           tag="org", body=CadreEndIn, permission=O_MANAGE)
    def end_cadre_assignment(self, request, assignment_id):
        return call(self.org, "end_cadre_assignment", assignment_id=assignment_id, payload=json_body(request))

    @route("GET", "/api/v1/org/joint-buildings", summary="联建共建结对及其活动", tag="org", query={**AREA, **PAGING},
           permission=O_READ)
    def list_joint_buildings(self, request):
        return call(self.org, "list_joint_buildings", area_code=request.args.get("area_code"), **paging(request))

    @route("POST", "/api/v1/org/joint-buildings", summary="机关、企事业单位与乡镇、村（社区）党组织结对共建", tag="org",
           body=JointBuildingIn, status=201, permission=O_MANAGE)
    def pair_joint_building(self, request):
        return call(self.org, "pair_joint_building", payload=json_body(request))

    @route("POST", "/api/v1/org/joint-buildings/<string:pair_id>/activities", summary="记录联建共建活动", tag="org",
           body=JointActivityIn, permission=O_MANAGE)
    def record_joint_activity(self, request, pair_id):
        return call(self.org, "record_joint_activity", pair_id=pair_id, payload=json_body(request))

    # rosters and figures ------------------------------------------------------------------------------
    @route("GET", "/api/v1/org/rosters", summary="法治与联系名册：一村一警、一村一法律顾问、一街镇一法官、一乡一检察官、"
                                                 "两代表一委员（含联系安排），及配备情况", tag="org", query=AREA,
           permission=O_READ)
    def list_rosters(self, request):
        return call(self.org, "list_rosters", area_code=request.args.get("area_code"))

    @route("PUT", f"/api/v1/org/rosters/<string:area_code>/<any({ROSTER_ROLES}):role>",
           summary="设置区划某一名册岗位的人员（空列表为清空）", tag="org", body=RosterBody, permission=O_MANAGE)
    def save_roster(self, request, area_code, role):
        return call(self.org, "save_roster", payload={**json_body(request), "area_code": area_code, "role": role})

    @route("GET", "/api/v1/org/deputy-visits", summary="两代表一委员联系群众记录", tag="org",
           query={**AREA, "person_id": "名册人员编号", **PAGING}, permission=O_READ)
    def list_deputy_visits(self, request):
        return call(self.org, "list_deputy_visits", area_code=request.args.get("area_code"),
                    person_id=request.args.get("person_id"), **paging(request))

    @route("POST", "/api/v1/org/deputy-visits", summary="记录两代表一委员到社区联系群众（更新最近联系日期）", tag="org",
           body=DeputyVisitIn, status=201, permission=O_MANAGE)
    def record_deputy_visit(self, request):
        return call(self.org, "record_deputy_visit", payload=json_body(request))

    @route("GET", "/api/v1/org/figures", summary="党建指标：网格党组织覆盖率、双报到率、每网格下沉干部数、名册完整率（按下级区划）",
           tag="org", query=AREA, permission=O_READ)
    def org_figures(self, request):
        return call(self.org, "figures", area_code=request.args.get("area_code"))

    # A transfer or roster role that does not exist matches none of the routes above: answer JSON like every other
    # refusal, not the web server's HTML page. Undocumented on purpose (nothing is read, so no sign-in either).
    @http("POST", "/api/v1/org/members/<string:member_id>/<path:action>")
    def unknown_member_action(self, request, member_id, action):
        return _unknown(f"没有此操作，操作应为以下之一：{'、'.join(MEMBERSHIP.transitions)}", "action",
                        "party_member.unknown_action")

    @http("PUT", "/api/v1/org/rosters/<string:area_code>/<path:role>")
    def unknown_roster_role(self, request, area_code, role):
        return _unknown(f"没有此名册岗位，应为以下之一：{'、'.join(ROSTER_LABELS)}", "role", "area_roster.unknown_role")
