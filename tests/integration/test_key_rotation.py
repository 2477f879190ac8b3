"""Rotating the personal-data key on a running registry: what was sealed before stays readable, what is written
after is sealed with the new key, and the re-encryption command moves the rest, after which the old key can go."""
import base64

from services.grid.service import GridService
from shared import config, keys, reencrypt
from shared.pii import PiiCipher
from tests import factories
from tests.harness import COUNTY_SCOPE, database, rpc, running


def _key_ids(db) -> list[str]:
    return sorted(s["k"] for doc in db.residents.find({}) for _, _, s in reencrypt._sealed_paths(doc))


def test_a_rotated_key_keeps_old_residents_readable_and_reencryption_retires_it(env, monkeypatch):
    micro = "500229001001001001"
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        for area in factories.chengkou_areas(townships=1, villages=1, grids=1, micro_grids=1):
            proxy.grid.upsert_area(area)
        before = factories.household(micro, n_residents=2)
        before_id = proxy.grid.register_household(before)["residents"][0]["resident_id"]
    assert set(_key_ids(database("grid"))) == {"k1"}

    old_key = config.pii_keys().encryption_key
    monkeypatch.setenv("PII_ENCRYPTION_KEY", keys.new_key())
    monkeypatch.setenv("PII_KEY_ID", "k2")
    monkeypatch.setenv("PII_PREVIOUS_KEYS", f"k1:{base64.b64encode(old_key).decode()}")
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        opened = proxy.grid.get_resident(before_id, True, "核对轮换后的密钥")
        assert opened["id_number"] == before["residents"][0]["id_number"]
        after = factories.household(micro, n_residents=1)
        proxy.grid.register_household(after)
        found = proxy.grid.find_resident(before["residents"][1]["id_number"])  # the blind index did not move
        assert found["id_number"].endswith(before["residents"][1]["id_number"][-4:])
    ids = _key_ids(database("grid"))
    assert "k2" in ids and "k1" in ids, "new data under the new key, old data still under the old one"

    cipher = PiiCipher(*config.pii_keys())
    assert reencrypt.stale_count(database("grid"), cipher) == ids.count("k1")
    assert reencrypt.main() == 0  # scripts/xz reencrypt: every service's database
    assert reencrypt.stale_count(database("grid"), cipher) == 0
    assert reencrypt.reencrypt_database(database("grid"), cipher) == {}  # a second run has nothing to do

    monkeypatch.delenv("PII_PREVIOUS_KEYS")
    with running(GridService), rpc(COUNTY_SCOPE) as proxy:
        opened = proxy.grid.get_resident(before_id, True, "旧密钥停用后核对")
        assert opened["id_number"] == before["residents"][0]["id_number"]
