"""The bot says it is a bot: in the first automated message of a conversation, and again in the first
one after a person handed the conversation back.

Meta's Messenger policy asks for it, and California (SB 1001) and German
law require it. The text is the brand's (``disclosure`` in ``brand.yml``), in
the fan's language: its first sentence says the fan is talking to an automated
assistant, the rest how to reach a person — left out of the message that
hands the fan to one. It is the first
paragraph of that message. The conversation remembers that it was told
(``relais:conv:{<c>}:disclosed``) until a person takes it over.
"""

from __future__ import annotations

import re
import time

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.brand import Brand
from bot.proofreading.typography import apply_safe_fixes


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«\"“])")


def first_sentence(text: str) -> str:
    """The disclosure's first sentence: the brand file writes what the fan is talking to first, then how to
    reach a person."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


class Disclosure:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def due(self, conversation_id: str, brand: Brand, language: str, *, to_person: bool = False) -> str:
        """The disclosure to send first, claimed for this message (empty when the fan was told already, or
        the brand has none). ``to_person``: the fan is being handed to a person, so only the disclosure's first
        sentence (what the fan is talking to) is said, not how to ask for a person."""
        texts = brand.disclosure or {}
        text = texts.get(language) or texts.get(brand.languages[0]) or ""
        if not text:
            return ""
        if to_person:
            text = first_sentence(text)
        claimed = await self.redis.set(keys.conversation(conversation_id, "disclosed"), f"{time.time():.3f}",
                                       nx=True, ex=keys.CONVERSATION_TTL_S)
        return apply_safe_fixes(text, language if language in texts else brand.languages[0]) if claimed else ""

    async def forget(self, conversation_id: str) -> None:
        """A person takes the conversation: the bot introduces itself again when it is back."""
        await self.redis.delete(keys.conversation(conversation_id, "disclosed"))
