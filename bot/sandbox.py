"""Sandbox mode: try the whole stack without a platform account.

With ``RELAIS_SANDBOX`` on (``relais up`` turns it on when no channel has
send credentials), the workers deliver replies to a local outbox in Redis
instead of the platform's send API. The gateway serves the outbox only on a
loopback address and only to callers with ``RELAIS_SANDBOX_TOKEN`` as a
bearer token (``relais try`` reads it from ``var/stack.env``):

* ``GET /sandbox/outbox/{platform}/{user}`` — the replies a fan got, then forgotten;
* ``GET /sandbox/messages/{platform}/{account}/{user}/{message_id}`` — what became of one message.
"""

from __future__ import annotations

import hmac
import json

from aiohttp import web

from bot import redis_keys as keys
from bot.errors import ForbiddenError
from bot.keys import REDIS, SETTINGS
from bot.pipeline.ledger import Ledger


def _authorised(request: web.Request) -> None:
    expected = request.app[SETTINGS].sandbox_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ForbiddenError("sandbox token required")


async def read_outbox(request: web.Request) -> web.Response:
    """Every reply sent to a fan so far (oldest first), then forgotten."""
    _authorised(request)
    redis = request.app[REDIS]
    key = keys.outbox(request.match_info["platform"], request.match_info["user"])
    async with redis.pipeline(transaction=True) as pipe:
        pipe.lrange(key, 0, -1)
        pipe.delete(key)
        items, _ = await pipe.execute()
    return web.json_response([json.loads(raw) for raw in items])


async def message_status(request: web.Request) -> web.Response:
    """What became of one inbound message: sent, held, escalated or failed, with the reasons."""
    _authorised(request)
    m = request.match_info
    conversation = f"{m['platform']}:{m['account']}:{m['user']}"
    state = await Ledger(request.app[REDIS]).state_of(conversation, m["message_id"])
    return web.json_response({k: v for k, v in state.items() if k in ("status", "reasons", "route", "evidence")})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/sandbox/outbox/{platform}/{user}", read_outbox)
    app.router.add_get("/sandbox/messages/{platform}/{account}/{user}/{message_id}", message_status)
