"""A limit per sender at intake: one fan's flood is recorded for a person, not queued in front of everyone.

Each conversation (one sender writing to one brand account) may put
``limit`` messages on the inbound stream per ``window_s`` (a fixed window
that starts with the sender's first message). A message over the limit is
not answered by the bot, and it is never dropped:

* every one is kept, in order, in the conversation's overflow list
  (``relais:{q}:overflow:<conversation>``, the newest ``OVERFLOW_KEEP``,
  30 days), which the CM console shows with the conversation;
* the first one of a flood also goes on the stream, marked ``over``: the
  worker hands the conversation to a person with the reason
  ``rate_limited`` — one case for the CM — and the fan gets one polite
  holding line, once;
* the flood goes on as long as the sender keeps writing over the limit; an
  hour (``FLOOD_QUIET_S``) under it, and the next flood is a new one.

Messages within the limit are handled as always; while a person owns the
conversation (the flood's case is open) they are filed as follow-ups.

The default, 20 messages a minute, is far above what a person types into a
chat — a fan who sends a question in several short lines sends a handful —
and far below what a script sends. ``RELAIS_SENDER_LIMIT`` (0 turns the
limit off) and ``RELAIS_SENDER_WINDOW_S`` change it.

The counting, the recording and the queueing are one atomic step of the
enqueue script (``bot.pipeline.queue``), so a redelivered message is still
dropped by its id and a message is never both over the limit and queued
twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.messages import InboundMessage

RATE_LIMITED = "rate_limited"  # the reason on a flood's case


@dataclass(frozen=True, slots=True)
class SenderLimit:
    """How many messages one sender may queue per window (``limit`` 0: no limit)."""

    limit: int = 20
    window_s: int = 60
    quiet_s: int = keys.FLOOD_QUIET_S
    keep: int = keys.OVERFLOW_KEEP

    def script_args(self) -> list[int]:
        return [self.limit, self.window_s, self.quiet_s, self.keep]


class Overflow:
    """What a sender wrote over the limit, oldest first: for the CM who handles the flood's case."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def count(self, conversation_id: str) -> int:
        return int(await self.redis.llen(keys.sender("overflow", conversation_id)))

    async def messages(self, conversation_id: str, start: int = 0, count: int = 100) -> list[InboundMessage]:
        raw = await self.redis.lrange(keys.sender("overflow", conversation_id), start, start + count - 1)
        return [InboundMessage.from_json(item) for item in raw]

    async def flooding(self, conversation_id: str) -> bool:
        """True while the sender's flood goes on (it was over the limit within ``FLOOD_QUIET_S``)."""
        return bool(await self.redis.exists(keys.sender("flood", conversation_id)))
