"""Send engine for Messenger: the Graph API Send API, with retries on transient failures."""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from bot.errors import SendError
from bot.messages import OutboundReply

log = logging.getLogger("relais.send")

MAX_TEXT = 2000  # Send API limit per message, in characters
_RATE_LIMIT_CODES = {4, 17, 32, 613}


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long reply into Send API-sized parts, preferring paragraph then word boundaries."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


class MessengerSender:
    """``POST /{version}/{page-id}/messages`` with ``messaging_type: RESPONSE``."""

    def __init__(self, session: aiohttp.ClientSession, api_url: str, page_access_token: str,
                 *, attempts: int = 4, timeout_s: float = 10.0, backoff_s: float = 0.25) -> None:
        self.session = session
        self.api_url = api_url.rstrip("/")
        self.token = page_access_token
        self.attempts = attempts
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.backoff_s = backoff_s

    async def send(self, reply: OutboundReply) -> list[str]:
        """Deliver every part of the reply; return the platform's message ids."""
        ids = []
        for part in split_text(reply.text):
            ids.append(await self._send_part(reply, part))
        return ids

    async def _send_part(self, reply: OutboundReply, text: str) -> str:
        url = f"{self.api_url}/{reply.page_id}/messages"
        body = {"recipient": {"id": reply.recipient_id}, "messaging_type": "RESPONSE", "message": {"text": text}}
        last: SendError | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                return await self._post(url, body)
            except SendError as exc:
                last = exc
                if not exc.retryable or attempt == self.attempts:
                    break
                delay = self.backoff_s * (2 ** (attempt - 1))
                log.warning("send attempt %d failed (%s); retrying in %.2fs", attempt, exc.public, delay)
                await asyncio.sleep(delay)
        assert last is not None
        raise last

    async def _post(self, url: str, body: dict) -> str:
        try:
            async with self.session.post(url, json=body, params={"access_token": self.token},
                                         timeout=self.timeout) as resp:
                data = await resp.json(content_type=None) if resp.content_length != 0 else {}
                if resp.status == 200 and isinstance(data, dict) and data.get("message_id"):
                    return str(data["message_id"])
                error = (data or {}).get("error", {}) if isinstance(data, dict) else {}
                code = error.get("code")
                retryable = resp.status >= 500 or resp.status == 429 or code in _RATE_LIMIT_CODES
                raise SendError(f"Send API HTTP {resp.status} code {code}: {error.get('message', '')}"[:300],
                                retryable=retryable)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise SendError(f"Send API unreachable: {type(exc).__name__}", retryable=True) from exc
