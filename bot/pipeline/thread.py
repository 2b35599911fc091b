"""A conversation's thread as it happened: what the fan wrote and what reached them, in order.

The CM queue only sees the messages that needed a person; the thread records
every one. The responder adds each fan message once its outcome is known
(answered by the bot, held, escalated, failed), with the text as the fan
wrote it; the send engine adds each reply once the platform confirmed all of
its parts — the bot's answers and holding messages, and the replies CMs sent
from the console. The CM console reads the thread to show the whole
conversation, behind its sign-in.

One Redis list per conversation, ``relais:thread:{<c>}``, oldest first,
capped at :data:`KEEP` entries and kept :data:`bot.redis_keys.THREAD_TTL_S`
after the last one. It holds what fans wrote, personal data included: it is
read only by the signed-in console and never logged. A message handled again
after a crash may be recorded twice; :meth:`ConversationThread.last` returns
each (who, message, kind) once.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys

KEEP = 200
FAN, BOT, CM = "fan", "bot", "cm"
WHO = (FAN, BOT, CM)


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One message of the thread.

    ``who`` is ``fan``, ``bot`` or ``cm``; ``message_id`` is the fan message's platform id (for a reply,
    the id of the fan message or console reply it belongs to); ``route`` is a fan message's outcome
    (``sent``, ``held``, ``escalated``, ``failed``) or a reply's kind (``reply``, ``holding``, ``human``);
    ``platform_ids`` are the ids the platform gave the reply's parts.
    """

    who: str
    text: str
    at: float
    message_id: str
    route: str = ""
    platform_ids: tuple[str, ...] = ()

    def as_json(self) -> str:
        data = asdict(self)
        data["platform_ids"] = list(self.platform_ids)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "ThreadEntry | None":
        """An entry read back; ``None`` for one of another shape (it ages out with the list)."""
        try:
            data: dict[str, Any] = json.loads(raw)
            if data["who"] not in WHO:
                return None
            return cls(data["who"], str(data["text"]), float(data["at"]), str(data["message_id"]),
                       str(data.get("route") or ""), tuple(str(i) for i in data.get("platform_ids") or ()))
        except (ValueError, KeyError, TypeError):
            return None


class ConversationThread:
    def __init__(self, redis: Redis, *, keep: int = KEEP, ttl_s: int = keys.THREAD_TTL_S) -> None:
        self.redis = redis
        self.keep = keep
        self.ttl_s = ttl_s

    async def add(self, conversation_id: str, entry: ThreadEntry) -> None:
        """Append one entry; the list keeps its newest ``keep`` entries and lives ``ttl_s`` more."""
        key = keys.thread(conversation_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, entry.as_json())
            pipe.ltrim(key, -self.keep, -1)
            pipe.expire(key, self.ttl_s)
            await pipe.execute()

    async def fan_message(self, conversation_id: str, message_id: str, text: str, timestamp_ms: int,
                          outcome: str) -> None:
        """The fan's message, as written, with what became of it; dated when the fan sent it."""
        now = time.time()
        at = min(now, timestamp_ms / 1000) if timestamp_ms else now
        await self.add(conversation_id, ThreadEntry(FAN, text, at, message_id, outcome))

    async def reply(self, conversation_id: str, message_id: str, parts: list[str], kind: str,
                    platform_ids: list[str]) -> None:
        """A reply whose every part the platform confirmed: the bot's (``reply``, ``holding``) or a CM's
        (``human``)."""
        who = CM if kind == "human" else BOT
        await self.add(conversation_id, ThreadEntry(who, "\n\n".join(parts), time.time(), message_id, kind,
                                                    tuple(platform_ids)))

    async def last(self, conversation_id: str, count: int = KEEP) -> list[ThreadEntry]:
        """The conversation's last ``count`` entries, oldest first, each message once."""
        raw = await self.redis.lrange(keys.thread(conversation_id), -count, -1)
        seen: set[tuple[str, str, str]] = set()
        out = []
        for item in raw:
            entry = ThreadEntry.from_json(item)
            if entry is None:
                continue
            identity = (entry.who, entry.message_id, entry.route if entry.who != FAN else "")
            if identity in seen:
                continue
            seen.add(identity)
            out.append(entry)
        out.sort(key=lambda e: e.at)
        return out
