"""The audit log's hash chain: each entry's hash covers its content and the previous entry's hash, so editing,
removing or reordering any row breaks every hash after it. `python -m services.gateway.audit verify` checks the
chain of the running configuration's gateway database and exits non-zero at the first broken row."""
import hashlib
import json

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


def main(argv: list[str]) -> int:
    from shared import config, mongo

    if argv != ["verify"]:
        print("usage: python -m services.gateway.audit verify")
        return 2
    db = mongo.connect("gateway")[config.mongo_database("gateway")]
    broken = first_break(db.audit.find({}, sort=[("seq", 1)]))
    total = db.audit.count_documents({})
    if broken is None:
        print(f"audit chain intact: {total} entries")
        return 0
    print(f"audit chain broken at entry {broken} of {total}")
    return 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
