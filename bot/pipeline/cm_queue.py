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

    async def since(self, after_id: str, count: int = 500) -> list[dict[str, Any]]:
        """Cases filed after ``after_id``, oldest first (how the CM console follows the queue)."""
        out = []
        for entry_id, fields in await self.redis.xrange(self.stream, f"({after_id}", "+", count=count):
            out.append(_entry(entry_id, fields))
        return out

    async def get(self, entry_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The cases with these ids (one round trip); an id trimmed from the stream is left out."""
        if not entry_ids:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for entry_id in entry_ids:
                pipe.xrange(self.stream, entry_id, entry_id)
            found = await pipe.execute()
        return {entry_id: _entry(*rows[0]) for entry_id, rows in zip(entry_ids, found) if rows}


def _entry(entry_id: bytes | str, fields: dict) -> dict[str, Any]:
    return {"id": entry_id.decode() if isinstance(entry_id, bytes) else entry_id, "kind": fields[b"kind"].decode(),
            "at": float(fields[b"at"]), **json.loads(fields[b"case"])}
