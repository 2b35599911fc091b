"""The Messenger Send API: one attempt at one text, and what is known of it afterwards.

``POST /{version}/{page-id}/messages`` with our tag in ``message.metadata``,
which Meta sends back in the echo of the message — how a send whose answer
was lost is confirmed later, and how our own sends are told apart from a
person's reply in Business Suite.

Meta's messaging window: every automated reply goes out as
``messaging_type: RESPONSE``, inside the 24 hours after the fan's last
message (the send engine refuses it later). A CM's reply (``kind`` human)
inside those 24 hours is a ``RESPONSE`` too; between 24 hours and 7 days it
goes out as ``messaging_type: MESSAGE_TAG`` with ``tag: HUMAN_AGENT``. Nothing
automated is ever tagged: such a send is refused here, before Meta.

What an answer proves:

* ``200`` with a ``message_id``: delivered;
* an error body from the Graph API: refused, nothing delivered — retryable
  for throttling (codes 4, 17, 32, 613, HTTP 429) and transient errors
  (codes 1, 2, HTTP 5xx), the account blocked for an invalid token
  (code 190), permanent otherwise (the fan cannot be reached, bad request);
  among the permanent ones, three the pipeline acts on: code 10 subcode
  2018278 (outside the messaging window: back to a CM), subcode 2018300
  (another app controls the thread: handled elsewhere) and code 551 (this
  person is not available right now: recorded, not retried);
* a connection that could not be opened: refused, retryable;
* a timeout or a connection lost after the request was written, or an
  answer that is not the Graph API's: unknown — it may have been delivered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.channels import AFTER_REPLY_WINDOW, HANDLED_ELSEWHERE, OUTSIDE_WINDOW, RECIPIENT_UNAVAILABLE, SendResult
from bot.messages import OutboundReply

log = logging.getLogger("relais.webhooks.messenger.send")

MAX_TEXT = 2000  # characters per message
THROTTLED_CODES = frozenset({4, 17, 32, 613})
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_CODES = frozenset({190, 102})
DEFAULT_THROTTLE_S = 60.0
OUTSIDE_WINDOW_SUBCODE = 2018278  # with code 10: "sent outside of allowed window"
THREAD_OWNER_SUBCODE = 2018300  # another app controls the conversation
UNAVAILABLE_CODE = 551  # "This person isn't available right now"
HUMAN_WINDOW_S = 7 * 24 * 3600  # the HUMAN_AGENT tag's window


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
    subcode = error.get("error_subcode")
    reason = f"Send API HTTP {status} code {code}" + (f" subcode {subcode}" if subcode else "")
    if code == 10 and subcode == OUTSIDE_WINDOW_SUBCODE:
        return SendResult.refused(reason + " (outside the messaging window)", refusal=OUTSIDE_WINDOW)
    if subcode == THREAD_OWNER_SUBCODE:
        return SendResult.refused(reason + " (another app controls this conversation)", refusal=HANDLED_ELSEWHERE)
    if code == UNAVAILABLE_CODE:
        return SendResult.refused(reason + " (this person is not available right now)", refusal=RECIPIENT_UNAVAILABLE)
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
        body: dict[str, Any] = {"recipient": {"id": reply.recipient_id}, "messaging_type": "RESPONSE",
                                "message": message}
        if reply.kind == "human" and reply.metadata.get(AFTER_REPLY_WINDOW):
            body.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
        return body

    async def send(self, session: aiohttp.ClientSession, reply: OutboundReply, echo_prefix: str) -> SendResult:
        if reply.kind != "human" and reply.metadata.get(AFTER_REPLY_WINDOW):
            return SendResult.refused("an automated reply is never tagged: outside the 24-hour window",
                                      refusal=OUTSIDE_WINDOW)
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
