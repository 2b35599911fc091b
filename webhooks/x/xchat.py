"""Encrypted X Chat (``chat.received``): the one seam where a decryptor plugs in.

X delivers X Chat messages end-to-end encrypted (``payload.encoded_event``,
with the conversation's key material). The Chat XDK that decrypts them is not
published on the registries Relais installs from, so the default decryptor
cannot decrypt: such a message reaches a community manager as "encrypted X
message — open it in X", with the sender and the time, and the bot never
answers it. A decryptor given to ``XChannel(decryptor=...)`` that returns
the text turns the message into an ordinary DM for the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

ENCRYPTED = "encrypted_x_message"  # the attachment kind a CM sees on an undecrypted X Chat message
OPEN_IN_X = "https://x.com/messages"  # where the CM reads it


class Decryptor(Protocol):
    def decrypt(self, payload: Mapping[str, Any]) -> str | None:
        """The plain text of one ``chat.*`` payload, or None when it cannot be decrypted."""


class NoDecryptor:
    """The default: X Chat payloads stay encrypted and go to a person."""

    def decrypt(self, payload: Mapping[str, Any]) -> str | None:
        return None
