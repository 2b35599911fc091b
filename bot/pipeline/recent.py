"""Recent messages per conversation, to notice a fan repeating themselves.

One Redis hash per conversation: the folded text's digest → the last message
id and time it was seen. Checking a message costs the same however long the
conversation is; the hash lives as long as the repeat window after the fan's
last message, and is emptied if a fan sends more distinct texts in one window
than anyone types by hand.
"""

from __future__ import annotations

import hashlib
import time

from redis.asyncio import Redis

from bot import redis_keys as keys
from nlu_components.normalise import fold

MAX_DISTINCT = 500


def _digest(text: str) -> str:
    return hashlib.sha1(" ".join(fold(text).split()).encode()).hexdigest()[:16]


class RecentMessages:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def repeated(self, conversation_id: str, message_id: str, text: str, window_s: int) -> bool:
        """Remember this message; True if the fan sent the same text (another message) within the window."""
        if not text.strip():
            return False
        key = keys.conversation(conversation_id, "recent")
        digest, now = _digest(text), time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hget(key, digest)
            pipe.hset(key, digest, f"{message_id}|{now:.3f}")
            pipe.hlen(key)
            pipe.expire(key, window_s)
            previous, _, size, _ = await pipe.execute()
        if size > MAX_DISTINCT:
            await self.redis.delete(key)
        if not previous:
            return False
        seen_id, _, seen_at = previous.decode().rpartition("|")
        return seen_id != message_id and now - float(seen_at) <= window_s
