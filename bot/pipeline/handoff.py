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

# KEYS: handoff, the message's ledger state, the conversation's lease; ARGV: token, handoff value, handoff ttl,
# state ttl → the escalation decided for this message, as JSON ({"new": 0|1}), or false when the lease is lost.
# Decided once: a worker that takes the message over after a crash gets the same answer, so the fan who was
# to be told that a person takes over is told, whatever step the first worker died at.
_ESCALATE = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return false end
local decided = redis.call('HGET', KEYS[2], 'escalation')
if decided then return decided end
local new = 0
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[3]) then new = 1 end
decided = cjson.encode({new = new})
redis.call('HSET', KEYS[2], 'escalation', decided)
redis.call('EXPIRE', KEYS[2], ARGV[4])
return decided
"""


def _owned(reasons: list[str]) -> str:
    """The handoff key's value: since when a person owns the conversation, and why."""
    return json.dumps({"since": time.time(), "reasons": reasons})


class Handoff:
    def __init__(self, redis: Redis, queue: CMQueue, *, ttl_s: int = keys.HANDOFF_TTL_S) -> None:
        self.redis = redis
        self.queue = queue
        self.ttl_s = ttl_s
        self._escalate = redis.register_script(_ESCALATE)

    async def state(self, conversation_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(keys.handoff(conversation_id))
        return json.loads(raw) if raw else None

    async def begin(self, conversation_id: str, reasons: list[str]) -> bool:
        """Mark the conversation as owned by a person; False if it already was (no new holding message)."""
        return bool(await self.redis.set(keys.handoff(conversation_id), _owned(reasons), nx=True, ex=self.ttl_s))

    async def escalate(self, conversation_id: str, message_id: str, token: str, reasons: list[str]) -> bool | None:
        """Mark the conversation as owned by a person for this message, once: True when this message began
        the handoff (its fan gets the holding message), False when a person already owned it, None when
        ``token`` no longer holds the conversation's lease. Asked again for the same message (a retry after
        a crash), the first answer is returned."""
        raw = await self._escalate(keys=[keys.handoff(conversation_id), keys.message(conversation_id, message_id),
                                         keys.conversation(conversation_id, "lock")],
                                   args=[token, _owned(reasons), self.ttl_s, keys.MESSAGE_TTL_S])
        if raw is None:
            return None
        return bool(json.loads(raw)["new"])

    async def resume(self, conversation_id: str) -> bool:
        """Give the conversation back to the bot; False if no person owned it."""
        existed = await self.redis.delete(keys.handoff(conversation_id))
        if existed:
            await self.queue.add("resumed", {"conversation": conversation_id})
            log.info("conversation handed back to the bot")
        return bool(existed)
