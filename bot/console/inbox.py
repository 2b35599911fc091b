"""The console's inbox: the CM queue's cases, grouped into items a CM handles, ordered and filtered.

The cases arrive through the CM queue stream (``relais:cm:queue``); the
console indexes them as they arrive into **items**:

* a held draft is one item of the ``drafts`` view, handled once it is
  approved, rewritten and sent, or rejected;
* an escalated conversation is one item of the ``escalations`` view; the
  fan's follow-ups join it, and it is handled when a CM resolves it (or
  ``relais resume`` hands the conversation back to the bot).

Open items are ordered angry before negative before neutral, then by how
long the fan has waited (oldest first); "needs a person" then puts first
the conversations about to leave the platform's window for a person's
reply (``bot.console.windows``). Every gateway process may index; one at a
time does (a 2-second lock), and each new item is announced on the
console's event stream.

What the inbox keeps is bounded, and an open item is never dropped:

* an **open item** never expires — a fan's held message or escalation
  waits until a CM handles it, however long that takes. Its size is capped
  instead: beside it (``relais:console:case:<id>``) it keeps a copy of its
  latest case, bounded as the CM queue bounds it (each text at most 5,000
  characters, each list 50 entries; ``bot.pipeline.cm_queue``), and it
  keeps the ids of its newest :data:`MAX_ITEM_CASES` (100) cases and its
  first :data:`MAX_ITEM_REASONS` (20) reasons. With its case in hand, the
  item does not need the CM queue's entry any more: the stream may trim it
  once indexed.
* a **handled item** stays visible 7 days (``CONSOLE_HANDLED_TTL_S``), and
  at most the newest ``CONSOLE_HANDLED_MAX`` (100,000) of them: past either,
  the oldest handled items go first (:meth:`Inbox.prune`).
* a conversation's **log** (its cases, CM replies, notes, actions) keeps
  its newest ``CONSOLE_CONV_MAX`` (500) entries, 30 days after the last.
* the **index cursor** lives ``CONSOLE_CURSOR_TTL_S`` (7 days) after the
  last sync: a console away longer starts again from the last 7 days.
"""

from __future__ import annotations

import json
import logging
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.pipeline import acknowledgement
from bot.pipeline.cm_queue import CMQueue, bounded, oldest_kept

log = logging.getLogger("relais.console.inbox")

VIEWS = ("escalations", "drafts", "handled")
TONE_RANK = {"angry": 0, "negative": 1, "neutral": 2, "positive": 3}
FILTERS = ("platform", "language", "tone", "reason", "assignee", "q")
CASE_CACHE = 20_000  # cases kept in memory per process (each a few hundred bytes)
SYNC_BATCH = 500  # cases indexed per round trip
MAX_ITEM_CASES = 100  # case ids an item keeps: an escalation's newest follow-ups
MAX_ITEM_REASONS = 20  # reasons an item keeps: its first ones
PRUNE_BATCH = 1_000  # handled items forgotten per round trip
SEARCH_TEXT_MAX = 12_000  # characters of folded text an item keeps for searching (its newest)

# KEYS: item; ARGV: "set" or "setnx", then field/value pairs → -1 when the item is gone (nothing written),
# else what HSET / HSETNX returned. An item forgotten meanwhile is not brought back as a stray hash.
_UPDATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[1] == 'setnx' then return redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) end
return redis.call('HSET', KEYS[1], unpack(ARGV, 2))
"""


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def folded(text: str) -> str:
    """``text`` for searching: lower case, without accents (« Hélène » finds « helene »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_text(case: dict[str, Any]) -> str:
    """What a search looks through for a case, folded: the fan's text, the draft, the conversation, the fan."""
    return folded(" ".join([str(case.get("text", "")), str(case.get("draft") or ""),
                            str(case.get("conversation", "")), str(case.get("sender_id", ""))]))[-SEARCH_TEXT_MAX:]


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
    seen_by: frozenset[str] = frozenset()  # the CMs who opened it once (the others see it as unread)
    mentions: dict[str, str] = field(default_factory=dict)  # CM named in a note, not yet back → who named them

    @property
    def view(self) -> str:
        if self.status == "handled":
            return "handled"
        return "escalations" if self.kind == "escalation" else "drafts"

    @classmethod
    def from_hash(cls, raw: dict, now: float | None = None, case: bytes | str | None = None) -> "Item":
        """The item of its hash; ``case``: its latest case as kept beside it (JSON)."""
        d = {_s(k): _s(v) for k, v in raw.items()}
        fresh = (time.time() if now is None else now) - keys.CONSOLE_VIEWING_TTL_S
        viewers = sorted(k[7:] for k, v in d.items() if k.startswith("viewer:") and float(v) > fresh)
        seen_by = frozenset(k[5:] for k in d if k.startswith("seen:"))
        mentions = {k[8:]: v for k, v in d.items() if k.startswith("mention:")}
        case = json.loads(case) if case else {}
        return cls(d["id"], d["kind"], d["conversation"], d.get("platform", ""), d.get("language", ""),
                   d.get("tone", "neutral"), json.loads(d.get("reasons") or "[]"), json.loads(d.get("cases") or "[]"),
                   float(d.get("opened_at") or 0), float(d.get("waiting_since") or 0), float(d.get("last_at") or 0),
                   d.get("status", "open"), d.get("outcome", ""), d.get("handled_by", ""),
                   float(d.get("handled_at") or 0), d.get("assignee", ""), d.get("sent_by", ""),
                   float(d.get("first_answer_at") or 0), case=case, viewers=viewers, seen_by=seen_by,
                   mentions=mentions)

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
        if f.get("q") and not self.found(f["q"]):
            return False
        return True

    def found(self, query: str, name: str = "") -> bool:
        """Whether ``query`` is in the fan's text, the draft, the fan's name, e-mail or order number as they
        wrote it, or the conversation's id — without regard to case or accents."""
        haystack = folded(" ".join([str(self.case.get("text", "")), str(self.case.get("draft", "")),
                                    self.conversation, str(self.case.get("sender_id", "")), name]))
        return all(word in haystack for word in folded(query).split())


class Inbox:
    def __init__(self, redis: Redis, queue: CMQueue | None = None, *,
                 handled_max: int = keys.CONSOLE_HANDLED_MAX) -> None:
        self.redis = redis
        self.queue = queue or CMQueue(redis)
        self.handled_max = handled_max
        self._cases: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._update = redis.register_script(_UPDATE)

    # -- indexing the CM queue ---------------------------------------------------------------
    async def sync(self, publish=None) -> int:
        """Index the cases filed since the last call; how many. ``publish(event)`` announces items.

        Once the console has indexed them, the CM queue may trim its entries past its cap (the items
        keep their cases)."""
        if not await self.redis.set(keys.CONSOLE_SYNC, "1", nx=True, px=2000):
            return 0
        indexed, length = 0, 0
        try:
            cursor = _s(await self.redis.get(keys.CONSOLE_CURSOR) or b"") or oldest_kept()
            while True:
                cases = await self.queue.since(cursor, SYNC_BATCH)
                if not cases:
                    break
                events = await self._apply_all(cases)
                cursor = cases[-1]["id"]
                indexed += len(cases)
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.set(keys.CONSOLE_CURSOR, cursor, ex=keys.CONSOLE_CURSOR_TTL_S)
                    pipe.pexpire(keys.CONSOLE_SYNC, 2000)  # still indexing: keep the others out
                    pipe.xlen(self.queue.stream)
                    _, _, length = await pipe.execute()
                if publish is not None:
                    for event in events:
                        await publish(event)
        finally:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.delete(keys.CONSOLE_SYNC)
                pipe.expire(keys.CONSOLE_CURSOR, keys.CONSOLE_CURSOR_TTL_S)  # a console is here
                await pipe.execute()
        if self.queue.over_cap(length):
            await self.queue.trim()
        return indexed

    async def _apply_all(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Index cases in order: held drafts in one round trip, the others one by one."""
        events: list[dict[str, Any]] = []
        drafts: list[dict[str, Any]] = []
        for case in cases:
            if case["kind"] == "held" and case.get("conversation"):
                drafts.append(case)
                continue
            if drafts:
                events += await self._file_drafts(drafts)
                drafts = []
            event = await self._apply(case)
            if event:
                events.append(event)
        if drafts:
            events += await self._file_drafts(drafts)
        return events

    async def _file_drafts(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Held drafts: each one item of the ``drafts`` view (one round trip for them all)."""
        scores: dict[str, float] = {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for case in cases:
                self._log_to(pipe, case["conversation"], {"type": "fan", "case": case["id"], "at": float(case["at"])})
                scores.update(self._create(pipe, f"d-{case['id']}", "draft", case, listed=False))
            pipe.zadd(keys.console_open("drafts"), scores)  # listed once each is there whole
            await pipe.execute()
        return [{"type": "item", "view": "drafts", "id": f"d-{case['id']}", "conversation": case["conversation"]}
                for case in cases]

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
        if kind == "held":
            return (await self._file_drafts([case]))[0]
        evidence = case.get("evidence") or {}
        tone, at = str(evidence.get("tone") or "neutral"), float(case["at"])
        existing = _s(await self.redis.get(keys.console_escalation(conv)) or b"")
        raw = await self.redis.hgetall(keys.console_item(existing)) if existing else {}
        async with self.redis.pipeline(transaction=True) as pipe:
            self._log_to(pipe, conv, {"type": "fan", "case": case["id"], "at": at})
            if not raw or _s(raw.get(b"status", b"")) != "open":
                item_id = f"e-{case['id']}"
                self._create(pipe, item_id, "escalation", case)
                pipe.set(keys.console_escalation(conv), item_id)
            else:
                item = Item.from_hash(raw)
                item_id = item.id
                item.tone = worst_tone(item.tone, tone)
                item.reasons = list(dict.fromkeys(item.reasons + list(case.get("reasons") or [])))
                waiting = item.waiting_since or at
                pipe.set(keys.console_case(item_id), json.dumps(bounded(case), ensure_ascii=False))
                searched = _s(raw.get(b"search", b""))
                pipe.hset(keys.console_item(item_id), mapping={
                    "search": (searched + " " + search_text(case))[-SEARCH_TEXT_MAX:],
                    "cases": json.dumps((item.cases + [case["id"]])[-MAX_ITEM_CASES:]), "tone": item.tone,
                    "reasons": json.dumps(item.reasons[:MAX_ITEM_REASONS]), "waiting_since": waiting,
                    "last_at": at})
                pipe.zadd(keys.console_open("escalations"), {item_id: sort_score(item.tone, waiting)})
            await pipe.execute()
        return {"type": "item", "view": "escalations", "id": item_id, "conversation": conv}

    @staticmethod
    def _create(pipe, item_id: str, kind: str, case: dict[str, Any], *, listed: bool = True) -> dict[str, float]:
        """Queue the item's writes on ``pipe``; ``listed=False`` leaves its open view's entry (returned) to the
        caller."""
        evidence = case.get("evidence") or {}
        tone, at = str(evidence.get("tone") or "neutral"), float(case["at"])
        view = "drafts" if kind == "draft" else "escalations"
        mapping = {"id": item_id, "kind": kind, "conversation": case["conversation"],
                   "platform": case.get("platform", ""), "language": str(evidence.get("language") or ""),
                   "tone": tone, "reasons": json.dumps(list(case.get("reasons") or [])[:MAX_ITEM_REASONS]),
                   "cases": json.dumps([case["id"]]), "opened_at": at, "waiting_since": at, "last_at": at,
                   "status": "open", "sender": str(case.get("sender_id", "")), "search": search_text(case)}
        pipe.set(keys.console_case(item_id), json.dumps(bounded(case), ensure_ascii=False))
        pipe.hset(keys.console_item(item_id), mapping=mapping)
        entry = {item_id: sort_score(tone, at)}
        if listed:
            pipe.zadd(keys.console_open(view), entry)
        return entry

    @staticmethod
    def _log_to(pipe, conv: str, entry: dict[str, Any]) -> None:
        key = keys.console_conversation(conv)
        pipe.rpush(key, json.dumps(entry, ensure_ascii=False))
        pipe.ltrim(key, -keys.CONSOLE_CONV_MAX, -1)
        pipe.expire(key, keys.CONVERSATION_TTL_S)

    async def log_entry(self, conv: str, entry: dict[str, Any]) -> None:
        """Add to the conversation's log (its newest ``CONSOLE_CONV_MAX`` entries are kept, 30 days)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            self._log_to(pipe, conv, entry)
            await pipe.execute()

    # -- changing items ------------------------------------------------------------------------
    async def close(self, item_id: str, outcome: str, by: str) -> bool:
        """Mark an item handled (kept 7 days, among the newest handled); False if it was not open."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.console_item(item_id))
            pipe.get(keys.console_case(item_id))
            raw, case = await pipe.execute()
        if not raw or _s(raw.get(b"status", b"")) != "open":
            return False
        item = Item.from_hash(raw, case=case)
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_item(item_id), mapping={"status": "handled", "outcome": outcome,
                                                           "handled_by": by, "handled_at": now})
            pipe.expire(keys.console_item(item_id), keys.CONSOLE_HANDLED_TTL_S)
            pipe.expire(keys.console_case(item_id), keys.CONSOLE_HANDLED_TTL_S)
            pipe.zrem(keys.console_open(item.view), item_id)
            pipe.zadd(keys.CONSOLE_HANDLED, {item_id: now})
            if item.kind == "escalation":
                pipe.delete(keys.console_escalation(item.conversation))
            pipe.zcard(keys.CONSOLE_HANDLED)
            pipe.zcount(keys.CONSOLE_HANDLED, "-inf", now - keys.CONSOLE_HANDLED_TTL_S)
            *_, size, stale = await pipe.execute()
        if size > self.handled_max or stale:
            await self.prune(now)
        if item.kind == "draft":  # the held draft is handled: the fan is not told any more that it waits
            cases = [item.case] if item.case else list((await self.cases(item.cases)).values())
            for case in cases:
                await acknowledgement.cancel(self.redis, item.conversation, str(case.get("message_id") or ""))
        return True

    async def reject_to_person(self, item: Item, by: str) -> str:
        """A rejected draft: the draft item is handled (``rejected``) and the fan's message waits in "needs a
        person" for a CM to write the reply — in the conversation's open escalation if it has one, else in a
        new one without the draft. The escalation's id."""
        await self.close(item.id, "rejected", by)
        conv = item.conversation
        existing = _s(await self.redis.get(keys.console_escalation(conv)) or b"")
        if existing and _s(await self.redis.hget(keys.console_item(existing), "status") or b"") == "open":
            return existing
        case = {**item.case, "draft": "", "reasons": list(dict.fromkeys(
            list(item.case.get("reasons") or item.reasons) + ["draft_rejected"]))}
        item_id = f"e-{case.get('id') or item.id[2:]}"
        case.setdefault("conversation", conv)
        case.setdefault("at", item.waiting_since or item.opened_at)
        async with self.redis.pipeline(transaction=True) as pipe:
            self._create(pipe, item_id, "escalation", case)
            pipe.set(keys.console_escalation(conv), item_id)
            await pipe.execute()
        return item_id

    async def prune(self, now: float | None = None) -> int:
        """Forget handled items older than 7 days, then the oldest handled past the newest
        ``handled_max``; how many. An open item is never forgotten."""
        now = time.time() if now is None else now
        forgotten = 0
        while True:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.zrangebyscore(keys.CONSOLE_HANDLED, "-inf", now - keys.CONSOLE_HANDLED_TTL_S,
                                   start=0, num=PRUNE_BATCH)
                pipe.zcard(keys.CONSOLE_HANDLED)
                old, size = await pipe.execute()
            ids = [_s(i) for i in old]
            over = size - len(ids) - self.handled_max
            if over > 0 and len(ids) < PRUNE_BATCH:  # ranks follow handling time: the oldest come first
                ids += [_s(i) for i in await self.redis.zrange(keys.CONSOLE_HANDLED, len(ids),
                                                               len(ids) + min(over, PRUNE_BATCH - len(ids)) - 1)]
            if not ids:
                return forgotten
            async with self.redis.pipeline(transaction=False) as pipe:
                for item_id in ids:
                    pipe.hget(keys.console_item(item_id), "status")
                statuses = await pipe.execute()
            async with self.redis.pipeline(transaction=True) as pipe:
                for item_id, status in zip(ids, statuses):
                    if _s(status or b"") != "open":
                        pipe.delete(keys.console_item(item_id), keys.console_case(item_id))
                pipe.zrem(keys.CONSOLE_HANDLED, *ids)
                await pipe.execute()
            forgotten += len(ids)

    async def _set(self, item_id: str, mapping: dict[str, Any], *, only_new: bool = False) -> int:
        """Write fields of an item that still exists (-1 when it is gone: nothing written)."""
        args: list[Any] = ["setnx" if only_new else "set"]
        for k, v in mapping.items():
            args += [k, v]
        return int(await self._update(keys=[keys.console_item(item_id)], args=args))

    async def answered(self, item: Item) -> None:
        """A CM replied: the fan no longer waits (the item keeps its place among its tone)."""
        now = time.time()
        if await self._set(item.id, {"waiting_since": 0}) < 0:
            return
        await self._set(item.id, {"first_answer_at": now}, only_new=True)
        if item.status == "open":
            await self.redis.zadd(keys.console_open(item.view), {item.id: sort_score(item.tone, now + 1e10)}, xx=True)

    async def assign(self, item_id: str, name: str) -> None:
        await self._set(item_id, {"assignee": name})

    async def claim_send(self, item_id: str, name: str) -> str:
        """Reserve the item's draft for one send; "" when this CM got it, else who already did."""
        claimed = await self._set(item_id, {"sent_by": name}, only_new=True)
        if claimed == 1:
            return ""
        return _s(await self.redis.hget(keys.console_item(item_id), "sent_by") or b"?")

    async def release_send(self, item_id: str) -> None:
        await self.redis.hdel(keys.console_item(item_id), "sent_by")

    async def mention(self, item_id: str, name: str, by: str) -> None:
        """``by`` named ``name`` in a note: the item shows it to ``name`` until they open it."""
        await self._set(item_id, {f"mention:{name}": by})

    async def mark_viewing(self, item_id: str, name: str) -> None:
        """``name`` has the item open (shown to the others for 2 minutes, renewed while the page is open), and
        has seen it (it is no longer unread for them)."""
        now = time.time()
        key = keys.console_item(item_id)
        stale = [k for k, v in (await self.redis.hgetall(key)).items()
                 if _s(k).startswith("viewer:") and float(v) < now - keys.CONSOLE_VIEWING_TTL_S]
        stale.append(f"mention:{name}")  # they have seen what they were named for
        if await self._set(item_id, {f"viewer:{name}": f"{now:.0f}", f"seen:{name}": "1"}) >= 0:
            await self.redis.hdel(key, *stale)

    # -- reading -------------------------------------------------------------------------------
    async def item(self, item_id: str) -> Item | None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.console_item(item_id))
            pipe.get(keys.console_case(item_id))
            raw, case = await pipe.execute()
        if not raw:
            return None
        item = Item.from_hash(raw, case=case)
        if not item.case and item.cases:  # an item indexed before items kept their case
            item.case = (await self.cases(item.cases[-1:])).get(item.cases[-1], {})
        return item

    async def cases(self, case_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Cases by id, from this process's cache when seen before: a filed case never changes. A case the
        CM queue trimmed is found in the item it opened (a held draft's, or an escalation's latest)."""
        missing = [i for i in case_ids if i not in self._cases]
        if missing:
            found = await self.queue.get(missing)
            gone = [i for i in missing if i not in found]
            if gone:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for case_id in gone:
                        pipe.get(keys.console_case(f"d-{case_id}"))
                        pipe.get(keys.console_case(f"e-{case_id}"))
                    kept = await pipe.execute()
                for case_id, raw in zip([i for i in gone for _ in (0, 1)], kept):
                    case = json.loads(raw) if raw else {}
                    if case.get("id") == case_id:
                        found[case_id] = case
            for case_id, case in found.items():
                self._cases[case_id] = case
            while len(self._cases) > CASE_CACHE:
                self._cases.popitem(last=False)
        return {i: self._cases[i] for i in case_ids if i in self._cases}

    async def items(self, view: str, filters: dict[str, str] | None = None, me: str = "",
                    limit: int = 2000, offset: int = 0) -> list[Item]:
        """The view's items in inbox order, filtered; each with its latest case and who is viewing it.
        ``offset`` and ``limit`` pick a page of the view (before filtering)."""
        if view == "handled":
            ids = [_s(i) for i in await self.redis.zrevrangebyscore(
                keys.CONSOLE_HANDLED, "+inf", time.time() - keys.CONSOLE_HANDLED_TTL_S, start=offset, num=limit)]
        else:
            ids = [_s(i) for i in await self.redis.zrange(keys.console_open(view), offset, offset + limit - 1)]
        return await self._load(view, ids, filters, me)

    async def count(self, view: str) -> int:
        """How many items the view holds."""
        if view == "handled":
            return int(await self.redis.zcount(keys.CONSOLE_HANDLED, time.time() - keys.CONSOLE_HANDLED_TTL_S, "+inf"))
        return int(await self.redis.zcard(keys.console_open(view)))

    async def scores(self, view: str, item_ids: list[str]) -> list[float | None]:
        """The items' places in their view (lower comes first; handled: newest first, so negated)."""
        key = keys.CONSOLE_HANDLED if view == "handled" else keys.console_open(view)
        async with self.redis.pipeline(transaction=False) as pipe:
            for item_id in item_ids:
                pipe.zscore(key, item_id)
            found = await pipe.execute()
        sign = -1 if view == "handled" else 1
        return [sign * float(f) if f is not None else None for f in found]

    async def _load(self, view: str, ids: list[str], filters: dict[str, str] | None, me: str) -> list[Item]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for item_id in ids:
                pipe.hgetall(keys.console_item(item_id))
                pipe.get(keys.console_case(item_id))
            found = await pipe.execute()
        raw, kept = found[::2], found[1::2]
        now = time.time()
        items = [Item.from_hash(data, now, case) for data, case in zip(raw, kept) if data]
        if view != "handled":  # an entry whose item is gone or handled meanwhile leaves the open view
            stray = [i for i, data in zip(ids, raw) if not data or _s(data.get(b"status", b"")) != "open"]
            if stray:
                await self.redis.zrem(keys.console_open(view), *stray)
                items = [i for i in items if i.status == "open"]
        without = [i for i in items if not i.case and i.cases]  # indexed before items kept their case
        if without:
            cases = await self.cases([i.cases[-1] for i in without])
            for item in without:
                item.case = cases.get(item.cases[-1], {})
        filters = {k: v for k, v in (filters or {}).items() if v}
        return [i for i in items if i.matches(filters, me)] if filters else items

    async def search(self, query: str, limit: int = 200) -> list[Item]:
        """Items of every conversation — waiting for a person, drafts, handled — whose fan's name, text, draft
        or order number matches ``query`` (case and accents aside); open ones first. Each item keeps its
        folded text for this (``search``), so only the items found are read whole."""
        words = folded(query).split()
        if not words:
            return []
        now = time.time()
        async with self.redis.pipeline(transaction=False) as pipe:
            for view in VIEWS[:2]:
                pipe.zrange(keys.console_open(view), 0, -1)
            pipe.zrevrangebyscore(keys.CONSOLE_HANDLED, "+inf", now - keys.CONSOLE_HANDLED_TTL_S)
            ids = [_s(i) for found in await pipe.execute() for i in found]
        async with self.redis.pipeline(transaction=False) as pipe:
            for item_id in ids:
                pipe.hmget(keys.console_item(item_id), "search", "platform", "sender")
            fields = await pipe.execute()
        async with self.redis.pipeline(transaction=False) as pipe:
            for _, platform, sender in fields:
                pipe.get(keys.profile(_s(platform or b""), _s(sender or b"")))
            names = await pipe.execute()
        hits: list[str] = []
        for item_id, (text, _, _), name in zip(ids, fields, names):
            if text is None:  # indexed before items kept their search text: read whole below
                hits.append(item_id)
                continue
            haystack = _s(text) + " " + folded(_s(name or b""))
            if all(word in haystack for word in words):
                hits.append(item_id)
        found: list[Item] = []
        for start in range(0, len(hits), 500):
            async with self.redis.pipeline(transaction=False) as pipe:
                for item_id in hits[start:start + 500]:
                    pipe.hgetall(keys.console_item(item_id))
                    pipe.get(keys.console_case(item_id))
                raw = await pipe.execute()
            for item_id, data, case in zip(hits[start:start + 500], raw[::2], raw[1::2]):
                if not data:
                    continue
                item = Item.from_hash(data, now, case)
                if data.get(b"search") is None and not item.found(query):
                    continue
                found.append(item)
                if len(found) >= limit:
                    return found
        return found

    async def open_count(self) -> int:
        """Open items of every view (none is ever dropped)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for view in VIEWS[:2]:
                pipe.zcard(keys.console_open(view))
            return sum(await pipe.execute())

    async def conversation_log(self, conv: str) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in await self.redis.lrange(keys.console_conversation(conv), 0, -1)]
