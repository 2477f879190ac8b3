"""The gateway's own database: staff accounts, refresh tokens, and the append-only audit log."""
import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from pymongo.errors import DuplicateKeyError

from shared import clock, config
from shared.mongo import ASC, Index

from . import audit
from .accounts import Role, password_problem

hasher = PasswordHasher()
# Verifying against this keeps a wrong username as slow as a wrong password.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


class GatewayStore:
    INDEXES = [
        Index("accounts", [("username", ASC)], unique=True),
        Index("refresh_tokens", [("account_id", ASC)]),
        Index("audit", [("seq", ASC)], unique=True),
        Index("audit", [("actor.id", ASC), ("at", ASC)]),
        Index("audit", [("action", ASC), ("at", ASC)]),
    ]

    def __init__(self, db):
        self.db = db

    def on_start(self) -> None:
        """The first administrator, from ADMIN_INITIAL_PASSWORD, when there is no account yet."""
        if self.db.accounts.count_documents({}, limit=1):
            return
        password = config.admin_initial_password()
        if not password:
            if config.is_production():
                raise RuntimeError("ADMIN_INITIAL_PASSWORD is required to create the first administrator")
            return
        if password_problem(password, "admin") and config.is_production():
            raise RuntimeError("ADMIN_INITIAL_PASSWORD does not meet the password policy")
        self.create_account({"username": "admin", "display_name": "系统管理员", "password": password,
                             "grants": [{"role": Role.county_admin.value, "area_code": "500229"}]},
                            must_change_password=True)

    # accounts ---------------------------------------------------------------------------------------
    def create_account(self, account: dict, must_change_password: bool = False) -> dict:
        doc = {"_id": uuid.uuid4().hex[:16], "username": account["username"],
               "display_name": account["display_name"], "password_hash": hasher.hash(account["password"]),
               "grants": account["grants"], "failed_logins": 0, "locked_until": None, "active": True,
               "must_change_password": must_change_password, "created_at": clock.now()}
        try:
            self.db.accounts.insert_one(doc)
        except DuplicateKeyError:
            from shared.errors import Conflict

            raise Conflict("用户名已存在", field="username", code="account.duplicate") from None
        return doc

    def account_by_username(self, username: str) -> dict | None:
        return self.db.accounts.find_one({"username": username})

    def account(self, account_id: str) -> dict | None:
        return self.db.accounts.find_one({"_id": account_id})

    def list_accounts(self) -> list[dict]:
        return list(self.db.accounts.find({}, {"password_hash": 0}).sort("username", ASC))

    def update_account(self, account_id: str, changes: dict) -> None:
        self.db.accounts.update_one({"_id": account_id}, {"$set": changes})

    def set_password(self, account_id: str, password: str) -> None:
        self.update_account(account_id, {"password_hash": hasher.hash(password), "must_change_password": False,
                                         "password_changed_at": clock.now()})

    @staticmethod
    def password_matches(account: dict | None, password: str) -> bool:
        try:
            return hasher.verify(account["password_hash"] if account else _DUMMY_HASH, password) and bool(account)
        except (VerifyMismatchError, VerificationError):
            return False

    # refresh tokens ---------------------------------------------------------------------------------
    def remember_refresh(self, jti: str, account_id: str, expires_at) -> None:
        self.db.refresh_tokens.insert_one({"_id": jti, "account_id": account_id, "expires_at": expires_at,
                                           "revoked": False})

    def use_refresh(self, jti: str) -> dict | None:
        """Spend a refresh token (each one works once: rotation makes a stolen copy show itself)."""
        return self.db.refresh_tokens.find_one_and_update({"_id": jti, "revoked": False},
                                                          {"$set": {"revoked": True, "used_at": clock.now()}})

    def revoke_refresh_tokens(self, account_id: str) -> None:
        self.db.refresh_tokens.update_many({"account_id": account_id}, {"$set": {"revoked": True}})

    # audit --------------------------------------------------------------------------------------------
    def append_audit(self, entry: dict) -> dict:
        """Append to the chain; concurrent appends race on the unique seq and the loser retries."""
        for _ in range(50):
            last = self.db.audit.find_one({}, sort=[("seq", -1)])
            seq = last["seq"] + 1 if last else 1
            prev = last["hash"] if last else audit.GENESIS
            row = {**{k: entry.get(k) for k in audit.FIELDS}, "seq": seq, "at": clock.now().replace(microsecond=0)}
            row["prev_hash"], row["hash"] = prev, audit.digest(row, prev)
            try:
                self.db.audit.insert_one(row)
                return row
            except DuplicateKeyError:
                continue
        raise RuntimeError("audit log append kept racing")

    def search_audit(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.audit.count_documents(query)
        items = list(self.db.audit.find(query, {"_id": 0}).sort("seq", -1).skip((page - 1) * page_size)
                     .limit(page_size))
        for item in items:
            item["at"] = item["at"].isoformat()
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def audit_chain(self):
        return self.db.audit.find({}, sort=[("seq", 1)])
