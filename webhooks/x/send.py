"""The X DM API: one attempt at one text, and what X's answer proves.

``POST /2/dm_conversations/with/:participant_id/messages`` with
``{"text": …}`` and the brand account's user-context bearer token:

* ``201`` with ``data.dm_event_id``: delivered;
* ``429`` (error code 88): refused, nothing delivered; retry once
  ``x-rate-limit-reset`` (Unix seconds) has passed;
* ``401``: the account's token is invalid or revoked — sending for the
  account stops until ``relais x connect`` stores new tokens;
* ``5xx``: refused, retryable; any other ``4xx`` (the fan does not accept
  DMs from the brand, a bad request): refused for good;
* a connection that could not be opened: refused, retryable; a timeout or
  a connection lost after the request was written, or an answer that is not
  X's: unknown — the DM may have been delivered.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from bot.channels import SendResult

MAX_TEXT = 10_000  # characters per DM
DEFAULT_RESET_S = 15 * 60.0  # a 429 without x-rate-limit-reset: X's shortest window


def reset_in(headers: Any, now: float | None = None) -> float:
    """Seconds until ``x-rate-limit-reset``; X's shortest window when the header is missing or absurd."""
    now = time.time() if now is None else now
    raw = str(headers.get("x-rate-limit-reset", "")).strip()
    try:
        wait = float(raw) - now
    except ValueError:
        return DEFAULT_RESET_S
    return min(max(wait, 1.0), 24 * 3600.0) if raw else DEFAULT_RESET_S


def _error_text(data: Any) -> str:
    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            return f" code {first.get('code', '')} {str(first.get('message') or '')[:80]}".rstrip()
        if data.get("title"):
            return f" {str(data.get('title'))[:80]}"
    return ""


def classify(status: int, data: Any, headers: Any) -> SendResult:
    """X's answer → a SendResult (pure, so every case is tested on its own)."""
    if status in (200, 201) and isinstance(data, dict) and isinstance(data.get("data"), dict):
        dm_event_id = data["data"].get("dm_event_id")
        if isinstance(dm_event_id, str) and dm_event_id:
            return SendResult.delivered(dm_event_id)
    if not isinstance(data, dict) or not (data.get("errors") or data.get("title") or data.get("detail")):
        return SendResult.unknown(f"X DM API HTTP {status} without an X error")
    reason = f"X DM API HTTP {status}{_error_text(data)}"
    if status == 429:
        wait = reset_in(headers)
        at = time.strftime("%H:%M", time.gmtime(time.time() + wait))
        return SendResult.refused(f"queued: X rate limit (429), sends at {at} UTC", retryable=True,
                                  retry_after_s=wait + 1.0)
    if status == 401:
        return SendResult.refused(reason + " (token invalid or revoked: relais x connect)", account_blocked=True)
    if status >= 500:
        return SendResult.refused(reason, retryable=True)
    return SendResult.refused(reason)


class DMAPI:
    def __init__(self, api_base: str, *, timeout_s: float = 10.0) -> None:
        self.api_base = api_base.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=min(3.0, timeout_s))

    async def send(self, session: aiohttp.ClientSession, access_token: str, participant_id: str,
                   text: str) -> tuple[SendResult, Any]:
        """One POST; the result and X's response headers (empty when there was no answer)."""
        url = f"{self.api_base}/2/dm_conversations/with/{participant_id}/messages"
        try:
            async with session.post(url, json={"text": text}, timeout=self.timeout,
                                    headers={"Authorization": f"Bearer {access_token}"}) as resp:
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = None
                return classify(resp.status, data, resp.headers), resp.headers
        except aiohttp.ClientConnectorError as exc:  # never connected: nothing was sent
            return SendResult.refused(f"X DM API unreachable ({type(exc).__name__})", retryable=True), {}
        except aiohttp.ConnectionTimeoutError:
            return SendResult.refused("X DM API connection timed out", retryable=True), {}
        except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
            return SendResult.unknown(f"X DM API answer lost ({type(exc).__name__})"), {}
