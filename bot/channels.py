"""The channel seam: everything that speaks one platform's protocol, behind one interface.

A channel (``webhooks/<platform>/``) does four things and nothing else:

* **receive**: check a webhook's signature on the raw body and parse it into
  neutral ``InboundMessage``s, ``Echo``es of our own sends, and a count of the
  events it skipped (never failing a whole batch for one odd event);
* **verify**: answer the platform's subscription check (``GET``);
* **send**: deliver one ``OutboundReply`` text and say what is known of it —
  ``delivered``, ``unknown`` (the request may have reached the platform) or
  ``refused`` with a reason, whether a retry can help, and when;
* **limits**: its maximum text length, reply window and send rate.

The gateway and the workers find channels through ``webhooks.registry``; the
pipeline never names a platform, and channels never import the pipeline —
``bot.app`` and ``bot.pipeline.runner`` connect them.
"""

from __future__ import annotations

import abc
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import aiohttp

from bot.messages import Echo, InboundMessage, OutboundReply

DELIVERED = "delivered"
UNKNOWN = "unknown"
REFUSED = "refused"

# Refusals the pipeline acts on, whatever the platform calls them (``SendResult.refusal``):
OUTSIDE_WINDOW = "outside_window"  # the platform's reply window has closed: back to a CM
HANDLED_ELSEWHERE = "handled_elsewhere"  # another app or inbox controls the conversation
RECIPIENT_UNAVAILABLE = "recipient_unavailable"  # the fan cannot receive messages now: recorded, never retried
# ``OutboundReply.metadata`` flag: a person's reply after the reply window (``ChannelLimits.human_window_s``),
# which the channel marks as its platform asks
AFTER_REPLY_WINDOW = "after_reply_window"
# ``InboundMessage.kind`` of a message the brand's account sent from elsewhere (another app, the platform's
# own inbox): no fan wrote it; the pipeline steps back from that conversation (``bot.pipeline.elsewhere``)
ANSWERED_ELSEWHERE = "answered_elsewhere"


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    max_text: int  # characters per message
    reply_window_s: int | None = None  # how long after the fan's last message a reply is allowed
    # how long after it a person's reply (``OutboundReply.kind == "human"``) still is, marked by the
    # channel as the platform asks (None: no longer than reply_window_s)
    human_window_s: int | None = None
    sends_per_s: float | None = None  # per account, what the platform allows


@dataclass(slots=True)
class WebhookBatch:
    """What one webhook delivery held."""

    messages: list[InboundMessage] = field(default_factory=list)
    echoes: list[Echo] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason → events skipped

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the platform told us about one send.

    ``retryable`` is only ever true for a refusal that proves nothing was
    delivered (the platform answered with an error); ``retry_after_s`` is the
    platform's own hint. ``account_blocked`` means no send for this account
    can succeed until an operator acts (an expired or revoked token).
    """

    status: str  # delivered | unknown | refused
    platform_message_id: str = ""
    reason: str = ""
    retryable: bool = False
    retry_after_s: float | None = None
    account_blocked: bool = False
    refusal: str = ""  # OUTSIDE_WINDOW, HANDLED_ELSEWHERE, RECIPIENT_UNAVAILABLE, or "" for any other

    @classmethod
    def delivered(cls, platform_message_id: str) -> "SendResult":
        return cls(DELIVERED, platform_message_id)

    @classmethod
    def unknown(cls, reason: str) -> "SendResult":
        return cls(UNKNOWN, reason=reason)

    @classmethod
    def refused(cls, reason: str, *, retryable: bool = False, retry_after_s: float | None = None,
                account_blocked: bool = False, refusal: str = "") -> "SendResult":
        return cls(REFUSED, reason=reason, retryable=retryable, retry_after_s=retry_after_s,
                   account_blocked=account_blocked, refusal=refusal)


class Channel(abc.ABC):
    """One platform. Built once per process from the environment by ``from_env``."""

    platform: ClassVar[str]
    limits: ClassVar[ChannelLimits]
    webhook_path: ClassVar[str]
    # The platform can deliver an event again and again (X's replays): each delivery then renews the
    # dedupe of the ids it carries, so they stay "seen" ``dedup_ttl_s`` after the latest one.
    renews_dedupe: ClassVar[bool] = False

    @classmethod
    @abc.abstractmethod
    def from_env(cls, env: Mapping[str, str]) -> "Channel":
        """Read and validate this channel's settings; raise ConfigError naming the key."""

    @classmethod
    def sandbox_env(cls, env: Mapping[str, str]) -> dict[str, str]:
        """Settings to generate for a local sandbox run (only keys missing from ``env``)."""
        return {}

    # -- receive -----------------------------------------------------------------------
    @abc.abstractmethod
    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Raise SignatureError / ForbiddenError unless the body is signed by the platform."""

    @abc.abstractmethod
    def parse(self, data: object) -> WebhookBatch:
        """The decoded JSON body → a batch; PayloadError only when the envelope itself is wrong."""

    @abc.abstractmethod
    def answer_check(self, query: Mapping[str, str]) -> tuple[str, str]:
        """The platform's GET subscription check → (body, content type); ForbiddenError if refused."""

    def ack_body(self) -> str:
        return "EVENT_RECEIVED"

    # -- send ----------------------------------------------------------------------------
    def open(self, session: aiohttp.ClientSession) -> None:
        """Give the channel the process's HTTP session (before any send or profile call)."""
        self.session = session

    @abc.abstractmethod
    async def send(self, reply: OutboundReply) -> SendResult:
        """One attempt at delivering ``reply.text`` (at most ``limits.max_text`` characters)."""

    async def first_name(self, account_id: str, user_id: str) -> str | None:
        """The fan's first name if the platform tells it; None otherwise."""
        return None

    async def hand_to_person(self, account_id: str, user_id: str) -> str:
        """A person takes the conversation: pass it to the platform's own inbox if the channel is set to;
        what happened, for the record ("" when there is nothing to do). Never raises."""
        return ""

    def credential_fingerprint(self, account_id: str) -> str:
        """Changes when the operator replaces the account's send credentials (lifts a block)."""
        return ""

    # -- playing a fan (``relais try``, benchmarks) ------------------------------------------
    demo_account_id: ClassVar[str] = "1"

    def signed_delivery(self, texts: list[tuple[str, str, str]]) -> tuple[bytes, dict[str, str]]:
        """A delivery of ``(sender_id, message_id, text)`` messages to the demo account, signed
        as the platform signs it: the body and the headers to post to ``webhook_path``."""
        raise NotImplementedError


def load_channels(env: Mapping[str, str], platforms: list[str] | None = None) -> dict[str, Channel]:
    """Every registered channel (or those named), built from ``env``."""
    from webhooks.registry import CHANNELS

    names = platforms or list(CHANNELS)
    out: dict[str, Channel] = {}
    for name in names:
        out[name] = channel_class(name).from_env(env)
    return out


def channel_class(platform: str) -> type[Channel]:
    from webhooks.registry import CHANNELS

    module, _, cls = CHANNELS[platform].partition(":")
    return getattr(importlib.import_module(module), cls)


def registered_platforms() -> list[str]:
    from webhooks.registry import CHANNELS

    return list(CHANNELS)
