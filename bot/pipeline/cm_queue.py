"""The CM queue: conversations and drafts waiting for a community manager, in Redis.

One stream, ``relais:cm:queue``: each entry is a case — a held draft to
approve or an escalated conversation to take over — with the evidence Relais
had (intent, tone, scores, flags, reasons, the draft).
"""

from __future__ import annotations

import json
import time
from typing import Any

from redis.asyncio import Redis

from bot.redis_keys import CM_QUEUE


class CMQueue:
    def __init__(self, redis: Redis, stream: str = CM_QUEUE) -> None:
        self.redis = redis
        self.stream = stream

    async def add(self, kind: str, case: dict[str, Any]) -> str:
        """Append a case (``held``, ``escalated``, ``follow_up`` or ``resumed``); return its id."""
        entry = {"kind": kind, "at": f"{time.time():.3f}", "case": json.dumps(case, ensure_ascii=False)}
        entry_id = await self.redis.xadd(self.stream, entry, maxlen=100_000, approximate=True)
        return entry_id.decode() if isinstance(entry_id, bytes) else entry_id

    async def cases(self, count: int = 100, conversation: str | None = None) -> list[dict[str, Any]]:
        """The newest cases first, optionally for one conversation."""
        out = []
        for entry_id, fields in await self.redis.xrevrange(self.stream, count=count if conversation is None else None):
            case = json.loads(fields[b"case"])
            if conversation is not None and case.get("conversation") != conversation:
                continue
            out.append({"id": entry_id.decode(), "kind": fields[b"kind"].decode(), "at": float(fields[b"at"]),
                        **case})
            if len(out) >= count:
                break
        return out
