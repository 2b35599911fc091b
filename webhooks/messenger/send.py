"""The Messenger Send API: one attempt at one text, and what is known of it afterwards.

``POST /{version}/{page-id}/messages`` with ``messaging_type: RESPONSE`` and
our tag in ``message.metadata``, which Meta sends back in the echo of the
message — how a send whose answer was lost is confirmed later.

What an answer proves:

* ``200`` with a ``message_id``: delivered;
* an error body from the Graph API: refused, nothing delivered — retryable
  for throttling (codes 4, 17, 32, 613, HTTP 429) and transient errors
  (codes 1, 2, HTTP 5xx), the account blocked for an invalid token
  (code 190), permanent otherwise (the fan cannot be reached, bad request);
* a connection that could not be opened: refused, retryable;
* a timeout or a connection lost after the request was written, or an
  answer that is not the Graph API's: unknown — it may have been delivered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.channels import SendResult
from bot.messages import OutboundReply

log = logging.getLogger("relais.webhooks.messenger.send")

MAX_TEXT = 2000  # characters per message
THROTTLED_CODES = frozenset({4, 17, 32, 613})
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_CODES = frozenset({190, 102})
DEFAULT_THROTTLE_S = 60.0


def _retry_after(resp: aiohttp.ClientResponse) -> float | None:
    raw = resp.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None


def classify(status: int, data: Any, retry_after: float | None) -> SendResult:
    """The Graph API's answer → a SendResult (pure, so every case is tested on its own)."""
    if status == 200 and isinstance(data, dict) and isinstance(data.get("message_id"), str):
        return SendResult.delivered(data["message_id"])
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return SendResult.unknown(f"Send API HTTP {status} without a Graph error")
    code = error.get("code")
    reason = f"Send API HTTP {status} code {code}"
    if code in TOKEN_CODES:
        return SendResult.refused(reason + " (access token invalid or expired)", account_blocked=True)
    if status == 429 or code in THROTTLED_CODES:
        return SendResult.refused(reason + " (throttled)", retryable=True,
                                  retry_after_s=retry_after if retry_after is not None else DEFAULT_THROTTLE_S)
    if status >= 500 or code in TRANSIENT_CODES:
        return SendResult.refused(reason, retryable=True, retry_after_s=retry_after)
    return SendResult.refused(reason)


class SendAPI:
    def __init__(self, api_url: str, page_access_token: str, *, timeout_s: float = 10.0) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = page_access_token
        self.timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=min(3.0, timeout_s))

    def body(self, reply: OutboundReply, metadata: str = "") -> dict[str, Any]:
        message: dict[str, Any] = {"text": reply.text}
        if metadata:
            message["metadata"] = metadata
        return {"recipient": {"id": reply.recipient_id}, "messaging_type": "RESPONSE", "message": message}

    async def send(self, session: aiohttp.ClientSession, reply: OutboundReply, echo_prefix: str) -> SendResult:
        url = f"{self.api_url}/{reply.account_id}/messages"
        body = self.body(reply, echo_prefix + reply.tag if reply.tag else "")
        try:
            async with session.post(url, json=body, params={"access_token": self.token},
                                    timeout=self.timeout) as resp:
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = None
                return classify(resp.status, data, _retry_after(resp))
        except aiohttp.ClientConnectorError as exc:  # never connected: nothing was sent
            return SendResult.refused(f"Send API unreachable ({type(exc).__name__})", retryable=True)
        except aiohttp.ConnectionTimeoutError:
            return SendResult.refused("Send API connection timed out", retryable=True)
        except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
            return SendResult.unknown(f"Send API answer lost ({type(exc).__name__})")
