"""Staff accounts: roles scoped to areas, what each role may do, the password policy, lock-out, and the scope a
request carries to the services. Plain rules, no I/O."""
import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.petitions import petitions
from shared.errors import Forbidden


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
# Petitions: read; register (the petitions office's duties); handle (the receiving unit's and the reviewing
# organ's); supervise (supervision orders, leaders' ownership, visits, hard cases). Defined with the table.
P_READ, P_REGISTER, P_HANDLE, P_SUPERVISE = (petitions.P_READ, petitions.P_REGISTER, petitions.P_HANDLE,
                                             petitions.P_SUPERVISE)
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
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.county_admin: frozenset({READ, WRITE, IMPORT, REVEAL, STAFF, A_READ, A_REPORT, A_DISPATCH, A_HANDLE,
                                  A_ATTACH, A_CONFIGURE, *MEDIATION_ALL, *PETITIONS_ALL, *CREDIT_ALL,
                                  *RISK_ALL, *ORG_ALL}),
    Role.township_staff: frozenset({READ, WRITE, IMPORT, REVEAL, A_READ, A_REPORT, A_DISPATCH, A_HANDLE,
                                    A_ATTACH, *MEDIATION_ALL, P_READ, P_REGISTER, P_HANDLE, C_READ, C_AWARD,
                                    C_APPROVE, C_STORE, R_READ, R_ASSESS, R_OPINION, *ORG_ALL}),
    Role.village_cadre: frozenset({READ, WRITE, REVEAL, A_READ, A_REPORT, A_HANDLE, A_ATTACH, M_READ, M_INTAKE,
                                   M_MEDIATE, P_READ, P_REGISTER, C_READ, C_AWARD, C_APPROVE, C_STORE, R_READ,
                                   *ORG_ALL}),
    Role.grid_worker: frozenset({READ, WRITE, REVEAL, A_READ, A_REPORT, A_ATTACH, M_READ, C_READ, C_AWARD, O_READ}),
    Role.mediator: frozenset({READ, A_READ, M_READ, M_INTAKE, M_MEDIATE}),
    Role.petition_officer: frozenset({READ, A_READ, M_READ, *PETITIONS_ALL, C_READ, R_READ}),
    Role.department_user: frozenset({READ, A_READ, A_HANDLE, A_ATTACH, P_READ, P_HANDLE, R_READ, R_OPINION}),
    Role.leader: frozenset({READ, A_READ, M_READ, P_READ, P_SUPERVISE, C_READ, R_READ, O_READ}),
    Role.auditor: frozenset({AUDIT}),
}

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
PASSWORD_MIN_LENGTH = 10


class Grant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role
    area_code: Annotated[str, Field(pattern=r"^500229(\d{3}){0,3}$")]


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    username: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{2,31}$")]
    display_name: Annotated[str, Field(min_length=1, max_length=40)]
    password: str
    grants: Annotated[list[Grant], Field(min_length=1, max_length=20)]

    @field_validator("password")
    @classmethod
    def _policy(cls, value):
        problem = password_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def password_problem(password: str, username: str | None = None) -> str | None:
    """The policy, in the words staff see: None when the password is acceptable."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"密码至少{PASSWORD_MIN_LENGTH}位"
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    if classes < 3:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名"
    if password.lower() in {"password123!", "admin@12345", "qwerty12345!"}:
        return "密码过于常见"
    return None


def scope_for(grants: list[dict], permission: str) -> list[str]:
    """The area codes in which these grants allow `permission`; refused outright when none does."""
    codes = sorted({g["area_code"] for g in grants if permission in PERMISSIONS[Role(g["role"])]})
    if not codes:
        raise Forbidden("当前角色无权进行此操作", code="auth.forbidden")
    return codes


def areas_with(grants: list[dict], permission: str) -> list[str]:
    """The area codes in which these grants carry `permission`; empty when none does (for what a route shows only
    to some of the roles it serves, such as political status)."""
    return sorted({g["area_code"] for g in grants if permission in PERMISSIONS[Role(g["role"])]})


def handlers_for(accounts_: list[dict], scope: list[str]) -> list[dict]:
    """Accounts that may handle grid affairs somewhere the caller works: area codes nest by prefix, so a grant
    on the township covers its villages and a grant on a village lies inside its township."""
    found = []
    for account in accounts_:
        areas = [g["area_code"] for g in account["grants"] if A_HANDLE in PERMISSIONS[Role(g["role"])]]
        if account.get("active", True) and any(a.startswith(s) or s.startswith(a) for a in areas for s in scope):
            found.append({"account_id": account["_id"], "display_name": account["display_name"],
                          "roles": sorted({ROLE_LABELS[Role(g["role"])] for g in account["grants"]})})
    return found


def is_locked(account: dict, now: datetime) -> bool:
    until = account.get("locked_until")
    return until is not None and until > now


def after_failed_login(account: dict, now: datetime) -> dict:
    """The changes to store after a wrong password: count it, and lock the account at the limit."""
    failed = account.get("failed_logins", 0) + 1
    if failed >= MAX_FAILED_LOGINS:
        return {"failed_logins": 0, "locked_until": now + timedelta(minutes=LOCK_MINUTES)}
    return {"failed_logins": failed}


class RateLimiter:
    """A token bucket per key: `rate` requests a second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int, max_keys: int = 10000):
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, now: float) -> bool:
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if len(self._buckets) > self.max_keys:
            self._buckets.clear()  # bounded memory beats perfect fairness under a flood of client addresses
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True
