"""The event ids a subscriber has handled, kept in a SQLite file of its own: the suite delivers at least once (a
message comes again after a broker or consumer restart), so `event_id` is the deduplication key."""
import sqlite3
import time


class SeenEvents:
    def __init__(self, path: str = ":memory:"):
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY, event_type TEXT, at REAL)")

    def __contains__(self, event_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM seen WHERE event_id = ?", (event_id,)).fetchone() is not None

    def add(self, event_id: str, event_type: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (event_id, event_type, time.time()))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def close(self) -> None:
        self._db.close()
