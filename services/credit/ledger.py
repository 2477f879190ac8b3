"""The ledger's hash chain: each entry of a passbook carries the hash of the one before it, so an edited, removed or
reordered entry breaks the chain from that point on. Plain functions; the store appends, reconcile.py verifies."""
import hashlib
import json
from datetime import datetime

GENESIS = "0" * 64
# The fields the hash covers: everything that says what happened and to whom, in a fixed order.
HASHED = ("passbook_id", "seq", "rule_code", "delta", "balance_after", "source_key", "corrects", "at", "prev_hash")


def _plain(value):
    return value.isoformat(timespec="milliseconds") if isinstance(value, datetime) else value


def entry_hash(entry: dict) -> str:
    body = json.dumps([_plain(entry.get(k)) for k in HASHED], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def verify(passbook: dict, entries: list[dict]) -> list[str]:
    """What is wrong with one passbook's chain and balance (empty when it is sound); entries in seq order."""
    problems = []
    prev, balance = GENESIS, 0
    for expected_seq, entry in enumerate(entries, start=1):
        where = f"{passbook['_id']} #{entry.get('seq')}"
        if entry.get("seq") != expected_seq:
            problems.append(f"{where}: 序号不连续（应为 {expected_seq}）")
        if entry.get("prev_hash") != prev:
            problems.append(f"{where}: 前序哈希不符")
        if entry_hash(entry) != entry.get("hash"):
            problems.append(f"{where}: 记录内容与哈希不符（被改动）")
        balance += entry.get("delta", 0)
        if entry.get("balance_after") != balance:
            problems.append(f"{where}: 余额应为 {balance}，记为 {entry.get('balance_after')}")
        if balance < 0:
            problems.append(f"{where}: 余额为负")
        prev = entry.get("hash")
    if passbook.get("balance") != balance:
        problems.append(f"{passbook['_id']}: 存折余额 {passbook.get('balance')} 与流水合计 {balance} 不符")
    if passbook.get("seq") != len(entries):
        problems.append(f"{passbook['_id']}: 存折记录数 {passbook.get('seq')} 与流水 {len(entries)} 条不符")
    if passbook.get("head_hash") != prev:
        problems.append(f"{passbook['_id']}: 存折末条哈希与流水不符")
    return problems
