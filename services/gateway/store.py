"""The gateway's own database: staff accounts, sessions and their refresh tokens, and the append-only audit log."""
import random
import secrets
import time
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from shared import clock, config
from shared.mongo import ASC, Index

from . import audit
from .accounts import Role, password_problem

hasher = PasswordHasher()
# Verifying against this keeps a wrong username as slow as a wrong password.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


def _pause() -> None:
    """A short random pause before racing for the next sequence number again, so racers spread out."""
    time.sleep(random.uniform(0.001, 0.02))


class GatewayStore:
    INDEXES = [
        Index("accounts", [("username", ASC)], unique=True),
        Index("refresh_tokens", [("account_id", ASC)]),
        Index("refresh_tokens", [("session_id", ASC)]),
        Index("sessions", [("account_id", ASC)]),
        Index("audit", [("seq", ASC)], unique=True),
        Index("audit_anchors", [("at", ASC)]),
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
               "grants": account["grants"], "token_version": 0, "active": True,
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

    def standing(self, account_id: str) -> tuple[int, bool] | None:
        """(token version, active) of an account, or None when it does not exist: what an access token is held to."""
        doc = self.db.accounts.find_one({"_id": account_id}, {"token_version": 1, "active": 1})
        return (doc.get("token_version", 0), bool(doc.get("active", True))) if doc else None

    def set_password(self, account_id: str, password: str) -> None:
        self.update_account(account_id, {"password_hash": hasher.hash(password), "must_change_password": False,
                                         "password_changed_at": clock.now()})

    @staticmethod
    def password_matches(account: dict | None, password: str) -> bool:
        try:
            return hasher.verify(account["password_hash"] if account else _DUMMY_HASH, password) and bool(account)
        except (VerifyMismatchError, VerificationError):
            return False

    # sessions and refresh tokens ------------------------------------------------------------------------
    def start_session(self, account_id: str, expires_at) -> str:
        session_id = uuid.uuid4().hex
        self.db.sessions.insert_one({"_id": session_id, "account_id": account_id, "started_at": clock.now(),
                                     "expires_at": expires_at, "ended_at": None})
        return session_id

    def session_open(self, session_id: str) -> bool:
        return self.db.sessions.count_documents({"_id": session_id, "ended_at": None}, limit=1) == 1

    def end_session(self, session_id: str) -> None:
        self.db.sessions.update_one({"_id": session_id, "ended_at": None}, {"$set": {"ended_at": clock.now()}})
        self.db.refresh_tokens.update_many({"session_id": session_id}, {"$set": {"revoked": True}})

    def end_every_session(self, account_id: str) -> None:
        """Every token of the account stops working: its version moves on, its sessions and refresh tokens end."""
        self.db.accounts.update_one({"_id": account_id}, {"$inc": {"token_version": 1}})
        self.db.sessions.update_many({"account_id": account_id, "ended_at": None}, {"$set": {"ended_at": clock.now()}})
        self.db.refresh_tokens.update_many({"account_id": account_id}, {"$set": {"revoked": True}})

    def remember_refresh(self, jti: str, account_id: str, session_id: str, expires_at) -> None:
        self.db.refresh_tokens.insert_one({"_id": jti, "account_id": account_id, "session_id": session_id,
                                           "expires_at": expires_at, "revoked": False})

    def use_refresh(self, jti: str) -> dict | None:
        """Spend a refresh token (each one works once: rotation makes a stolen copy show itself)."""
        return self.db.refresh_tokens.find_one_and_update({"_id": jti, "revoked": False},
                                                          {"$set": {"revoked": True, "used_at": clock.now()}})

    # audit --------------------------------------------------------------------------------------------
    def append_audit(self, entry: dict) -> None:
        """Chain the entry at once when nobody races for the next sequence number and nothing waits; otherwise keep
        it first (an insert nothing can race) and chain what is waiting. However many writers race, a waiting entry
        stays until one of them has chained it: the next append, or the gateway's anchor timer, finishes what
        contention left."""
        waiting = {"_id": ObjectId(), **{k: entry.get(k) for k in audit.FIELDS if k != "seq"},
                   "at": clock.now().replace(microsecond=0)}
        if self.db.audit_pending.count_documents({}, limit=1) == 0 and self._chain(waiting):
            return
        self.db.audit_pending.insert_one(waiting)
        self.seal_audit()

    def _chain(self, waiting: dict) -> bool:
        """Insert `waiting` as the row after the current head; False when another writer took that place first."""
        last = self.db.audit.find_one({}, sort=[("seq", -1)], projection={"seq": 1, "hash": 1})
        prev = last["hash"] if last else audit.GENESIS
        row = {**{k: waiting.get(k) for k in audit.FIELDS}, "_id": waiting["_id"], "seq": last["seq"] + 1 if last else 1}
        row["prev_hash"], row["hash"] = prev, audit.digest(row, prev)
        try:
            self.db.audit.insert_one(row)
            return True
        except DuplicateKeyError:
            return False

    def seal_audit(self, rounds: int = 200) -> int:
        """Chain waiting entries in the order they were kept; the number chained by this call."""
        chained = 0
        for _ in range(rounds):
            waiting = self.db.audit_pending.find_one({}, sort=[("_id", ASC)])
            if waiting is None:
                break
            if self._chain(waiting):
                chained += 1
            elif self.db.audit.count_documents({"_id": waiting["_id"]}, limit=1) == 0:
                _pause()  # another writer took the sequence number: try again on the new head
                continue
            # Chained, by this call or by another writer (the row's id is the entry's): off the waiting list.
            self.db.audit_pending.delete_one({"_id": waiting["_id"]})
        return chained

    def audit_waiting(self) -> int:
        return self.db.audit_pending.count_documents({})

    def audit_head(self) -> dict | None:
        return self.db.audit.find_one({}, sort=[("seq", -1)], projection={"_id": 0, "seq": 1, "hash": 1, "at": 1})

    def audit_row(self, seq: int) -> dict | None:
        return self.db.audit.find_one({"seq": seq}, projection={"_id": 0, "seq": 1, "hash": 1})

    def claim_anchor(self, head: dict) -> bool:
        """True for the one replica that anchors this head first (the others still write their own file)."""
        try:
            self.db.audit_anchors.insert_one({"_id": head["seq"], "hash": head["hash"], "at": clock.now()})
            return True
        except DuplicateKeyError:
            return False

    def anchors_published(self) -> list[dict]:
        """The anchors as the outbox sent them (kept there for OUTBOX_KEEP_DAYS)."""
        return [e["envelope"]["data"] for e in self.db.outbox.find({"envelope.event_type": "gateway.audit.head_anchored"})]

    def search_audit(self, query: dict, page: int, page_size: int) -> dict:
        total = self.db.audit.count_documents(query)
        items = list(self.db.audit.find(query, {"_id": 0}).sort("seq", -1).skip((page - 1) * page_size)
                     .limit(page_size))
        for item in items:
            item["at"] = item["at"].isoformat()
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    def audit_chain(self):
        return self.db.audit.find({}, sort=[("seq", 1)])
