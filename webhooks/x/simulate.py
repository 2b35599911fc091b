"""X Activity API deliveries as X posts them, signed: for ``relais try``, the benchmarks and the tests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from webhooks.x.signature import HEADER, sign

DEMO_ACCOUNT_ID = "1500000000000000001"


def _now_ms() -> str:
    return str(int(time.time() * 1000))


def dm_event(text: str, sender: str, recipient: str, event_id: str | None = None,
             timestamp_ms: int | None = None) -> dict[str, Any]:
    """One ``direct_message_events[]`` item in the ``message_create`` shape."""
    return {
        "type": "message_create",
        "id": event_id or str(uuid.uuid4().int % 10**19),
        "created_timestamp": str(timestamp_ms) if timestamp_ms else _now_ms(),
        "message_create": {"target": {"recipient_id": recipient}, "sender_id": sender,
                           "message_data": {"text": text, "entities": {"urls": [], "hashtags": []}}},
    }


def envelope(event_type: str, payload: dict[str, Any], account_id: str = DEMO_ACCOUNT_ID,
             event_uuid: str | None = None, tag: str = "relais") -> dict[str, Any]:
    return {"data": {"event_uuid": event_uuid or str(uuid.uuid4()), "filter": {"user_id": account_id},
                     "event_type": event_type, "tag": tag, "payload": payload}}


def dm_received(text: str, sender: str, account_id: str = DEMO_ACCOUNT_ID, event_id: str | None = None,
                name: str = "") -> dict[str, Any]:
    """A fan's DM to the brand, as a ``dm.received`` delivery."""
    users = {sender: {"id": sender, "name": name or "Fan", "username": f"fan{sender[-6:]}"},
             account_id: {"id": account_id, "name": "Brand", "username": "brand"}}
    return envelope("dm.received", {"direct_message_events": [dm_event(text, sender, account_id, event_id)],
                                    "users": users}, account_id)


def dm_sent(text: str, recipient: str, dm_event_id: str, account_id: str = DEMO_ACCOUNT_ID) -> dict[str, Any]:
    """X's copy of a DM the brand's account sent (by Relais or by a person in the X app)."""
    return envelope("dm.sent", {"direct_message_events": [dm_event(text, account_id, recipient, dm_event_id)],
                                "users": {}}, account_id)


def chat_received(sender: str, account_id: str = DEMO_ACCOUNT_ID, event_id: str | None = None) -> dict[str, Any]:
    """An encrypted X Chat message: ciphertext only."""
    return envelope("chat.received", {"event_id": event_id or str(uuid.uuid4().int % 10**19), "sender_id": sender,
                                      "conversation_id": f"{sender}:{account_id}",
                                      "created_timestamp": _now_ms(),
                                      "encoded_event": uuid.uuid4().hex * 4}, account_id)


def signed(body: dict[str, Any] | bytes, consumer_secret: str) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {"Content-Type": "application/json", HEADER: sign(consumer_secret, raw)}
