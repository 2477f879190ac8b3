"""A small subscriber service used by the reliability, fault and benchmark runs: it handles grid events through
the suite's inbox and writes one record per applied event, so doubles and losses can be counted."""
import os

from shared.errors import Unavailable
from shared.mongo import ASC, Index
from shared.service import ReliableService
from shared.storage import Storage
from shared.subscriber import handles

TRANSIENT = {"left": 0}  # how many more deliveries fail as transient (set by a test)


class ProbeStore:
    INDEXES = [Index("applied", [("event_id", ASC)])]

    def __init__(self, db):
        self.db = db


class ProbeService(ReliableService):
    name = "probe"
    db = Storage(ProbeStore)

    @handles("grid", "household.registered")
    def on_household_registered(self, tx, envelope):
        if os.environ.get("PROBE_FAIL") == "1":
            raise RuntimeError("probe told to fail")
        if TRANSIENT["left"] > 0:  # a write conflict or an unavailable store, as the store layer reports them
            TRANSIENT["left"] -= 1
            raise Unavailable("数据并发冲突，请重试", code="store.conflict_retry")
        self.db.db.applied.insert_one({"event_id": envelope.event_id, "event_type": envelope.event_type,
                                       "household_id": envelope.data["household_id"]}, session=tx.session)
