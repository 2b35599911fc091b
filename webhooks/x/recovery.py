"""After downtime, ask X to deliver again what was missed; keep each account's tokens fresh.

Each worker process with the X channel runs ``maintain`` in the background:
once a minute it stamps ``relais:x:alive`` and refreshes any connected
account's tokens that expire within ten minutes. At start-up, when the
previous stamp is older than ``gap_s`` (Relais was down), one process — the
one that takes ``relais:x:replay`` — asks X to replay from a minute before
that stamp to now (at most 24 hours; X keeps no more). Events that were in
fact handled before the stop are dropped by the inbound dedupe.
"""

from __future__ import annotations

import asyncio
import logging
import time

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.errors import SendError
from webhooks.x.admin import AdminAPI
from webhooks.x.tokens import REFRESH_BEFORE_S, TokenStore

log = logging.getLogger("relais.webhooks.x.recovery")

STAMP_EVERY_S = 60.0
MARGIN_S = 60.0


async def replay_missed(redis: Redis, admin: AdminAPI, webhook_id: str, gap_s: float = 3 * STAMP_EVERY_S,
                        now: float | None = None) -> dict | None:
    """Request a replay when the last stamp is older than ``gap_s``; what X answered, or None.

    The stamp moves on only once the replay is requested: a request that fails is tried again."""
    now = time.time() if now is None else now
    last = await redis.get(keys.X_ALIVE)
    if last is None or now - float(last) < gap_s:
        await redis.set(keys.X_ALIVE, f"{now:.3f}")
        return None  # first start ever, or no downtime worth replaying
    if not await redis.set(keys.X_REPLAY_LOCK, "1", nx=True, ex=60):
        return None  # another process is asking
    try:
        job = await admin.replay(webhook_id, float(last) - MARGIN_S, now)
    except BaseException:
        await redis.delete(keys.X_REPLAY_LOCK)
        raise
    await redis.set(keys.X_ALIVE, f"{now:.3f}")
    log.warning("X events missed for %.0f min; replay requested (job %s)", (now - float(last)) / 60,
                job.get("job_id", "?"))
    return job


async def maintain(redis: Redis, session: aiohttp.ClientSession, store: TokenStore | None,
                   admin: AdminAPI | None, webhook_id: str) -> None:
    """The background loop of a worker process; ends when the HTTP session is closed."""
    while not session.closed:
        try:
            if admin is not None and webhook_id:
                await replay_missed(redis, admin, webhook_id)
            else:
                await redis.set(keys.X_ALIVE, f"{time.time():.3f}")
            if store is not None and store.oauth is not None:
                for account in await store.accounts():
                    tokens = await store.load(account)
                    if tokens is not None and tokens.expiring(REFRESH_BEFORE_S):
                        await store.refresh(session, tokens)
        except asyncio.CancelledError:
            raise
        except (RedisError, SendError, OSError) as exc:
            log.warning("X maintenance step failed: %s", getattr(exc, "public", type(exc).__name__))
        except Exception:
            log.exception("X maintenance step failed")
        for _ in range(int(STAMP_EVERY_S)):
            if session.closed:
                return
            await asyncio.sleep(1)
