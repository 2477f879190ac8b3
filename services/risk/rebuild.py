"""Recompute every village's and township's score from the stored signals and compare with the live scores.

Run: `python -m services.risk.rebuild` (prints each mismatch; exits 1 when there is one, 0 when all agree).
"""
import json
import sys

from pymongo import MongoClient

from shared import config

from .commands import compare


def main() -> int:
    client = MongoClient(config.mongo_uri("risk"), tz_aware=True, serverSelectionTimeoutMS=5000)
    try:
        result = compare(client[config.mongo_database("risk")])
    finally:
        client.close()
    for mismatch in result["mismatches"]:
        print("mismatch", json.dumps(mismatch, ensure_ascii=False))
    print(f"{result['areas']} areas from {result['signals']} signals: "
          f"{'all scores reproduced' if result['ok'] else str(len(result['mismatches'])) + ' mismatches'}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
