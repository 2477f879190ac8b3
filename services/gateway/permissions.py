"""The permission matrix, in one place: the roles, the permissions they carry, and what kind of act each route is
(read, write, export, reveal). The gateway owns these names; a service's transition table names the duty of each
action with the same strings, and the routes pick their actions by them.

Leaders and auditors are read-only: a read-only role carries no permission that any write, export or reveal route
asks for (tests/e2e/test_permission_matrix.py walks every route as every role). A leader owns petitions (领导包案)
without writing: the petitions office assigns the case to the leader and records the visits; the leader follows
their cases under 我的包案 (docs/adr/0016-one-permission-matrix.md).

`python -m services.gateway.permissions write` renders docs/permissions.md (scripts/xz contracts does it too);
a contract test fails when the page and the code differ."""
import inspect
import re
import sys
from enum import StrEnum
from pathlib import Path


class Role(StrEnum):
    county_admin = "county_admin"
    township_staff = "township_staff"
    village_cadre = "village_cadre"
    grid_worker = "grid_worker"
    mediator = "mediator"
    petition_officer = "petition_officer"
    department_user = "department_user"
    leader = "leader"
    auditor = "auditor"


ROLE_LABELS = {
    Role.county_admin: "县级管理员", Role.township_staff: "乡镇（街道）工作人员", Role.village_cadre: "村（社区）干部",
    Role.grid_worker: "网格员", Role.mediator: "调解员", Role.petition_officer: "信访工作人员",
    Role.department_user: "部门用户", Role.leader: "领导（只读）", Role.auditor: "审计员",
}
READ_ONLY = frozenset({Role.leader, Role.auditor})

# Function-level rules: what each role may do at all. Object-level rules (which records) come from the areas
# of the grants that carry the permission.
READ, WRITE, IMPORT, REVEAL, STAFF, AUDIT = ("registry.read", "registry.write", "registry.import",
                                             "personal_data.reveal", "staff.manage", "audit.read")
# Grid affairs: read; report (patrol, collect, report, screen, verify, refer, place and dispatch orders: the grid's
# duties); dispatch (the township's: dispatch, return, close, reopen); handle (the cadre's or department's: handle,
# send back, deliver); attach (photos and documents, by anyone who works on cases); configure (the county's
# responsibility catalogue).
A_READ, A_REPORT, A_DISPATCH, A_HANDLE, A_ATTACH, A_CONFIGURE = (
    "affairs.read", "affairs.report", "affairs.dispatch", "affairs.handle", "affairs.attach", "affairs.configure")
# Mediation: read; intake (register at the talk office, complete a registration); mediate (every transition of a
# dispute, and its case file); configure (committees, mediators, talk offices).
M_READ, M_INTAKE, M_MEDIATE, M_CONFIGURE = ("mediation.read", "mediation.intake", "mediation.mediate",
                                            "mediation.configure")
MEDIATION_ALL = frozenset({M_READ, M_INTAKE, M_MEDIATE, M_CONFIGURE})
# Petitions: read; register (the petitions office: register, transfer and assign, conclude, convert, ask for a
# review on the petitioner's behalf); handle (the receiving unit and the reviewing organ: accept, decline, object,
# extend, reply, decide reviews); supervise (supervision orders, assigning the owning leader, visits, hard cases).
P_READ, P_REGISTER, P_HANDLE, P_SUPERVISE = ("petitions.read", "petitions.register", "petitions.handle",
                                             "petitions.supervise")
PETITIONS_ALL = frozenset({P_READ, P_REGISTER, P_HANDLE, P_SUPERVISE})
# Credit and points: read (passbooks, the notice board, rankings, ratings, listings); award (submit a manual award
# with its evidence, record an objection); approve (the second person: approve or reject, decide objections and
# appeals, post, correct an entry); store (the village store's counter: stock, reserve, fulfil, cancel); configure
# (the county's rule catalogue, items, stores, enterprises, the court's debtor list).
C_READ, C_AWARD, C_APPROVE, C_STORE, C_CONFIGURE = ("credit.read", "credit.award", "credit.approve", "credit.store",
                                                    "credit.configure")
CREDIT_ALL = frozenset({C_READ, C_AWARD, C_APPROVE, C_STORE, C_CONFIGURE})
# Joint risk assessment: read (scores, alerts, register, meetings, designations); assess (the register, convening
# and concluding meetings, tasks); opinion (a member unit's opinion at a meeting, reporting its task done);
# configure (member units, designations run, the rebuild check).
R_READ, R_ASSESS, R_OPINION, R_CONFIGURE = "risk.read", "risk.assess", "risk.opinion", "risk.configure"
RISK_ALL = frozenset({R_READ, R_ASSESS, R_OPINION, R_CONFIGURE})
# Party organisation: read (tree, coverage gaps, members with masked names, cadres, rosters, figures); manage (the
# tree, members, transfers, 双报到, cadres, joint building, rosters); sensitive (members' political status, the
# day they joined and their names in full: party-building staff only, never leaders' dashboards or grid workers).
O_READ, O_MANAGE, O_SENSITIVE = "org.read", "org.manage", "org.sensitive"
ORG_ALL = frozenset({O_READ, O_MANAGE, O_SENSITIVE})
# Places (综治中心, 综合服务设施, 重点区域 and 视频点位): read (registers, inspections, photos, figures); manage
# (register and change places, key areas and video points, import the registers, the platform's state reports);
# inspect (record an inspection with its photos, a video point's check on site); configure (the county's
# checklists and their versions).
PL_READ, PL_MANAGE, PL_INSPECT, PL_CONFIGURE = "places.read", "places.manage", "places.inspect", "places.configure"
PLACES_ALL = frozenset({PL_READ, PL_MANAGE, PL_INSPECT, PL_CONFIGURE})
# Village self-governance: read (rules, councils, matters, sessions, figures); manage (the village's own work:
# drafting and adopting rules, councils and their reports, matters' steps, sessions); file (the township's review
# and filing of rules, and following matters flagged as overdue). The same names as the village's face
# (services/village/api/codes.py).
V_READ, V_MANAGE, V_FILE = "village.read", "village.manage", "village.file"
VILLAGE_ALL = frozenset({V_READ, V_MANAGE, V_FILE})
# Emergency (平战转换): read (plans, activations, the board, closing reports); plan (write and publish plans);
# command (activate, change the level, extend, deactivate: the commander's); report (grid workers' household
# reports, hourly reports, tasks done). The same names as the emergency service's face (services/emergency/api).
E_READ, E_PLAN, E_COMMAND, E_REPORT = "emergency.read", "emergency.plan", "emergency.command", "emergency.report"
EMERGENCY_ALL = frozenset({E_READ, E_PLAN, E_COMMAND, E_REPORT})
# Assessment (考核评价): read (the scorecard of the plan's eight targets, the ranking, the records behind a figure,
# their export: figures of areas, no person); manage (the county's survey figures and city averages, closing a
# month). The same names as the assessment service's face (services/assessment/api/codes.py).
# appeal (a township's or village's own: appeal a point of its result, nominate for 评选, record an objection).
AS_READ, AS_MANAGE, AS_APPEAL = "assessment.read", "assessment.manage", "assessment.appeal"

PERMISSION_LABELS = {
    READ: "查看区划、网格、户与居民（脱敏）", WRITE: "登记和修改区划、网格员、户与居民", IMPORT: "批量导入户籍表",
    REVEAL: "查看完整个人信息（须填理由，记录审计）", STAFF: "管理工作人员账号与授权", AUDIT: "查看和校验审计日志",
    A_READ: "查看网格事件与服务单", A_REPORT: "巡查、采集上报、核查、派发服务单（网格员职责）",
    A_DISPATCH: "派单、退回、办结、重新办理（乡镇职责）", A_HANDLE: "办理反馈、退回（承办人职责）",
    A_ATTACH: "上传事件照片与材料", A_CONFIGURE: "维护责任事项清单",
    M_READ: "查看矛盾纠纷与调解指标", M_INTAKE: "登记纠纷、补正登记", M_MEDIATE: "调解流转与导出卷宗",
    M_CONFIGURE: "维护调委会、调解员、说事处",
    P_READ: "查看信访件与统计", P_REGISTER: "登记、转送交办、办结、转调解（信访部门）",
    P_HANDLE: "受理、延期、答复、复查复核意见（承办单位）", P_SUPERVISE: "督办、指定包案领导、记录约访、疑难信访",
    C_READ: "查看积分存折、公示、评级、名单", C_AWARD: "申报积分、登记异议与申诉", C_APPROVE: "复核积分、处理异议申诉、更正",
    C_STORE: "积分超市柜台：库存、兑换", C_CONFIGURE: "维护积分规则、商品、超市、企业与失信名单",
    R_READ: "查看风险分值、预警、台账、研判会", R_ASSESS: "维护台账、召开研判会、督办任务", R_OPINION: "成员单位意见与任务反馈",
    R_CONFIGURE: "维护成员单位、评定平安创建、重算校验",
    O_READ: "查看党组织、党员（姓名脱敏）、名册与指标", O_MANAGE: "维护党组织、党员、双报到、下沉、共建、名册",
    O_SENSITIVE: "查看党员政治面貌与完整姓名",
    PL_READ: "查看综治中心、服务设施、重点区域与视频点位", PL_MANAGE: "登记和维护场所、重点区域、视频点位，导入台账",
    PL_INSPECT: "检查场所、现场核查视频点位", PL_CONFIGURE: "维护检查标准及其版本",
    V_READ: "查看村规民约、四会、议事与村民说事", V_MANAGE: "村级自治事务：起草通过村规民约、四会、议事、说事",
    V_FILE: "乡镇审查备案村规民约、督办超期事项",
    E_READ: "查看应急预案、启动、态势与总结", E_PLAN: "编制和发布应急预案", E_COMMAND: "启动、调整等级、扩大、解除响应（指挥）",
    E_REPORT: "入户核查上报、定时报告、任务完成（网格员）",
    AS_READ: "查看八项目标记分卡、排名与指标记录，导出表格；查看考核结果与评选",
    AS_MANAGE: "录入测评得分、月度结账；制定考核方案、评分、裁定申诉、发布；评选评审、公示、表彰",
    AS_APPEAL: "本级考核得分申诉、评选推荐、登记异议",
}

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.county_admin: frozenset({READ, WRITE, IMPORT, REVEAL, STAFF, A_READ, A_REPORT, A_DISPATCH, A_HANDLE,
                                  A_ATTACH, A_CONFIGURE, *MEDIATION_ALL, *PETITIONS_ALL, *CREDIT_ALL,
                                  *RISK_ALL, *ORG_ALL, *PLACES_ALL, *VILLAGE_ALL, *EMERGENCY_ALL,
                                  AS_READ, AS_MANAGE, AS_APPEAL}),
    Role.township_staff: frozenset({READ, WRITE, IMPORT, REVEAL, A_READ, A_REPORT, A_DISPATCH, A_HANDLE,
                                    A_ATTACH, *MEDIATION_ALL, P_READ, P_REGISTER, P_HANDLE, C_READ, C_AWARD,
                                    C_APPROVE, C_STORE, R_READ, R_ASSESS, R_OPINION, *ORG_ALL, PL_READ,
                                    PL_MANAGE, PL_INSPECT, V_READ, V_FILE, *EMERGENCY_ALL, AS_READ,
                                    AS_APPEAL}),
    Role.village_cadre: frozenset({READ, WRITE, REVEAL, A_READ, A_REPORT, A_HANDLE, A_ATTACH, M_READ, M_INTAKE,
                                   M_MEDIATE, P_READ, P_REGISTER, C_READ, C_AWARD, C_APPROVE, C_STORE, R_READ,
                                   *ORG_ALL, PL_READ, PL_MANAGE, V_READ, V_MANAGE, *EMERGENCY_ALL, AS_READ,
                                   AS_APPEAL}),
    Role.grid_worker: frozenset({READ, WRITE, REVEAL, A_READ, A_REPORT, A_ATTACH, M_READ, C_READ, C_AWARD, O_READ,
                                 PL_READ, V_READ, E_READ, E_REPORT}),
    Role.mediator: frozenset({READ, A_READ, M_READ, M_INTAKE, M_MEDIATE}),
    Role.petition_officer: frozenset({READ, A_READ, M_READ, *PETITIONS_ALL, C_READ, R_READ}),
    Role.department_user: frozenset({READ, A_READ, A_HANDLE, A_ATTACH, P_READ, P_HANDLE, R_READ, R_OPINION,
                                     PL_READ, PL_INSPECT, E_READ}),
    Role.leader: frozenset({READ, A_READ, M_READ, P_READ, C_READ, R_READ, O_READ, PL_READ, V_READ, E_READ,
                           AS_READ}),
    Role.auditor: frozenset({AUDIT}),
}


class Kind(StrEnum):
    read = "read"        # reads, masked where personal
    write = "write"      # changes something
    export = "export"    # hands out a document with personal data in full (audited)
    reveal = "reveal"    # shows personal data in full on screen (needs a reason, audited)


KIND_LABELS = {Kind.read: "读取", Kind.write: "写入", Kind.export: "导出", Kind.reveal: "显示完整个人信息"}
# Routes whose kind their method does not tell: searches that keep an ID number out of the URL are POSTs that read,
# and a case file carries every party in full. Every other route is a read when it is a GET and a write otherwise,
# or a reveal when it is audited as one.
KINDS = {
    ("POST", "/api/v1/residents/search"): Kind.read,
    ("POST", "/api/v1/credit/discipline"): Kind.read,
    ("POST", "/api/v1/public/requests/track"): Kind.read,
    ("POST", "/api/v1/public/credit/passbook"): Kind.read,
    ("POST", "/api/v1/public/survey/questions"): Kind.read,
    ("GET", "/api/v1/disputes/<string:dispute_id>/case-file"): Kind.export,
}
PUBLIC, SELF = None, "self"  # a route anyone may call; any signed-in account, for its own matters


def route_kind(method: str, url: str, spec: dict) -> Kind:
    if (method, url) in KINDS:
        return KINDS[(method, url)]
    if spec.get("audit") == "personal_data.reveal":
        return Kind.reveal
    return Kind.read if method in ("GET", "HEAD") else Kind.write


def allowed(role: Role, permission: str | None) -> bool:
    return permission in (PUBLIC, SELF) or permission in PERMISSIONS[role]


def routes() -> list[tuple[str, str, dict]]:
    """(method, url, spec) of every documented route of the gateway (its http.Route entrypoints), in path order."""
    from .service import GatewayService

    found = {(e.method, e.url): e.spec for _, member in inspect.getmembers(GatewayService, inspect.isfunction)
             for e in getattr(member, "nameko_entrypoints", ()) if hasattr(e, "spec")}
    return [(m, u, found[(m, u)]) for m, u in sorted(found, key=lambda k: (k[1], k[0]))]


def render() -> str:
    roles = list(Role)
    lines = ["# 权限矩阵 (permission matrix)", "",
             "Generated from `services/gateway/permissions.py` by `scripts/xz contracts`; a test fails when it "
             "differs. Every route is one of four kinds: 读取 read, 写入 write, 导出 export (a document with "
             "personal data in full, audited), 显示完整个人信息 reveal (needs a reason, audited). Leaders and "
             "auditors are read-only. Object-level rules (which records) follow the areas of the grants "
             "(docs/adr/0005-area-scope.md).", "",
             "## Roles × permissions", "",
             "| permission | meaning | " + " | ".join(f"`{r.value}` {ROLE_LABELS[r]}" for r in roles) + " |",
             "|---|---|" + "---|" * len(roles)]
    for permission, label in PERMISSION_LABELS.items():
        lines.append(f"| `{permission}` | {label} | " +
                     " | ".join("✓" if permission in PERMISSIONS[r] else "" for r in roles) + " |")
    lines += ["", "## Routes", "", "Public routes need no account; `self` routes any signed-in account.", "",
              "| method | path | kind | permission | roles |", "|---|---|---|---|---|"]
    for method, url, spec in routes():
        permission = spec["permission"]
        path = re.sub(r"<any\(([^)]*)\):\w+>", lambda m: "{" + m.group(1).replace(",", "\\|") + "}", url)
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", path)
        who = ("everyone" if permission is PUBLIC else "any signed-in account" if permission == SELF
               else ", ".join(r.value for r in roles if permission in PERMISSIONS[r]))
        lines.append(f"| {method} | `{path}` | {KIND_LABELS[route_kind(method, url, spec)]} | "
                     f"{'`' + permission + '`' if permission else '—'} | {who} |")
    return "\n".join(lines) + "\n"


DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        same = DOC.exists() and DOC.read_text(encoding="utf-8") == render()
        print("docs/permissions.md matches the code" if same else "docs/permissions.md differs from the code")
        sys.exit(0 if same else 1)
    DOC.write_text(render(), encoding="utf-8")
    print("wrote docs/permissions.md")
