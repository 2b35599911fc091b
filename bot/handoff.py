"""Human handoff: a person takes over a conversation and the bot stays silent until resumed.

Escalating a conversation pauses it in Rasa (a ``ConversationPaused`` event,
so Rasa logs but does not answer), marks it in Redis, tells the fan once and
honestly that a person will answer, and files a case in the CM queue. Every
later message of that fan goes to the CM queue as a follow-up, with no second
holding message, until ``relais resume`` hands the conversation back.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from redis.asyncio import Redis

from bot.cm_queue import CMQueue
from bot.rasa_client import RasaClient

log = logging.getLogger("relais.handoff")


def _key(conversation_id: str) -> str:
    return f"relais:handoff:{conversation_id}"


class Handoff:
    def __init__(self, redis: Redis, rasa: RasaClient, queue: CMQueue, *, ttl_s: int = 14 * 24 * 3600) -> None:
        self.redis = redis
        self.rasa = rasa
        self.queue = queue
        self.ttl_s = ttl_s

    async def state(self, conversation_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(_key(conversation_id))
        return json.loads(raw) if raw else None

    async def begin(self, conversation_id: str, reasons: list[str]) -> bool:
        """Mark the conversation as owned by a person; False if it already was (no new holding message)."""
        value = json.dumps({"since": time.time(), "reasons": reasons})
        created = await self.redis.set(_key(conversation_id), value, nx=True, ex=self.ttl_s)
        if created:
            await self.rasa.pause(conversation_id)
        return bool(created)

    async def resume(self, conversation_id: str) -> bool:
        """Give the conversation back to the bot; False if no person owned it."""
        existed = await self.redis.delete(_key(conversation_id))
        await self.rasa.resume(conversation_id)
        if existed:
            await self.queue.add("resumed", {"conversation": conversation_id})
            log.info("conversation handed back to the bot")
        return bool(existed)
