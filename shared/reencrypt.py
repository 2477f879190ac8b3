"""Move personal data sealed with an older key to the current one, after a key rotation (docs/security.md).

Every store keeps a sealed value ({"k", "c"}) under the name of its field, which is also its associated data, so
the walk needs to know no service: it finds every sealed value whose key id is not the current one, opens it with
the previous key and writes it sealed with the current key. Each write is conditional on the old ciphertext still
being there, so a service that rewrote the value meanwhile (already with the new key) is left alone, and a run that
stops half-way is finished by running it again.

    python -m shared.reencrypt            # every service's database (scripts/xz reencrypt)
"""
import sys

from shared import config, mongo
from shared.pii import PiiCipher, is_sealed


def _sealed_paths(value, path: str = "", field: str = ""):
    """(dotted path, field name, sealed value) of every sealed value inside a document."""
    if is_sealed(value):
        yield path, field, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _sealed_paths(inner, f"{path}.{key}" if path else key, key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _sealed_paths(inner, f"{path}.{i}", field)


def reencrypt_database(db, cipher: PiiCipher) -> dict[str, int]:
    """Reseal what an older key sealed in one database; the count of values moved per collection."""
    moved = {}
    for name in db.list_collection_names():
        count = 0
        # Only documents with a sealed value somewhere are worth a look; the filter cannot see nesting, so the walk
        # reads each document once and updates the ones that need it.
        for doc in db[name].find({}):
            stale = [(p, f, s) for p, f, s in _sealed_paths(doc) if not cipher.is_current(s) and p != "_id"]
            if not stale:
                continue
            condition = {"_id": doc["_id"], **{p: s for p, _, s in stale}}
            changes = {p: cipher.reseal(f, s) for p, f, s in stale}
            count += len(stale) * db[name].update_one(condition, {"$set": changes}).modified_count
        if count:
            moved[name] = count
    return moved


def stale_count(db, cipher: PiiCipher) -> int:
    """Sealed values in a database that are not under the current key (0 once re-encryption is done)."""
    return sum(1 for name in db.list_collection_names() for doc in db[name].find({})
               for _, _, s in _sealed_paths(doc) if not cipher.is_current(s))


def main() -> int:
    cipher = PiiCipher(*config.pii_keys())
    total = 0
    for service in config.SERVICES:
        db = mongo.connect(service)[config.mongo_database(service)]
        moved = reencrypt_database(db, cipher)
        total += sum(moved.values())
        for collection, count in sorted(moved.items()):
            print(f"{service}.{collection}: {count} values resealed with key {cipher.key_id}")
    left = sum(stale_count(mongo.connect(s)[config.mongo_database(s)], cipher) for s in config.SERVICES)
    print(f"{total} values resealed; {left} still under an older key")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
