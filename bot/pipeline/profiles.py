"""Fans' first names, asked of their channel once a day and cached in Redis.

A failure or an unknown name only means the draft greets the fan without it.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.channels import Channel


class Profiles:
    def __init__(self, redis: Redis, channels: dict[str, Channel], *, enabled: bool = True) -> None:
        self.redis = redis
        self.channels = channels
        self.enabled = enabled

    async def first_name(self, platform: str, account_id: str, user_id: str) -> str | None:
        channel = self.channels.get(platform)
        if channel is None or not self.enabled:
            return None
        key = keys.profile(platform, user_id)
        cached = await self.redis.get(key)
        if cached is not None:
            return cached.decode() or None
        name = await channel.first_name(account_id, user_id)
        await self.redis.set(key, name or "", ex=keys.PROFILE_TTL_S)
        return name
