"""Messenger: the Meta Messenger Platform behind the channel interface.

Settings (environment): ``MESSENGER_APP_SECRET`` (HMAC key of
``X-Hub-Signature-256``), ``MESSENGER_VERIFY_TOKEN`` (the subscription
check), ``MESSENGER_PAGE_ACCESS_TOKEN`` (Send API), ``GRAPH_API_BASE`` and
``GRAPH_API_VERSION`` (where the Graph API is), ``MESSENGER_SEND_TIMEOUT_S``,
``MESSENGER_PASS_TO_INBOX`` (pass each escalation to the Page Inbox; off).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import ClassVar

from bot.channels import Channel, ChannelLimits, SendResult, WebhookBatch
from bot.errors import ForbiddenError
from bot.messages import OutboundReply
from bot.settings import env_bool, env_float, env_secret, env_url
from webhooks.messenger import handover, profile, simulate
from webhooks.messenger.receive import ECHO_TAG_PREFIX, parse_delivery
from webhooks.messenger.send import HUMAN_WINDOW_S, MAX_TEXT, SendAPI
from webhooks.signature import verify_hub_signature

DEFAULT_GRAPH_API_BASE = "https://graph.facebook.com"
DEFAULT_GRAPH_API_VERSION = "v21.0"


class MessengerChannel(Channel):
    platform: ClassVar[str] = "messenger"
    # Meta allows standard replies for 24 hours after the fan's last message, a person's (HUMAN_AGENT) for 7 days.
    limits: ClassVar[ChannelLimits] = ChannelLimits(max_text=MAX_TEXT, reply_window_s=24 * 3600,
                                                    human_window_s=HUMAN_WINDOW_S, sends_per_s=250)
    webhook_path: ClassVar[str] = "/webhooks/messenger"
    demo_account_id: ClassVar[str] = simulate.DEMO_PAGE_ID

    def __init__(self, app_secret: str, verify_token: str, page_access_token: str,
                 graph_api_base: str = DEFAULT_GRAPH_API_BASE, graph_api_version: str = DEFAULT_GRAPH_API_VERSION,
                 send_timeout_s: float = 10.0, pass_to_inbox: bool = False) -> None:
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.page_access_token = page_access_token
        self.api_url = f"{graph_api_base.rstrip('/')}/{graph_api_version}"
        self.send_api = SendAPI(self.api_url, page_access_token, timeout_s=send_timeout_s)
        self.pass_to_inbox = pass_to_inbox
        self.session = None

    def __repr__(self) -> str:  # never the secrets
        return f"MessengerChannel(api_url={self.api_url!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "MessengerChannel":
        return cls(
            app_secret=env_secret(env, "MESSENGER_APP_SECRET"),
            verify_token=env_secret(env, "MESSENGER_VERIFY_TOKEN"),
            page_access_token=env_secret(env, "MESSENGER_PAGE_ACCESS_TOKEN"),
            graph_api_base=env_url(env, "GRAPH_API_BASE", ("http", "https"), DEFAULT_GRAPH_API_BASE),
            graph_api_version=env.get("GRAPH_API_VERSION", "").strip() or DEFAULT_GRAPH_API_VERSION,
            send_timeout_s=env_float(env, "MESSENGER_SEND_TIMEOUT_S", 10.0),
            pass_to_inbox=env_bool(env, "MESSENGER_PASS_TO_INBOX", False),
        )

    @classmethod
    def sandbox_env(cls, env: Mapping[str, str]) -> dict[str, str]:
        values = {
            "MESSENGER_APP_SECRET": secrets.token_hex(16),
            "MESSENGER_VERIFY_TOKEN": secrets.token_urlsafe(16),
            "MESSENGER_PAGE_ACCESS_TOKEN": "sandbox-" + secrets.token_urlsafe(24),
        }
        return {k: v for k, v in values.items() if not env.get(k)}

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        verify_hub_signature(self.app_secret, body, headers.get("X-Hub-Signature-256"))

    def parse(self, data: object) -> WebhookBatch:
        return parse_delivery(data)

    def answer_check(self, query: Mapping[str, str]) -> tuple[str, str]:
        """``GET`` hub challenge: echo ``hub.challenge`` when mode and verify token match."""
        token = query.get("hub.verify_token", "")
        if (query.get("hub.mode") != "subscribe" or not self.verify_token
                or not hmac.compare_digest(token.encode(), self.verify_token.encode())):
            raise ForbiddenError("verification failed")
        return query.get("hub.challenge", ""), "text/plain"

    async def send(self, reply: OutboundReply) -> SendResult:
        return await self.send_api.send(self.session, reply, ECHO_TAG_PREFIX)

    async def first_name(self, account_id: str, user_id: str) -> str | None:
        return await profile.first_name(self.session, self.api_url, self.page_access_token, user_id)

    async def hand_to_person(self, account_id: str, user_id: str) -> str:
        if not self.pass_to_inbox:
            return ""
        return await handover.pass_to_inbox(self.session, self.api_url, self.page_access_token, user_id)

    def credential_fingerprint(self, account_id: str) -> str:
        return hashlib.sha256(self.page_access_token.encode()).hexdigest()[:12]

    def signed_delivery(self, texts: list[tuple[str, str, str]]) -> tuple[bytes, dict[str, str]]:
        events = [simulate.text_event(text, sender, mid=mid) for sender, mid, text in texts]
        return simulate.signed(simulate.delivery(*events), self.app_secret)
