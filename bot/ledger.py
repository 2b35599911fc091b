"""What happened to each message: per-conversation order, locks and per-message state in Redis.

A message moves through ``drafted`` → ``sending`` → ``sent`` | ``failed`` |
``held``. The state outlives the worker that wrote it, so a worker that takes
over an entry after a crash reuses the draft instead of asking Rasa again and
never sends a reply whose first send may already have gone out.
"""

from __future__ import annotations

import json
import time
from typing import Any

from redis.asyncio import Redis

from bot.messages import InboundMessage

OUTCOMES_STREAM = "relais:outcomes"
FAILED_STREAM = "relais:failed"

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_ADVANCE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return current
"""

FINAL_STATES = frozenset({"sent", "failed", "held", "escalated"})


def _conv(conversation_id: str, what: str) -> str:
    return f"relais:conv:{conversation_id}:{what}"


class Ledger:
    def __init__(self, redis: Redis, *, lock_ttl_ms: int = 120_000, state_ttl_s: int = 7 * 24 * 3600) -> None:
        self.redis = redis
        self.lock_ttl_ms = lock_ttl_ms
        self.state_ttl_s = state_ttl_s
        self._release = redis.register_script(_RELEASE)
        self._advance = redis.register_script(_ADVANCE)

    # -- conversation lock and order -------------------------------------------------
    async def try_lock(self, conversation_id: str, token: str) -> bool:
        return bool(await self.redis.set(_conv(conversation_id, "lock"), token, nx=True, px=self.lock_ttl_ms))

    async def unlock(self, conversation_id: str, token: str) -> None:
        await self._release(keys=[_conv(conversation_id, "lock")], args=[token])

    async def done_seq(self, conversation_id: str) -> int:
        return int(await self.redis.get(_conv(conversation_id, "done")) or 0)

    async def advance(self, conversation_id: str, seq: int) -> None:
        """Record that every message of the conversation up to ``seq`` is handled."""
        await self._advance(keys=[_conv(conversation_id, "done")], args=[seq])

    # -- per-message state -----------------------------------------------------------
    def _state_key(self, message: InboundMessage) -> str:
        return f"relais:msg:{message.platform}:{message.message_id}"

    async def state(self, message: InboundMessage) -> dict[str, Any]:
        raw = await self.redis.hgetall(self._state_key(message))
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    async def set_state(self, message: InboundMessage, **fields: Any) -> None:
        key = self._state_key(message)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={k: json.dumps(v, ensure_ascii=False) for k, v in fields.items()})
            pipe.expire(key, self.state_ttl_s)
            await pipe.execute()

    async def record_outcome(self, message: InboundMessage, route: str, reasons: list[str],
                             extra: dict[str, Any] | None = None) -> None:
        """Final state of a message, plus one line in the outcomes stream CMs and reports read."""
        await self.set_state(message, status=route, reasons=reasons, finished_at=time.time())
        entry = {
            "platform": message.platform,
            "message_id": message.message_id,
            "conversation": message.conversation_id,
            "route": route,
            "reasons": json.dumps(reasons),
            **{k: json.dumps(v, ensure_ascii=False) for k, v in (extra or {}).items()},
        }
        await self.redis.xadd(OUTCOMES_STREAM, entry, maxlen=100_000, approximate=True)
        if route == "failed":
            await self.redis.xadd(FAILED_STREAM, entry, maxlen=100_000, approximate=True)
