"""Personal data (PIPL): field encryption with AES-GCM, a keyed blind index to find a value without decrypting,
and masking for display.

A ciphertext is bound to its field name (associated data), so a phone cannot be swapped into an ID-number field;
every store keeps a sealed value under the key named by its field, which is what lets `shared.reencrypt` move old
ciphertexts to a new key without knowing any service. Keys come from the configuration (shared.config); the id of
the key travels with every ciphertext, so a new key seals new data while older keys still open older data.
"""
import base64
import hashlib
import hmac
import os
import re
from typing import Annotated

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import AfterValidator

from shared import idnumber

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
# What personal data looks like inside free text; used by the log filter and the tests that scan output.
# An 18-digit area code can look like an ID number, so the date part must be plausible and the check digit right.
ID_NUMBER_IN_TEXT = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class UnknownKeyId(RuntimeError):
    """A ciphertext sealed with a key this process was not given (PII_PREVIOUS_KEYS lacks it)."""


class PiiCipher:
    def __init__(self, encryption_key: bytes, index_key: bytes, key_id: str = "k1",
                 previous: dict[str, bytes] | None = None):
        if len(encryption_key) != 32 or len(index_key) < 32 or any(len(k) != 32 for k in (previous or {}).values()):
            raise ValueError("personal-data keys must be 32 bytes")
        self._keys = {**{k: AESGCM(v) for k, v in (previous or {}).items()}, key_id: AESGCM(encryption_key)}
        self._index_key = index_key
        self.key_id = key_id

    def encrypt(self, field: str, value: str | None) -> dict | None:
        if value is None or value == "":
            return None
        nonce = os.urandom(12)
        sealed = self._keys[self.key_id].encrypt(nonce, value.encode(), field.encode())
        return {"k": self.key_id, "c": base64.b64encode(nonce + sealed).decode()}

    def decrypt(self, field: str, sealed: dict | None) -> str | None:
        if not sealed:
            return None
        aead = self._keys.get(sealed.get("k", "k1"))
        if aead is None:
            raise UnknownKeyId(f"personal data sealed with key {sealed.get('k')!r}, which is not configured")
        raw = base64.b64decode(sealed["c"])
        return aead.decrypt(raw[:12], raw[12:], field.encode()).decode()

    def is_current(self, sealed: dict) -> bool:
        return sealed.get("k") == self.key_id

    def reseal(self, field: str, sealed: dict) -> dict:
        """The same value sealed again with the current key."""
        return self.encrypt(field, self.decrypt(field, sealed))

    def blind_index(self, field: str, value: str) -> str:
        """Equal values of one field give equal indexes; nothing can be read back from one."""
        return hmac.new(self._index_key, f"{field}:{value}".encode(), hashlib.sha256).hexdigest()


def is_sealed(value) -> bool:
    """The stored shape of an encrypted field: {"k": key id, "c": ciphertext}, nothing else."""
    return isinstance(value, dict) and set(value) == {"k", "c"} and all(isinstance(v, str) for v in value.values())


def mask_id_number(value: str | None) -> str | None:
    """500229********123X: the county of registration and the last four stay readable."""
    if not value:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


def mask_name(value: str | None) -> str | None:
    """张*, 欧阳** : the family name only, as public notices show it."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else value


def id_numbers_in(text: str) -> list[str]:
    return [m.group(0) for m in ID_NUMBER_IN_TEXT.finditer(text) if idnumber.is_valid(m.group(0))]


def mask_text(text: str) -> str:
    """Mask anything in free text that looks like an ID number or a mobile phone."""
    text = ID_NUMBER_IN_TEXT.sub(
        lambda m: mask_id_number(m.group(0)) if idnumber.is_valid(m.group(0)) else m.group(0), text)
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


def is_phone(value: str) -> bool:
    return bool(PHONE_RE.match(value))


def _phone(value: str | None) -> str | None:
    if value and not is_phone(value):
        raise ValueError("手机号应为11位且以1开头")
    return value or None


def _id_number(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return idnumber.validate(value)
    except idnumber.InvalidIdNumber as exc:
        raise ValueError(str(exc)) from None


# Field types for models that take personal data in: validated here, encrypted by the store that keeps them.
Phone = Annotated[str | None, AfterValidator(_phone)]
IdNumber = Annotated[str | None, AfterValidator(_id_number)]
