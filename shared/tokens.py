"""Signed staff tokens (JWT, RFC 8725 practice): one algorithm allowed, issuer, audience, expiry, and the token
type checked on every use, so a refresh token never passes as an access token or the other way round. Every token
names its session (`sid`) and the account's token version (`ver`), which the gateway checks against its store so
that ending a session or moving the version on ends the token before it expires."""
import uuid
from datetime import timedelta

import jwt

from shared import clock, config

ALGORITHM = "HS256"
ISSUER = "xiangzhi-gateway"
AUDIENCE = "xiangzhi-staff"
ACCESS, REFRESH = "access", "refresh"
LIFETIME = {ACCESS: timedelta(minutes=15), REFRESH: timedelta(hours=12)}


class InvalidToken(Exception):
    pass


def issue(subject: str, kind: str, claims: dict | None = None) -> tuple[str, dict]:
    now = clock.now()
    payload = {**(claims or {}), "sub": subject, "typ": kind, "iss": ISSUER, "aud": AUDIENCE,
               "iat": int(now.timestamp()), "exp": int((now + LIFETIME[kind]).timestamp()),
               "jti": uuid.uuid4().hex}
    token = jwt.encode(payload, config.jwt_secret(), algorithm=ALGORITHM, headers={"typ": "JWT"})
    return token, payload


def verify(token: str, kind: str) -> dict:
    try:
        payload = jwt.decode(token, config.jwt_secret(), algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                             options={"require": ["exp", "iat", "iss", "aud", "sub", "typ", "jti", "sid", "ver"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from None
    if payload.get("typ") != kind:
        raise InvalidToken("wrong token type")
    return payload
