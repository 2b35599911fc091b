"""Webhook signature checks (HMAC-SHA256 of the raw body), constant-time and fail-closed."""

from __future__ import annotations

import hashlib
import hmac
import re

from bot.errors import ForbiddenError, SignatureError

_PREFIX = "sha256="
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def sign(secret: str, body: bytes) -> str:
    """Return the ``X-Hub-Signature-256`` header value Meta would send for ``body``."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_hub_signature(secret: str, body: bytes, header: str | None) -> None:
    """Raise unless ``header`` is the valid ``sha256=<hex>`` HMAC of ``body`` under ``secret``.

    With no secret configured every request is refused: an unsigned webhook
    would let anyone make the brand's page talk.
    """
    if not secret:
        raise ForbiddenError("webhook secret not configured; refusing all events")
    if not header:
        raise SignatureError("missing X-Hub-Signature-256 header")
    if not header.startswith(_PREFIX):
        raise SignatureError("X-Hub-Signature-256 must start with 'sha256='")
    received = header[len(_PREFIX):].strip().lower()
    if not _HEX_DIGEST.fullmatch(received):  # also any byte the HTTP layer could not decode
        raise SignatureError("X-Hub-Signature-256 must be 'sha256=' and 64 hexadecimal digits")
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(received.encode(), expected.encode()):
        raise SignatureError("signature does not match the request body")
