"""Personal data (PIPL): field encryption with AES-GCM, a keyed blind index to find a value without decrypting,
and masking for display.

A ciphertext is bound to its field name (associated data), so a phone cannot be swapped into an ID-number field.
Keys come from the configuration (shared.config); a key id travels with every ciphertext so keys can rotate.
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


class PiiCipher:
    def __init__(self, encryption_key: bytes, index_key: bytes, key_id: str = "k1"):
        if len(encryption_key) != 32 or len(index_key) < 32:
            raise ValueError("personal-data keys must be 32 bytes")
        self._aead = AESGCM(encryption_key)
        self._index_key = index_key
        self.key_id = key_id

    def encrypt(self, field: str, value: str | None) -> dict | None:
        if value is None or value == "":
            return None
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), field.encode())
        return {"k": self.key_id, "c": base64.b64encode(nonce + sealed).decode()}

    def decrypt(self, field: str, sealed: dict | None) -> str | None:
        if not sealed:
            return None
        raw = base64.b64decode(sealed["c"])
        return self._aead.decrypt(raw[:12], raw[12:], field.encode()).decode()

    def blind_index(self, field: str, value: str) -> str:
        """Equal values of one field give equal indexes; nothing can be read back from one."""
        return hmac.new(self._index_key, f"{field}:{value}".encode(), hashlib.sha256).hexdigest()


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
