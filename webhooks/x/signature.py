"""X's webhook security: the CRC answer and the ``x-twitter-webhooks-signature`` check.

Both are ``sha256=`` + base64(HMAC-SHA256(consumer secret, message)): the
message is the ``crc_token`` for the challenge-response check X makes at
registration and about every hour, and the raw request body for each event
POST. The check is constant-time and fails closed: with no consumer secret
configured every challenge and every event is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from bot.errors import ForbiddenError, SignatureError

HEADER = "x-twitter-webhooks-signature"
_PREFIX = "sha256="
_MAX_CRC_TOKEN = 1000


def _digest(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def sign(secret: str, body: bytes) -> str:
    """The header value X sends with ``body``."""
    return _PREFIX + base64.b64encode(_digest(secret, body)).decode()


def crc_response(secret: str, crc_token: str) -> dict[str, str]:
    """The JSON body answering ``GET ?crc_token=``; ForbiddenError when it cannot be answered."""
    if not secret:
        raise ForbiddenError("X consumer secret not configured; refusing the CRC check")
    if not crc_token or len(crc_token) > _MAX_CRC_TOKEN:
        raise ForbiddenError("crc_token missing or too long")
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
