"""Messenger deliveries as Meta posts them, signed: for ``relais try``, the benchmarks and the tests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from webhooks.signature import sign

DEMO_PAGE_ID = "100000000000001"


def text_event(text: str, sender: str, page_id: str = DEMO_PAGE_ID, mid: str | None = None,
               timestamp_ms: int | None = None) -> dict[str, Any]:
    """One ``messaging[]`` event with a fan's text message."""
    return {
        "sender": {"id": sender},
        "recipient": {"id": page_id},
        "timestamp": timestamp_ms or int(time.time() * 1000),
        "message": {"mid": mid or f"m_{uuid.uuid4().hex}", "text": text},
    }


def delivery(*events: dict[str, Any], page_id: str = DEMO_PAGE_ID) -> dict[str, Any]:
    """A webhook body holding ``events`` in one entry."""
    return {"object": "page", "entry": [{"id": page_id, "time": int(time.time() * 1000), "messaging": list(events)}]}


def echo_event(tag: str, recipient: str, page_id: str = DEMO_PAGE_ID, text: str = "") -> dict[str, Any]:
    """Meta's echo of a page's own send that carried ``metadata = tag``."""
    return {
        "sender": {"id": page_id},
        "recipient": {"id": recipient},
        "timestamp": int(time.time() * 1000),
        "message": {"mid": f"m_{uuid.uuid4().hex}", "is_echo": True, "app_id": 1, "metadata": tag, "text": text},
    }


def signed(body: dict[str, Any] | bytes, app_secret: str) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(app_secret, raw)}
