"""X's webhook security: the CRC answer and the ``x-twitter-webhooks-signature`` check.

Both are ``sha256=`` + base64(HMAC-SHA256(consumer secret, message)): the
message is the ``crc_token`` for the challenge-response check X makes at
registration and about every hour, and the raw request body for each event
POST. The check is constant-time and fails closed: with no consumer secret
configured every challenge and every event is refused.

Because the two are the same function, answering a CRC is signing its token:
anyone may send ``GET ?crc_token=`` and would get back the signature of a body
equal to that token. So only a token of X's form is answered — 1 to 128
letters, digits and ``-_=+/`` (the base64 and URL-safe alphabets); anything
else is refused (400) before any HMAC is computed. X documents the token as an
opaque string; the tokens it sends, and those in its own samples, are a UUID
(36 characters) or base64 of random bytes (at most 64), so 128 leaves room
while no event body — a JSON object, which starts with ``{`` — can ever be
one: a CRC answer is never the signature of a deliverable event.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from bot.errors import ForbiddenError, PayloadError, SignatureError

HEADER = "x-twitter-webhooks-signature"
_PREFIX = "sha256="
MAX_CRC_TOKEN = 128
_CRC_TOKEN = re.compile(rf"[A-Za-z0-9_=+/-]{{1,{MAX_CRC_TOKEN}}}")


def _digest(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def sign(secret: str, body: bytes) -> str:
    """The header value X sends with ``body``."""
    return _PREFIX + base64.b64encode(_digest(secret, body)).decode()


def valid_crc_token(crc_token: str) -> bool:
    """Whether ``crc_token`` has the form of X's challenge (see the module's docstring)."""
    return _CRC_TOKEN.fullmatch(crc_token) is not None


def crc_response(secret: str, crc_token: str) -> dict[str, str]:
    """The JSON body answering ``GET ?crc_token=``: ForbiddenError without a consumer secret,
    PayloadError (400) for a token not of X's form."""
    if not secret:
        raise ForbiddenError("X consumer secret not configured; refusing the CRC check")
    if not valid_crc_token(crc_token):
        raise PayloadError(f"crc_token must be 1 to {MAX_CRC_TOKEN} letters, digits or -_=+/ (X's challenge)")
    return {"response_token": sign(secret, crc_token.encode())}


def verify_signature(secret: str, body: bytes, header: str | None) -> None:
    """Raise unless ``header`` is X's signature of ``body`` under ``secret``."""
    if not secret:
        raise ForbiddenError("X consumer secret not configured; refusing all events")
    if not header:
        raise SignatureError(f"missing {HEADER} header")
    if not header.startswith(_PREFIX):
        raise SignatureError(f"{HEADER} must start with 'sha256='")
    try:
        received = base64.b64decode(header[len(_PREFIX):].strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{HEADER} must be 'sha256=' and a base64 digest") from None
    if not hmac.compare_digest(received, _digest(secret, body)):
        raise SignatureError("signature does not match the request body")
