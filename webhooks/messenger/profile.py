"""Fans' first names from the Graph API User Profile endpoint.

``GET /{version}/{psid}?fields=first_name``; a failure only means the draft
greets the fan without their name (the pipeline caches what it gets).
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp

log = logging.getLogger("relais.webhooks.messenger.profile")


async def first_name(session: aiohttp.ClientSession, api_url: str, token: str, psid: str,
                     timeout_s: float = 2.0) -> str | None:
    try:
        async with session.get(f"{api_url.rstrip('/')}/{psid}", params={"fields": "first_name", "access_token": token},
                               timeout=aiohttp.ClientTimeout(total=timeout_s)) as resp:
            data = await resp.json(content_type=None) if resp.status == 200 else {}
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        log.info("profile lookup failed: %s", type(exc).__name__)
        return None
    name = str(data.get("first_name") or "").strip() if isinstance(data, dict) else ""
    return name[:100] or None
