"""MongoDB access shared by every service: one client per process, the service's own database, indexes, and
transactions.

pymongo clients are not fork-safe, so they are made in `connect()` called from a provider's `setup()`, never at
import time. pymongo is pinned below 4.16, the last line that works under eventlet.
"""
import random
import time
from dataclasses import dataclass

from pymongo import ASCENDING, DESCENDING, MongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError
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


# Concurrent writers to the same documents abort each other's transactions. Retried at once (as pymongo's
# with_transaction does, for up to two minutes) they keep aborting each other; each attempt here first waits a
# random while that grows with the attempt, so one of them gets through.
TRANSACTION_ATTEMPTS = 12
COMMIT_ATTEMPTS = 3


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, PyMongoError) and exc.has_error_label("TransientTransactionError")


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, min(0.5, 0.005 * 2 ** attempt)))


def _commit(session) -> None:
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            session.commit_transaction()
            return
        except PyMongoError as exc:
            if exc.has_error_label("UnknownTransactionCommitResult") and attempt < COMMIT_ATTEMPTS:
                continue  # committing again is safe: the server answers with the first commit's outcome
            raise


def _attempt(session, fn):
    session.start_transaction(read_concern=ReadConcern("snapshot"), write_concern=WriteConcern("majority"))
    try:
        result = fn(session)
    except BaseException:
        if session.in_transaction:
            try:
                session.abort_transaction()
            except PyMongoError:
                pass  # the server drops an abandoned transaction by itself
        raise
    _commit(session)
    return result


def run_in_transaction(client: MongoClient, fn):
    """Run fn(session) in one multi-document transaction; on a transient conflict fn runs again, after a pause."""
    try:
        with client.start_session() as session:
            for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
                try:
                    return _attempt(session, fn)
                except PyMongoError as exc:
                    if not _transient(exc) or attempt == TRANSACTION_ATTEMPTS:
                        raise
                    _pause(attempt)
    except ConnectionFailure as exc:
        raise Unavailable("数据库暂不可用，请稍后重试", code="store.unavailable") from exc
    except OperationFailure as exc:
        if exc.has_error_label("TransientTransactionError"):
            raise Unavailable("数据并发冲突，请重试", code="store.conflict_retry") from exc
        raise


ASC = ASCENDING
DESC = DESCENDING
