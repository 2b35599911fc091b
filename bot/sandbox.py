"""Sandbox outbox: a local stand-in for the Send API so the stack can be tried without a Facebook app.

Used only when ``RELAIS_SANDBOX`` is on (``relais up`` turns it on when no
page access token is configured). Replies posted to
``/sandbox/graph/{version}/{page_id}/messages`` are kept in Redis per fan and
read back by ``relais try`` through ``GET /sandbox/outbox/{psid}``, and
``GET /sandbox/messages/{mid}`` tells what became of a message.
"""

from __future__ import annotations

import hmac
import json
import time
import uuid

from aiohttp import web

from bot.errors import ForbiddenError, PayloadError
from bot.keys import REDIS, SETTINGS
from bot.ledger import Ledger
from bot.messages import InboundMessage

OUTBOX_TTL_S = 3600


def _outbox(recipient: str) -> str:
    return f"relais:sandbox:outbox:{recipient}"


async def receive(request: web.Request) -> web.Response:
    """Accept a Send API call the way the Graph API does, and keep the message."""
    token = request.query.get("access_token", "")
    expected = request.app[SETTINGS].messenger_page_access_token
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise ForbiddenError("invalid access token")
    try:
        body = await request.json()
        recipient = str(body["recipient"]["id"])
        text = body["message"]["text"]
    except (ValueError, KeyError, TypeError):
        raise PayloadError("expected recipient.id and message.text") from None
    message_id = "m_sandbox_" + uuid.uuid4().hex
    record = {"page_id": request.match_info["page_id"], "text": text, "message_id": message_id,
              "messaging_type": body.get("messaging_type"), "at": time.time()}
    redis = request.app[REDIS]
    await redis.rpush(_outbox(recipient), json.dumps(record, ensure_ascii=False))
    await redis.expire(_outbox(recipient), OUTBOX_TTL_S)
    return web.json_response({"recipient_id": recipient, "message_id": message_id})


async def read_outbox(request: web.Request) -> web.Response:
    """Every reply sent to a fan so far (oldest first), then forgotten."""
    redis = request.app[REDIS]
    key = _outbox(request.match_info["psid"])
    async with redis.pipeline(transaction=True) as pipe:
        pipe.lrange(key, 0, -1)
        pipe.delete(key)
        items, _ = await pipe.execute()
    return web.json_response([json.loads(raw) for raw in items])


async def message_status(request: web.Request) -> web.Response:
    """What became of one inbound message: sent, held, escalated or failed, with the reasons."""
    message = InboundMessage("messenger", request.match_info["mid"], "", "", "", 0)
    return web.json_response(await Ledger(request.app[REDIS]).state(message))


def add_routes(app: web.Application) -> None:
    app.router.add_post("/sandbox/graph/{version}/{page_id}/messages", receive)
    app.router.add_get("/sandbox/outbox/{psid}", read_outbox)
    app.router.add_get("/sandbox/messages/{mid}", message_status)
