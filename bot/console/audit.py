"""The audit log: every action a CM takes, who, when, on what, and what changed.

One stream, ``relais:console:audit``. An entry records the CM, the action
(``approve``, ``send``, ``write``, ``canned``, ``reject``, ``assign``,
``note``, ``resolve``, ``send_anyway``…), the item and conversation, the
draft as the bot wrote it and the text as sent, a unified diff between the
two, and the platform's message ids. The stats page reads the bot's real
precision from it (drafts approved as they were, edited, or rejected).
"""

from __future__ import annotations

import difflib
import json
import time
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys


def text_diff(before: str, after: str) -> str:
    """A unified diff, line by line (empty when nothing changed)."""
    if before == after:
        return ""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "draft", "sent", lineterm="", n=1)
    return "\n".join(lines)


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class AuditLog:
    def __init__(self, redis: Redis, stream: str = keys.CONSOLE_AUDIT) -> None:
        self.redis = redis
        self.stream = stream

    async def record(self, who: str, action: str, item_id: str, conversation: str, **details: Any) -> str:
        entry = {"who": who, "action": action, "item": item_id, "conversation": conversation,
                 "at": f"{time.time():.3f}", "details": json.dumps(details, ensure_ascii=False)}
        entry_id = await self.redis.xadd(self.stream, entry, maxlen=100_000, approximate=True)
        return _s(entry_id)

    @staticmethod
    def _decode(entry_id: Any, fields: dict) -> dict[str, Any]:
        row = {_s(k): _s(v) for k, v in fields.items()}
        details = json.loads(row.pop("details", "{}"))
        return {"id": _s(entry_id), **row, "at": float(row.get("at", 0)), **details}

    async def recent(self, count: int = 100, *, item_id: str | None = None,
                     conversation: str | None = None) -> list[dict[str, Any]]:
        """The newest entries first, optionally those of one item or one conversation."""
        out = []
        cursor = "+"
        while len(out) < count:
            rows = await self.redis.xrevrange(self.stream, cursor, "-", count=500)
            for entry_id, fields in rows:
                row = self._decode(entry_id, fields)
                if item_id and row["item"] != item_id or conversation and row["conversation"] != conversation:
                    continue
                out.append(row)
                if len(out) >= count:
                    break
            if len(rows) < 500:
                break
            cursor = f"({_s(rows[-1][0])}"
        return out

    async def since(self, since_ts: float) -> list[dict[str, Any]]:
        """Every entry since a time, oldest first."""
        rows = await self.redis.xrange(self.stream, f"{int(since_ts * 1000)}-0", "+")
        return [self._decode(entry_id, fields) for entry_id, fields in rows]
