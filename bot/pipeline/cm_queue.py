"""The CM queue: conversations and drafts waiting for a community manager, in Redis.

One stream, ``relais:cm:queue``: each entry is a case — a held draft to
approve or an escalated conversation to take over — with the evidence Relais
had (intent, tone, scores, flags, reasons, the draft).

What it holds is bounded, and no open case is ever lost to the bound:

* **each case** is bounded when it is filed: a text (the fan's message, the
  draft, the holding message, …) keeps at most :data:`MAX_CASE_TEXT`
  characters — 5,000, the longest reply the console sends, so a draft cut
  there could not have been approved as it was anyway — ending in "…", and
  the case's ``truncated`` names the fields cut; a list or a mapping keeps
  its first :data:`MAX_CASE_LIST` (50) entries. The conversation thread
  (``bot.pipeline.thread``) keeps the fan's message as written.
* **the stream** keeps the newest :data:`MAX_CASES` (100,000) entries, the
  oldest trimmed first (in batches of 1 %), but never an entry the CM console
  has not indexed yet: entries after its index cursor
  (``relais:console:cursor``) stay, however many there are, until a console
  has indexed them. Without a cursor (no console has indexed for
  ``CONSOLE_CURSOR_TTL_S``, 7 days) the entries of the last 7 days stay — what
  a console indexes when it starts.

Why trimming stops at the cursor and not at the oldest open case: the
console copies each case it indexes into its item (``bot.console.inbox``),
so once indexed, an open case no longer needs its stream entry. Keeping
every entry an open item refers to would let one forgotten draft pin the
whole stream behind it, for ever. What reads older entries reads history
only: ``relais queue`` and the away digest list the newest cases, and a
conversation page shows its older fan messages from the thread (or, for a
trimmed case, from the item that holds it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.redis_keys import CM_QUEUE

MAX_CASES = keys.CM_QUEUE_MAX  # 100,000 entries kept (more only while the console has not indexed them)
MAX_CASE_TEXT = 5_000  # characters of one text in a case (the console's longest reply)
MAX_CASE_LIST = 50  # entries of one list or mapping in a case
TRIM_SLACK = 0.01  # the stream is trimmed once it is this much over its cap
TRIM_BATCH = 10_000  # entries trimmed per call at most

# KEYS: stream; ARGV: cap, last entry that may go (inclusive), batch → how many entries were trimmed
_TRIM = """
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[1])
if excess <= 0 then return 0 end
local rows = redis.call('XRANGE', KEYS[1], '-', ARGV[2], 'COUNT', math.min(excess, tonumber(ARGV[3])))
if #rows == 0 then return 0 end
local ms, seq = string.match(rows[#rows][1], '^(%d+)-(%d+)$')
return redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
"""


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _bound(value: Any) -> tuple[Any, bool]:
    """``value`` within the caps, and whether anything was cut."""
    if isinstance(value, str):
        if len(value) > MAX_CASE_TEXT:
            return value[:MAX_CASE_TEXT - 1] + "…", True
        return value, False
    if isinstance(value, (list, tuple)):
        kept = [_bound(v) for v in value[:MAX_CASE_LIST]]
        return [v for v, _ in kept], len(value) > MAX_CASE_LIST or any(cut for _, cut in kept)
    if isinstance(value, dict):
        kept_items = {k: _bound(v) for k, v in list(value.items())[:MAX_CASE_LIST]}
        return ({k: v for k, (v, _) in kept_items.items()},
                len(value) > MAX_CASE_LIST or any(cut for _, cut in kept_items.values()))
    return value, False


def _within(value: Any) -> bool:
    """Whether ``value`` is within the caps already (the common case, checked without copying)."""
    if isinstance(value, str):
        return len(value) <= MAX_CASE_TEXT
    if isinstance(value, (list, tuple)):
        return len(value) <= MAX_CASE_LIST and all(_within(v) for v in value if not isinstance(v, (int, float)))
    if isinstance(value, dict):
        return len(value) <= MAX_CASE_LIST and all(_within(v) for v in value.values()
                                                   if not isinstance(v, (int, float)))
    return True


def bounded(case: dict[str, Any]) -> dict[str, Any]:
    """The case as the CM queue keeps it: each text and list within its cap, ``truncated`` naming what was cut."""
    if _within(case):
        return case
    out: dict[str, Any] = {}
    truncated = list(case.get("truncated") or [])
    for key, value in case.items():
        if key == "truncated":
            continue
        out[key], cut = _bound(value)
        if cut and key not in truncated:
            truncated.append(key)
    if truncated:
        out["truncated"] = truncated
    return out


def entry_fields(kind: str, case: dict[str, Any]) -> dict[str, str]:
    """The stream entry of a case (bounded)."""
    return {"kind": kind, "at": f"{time.time():.3f}", "case": json.dumps(bounded(case), ensure_ascii=False)}


def oldest_kept(now: float | None = None) -> str:
    """Without an index cursor, the entries a console would still index start after this id."""
    now = time.time() if now is None else now
    return f"{int((now - keys.CONSOLE_CURSOR_TTL_S) * 1000)}-0"


class CMQueue:
    def __init__(self, redis: Redis, stream: str = CM_QUEUE, *, max_cases: int = MAX_CASES) -> None:
        self.redis = redis
        self.stream = stream
        self.max_cases = max_cases
        self._trim = redis.register_script(_TRIM)

    async def add(self, kind: str, case: dict[str, Any]) -> str:
        """Append a case (``held``, ``escalated``, ``follow_up`` or ``resumed``); return its id."""
        return (await self.add_many([(kind, case)]))[0]

    async def add_many(self, cases: Iterable[tuple[str, dict[str, Any]]]) -> list[str]:
        """Append cases in one round trip, in order (then trim the stream past its cap); their ids."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for kind, case in cases:
                pipe.xadd(self.stream, entry_fields(kind, case))
            pipe.xlen(self.stream)
            *ids, length = await pipe.execute()
        if self.over_cap(length):
            await self.trim()
        return [_s(i) for i in ids]

    def over_cap(self, length: int) -> bool:
        """Whether a stream this long is due for trimming (it is trimmed in batches of 1 % of its cap)."""
        return length > self.max_cases + max(1, int(self.max_cases * TRIM_SLACK))

    async def trim(self) -> int:
        """Trim the stream to its cap, oldest first, never past the last case the console indexed; how many
        entries went."""
        cursor = await self.redis.get(keys.CONSOLE_CURSOR)
        last = _s(cursor) if cursor else oldest_kept()
        trimmed = 0
        while True:
            n = int(await self._trim(keys=[self.stream], args=[self.max_cases, last, TRIM_BATCH]))
            trimmed += n
            if n < TRIM_BATCH:
                return trimmed

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
