"""Reconciliation: every passbook's chain is whole (sequence, previous hash, each entry's own hash) and its
balance is the sum of its entries; no stock is below zero; every reserved or fulfilled redemption has its entry.
Reads the credit database directly and changes nothing. Exit status 0 when all is sound, 1 otherwise.

    python -m services.credit.reconcile
"""
import sys

from shared import config, mongo

from . import ledger


def check(db) -> tuple[int, list[str]]:
    """(passbooks checked, problems found)."""
    problems: list[str] = []
    checked = 0
    for passbook in db.passbooks.find({}).sort("_id", 1):
        entries = list(db.ledger.find({"passbook_id": passbook["_id"]}).sort("seq", 1))
        problems += ledger.verify(passbook, entries)
        checked += 1
    known = {p["_id"] for p in db.passbooks.find({}, {"_id": 1})}
    orphans = db.ledger.count_documents({"passbook_id": {"$nin": list(known)}}) if known else \
        db.ledger.count_documents({})
    if orphans:
        problems.append(f"{orphans} 条流水不属于任何存折")
    for row in db.stock.find({"quantity": {"$lt": 0}}):
        problems.append(f"库存为负：{row['_id']} = {row['quantity']}")
    for redemption in db.redemptions.find({"status": {"$in": ["reserved", "fulfilled"]}}):
        if db.ledger.find_one({"source_key": f"redeem:{redemption['_id']}"}) is None:
            problems.append(f"兑换 {redemption['_id']} 没有对应的扣分流水")
    return checked, problems


def main() -> int:
    client = mongo.connect("credit")
    try:
        checked, problems = check(client[config.mongo_database("credit")])
    finally:
        client.close()
    for problem in problems:
        print(problem)
    print(f"核对存折 {checked} 本：" + ("全部相符" if not problems else f"发现 {len(problems)} 处问题"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
