"""Channel-neutral messages: what the pipeline sees instead of a platform's JSON.

A channel turns a platform's webhook into ``InboundMessage``s and takes
``OutboundReply``s back; nothing else of the platform's protocol crosses into
the pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any


LIKE = "like"  # the platform's own "like" (a thumbs-up sticker): text "👍", no attachment
STICKER = "sticker"  # any other sticker: no text, attachment kind "sticker"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message a fan sent to the brand, whatever the platform.

    ``account_id`` is the brand's account on the platform (a page, a
    business account); ``sender_id`` the fan's id on that platform. ``message_id`` is
    the platform's own id, used to drop redeliveries; ``conversation_id``
    identifies the fan's thread with the brand and is what ordering and locks
    are keyed on.
    """

    platform: str
    message_id: str
    account_id: str
    sender_id: str
    text: str
    timestamp_ms: int
    kind: str = "text"  # text | quick_reply | postback | like | sticker | answered_elsewhere
    payload: str | None = None  # quick reply / postback payload; a sticker's id
    attachments: tuple[str, ...] = ()  # attachment types the fan sent (image, audio, ...)
    links: tuple[str, ...] = ()  # link previews / shared URLs the platform reported apart from the text
    reply_to: str | None = None  # the platform id of the message the fan replied to, if any

    @property
    def conversation_id(self) -> str:
        return f"{self.platform}:{self.account_id}:{self.sender_id}"

    def to_json(self) -> str:
        # Field by field: dataclasses.asdict deep-copies, which costs more than the rest of the enqueue.
        data = {name: getattr(self, name) for name in _INBOUND_FIELDS}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "InboundMessage":
        data = json.loads(raw)
        data["attachments"] = tuple(data.get("attachments") or ())
        data["links"] = tuple(data.get("links") or ())
        return cls(**data)


_INBOUND_FIELDS = tuple(f.name for f in fields(InboundMessage))


@dataclass(frozen=True, slots=True)
class Echo:
    """A copy of one of our own sends that the platform reported back.

    ``tag`` is what the send engine attached to the send (the inbound
    message id and part number), so an uncertain send can be confirmed.
    """

    platform: str
    account_id: str
    recipient_id: str
    tag: str
    platform_message_id: str


@dataclass(slots=True)
class OutboundReply:
    """One text for a fan, ready for the channel's send engine.

    ``tag`` travels with the send and comes back in the platform's echo of
    it; ``kind`` says why it is sent (``reply`` to a message, ``holding``
    message, or a CM's ``human`` reply), which decides the messaging tag a
    platform may require.
    """

    platform: str
    account_id: str
    recipient_id: str
    text: str
    in_reply_to: str  # the InboundMessage.message_id it answers
    tag: str = ""
    kind: str = "reply"
    metadata: dict[str, Any] = field(default_factory=dict)
