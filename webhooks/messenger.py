"""Messenger Platform webhook: GET verification, signed POST events → neutral InboundMessages.

Order of work on POST, as the platform expects: verify the signature on the
raw body, then parse, then enqueue to the Redis stream, then answer 200. The
handler never waits on NLU or on the Send API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web

from bot.errors import ForbiddenError, PayloadError
from bot.keys import QUEUE, SETTINGS
from bot.messages import InboundMessage
from webhooks.signature import verify_hub_signature

log = logging.getLogger("relais.webhooks.messenger")

PLATFORM = "messenger"
MAX_BODY_BYTES = 1024 * 1024


def _str_id(obj: Any, where: str) -> str:
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), (str, int)) or obj.get("id") == "":
        raise PayloadError(f"{where}.id missing or not a string")
    return str(obj["id"])


def _event_to_message(event: dict[str, Any], where: str) -> InboundMessage | None:
    """Translate one ``messaging[]`` event; None for events Relais does not answer."""
    if not isinstance(event, dict):
        raise PayloadError(f"{where} must be an object")
    if "delivery" in event or "read" in event or "reaction" in event:
        return None
    sender = _str_id(event.get("sender"), f"{where}.sender")
    page = _str_id(event.get("recipient"), f"{where}.recipient")
    timestamp = event.get("timestamp", 0)
    if not isinstance(timestamp, int):
        raise PayloadError(f"{where}.timestamp must be an integer")

    if "message" in event:
        msg = event["message"]
        if not isinstance(msg, dict):
            raise PayloadError(f"{where}.message must be an object")
        if msg.get("is_echo"):
            return None  # the page's own outgoing message
        mid = msg.get("mid")
        if not isinstance(mid, str) or not mid:
            raise PayloadError(f"{where}.message.mid missing")
        text = msg.get("text", "")
        if not isinstance(text, str):
            raise PayloadError(f"{where}.message.text must be a string")
        attachments = msg.get("attachments") or []
        if not isinstance(attachments, list):
            raise PayloadError(f"{where}.message.attachments must be a list")
        kinds = tuple(str(a.get("type", "unknown")) for a in attachments if isinstance(a, dict))
        quick = msg.get("quick_reply")
        if isinstance(quick, dict) and isinstance(quick.get("payload"), str):
            return InboundMessage(PLATFORM, mid, page, sender, text, timestamp,
                                  kind="quick_reply", payload=quick["payload"], attachments=kinds)
        return InboundMessage(PLATFORM, mid, page, sender, text, timestamp, attachments=kinds)

    if "postback" in event:
        postback = event["postback"]
        if not isinstance(postback, dict):
            raise PayloadError(f"{where}.postback must be an object")
        payload = postback.get("payload")
        title = postback.get("title") or ""
        if not isinstance(payload, str) or not isinstance(title, str):
            raise PayloadError(f"{where}.postback.payload must be a string")
        mid = postback.get("mid")
        if not isinstance(mid, str) or not mid:
            # Older postbacks carry no mid: derive a stable one so redeliveries still collapse.
            digest = hashlib.sha256(f"{sender}|{timestamp}|{payload}".encode()).hexdigest()[:24]
            mid = f"pb-{digest}"
        return InboundMessage(PLATFORM, mid, page, sender, title or payload, timestamp,
                              kind="postback", payload=payload)
    return None  # optins, referrals, handovers…: nothing to answer


def parse_messenger_payload(body: Any) -> list[InboundMessage]:
    """Every answerable event of every ``entry[]`` of a Messenger webhook body, in order.

    Raises PayloadError (→ 400) on anything that is not the documented shape.
    """
    if not isinstance(body, dict):
        raise PayloadError("body must be a JSON object")
    if body.get("object") != "page":
        raise PayloadError("object must be 'page'")
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise PayloadError("entry must be a list")
    messages: list[InboundMessage] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise PayloadError(f"entry[{i}] must be an object")
        events = entry.get("messaging", [])
        if not isinstance(events, list):
            raise PayloadError(f"entry[{i}].messaging must be a list")
        for j, event in enumerate(events):
            message = _event_to_message(event, f"entry[{i}].messaging[{j}]")
            if message is not None:
                messages.append(message)
    return messages


async def verify_subscription(request: web.Request) -> web.Response:
    """``GET`` hub challenge: echo ``hub.challenge`` when mode and verify token match."""
    settings = request.app[SETTINGS]
    mode = request.query.get("hub.mode")
    token = request.query.get("hub.verify_token", "")
    challenge = request.query.get("hub.challenge", "")
    expected = settings.messenger_verify_token
    if mode != "subscribe" or not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ForbiddenError("verification failed")
    return web.Response(text=challenge)


async def receive_events(request: web.Request) -> web.Response:
    """``POST`` events: signature → parse → enqueue → 200."""
    settings = request.app[SETTINGS]
    body = await request.content.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError("body too large")
    verify_hub_signature(settings.messenger_app_secret, body, request.headers.get("X-Hub-Signature-256"))
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PayloadError("body is not valid JSON") from None
    messages = parse_messenger_payload(data)
    fresh = await request.app[QUEUE].enqueue(messages)
    log.info("webhook accepted %d event(s), %d new", len(messages), fresh)
    return web.Response(text="EVENT_RECEIVED")


def add_routes(app: web.Application, path: str = "/webhooks/messenger") -> None:
    app.router.add_get(path, verify_subscription)
    app.router.add_post(path, receive_events)
