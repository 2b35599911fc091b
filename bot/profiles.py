"""Fans' first names from the Graph API User Profile endpoint, cached in Redis.

``GET /{version}/{psid}?fields=first_name``; a failure only means the draft
greets the fan without their name.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from redis.asyncio import Redis

log = logging.getLogger("relais.profiles")


class ProfileLookup:
    def __init__(self, session: aiohttp.ClientSession, api_url: str, token: str, redis: Redis,
                 *, ttl_s: int = 24 * 3600, timeout_s: float = 2.0) -> None:
        self.session = session
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.redis = redis
        self.ttl_s = ttl_s
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def first_name(self, platform: str, psid: str) -> str | None:
        if platform != "messenger":
            return None
        key = f"relais:profile:{platform}:{psid}:first_name"
        cached = await self.redis.get(key)
        if cached is not None:
            return cached.decode() or None
        try:
            async with self.session.get(f"{self.api_url}/{psid}", params={
                    "fields": "first_name", "access_token": self.token}, timeout=self.timeout) as resp:
                data = await resp.json(content_type=None) if resp.status == 200 else {}
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            log.info("profile lookup failed: %s", type(exc).__name__)
            return None
        name = str(data.get("first_name") or "").strip() if isinstance(data, dict) else ""
        await self.redis.set(key, name, ex=self.ttl_s)
        return name or None
