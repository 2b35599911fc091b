"""X Activity API deliveries → neutral messages, one event at a time.

An XAA webhook POST is ``{"data": {"event_uuid", "filter": {"user_id"},
"event_type", "tag", "payload"}}`` (a list under ``data`` is accepted too);
``filter.user_id`` is the brand's account. What each event becomes:

* ``dm.received`` — each ``payload.direct_message_events[]`` in the
  ``message_create`` shape (``id``, ``created_timestamp`` in ms as a string,
  ``message_create.sender_id``, ``.target.recipient_id``,
  ``.message_data.text``, quick-reply responses, URLs, attachments) becomes an
  ``InboundMessage`` whose id is the DM event id: X's duplicates and a replay
  are dropped by the queue's dedupe on that id;
* ``dm.sent`` — a DM the brand's account sent. Relais marks the
  ``dm_event_id`` of each of its own sends as already seen the moment X
  returns it (``XChannel.send``), so the copy of our own DM is dropped by the
  same dedupe and never answered. Any other ``dm.sent`` was written by a
  person in the X app: it becomes a message without text marked
  ``answered_in_x_app``, which the policy escalates silently — the
  conversation is handed to a person and the bot stays quiet there;
* ``chat.received`` — encrypted X Chat, through the ``Decryptor``
  (``webhooks.x.xchat``): undecrypted, a message without text marked
  ``encrypted_x_message`` that goes to a CM and is never answered;
* anything else (``chat.sent``, follows, likes, …) — skipped and counted.

One event of an unexpected shape is skipped and counted, never failing the
delivery; only a body that is not an XAA envelope is refused (400).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from bot.channels import WebhookBatch
from bot.errors import PayloadError
from bot.messages import InboundMessage
from webhooks.x.xchat import ENCRYPTED, OPEN_IN_X, Decryptor, NoDecryptor

log = logging.getLogger("relais.webhooks.x")

PLATFORM = "x"
ANSWERED_IN_APP = "answered_in_x_app"  # the attachment kind of a DM a person sent from the X app
MAX_EVENTS = 1000
_ID = re.compile(r"[0-9A-Za-z_\-]{1,64}")
_USER_ID = re.compile(r"[0-9]{1,32}")
_SURROGATES = re.compile("[\ud800-\udfff]")
_MAX_TIMESTAMP_MS = 2**53
_MAX_TEXT = 20_000  # X allows 10,000; anything longer is cut, not refused


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _clean(value: str) -> str:
    return _SURROGATES.sub("\ufffd", value)


def _id(value: Any, what: str, pattern: re.Pattern[str] = _ID) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        value = str(value)
    if isinstance(value, str) and pattern.fullmatch(value):
        return value
    raise _Skip(f"{what}_not_an_id")


def _timestamp(value: Any) -> int:
    """Milliseconds since the epoch (X sends a string of digits); 0 when it is not a date."""
    if isinstance(value, str) and value.isdigit() and len(value) < 17:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _MAX_TIMESTAMP_MS:
        return value
    return 0


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _links(data: dict[str, Any]) -> tuple[str, ...]:
    urls = _dict(data.get("entities")).get("urls")
    out = []
    for item in urls if isinstance(urls, list) else []:
        url = _dict(item).get("expanded_url") or _dict(item).get("url")
        if isinstance(url, str):
            out.append(_clean(url)[:2000])
    return tuple(out[:20])


def _dm_event(event: Any, brand: str, sent: bool) -> InboundMessage:
    if not isinstance(event, dict):
        raise _Skip("dm_event_not_an_object")
    if event.get("type", "message_create") != "message_create":
        raise _Skip(f"dm_event_type_{str(event.get('type'))[:20]}")
    mid = _id(event.get("id"), "dm_event")
    create = event.get("message_create")
    if not isinstance(create, dict):
        raise _Skip("dm_without_message_create")
    sender = _id(create.get("sender_id"), "sender", _USER_ID)
    recipient = _id(_dict(create.get("target")).get("recipient_id"), "recipient", _USER_ID)
    timestamp = _timestamp(event.get("created_timestamp"))
    if sender == brand:  # a DM the brand's account sent: ours (dropped by the dedupe) or a person's
        return InboundMessage(PLATFORM, mid, brand, recipient, "", timestamp, attachments=(ANSWERED_IN_APP,))
    if sent or recipient != brand:
        raise _Skip("dm_not_for_this_account")
    data = _dict(create.get("message_data"))
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise _Skip("text_not_a_string")
    text = _clean(text or "")[:_MAX_TEXT]
    attachment = _dict(data.get("attachment"))
    kinds = (str(attachment.get("type") or "media")[:32],) if attachment else ()
    links = _links(data)
    quick = _dict(data.get("quick_reply_response"))
    if isinstance(quick.get("metadata"), str):
        return InboundMessage(PLATFORM, mid, brand, sender, text, timestamp, kind="quick_reply",
                              payload=_clean(quick["metadata"])[:1000], attachments=kinds, links=links)
    if not text and not kinds:
        raise _Skip("dm_without_content")
    return InboundMessage(PLATFORM, mid, brand, sender, text, timestamp, attachments=kinds, links=links)


def _chat_event(data: dict[str, Any], payload: dict[str, Any], brand: str, decryptor: Decryptor) -> InboundMessage:
    mid = _id(payload.get("event_id") or payload.get("id") or data.get("event_uuid"), "chat_event")
    sender = _id(payload.get("sender_id") or _dict(payload.get("sender")).get("id"), "sender", _USER_ID)
    if sender == brand:
        raise _Skip("chat_from_this_account")
    timestamp = _timestamp(payload.get("created_timestamp") or payload.get("created_at_ms"))
    try:
        text = decryptor.decrypt(payload)
    except Exception:  # a plugged-in decryptor failing must not lose the message: it goes to a person
        log.exception("X Chat decryptor failed")
        text = None
    if text:
        return InboundMessage(PLATFORM, mid, brand, sender, _clean(text)[:_MAX_TEXT], timestamp)
    return InboundMessage(PLATFORM, mid, brand, sender, "", timestamp, attachments=(ENCRYPTED,), links=(OPEN_IN_X,))


def _event(data: Any, batch: WebhookBatch, decryptor: Decryptor) -> None:
    if not isinstance(data, dict):
        raise _Skip("event_not_an_object")
    kind = data.get("event_type")
    if not isinstance(kind, str):
        raise _Skip("event_without_type")
    brand = _id(_dict(data.get("filter")).get("user_id"), "filter_user", _USER_ID)
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise _Skip("payload_not_an_object")
    if kind in ("dm.received", "dm.sent"):
        events = payload.get("direct_message_events")
        if not isinstance(events, list):
            raise _Skip("dm_events_not_a_list")
        for event in events[:MAX_EVENTS]:
            try:
                batch.messages.append(_dm_event(event, brand, kind == "dm.sent"))
            except _Skip as skip:
                batch.skip(skip.reason)
    elif kind == "chat.received":
        batch.messages.append(_chat_event(data, payload, brand, decryptor))
    else:
        raise _Skip("event_" + re.sub(r"[^a-z0-9_.]", "", kind.lower())[:40])


def parse_delivery(body: Any, decryptor: Decryptor | None = None) -> WebhookBatch:
    """Every answerable event of an XAA delivery; PayloadError (→ 400) when it is not one."""
    decryptor = decryptor or NoDecryptor()
    if not isinstance(body, Mapping) or "data" not in body:
        raise PayloadError("body must be an X Activity API envelope: {\"data\": {...}}")
    data = body["data"]
    events = data if isinstance(data, list) else [data]
    if len(events) > MAX_EVENTS:
        raise PayloadError(f"too many events in one delivery ({len(events)} > {MAX_EVENTS})")
    batch = WebhookBatch()
    for event in events:
        try:
            _event(event, batch, decryptor)
        except _Skip as skip:
            batch.skip(skip.reason)
    if batch.skipped:
        log.info("skipped %s", ", ".join(f"{n} {reason}" for reason, n in sorted(batch.skipped.items())))
    return batch
