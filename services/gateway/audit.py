"""The audit log's hash chain: each entry's hash covers its content and the previous entry's hash, so editing,
removing or reordering any row breaks every hash after it. A rewrite of the whole chain would still hold together,
so its head is anchored outside the database: every AUDIT_ANCHOR_SECONDS the gateway appends the head (seq, hash)
to a file of its own (in AUDIT_ANCHOR_DIR, a line of JSON each) and publishes it as the event
`gateway.audit.head_anchored` for any system that keeps them. The chain must match every anchor.

    python -m services.gateway.audit verify [--anchors FILE ...]   # scripts/xz audit verify

checks the chain of the configured gateway database, the anchor file, the anchors the outbox published, and any
anchor files given (a subscriber's own record), and exits non-zero at the first difference."""
import hashlib
import json
import logging
import os
from pathlib import Path

from nameko.timer import Timer

log = logging.getLogger(__name__)

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "target", "outcome", "detail", "correlation_id")


def digest(entry: dict, prev_hash: str) -> str:
    content = {k: entry.get(k) for k in FIELDS}
    content["at"] = entry["at"].isoformat() if hasattr(entry.get("at"), "isoformat") else entry.get("at")
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def first_break(entries) -> int | None:
    """The seq of the first entry whose chain does not hold, or None when all of it holds."""
    prev, expected_seq = GENESIS, 1
    for entry in entries:
        if entry["seq"] != expected_seq or entry["prev_hash"] != prev or digest(entry, prev) != entry["hash"]:
            return entry["seq"]
        prev, expected_seq = entry["hash"], expected_seq + 1
    return None


def anchor_file() -> Path:
    """This gateway's anchor file: one per database, in AUDIT_ANCHOR_DIR (.local/ by default; in a cluster, a volume
    of its own or a log shipper's directory, anywhere but the database)."""
    from shared import config

    folder = os.environ.get("AUDIT_ANCHOR_DIR") or Path(__file__).resolve().parents[2] / ".local"
    return Path(folder) / f"audit-anchors-{config.mongo_database('gateway')}.jsonl"


def read_anchors(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_anchor(path: Path, head: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"seq": head["seq"], "hash": head["hash"], "at": _iso(head.get("at"))}, sort_keys=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _iso(value) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def mismatched(anchors: list[dict], row_of) -> list[int]:
    """The seq of every anchor that the chain no longer matches (a row missing, or a different hash)."""
    wrong = []
    for anchor in anchors:
        row = row_of(anchor["seq"])
        if row is None or row["hash"] != anchor["hash"]:
            wrong.append(anchor["seq"])
    return sorted(set(wrong))


def check(store, extra_anchor_files: tuple[Path, ...] = ()) -> dict:
    """The chain, then every anchor it must match: the file, the published events, and any files given."""
    store.seal_audit()
    anchors = {"file": read_anchors(anchor_file()), "events": store.anchors_published()}
    for path in extra_anchor_files:
        anchors[str(path)] = read_anchors(Path(path))
    wrong = {source: mismatched(found, store.audit_row) for source, found in anchors.items()}
    broken = first_break(store.audit_chain())
    return {"intact": broken is None and not any(wrong.values()), "first_broken_seq": broken,
            "anchors_checked": {source: len(found) for source, found in anchors.items()},
            "anchors_mismatched": {source: seqs for source, seqs in wrong.items() if seqs},
            "waiting": store.audit_waiting()}


class AnchorTimer(Timer):
    """nameko's timer with its interval read when the container starts (AUDIT_ANCHOR_SECONDS), not at import."""

    def __init__(self, **kwargs):
        super().__init__(interval=300, **kwargs)

    def setup(self):
        from shared import config

        self.interval = config.audit_anchor_seconds()
        super().setup()


every_anchor_interval = AnchorTimer.decorator


def anchor(store, publish) -> dict | None:
    """Chain what waits, append the head to this replica's anchor file, and publish it once (`publish(head)`) unless
    another replica already did. None when there is nothing to anchor."""
    store.seal_audit()
    head = store.audit_head()
    if head is None:
        return None
    path = anchor_file()
    try:
        known = read_anchors(path)
        if not known or known[-1]["seq"] != head["seq"]:
            write_anchor(path, head)
    except OSError:  # the event still goes out; a file that cannot be written is loud in the logs
        log.exception("audit anchor file %s not written", path)
    if store.claim_anchor(head):
        publish(head)
    return head


def main(argv: list[str]) -> int:
    from shared import config, mongo

    from .store import GatewayStore

    if not argv or argv[0] != "verify" or (argv[1:] and argv[1] != "--anchors"):
        print("usage: python -m services.gateway.audit verify [--anchors FILE ...]")
        return 2
    store = GatewayStore(mongo.connect("gateway")[config.mongo_database("gateway")])
    found = check(store, tuple(Path(p) for p in argv[2:]))
    total = store.db.audit.count_documents({})
    checked = ", ".join(f"{n} from {source}" for source, n in found["anchors_checked"].items())
    if found["intact"]:
        print(f"audit chain intact: {total} entries; anchors matched: {checked}")
        return 0
    if found["first_broken_seq"] is not None:
        print(f"audit chain broken at entry {found['first_broken_seq']} of {total}")
    for source, seqs in found["anchors_mismatched"].items():
        print(f"the chain no longer matches the anchors of {source} at entries {', '.join(map(str, seqs))}")
    return 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
