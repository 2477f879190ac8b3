import base64
import hashlib

import pytest

from shared import config, keys

NAMES = ("PII_ENCRYPTION_KEY", "PII_INDEX_KEY", "JWT_SECRET")
# What earlier versions and the compose file used: keys derived from a string in the source, and text placeholders.
CONSTANT_KEYS = [hashlib.sha256(f"xiangzhi-local-{name}".encode()).digest() for name in NAMES] + [
    b"dev-only-pii-encryption-key-0000", b"dev-only-pii-blind-index-key-000", b"dev-only-jwt-signing-key-0000000",
    b"\x00" * 32, bytes(range(4)) * 8]


@pytest.mark.parametrize("environment", ["production", "local", "test"])
def test_no_environment_starts_without_its_keys(monkeypatch, environment):
    monkeypatch.setenv("XZ_ENV", environment)
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(keys.UnsafeKey, match="PII_ENCRYPTION_KEY is not set"):
        config.pii_keys()
    with pytest.raises(keys.UnsafeKey, match="JWT_SECRET is not set"):
        config.jwt_secret()


@pytest.mark.parametrize("key", CONSTANT_KEYS, ids=range(len(CONSTANT_KEYS)))
def test_a_published_or_guessable_key_is_refused(monkeypatch, key):
    for name in NAMES:
        monkeypatch.setenv(name, base64.b64encode(key).decode())
    with pytest.raises(keys.UnsafeKey):
        config.jwt_secret()
    with pytest.raises(keys.UnsafeKey):
        config.pii_keys()


def test_a_key_must_be_32_bytes(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "c2hvcnQ=")
    with pytest.raises(keys.UnsafeKey, match="32 bytes"):
        config.jwt_secret()


def test_personal_data_keys_carry_an_id_and_the_previous_keys(monkeypatch):
    old, new = keys.new_key(), keys.new_key()
    monkeypatch.setenv("PII_ENCRYPTION_KEY", new)
    monkeypatch.setenv("PII_KEY_ID", "k2")
    monkeypatch.setenv("PII_PREVIOUS_KEYS", f"k1:{old}")
    found = config.pii_keys()
    assert (found.key_id, found.encryption_key) == ("k2", base64.b64decode(new))
    assert found.previous == {"k1": base64.b64decode(old)}
    monkeypatch.setenv("PII_PREVIOUS_KEYS", f"k1:{base64.b64encode(CONSTANT_KEYS[1]).decode()}")
    with pytest.raises(keys.UnsafeKey, match="published"):
        config.pii_keys()


def test_rotating_the_personal_data_key_keeps_the_old_one_readable(tmp_path):
    path = tmp_path / "secrets.env"
    before, _ = keys.ensure_env_file(path)
    assert keys.rotate_pii(path) == "k2"
    after = keys.read_env_file(path)
    assert after["PII_KEY_ID"] == "k2" and after["PII_ENCRYPTION_KEY"] != before["PII_ENCRYPTION_KEY"]
    assert keys.previous_keys(after["PII_PREVIOUS_KEYS"]) == {"k1": before["PII_ENCRYPTION_KEY"]}
    assert after["PII_INDEX_KEY"] == before["PII_INDEX_KEY"] and after["JWT_SECRET"] == before["JWT_SECRET"]
    assert keys.rotate_pii(path) == "k3"
    assert set(keys.previous_keys(keys.read_env_file(path)["PII_PREVIOUS_KEYS"])) == {"k1", "k2"}


def test_a_service_store_can_be_moved_on_its_own(monkeypatch):
    monkeypatch.setenv("MONGO_URI", "mongodb://shared:27017/")
    monkeypatch.setenv("GRID_MONGO_URI", "mongodb://grid-cluster:27017/")
    monkeypatch.setenv("MONGO_DB_PREFIX", "cq")
    assert config.mongo_uri("grid") == "mongodb://grid-cluster:27017/"
    assert config.mongo_uri("gateway") == "mongodb://shared:27017/"
    assert config.mongo_database("grid") == "cq_grid"
