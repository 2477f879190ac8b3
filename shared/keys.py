"""The install's secrets: made at random, once per install, never derived from anything in the source.

`scripts/xz` keeps them in `.local/secrets.env` (mode 600, ignored by git) and docker-compose reads the same file;
production takes them from its secret store. A key that has ever been published (the fixed development keys of
earlier versions, the placeholders compose once shipped) or that is plain text is refused wherever it is read.

    python -m shared.keys ensure .local/secrets.env     # create what is missing, keep what is there
    python -m shared.keys rotate-pii .local/secrets.env  # a new personal-data key; the old one stays readable
"""
import base64
import hashlib
import os
import re
import secrets
import sys
from pathlib import Path

KEY_NAMES = ("JWT_SECRET", "PII_ENCRYPTION_KEY", "PII_INDEX_KEY")
# sha256 of keys that are public knowledge: the development keys earlier versions derived from a string in their
# source (`xiangzhi-local-<NAME>`) and the placeholders docker-compose.yml carried. Fingerprints, so that this file
# does not hand anyone the keys themselves.
PUBLISHED = frozenset({
    "1c27429cc78ec751f591a521d7a242975a9422ca00bed0bf07bd9317a95000d6",
    "5ec3a5f5c762e9fafa632882c1a159cfbbe564c69addbefa7665783b9baa5135",
    "56ed47ff6f09efd749a7f6562a66cac9ea6e5a0e3d9aaace38372ed1cc077abc",
    "5a27fa19abce8fd6afd986ee2d70ccc846935021126c069afb9b9e14aa8d05c2",
    "5024a1afe6513b52c525740710b3e42893a6e1898a8a578ab0c60e65670563de",
    "5736a5084524102f8d7f2009c7c05bf445c4f177eac05f98f9241d34780799b4",
})
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class UnsafeKey(RuntimeError):
    """A key that is missing, malformed, published or guessable: the process must not start with it."""


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def new_password() -> str:
    """A one-time administrator password that meets the policy (three classes, 10+ characters)."""
    return "Xz-" + secrets.token_urlsafe(12) + "-9"


def problem(raw: bytes) -> str | None:
    """Why a 32-byte key must not be used, or None. Text (every byte printable ASCII) is a password, not a key:
    32 random bytes are all printable once in about 10^14 keys."""
    if len(raw) != 32:
        return "must be base64 of 32 bytes"
    if hashlib.sha256(raw).hexdigest() in PUBLISHED:
        return "is a published key (a development key or placeholder from the source), not a secret"
    if all(32 <= b < 127 for b in raw) or len(set(raw)) < 8:
        return "is text or repetitive, not 32 random bytes"
    return None


def decode(name: str, value: str | None) -> bytes:
    """The key named `name` from its base64 text, refused with the reason when it is unfit."""
    if not value:
        raise UnsafeKey(f"{name} is not set: `scripts/xz run` creates one per install in .local/secrets.env; "
                        f"production takes it from the secret store")
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raise UnsafeKey(f"{name} must be base64 of 32 bytes") from None
    reason = problem(raw)
    if reason:
        raise UnsafeKey(f"{name} {reason}")
    return raw


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _write_env_file(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# This install's secrets, made by `python -m shared.keys` (scripts/xz). Keep private; never commit.\n"
            + "".join(f"{k}={v}\n" for k, v in values.items()))
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def ensure_env_file(path: Path) -> tuple[dict[str, str], bool]:
    """The install's secrets from `path`, adding whatever is missing (random, mode 600); True when it added any."""
    path = Path(path)
    values = read_env_file(path) if path.exists() else {}
    added = False
    for name in KEY_NAMES:
        if not values.get(name):
            values[name], added = new_key(), True
    if not values.get("PII_KEY_ID"):
        values["PII_KEY_ID"], added = "k1", True
    if not values.get("ADMIN_INITIAL_PASSWORD"):
        values["ADMIN_INITIAL_PASSWORD"], added = new_password(), True
    if added or (path.stat().st_mode & 0o077):
        _write_env_file(path, values)
    return values, added


def previous_keys(text: str | None) -> dict[str, str]:
    """`PII_PREVIOUS_KEYS`: `id:base64,id:base64`, the keys older data may still be sealed with."""
    found = {}
    for part in (text or "").split(","):
        if part.strip():
            key_id, _, value = part.strip().partition(":")
            if not KEY_ID.match(key_id) or not value:
                raise UnsafeKey("PII_PREVIOUS_KEYS must be id:base64 pairs separated by commas")
            found[key_id] = value
    return found


def rotate_pii(path: Path) -> str:
    """A new personal-data key becomes current under the next key id; the current one joins the previous keys, so
    data sealed with it stays readable until `scripts/xz reencrypt` has moved it to the new key."""
    values, _ = ensure_env_file(path)
    old_id = values["PII_KEY_ID"]
    previous = previous_keys(values.get("PII_PREVIOUS_KEYS"))
    previous[old_id] = values["PII_ENCRYPTION_KEY"]
    number = max([int(m.group(1)) for k in (*previous, old_id) if (m := re.fullmatch(r"k(\d+)", k))] or [0]) + 1
    values["PII_KEY_ID"] = f"k{number}"
    values["PII_ENCRYPTION_KEY"] = new_key()
    values["PII_PREVIOUS_KEYS"] = ",".join(f"{k}:{v}" for k, v in previous.items())
    _write_env_file(Path(path), values)
    return values["PII_KEY_ID"]


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("ensure", "rotate-pii"):
        print("usage: python -m shared.keys ensure|rotate-pii PATH")
        return 2
    if argv[0] == "rotate-pii":
        print(f"personal-data key {rotate_pii(Path(argv[1]))} is current; restart the services, then run "
              "`scripts/xz reencrypt`")
        return 0
    _, added = ensure_env_file(Path(argv[1]))
    print("created" if added else "kept")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
