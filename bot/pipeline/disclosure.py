"""The bot says it is a bot: in the first automated message of a conversation, and again in the first
one after a person handed the conversation back.

Meta's Messenger policy asks for it, and California (SB 1001) and German
law require it. The text is the brand's (``disclosure`` in ``brand.yml``), in
the fan's language, and says how to reach a person. It is the first
paragraph of that message. The conversation remembers that it was told
(``relais:conv:{<c>}:disclosed``) until a person takes it over.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.brand import Brand
from bot.proofreading.typography import apply_safe_fixes


class Disclosure:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def due(self, conversation_id: str, brand: Brand, language: str) -> str:
        """The disclosure to send first, claimed for this message (empty when the fan was told already, or
        the brand has none)."""
        texts = brand.disclosure or {}
        text = texts.get(language) or texts.get(brand.languages[0]) or ""
        if not text:
            return ""
        claimed = await self.redis.set(keys.conversation(conversation_id, "disclosed"), f"{time.time():.3f}",
                                       nx=True, ex=keys.CONVERSATION_TTL_S)
        return apply_safe_fixes(text, language if language in texts else brand.languages[0]) if claimed else ""

    async def forget(self, conversation_id: str) -> None:
        """A person takes the conversation: the bot introduces itself again when it is back."""
        await self.redis.delete(keys.conversation(conversation_id, "disclosed"))
