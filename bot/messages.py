"""Channel-neutral messages: what the pipeline sees instead of Messenger or X JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message a fan sent to the brand, whatever the platform.

    ``message_id`` is the platform's own id (Messenger ``mid``), used to drop
    redeliveries; ``conversation_id`` identifies the fan's thread with the
    brand on that platform and is what ordering and locks are keyed on.
    """

    platform: str
    message_id: str
    page_id: str
    sender_id: str
    text: str
    timestamp_ms: int
    kind: str = "text"  # text | quick_reply | postback
    payload: str | None = None  # quick reply / postback payload
    attachments: tuple[str, ...] = ()  # attachment types the fan sent (image, audio, ...)

    @property
    def conversation_id(self) -> str:
        return f"{self.platform}:{self.page_id}:{self.sender_id}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "InboundMessage":
        data = json.loads(raw)
        data["attachments"] = tuple(data.get("attachments") or ())
        return cls(**data)


@dataclass(slots=True)
class OutboundReply:
    """A reply drafted for a fan, ready for the platform's send engine."""

    platform: str
    page_id: str
    recipient_id: str
    text: str
    in_reply_to: str  # the InboundMessage.message_id it answers
    metadata: dict[str, Any] = field(default_factory=dict)
