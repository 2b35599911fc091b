"""Recent messages per conversation, to notice a fan repeating themselves."""

from __future__ import annotations

import hashlib
import time

from redis.asyncio import Redis

from bot import redis_keys as keys
from nlu_components.normalise import fold


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
            pipe.zremrangebyscore(key, "-inf", now - window_s)
            pipe.zrange(key, 0, -1)
            pipe.zadd(key, {f"{digest}|{message_id}": now})
            pipe.expire(key, window_s)
            _, members, *_ = await pipe.execute()
        return any(m.decode().startswith(digest + "|") and not m.decode().endswith("|" + message_id)
                   for m in members)
