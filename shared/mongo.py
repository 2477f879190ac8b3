"""MongoDB access shared by every service: one client per process, the service's own database, indexes, and
transactions.

pymongo clients are not fork-safe, so they are made in `connect()` called from a provider's `setup()`, never at
import time. pymongo is pinned below 4.16, the last line that works under eventlet.
"""
from dataclasses import dataclass

from pymongo import ASCENDING, DESCENDING, MongoClient
from pymongo.errors import ConnectionFailure, OperationFailure
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from shared import config
from shared.errors import Unavailable


@dataclass(frozen=True)
class Index:
    collection: str
    keys: list[tuple[str, int]]
    unique: bool = False
    sparse: bool = False
    name: str | None = None
    partial: dict | None = None

    def create(self, db):
        options = {"unique": self.unique}
        if self.sparse:
            options["sparse"] = True
        if self.name:
            options["name"] = self.name
        if self.partial:
            options["partialFilterExpression"] = self.partial
        db[self.collection].create_index(self.keys, **options)


def connect(service: str) -> MongoClient:
    return MongoClient(config.mongo_uri(service), tz_aware=True, serverSelectionTimeoutMS=5000,
                       retryWrites=True, appname=f"xiangzhi-{service}")


def ensure_indexes(db, indexes) -> None:
    for index in indexes:
        index.create(db)
        # Creating a collection inside a transaction is not allowed everywhere; make sure it exists first.
    existing = set(db.list_collection_names())
    for name in {i.collection for i in indexes} - existing:
        db.create_collection(name)


def run_in_transaction(client: MongoClient, fn):
    """Run fn(session) in one multi-document transaction, retried on transient errors by pymongo."""
    try:
        with client.start_session() as session:
            return session.with_transaction(
                fn, read_concern=ReadConcern("snapshot"), write_concern=WriteConcern("majority"))
    except ConnectionFailure as exc:
        raise Unavailable("数据库暂不可用，请稍后重试", code="store.unavailable") from exc
    except OperationFailure as exc:
        if exc.has_error_label("TransientTransactionError"):
            raise Unavailable("数据并发冲突，请重试", code="store.conflict_retry") from exc
        raise


ASC = ASCENDING
DESC = DESCENDING
