"""Staff accounts: grants of roles on areas, the password policy, and the scope a request carries to the services.
Plain rules, no I/O; what each role may do is the matrix in permissions.py."""
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.errors import Forbidden

# The matrix itself lives in permissions.py; its names are here too for the modules that speak of accounts.
from .permissions import (  # noqa: F401
    A_ATTACH,
    A_CONFIGURE,
    A_DISPATCH,
    A_HANDLE,
    A_READ,
    A_REPORT,
    AUDIT,
    C_APPROVE,
    C_AWARD,
    C_CONFIGURE,
    C_READ,
    C_STORE,
    E_COMMAND,
    E_PLAN,
    E_READ,
    E_REPORT,
    EMERGENCY_ALL,
    IMPORT,
    M_CONFIGURE,
    M_INTAKE,
    M_MEDIATE,
    M_READ,
    O_MANAGE,
    O_READ,
    O_SENSITIVE,
    P_HANDLE,
    P_READ,
    P_REGISTER,
    P_SUPERVISE,
    PERMISSIONS,
    PL_CONFIGURE,
    PL_INSPECT,
    PL_MANAGE,
    PL_READ,
    PLACES_ALL,
    R_ASSESS,
    R_CONFIGURE,
    R_OPINION,
    R_READ,
    READ,
    REVEAL,
    ROLE_LABELS,
    STAFF,
    V_FILE,
    V_MANAGE,
    V_READ,
    VILLAGE_ALL,
    WRITE,
    Role,
)

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
