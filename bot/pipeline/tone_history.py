"""The tone of a conversation's last few messages, so one message is read in the light of the ones before.

One curt message after friendly ones is no crisis; three negative messages in
a row are, even when each one alone is mild. The routing policy reads the
history before deciding on a message and the message's own tone is added
after it. One short Redis list per conversation
(``relais:conv:{<c>}:tone``, newest first, at most :data:`KEEP` entries) that
expires :data:`bot.redis_keys.TONE_HISTORY_TTL_S` after the fan's last
message: a fan who comes back the next day starts afresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys

KEEP = 5
NEGATIVE = frozenset({"angry", "negative"})
FRIENDLY = frozenset({"neutral", "positive"})


@dataclass(frozen=True, slots=True)
class ToneMark:
    """One earlier message's tone: its label and its angry and negative scores."""

    message_id: str
    label: str
    angry: float = 0.0
    negative: float = 0.0

    @property
    def negative_tone(self) -> bool:
        return self.label in NEGATIVE

    @property
    def friendly(self) -> bool:
        return self.label in FRIENDLY

    @classmethod
    def of(cls, message_id: str, tone: dict[str, Any], short_kind: str = "") -> "ToneMark":
        """The mark of one parsed message; a very short one ("ok", "?", "👍") never counts as negative."""
        scores = tone.get("scores") or {}
        label = str(tone.get("label") or "neutral")
        if short_kind and label in NEGATIVE:
            label = "neutral"
        return cls(message_id, label, round(float(scores.get("angry", 0.0)), 3),
                   round(float(scores.get("negative", 0.0)), 3))


class ToneHistory:
    def __init__(self, redis: Redis, ttl_s: int = keys.TONE_HISTORY_TTL_S) -> None:
        self.redis = redis
        self.ttl_s = ttl_s

    async def before(self, conversation_id: str, message_id: str) -> tuple[ToneMark, ...]:
        """The tones of the conversation's earlier messages, newest first (``message_id`` left out)."""
        raw = await self.redis.lrange(keys.conversation(conversation_id, "tone"), 0, KEEP - 1)
        marks, seen = [], {message_id}
        for item in raw:
            try:
                data = json.loads(item)
                mark = ToneMark(str(data["m"]), str(data["l"]), float(data.get("a", 0)), float(data.get("n", 0)))
            except (ValueError, KeyError, TypeError):
                continue  # an entry of another shape: ignored, it expires with the list
            if mark.message_id not in seen:
                seen.add(mark.message_id)
                marks.append(mark)
        return tuple(marks)

    async def add(self, conversation_id: str, mark: ToneMark) -> None:
        """Put one message's tone at the head of the history (once: a message handled again is not re-added)."""
        key = keys.conversation(conversation_id, "tone")
        head = await self.redis.lindex(key, 0)
        if head is not None:
            try:
                if json.loads(head).get("m") == mark.message_id:
                    await self.redis.expire(key, self.ttl_s)
                    return
            except (ValueError, AttributeError):
                pass
        entry = json.dumps({"m": mark.message_id, "l": mark.label, "a": mark.angry, "n": mark.negative},
                           separators=(",", ":"))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, entry)
            pipe.ltrim(key, 0, KEEP - 1)
            pipe.expire(key, self.ttl_s)
            await pipe.execute()
