import pytest

from shared import config


def test_production_refuses_to_start_without_keys(monkeypatch):
    monkeypatch.setenv("XZ_ENV", "production")
    for name in ("PII_ENCRYPTION_KEY", "PII_INDEX_KEY", "JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="required in production"):
        config.pii_keys()
    with pytest.raises(RuntimeError, match="required in production"):
        config.jwt_secret()


def test_a_key_must_be_32_bytes(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "c2hvcnQ=")
    with pytest.raises(RuntimeError, match="32 bytes"):
        config.jwt_secret()


def test_a_service_store_can_be_moved_on_its_own(monkeypatch):
    monkeypatch.setenv("MONGO_URI", "mongodb://shared:27017/")
    monkeypatch.setenv("GRID_MONGO_URI", "mongodb://grid-cluster:27017/")
    monkeypatch.setenv("MONGO_DB_PREFIX", "cq")
    assert config.mongo_uri("grid") == "mongodb://grid-cluster:27017/"
    assert config.mongo_uri("gateway") == "mongodb://shared:27017/"
    assert config.mongo_database("grid") == "cq_grid"
