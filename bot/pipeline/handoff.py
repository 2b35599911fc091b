"""Human handoff: a person takes over a conversation and the bot stays silent until it is handed back.

Escalating a conversation marks it in Redis, tells the fan once and honestly
that a person will answer, and files a case in the CM queue. Every later
message of that fan goes to the CM queue as a follow-up, with no second
holding message and without drafting, until ``relais resume`` hands the
conversation back.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.pipeline.cm_queue import CMQueue

log = logging.getLogger("relais.handoff")


class Handoff:
    def __init__(self, redis: Redis, queue: CMQueue, *, ttl_s: int = keys.HANDOFF_TTL_S) -> None:
        self.redis = redis
        self.queue = queue
        self.ttl_s = ttl_s

    async def state(self, conversation_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(keys.handoff(conversation_id))
        return json.loads(raw) if raw else None

    async def begin(self, conversation_id: str, reasons: list[str]) -> bool:
        """Mark the conversation as owned by a person; False if it already was (no new holding message)."""
        value = json.dumps({"since": time.time(), "reasons": reasons})
        return bool(await self.redis.set(keys.handoff(conversation_id), value, nx=True, ex=self.ttl_s))

    async def resume(self, conversation_id: str) -> bool:
        """Give the conversation back to the bot; False if no person owned it."""
        existed = await self.redis.delete(keys.handoff(conversation_id))
        if existed:
            await self.queue.add("resumed", {"conversation": conversation_id})
            log.info("conversation handed back to the bot")
        return bool(existed)
