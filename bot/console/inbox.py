"""The console's inbox: the CM queue's cases, grouped into items a CM handles, ordered and filtered.

The cases themselves stay in the CM queue stream (``relais:cm:queue``); the
console indexes them as they arrive into **items**:

* a held draft is one item of the ``drafts`` view, handled once it is
  approved, rewritten and sent, or rejected;
* an escalated conversation is one item of the ``escalations`` view; the
  fan's follow-ups join it, and it is handled when a CM resolves it (or
  ``relais resume`` hands the conversation back to the bot).

Open items are ordered angry before negative before neutral, then by how
long the fan has waited (oldest first); "needs a person" then puts first
the conversations about to leave the platform's window for a person's
reply (``bot.console.windows``). Handled items stay visible for 7
days. Every gateway process may index; one at a time does (a 2-second lock),
and each new item is announced on the console's event stream.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.pipeline import acknowledgement
from bot.pipeline.cm_queue import CMQueue

log = logging.getLogger("relais.console.inbox")

VIEWS = ("escalations", "drafts", "handled")
TONE_RANK = {"angry": 0, "negative": 1, "neutral": 2, "positive": 3}
FILTERS = ("platform", "language", "tone", "reason", "assignee", "q")
INDEX_DAYS = 7
CASE_CACHE = 20_000  # cases kept in memory per process (each a few hundred bytes)


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def sort_score(tone: str, waiting_since: float) -> float:
    return TONE_RANK.get(tone, 2) * 1e11 + waiting_since


def worst_tone(a: str, b: str) -> str:
    return a if TONE_RANK.get(a, 2) <= TONE_RANK.get(b, 2) else b


@dataclass
class Item:
    """One thing a CM handles, with its latest case (fan text, evidence, draft) from the CM queue."""

    id: str
    kind: str  # escalation | draft
    conversation: str
    platform: str
    language: str
    tone: str
    reasons: list[str]
    cases: list[str]
    opened_at: float
    waiting_since: float
    last_at: float
    status: str = "open"  # open | handled
    outcome: str = ""
    handled_by: str = ""
    handled_at: float = 0.0
    assignee: str = ""
    sent_by: str = ""
    first_answer_at: float = 0.0
    case: dict[str, Any] = field(default_factory=dict)
    viewers: list[str] = field(default_factory=list)

    @property
    def view(self) -> str:
        if self.status == "handled":
            return "handled"
        return "escalations" if self.kind == "escalation" else "drafts"

    @classmethod
    def from_hash(cls, raw: dict, now: float | None = None) -> "Item":
        d = {_s(k): _s(v) for k, v in raw.items()}
        fresh = (time.time() if now is None else now) - keys.CONSOLE_VIEWING_TTL_S
        viewers = sorted(k[7:] for k, v in d.items() if k.startswith("viewer:") and float(v) > fresh)
        return cls(d["id"], d["kind"], d["conversation"], d.get("platform", ""), d.get("language", ""),
                   d.get("tone", "neutral"), json.loads(d.get("reasons") or "[]"), json.loads(d.get("cases") or "[]"),
                   float(d.get("opened_at") or 0), float(d.get("waiting_since") or 0), float(d.get("last_at") or 0),
                   d.get("status", "open"), d.get("outcome", ""), d.get("handled_by", ""),
                   float(d.get("handled_at") or 0), d.get("assignee", ""), d.get("sent_by", ""),
                   float(d.get("first_answer_at") or 0), viewers=viewers)

    def matches(self, filters: dict[str, str], me: str) -> bool:
        f = filters
        if f.get("platform") and self.platform != f["platform"]:
            return False
        if f.get("language") and self.language != f["language"]:
            return False
        if f.get("tone") and self.tone != f["tone"]:
            return False
        if f.get("reason") and not any(r == f["reason"] or r.startswith(f["reason"] + ":") for r in self.reasons):
            return False
        assignee = f.get("assignee", "")
        if assignee and (self.assignee or "none") != (me if assignee == "me" else assignee):
            return False
        if f.get("q"):
            haystack = " ".join([str(self.case.get("text", "")), str(self.case.get("draft", "")),
                                 self.conversation]).casefold()
            if f["q"].casefold() not in haystack:
                return False
        return True


class Inbox:
    def __init__(self, redis: Redis, queue: CMQueue | None = None) -> None:
        self.redis = redis
        self.queue = queue or CMQueue(redis)
        self._cases: OrderedDict[str, dict[str, Any]] = OrderedDict()

    # -- indexing the CM queue ---------------------------------------------------------------
    async def sync(self, publish=None) -> int:
        """Index the cases filed since the last call; how many. ``publish(event)`` announces items."""
        if not await self.redis.set(keys.CONSOLE_SYNC, "1", nx=True, px=2000):
            return 0
        indexed = 0
        try:
            cursor = _s(await self.redis.get(keys.CONSOLE_CURSOR) or b"")
            if not cursor:
                cursor = f"{int((time.time() - INDEX_DAYS * 86400) * 1000)}-0"
            while True:
                cases = await self.queue.since(cursor, 500)
                if not cases:
                    break
                for case in cases:
                    event = await self._apply(case)
                    if event and publish is not None:
                        await publish(event)
                    cursor = case["id"]
                    indexed += 1
                await self.redis.set(keys.CONSOLE_CURSOR, cursor)
                await self.redis.pexpire(keys.CONSOLE_SYNC, 2000)  # still indexing: keep the others out
        finally:
            await self.redis.delete(keys.CONSOLE_SYNC)
        return indexed

    async def _apply(self, case: dict[str, Any]) -> dict[str, Any] | None:
        kind, conv = case["kind"], case.get("conversation", "")
        if not conv:
            return None
        if kind == "resumed":
            item_id = _s(await self.redis.get(keys.console_escalation(conv)) or b"")
            if item_id:
                await self.close(item_id, "resolved", "relais resume")
                return {"type": "handled", "id": item_id}
            return None
        evidence = case.get("evidence") or {}
        tone, at = str(evidence.get("tone") or "neutral"), float(case["at"])
        await self._log(conv, {"type": "fan", "case": case["id"], "at": at})
        if kind == "held":
            item_id = f"d-{case['id']}"
            await self._create(item_id, "draft", case, tone, at)
            return {"type": "item", "view": "drafts", "id": item_id}
        existing = _s(await self.redis.get(keys.console_escalation(conv)) or b"")
        raw = await self.redis.hgetall(keys.console_item(existing)) if existing else {}
        if not raw or _s(raw.get(b"status", b"")) != "open":
            item_id = f"e-{case['id']}"
            await self._create(item_id, "escalation", case, tone, at)
            await self.redis.set(keys.console_escalation(conv), item_id)
            return {"type": "item", "view": "escalations", "id": item_id}
        item = Item.from_hash(raw)
        item.tone = worst_tone(item.tone, tone)
        item.reasons = list(dict.fromkeys(item.reasons + list(case.get("reasons") or [])))
        waiting = item.waiting_since or at
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_item(item.id), mapping={
                "cases": json.dumps(item.cases + [case["id"]]), "tone": item.tone,
                "reasons": json.dumps(item.reasons), "waiting_since": waiting, "last_at": at})
            pipe.zadd(keys.console_open("escalations"), {item.id: sort_score(item.tone, waiting)})
            await pipe.execute()
        return {"type": "item", "view": "escalations", "id": item.id}

    async def _create(self, item_id: str, kind: str, case: dict[str, Any], tone: str, at: float) -> None:
        evidence = case.get("evidence") or {}
        view = "drafts" if kind == "draft" else "escalations"
        mapping = {"id": item_id, "kind": kind, "conversation": case["conversation"],
                   "platform": case.get("platform", ""), "language": str(evidence.get("language") or ""),
                   "tone": tone, "reasons": json.dumps(case.get("reasons") or []), "cases": json.dumps([case["id"]]),
                   "opened_at": at, "waiting_since": at, "last_at": at, "status": "open"}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_item(item_id), mapping=mapping)
            pipe.zadd(keys.console_open(view), {item_id: sort_score(tone, at)})
            await pipe.execute()

    async def _log(self, conv: str, entry: dict[str, Any]) -> None:
        key = keys.console_conversation(conv)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(entry, ensure_ascii=False))
            pipe.ltrim(key, -500, -1)
            pipe.expire(key, keys.CONVERSATION_TTL_S)
            await pipe.execute()

    log_entry = _log

    # -- changing items ------------------------------------------------------------------------
    async def close(self, item_id: str, outcome: str, by: str) -> bool:
        """Mark an item handled (kept 7 days); False if it was not open."""
        raw = await self.redis.hgetall(keys.console_item(item_id))
        if not raw or _s(raw.get(b"status", b"")) != "open":
            return False
        item = Item.from_hash(raw)
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_item(item_id), mapping={"status": "handled", "outcome": outcome,
                                                           "handled_by": by, "handled_at": now})
            pipe.expire(keys.console_item(item_id), keys.CONSOLE_HANDLED_TTL_S)
            pipe.zrem(keys.console_open(item.view), item_id)
            pipe.zadd(keys.CONSOLE_HANDLED, {item_id: now})
            pipe.zremrangebyscore(keys.CONSOLE_HANDLED, "-inf", now - keys.CONSOLE_HANDLED_TTL_S)
            if item.kind == "escalation":
                pipe.delete(keys.console_escalation(item.conversation))
            await pipe.execute()
        if item.kind == "draft":  # the held draft is handled: the fan is not told any more that it waits
            for case in (await self.cases(item.cases)).values():
                await acknowledgement.cancel(self.redis, item.conversation, str(case.get("message_id") or ""))
        return True

    async def answered(self, item: Item) -> None:
        """A CM replied: the fan no longer waits (the item keeps its place among its tone)."""
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_item(item.id), "waiting_since", 0)
            pipe.hsetnx(keys.console_item(item.id), "first_answer_at", now)
            if item.status == "open":
                pipe.zadd(keys.console_open(item.view), {item.id: sort_score(item.tone, now + 1e10)})
            await pipe.execute()

    async def assign(self, item_id: str, name: str) -> None:
        await self.redis.hset(keys.console_item(item_id), "assignee", name)

    async def claim_send(self, item_id: str, name: str) -> str:
        """Reserve the item's draft for one send; "" when this CM got it, else who already did."""
        if await self.redis.hsetnx(keys.console_item(item_id), "sent_by", name):
            return ""
        return _s(await self.redis.hget(keys.console_item(item_id), "sent_by") or b"?")

    async def release_send(self, item_id: str) -> None:
        await self.redis.hdel(keys.console_item(item_id), "sent_by")

    async def mark_viewing(self, item_id: str, name: str) -> None:
        """``name`` has the item open (shown to the others for 2 minutes, renewed while the page is open)."""
        now = time.time()
        key = keys.console_item(item_id)
        stale = [k for k, v in (await self.redis.hgetall(key)).items()
                 if _s(k).startswith("viewer:") and float(v) < now - keys.CONSOLE_VIEWING_TTL_S]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, f"viewer:{name}", f"{now:.0f}")
            if stale:
                pipe.hdel(key, *stale)
            await pipe.execute()

    # -- reading -------------------------------------------------------------------------------
    async def item(self, item_id: str) -> Item | None:
        raw = await self.redis.hgetall(keys.console_item(item_id))
        if not raw:
            return None
        item = Item.from_hash(raw)
        cases = await self.cases(item.cases[-1:])
        item.case = cases.get(item.cases[-1], {}) if item.cases else {}
        return item

    async def cases(self, case_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Cases by id, from this process's cache when seen before: a filed case never changes."""
        missing = [i for i in case_ids if i not in self._cases]
        if missing:
            for case_id, case in (await self.queue.get(missing)).items():
                self._cases[case_id] = case
            while len(self._cases) > CASE_CACHE:
                self._cases.popitem(last=False)
        return {i: self._cases[i] for i in case_ids if i in self._cases}

    async def items(self, view: str, filters: dict[str, str] | None = None, me: str = "",
                    limit: int = 2000) -> list[Item]:
        """The view's items in inbox order, filtered; each with its latest case and who is viewing it."""
        if view == "handled":
            ids = [_s(i) for i in await self.redis.zrevrangebyscore(
                keys.CONSOLE_HANDLED, "+inf", time.time() - keys.CONSOLE_HANDLED_TTL_S, start=0, num=limit)]
        else:
            ids = [_s(i) for i in await self.redis.zrange(keys.console_open(view), 0, limit - 1)]
        async with self.redis.pipeline(transaction=False) as pipe:
            for item_id in ids:
                pipe.hgetall(keys.console_item(item_id))
            raw = await pipe.execute()
        now = time.time()
        items = [Item.from_hash(data, now) for data in raw if data]
        cases = await self.cases([i.cases[-1] for i in items if i.cases])
        for item in items:
            item.case = cases.get(item.cases[-1], {}) if item.cases else {}
        filters = {k: v for k, v in (filters or {}).items() if v}
        return [i for i in items if i.matches(filters, me)] if filters else items

    async def conversation_log(self, conv: str) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in await self.redis.lrange(keys.console_conversation(conv), 0, -1)]
