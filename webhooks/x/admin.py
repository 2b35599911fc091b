"""Webhook, subscriptions and replay on the X API: what ``relais x register`` / ``status`` and the
recovery after downtime call.

* ``POST /2/webhooks`` ``{"url"}`` — app-only bearer token; X runs a CRC
  against the URL before answering (HTTPS, no port);
* ``GET /2/webhooks`` and ``PUT /2/webhooks/:id`` — list; re-validate one
  whose CRC failed (after 28 hours without a valid CRC X stops delivering);
* ``POST /2/activity/subscriptions`` ``{"event_type", "filter": {"user_id"},
  "webhook_id", "tag"}`` — with the brand account's user-context token;
  ``GET /2/activity/subscriptions`` lists them (app token);
* ``POST /2/webhooks/replay`` ``{"webhook_id", "from_date", "to_date"}`` —
  dates ``yyyymmddhhmm`` in UTC, at most 24 hours back: X delivers those
  events again, and the inbound dedupe drops the ones already handled.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from bot.errors import SendError

EVENT_TYPES = ("dm.received", "dm.sent", "chat.received")
SUBSCRIPTION_TAG = "relais"
REPLAY_MAX_S = 24 * 3600
# The longest X can take to deliver an event again after it first did: the Account Activity replay reaches
# five days back (the XAA replay Relais asks for, 24 hours), and a replay job delivers over time — one day
# allowed for that. The inbound dedupe (bot.settings.DEDUP_TTL_S) must outlast it.
X_REDELIVERY_MAX_S = 5 * 24 * 3600 + 24 * 3600


def x_date(at: float) -> str:
    """Unix seconds → X's ``yyyymmddhhmm`` (UTC)."""
    return time.strftime("%Y%m%d%H%M", time.gmtime(at))


class AdminAPI:
    def __init__(self, session: aiohttp.ClientSession, api_base: str, bearer_token: str,
                 timeout_s: float = 15.0) -> None:
        self.session = session
        self.api_base = api_base.rstrip("/")
        self.bearer = bearer_token
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None,
                    token: str | None = None) -> dict[str, Any]:
        if not (token or self.bearer):
            raise SendError("X_BEARER_TOKEN is not set (the app-only token of the X app)", retryable=False)
        try:
            async with self.session.request(method, f"{self.api_base}{path}", json=body, timeout=self.timeout,
                                            headers={"Authorization": f"Bearer {token or self.bearer}"}) as resp:
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = None
                status = resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise SendError(f"X API unreachable ({type(exc).__name__})", retryable=True) from None
        if status >= 300 or not isinstance(data, dict):
            detail = ""
            if isinstance(data, dict):
                errors = data.get("errors") or [{}]
                detail = str(data.get("detail") or data.get("title") or
                             (errors[0].get("message") if isinstance(errors[0], dict) else "") or "")[:160]
            raise SendError(f"X API {method} {path.split('?')[0]} answered HTTP {status} {detail}".rstrip(),
                            retryable=status >= 500 or status == 429)
        return data

    async def webhooks(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", "/2/webhooks")).get("data") or [])

    async def create_webhook(self, url: str) -> dict[str, Any]:
        return (await self._call("POST", "/2/webhooks", {"url": url})).get("data") or {}

    async def revalidate(self, webhook_id: str) -> bool:
        data = (await self._call("PUT", f"/2/webhooks/{webhook_id}")).get("data") or {}
        return bool(data.get("valid", data.get("attempted", True)))

    async def subscriptions(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", "/2/activity/subscriptions")).get("data") or [])

    async def subscribe(self, user_token: str, user_id: str, webhook_id: str, event_type: str) -> dict[str, Any]:
        body = {"event_type": event_type, "filter": {"user_id": user_id}, "webhook_id": webhook_id,
                "tag": SUBSCRIPTION_TAG}
        return (await self._call("POST", "/2/activity/subscriptions", body, token=user_token)).get("data") or {}

    async def replay(self, webhook_id: str, since: float, until: float | None = None) -> dict[str, Any]:
        """Ask X to deliver again what happened from ``since`` (clamped to the last 24 hours) to ``until``."""
        until = time.time() if until is None else until
        since = max(since, until - REPLAY_MAX_S + 60)
        body = {"webhook_id": webhook_id, "from_date": x_date(since), "to_date": x_date(until)}
        return (await self._call("POST", "/2/webhooks/replay", body)).get("data") or {}
