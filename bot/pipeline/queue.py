"""The inbound queue: one Redis Stream read by a consumer group of workers.

Enqueueing a webhook delivery is one atomic Lua call for all its messages:
for each it (1) drops a platform redelivery whose message id was already
seen, (2) numbers the message within its conversation and (3) appends it to
the stream — all or nothing, so a delivery that could not be enqueued in
time is answered 503 and redelivered whole, and none of it is half-queued.

Entries are acknowledged and deleted only once processed or recorded with an
outcome. A worker holding an entry claims it again at every heartbeat, so an
entry idle for three heartbeats belongs to a dead worker and is taken over.
Work that must happen later (a send retry, a check for a send's echo) waits
in a delayed set and re-enters the stream when due. An entry that failed
``max_attempts`` times goes to the dead letters, where ``relais dead`` lists
and requeues it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.flood import SenderLimit

log = logging.getLogger("relais.queue")

# KEYS: the stream, then for each message: seen, seq, rate, flood, overflow (five keys)
# ARGV: dedup ttl, conversation ttl, limit, window, quiet, keep, then for each message: conversation, json
# → for each message: its number in the conversation (queued), 0 (seen before) or -1 (over the sender's limit:
# recorded in the overflow list only; the first of a flood is also queued, marked ``over``)
_ENQUEUE = """
local out = {}
local n = (#KEYS - 1) / 5
local limit, window, quiet, keep = tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6])
for i = 1, n do
  local seen, seqkey, rate, flood, overflow = KEYS[5 * i - 3], KEYS[5 * i - 2], KEYS[5 * i - 1], KEYS[5 * i], KEYS[5 * i + 1]
  local conv, msg = ARGV[5 + 2 * i], ARGV[6 + 2 * i]
  if redis.call('SET', seen, '1', 'NX', 'EX', ARGV[1]) == false then
    out[i] = 0
  else
    local over = false
    if limit > 0 then
      local count = redis.call('INCR', rate)
      if count == 1 then redis.call('EXPIRE', rate, window) end
      over = count > limit
    end
    if over then
      redis.call('RPUSH', overflow, msg)
      redis.call('LTRIM', overflow, -keep, -1)
      redis.call('EXPIRE', overflow, ARGV[2])
      out[i] = -1
    end
    if over and redis.call('SET', flood, '1', 'NX', 'EX', quiet) == false then
      redis.call('EXPIRE', flood, quiet)
    else
      local seq = redis.call('INCR', seqkey)
      redis.call('EXPIRE', seqkey, ARGV[2])
      if over then
        redis.call('XADD', KEYS[1], '*', 'conv', conv, 'seq', seq, 'msg', msg, 'over', '1')
      else
        redis.call('XADD', KEYS[1], '*', 'conv', conv, 'seq', seq, 'msg', msg)
        out[i] = seq
      end
    end
  end
end
return out
"""

_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local raw = redis.call('HGET', KEYS[3], member)
  if raw then
    local item = cjson.decode(raw)
    redis.call('XADD', KEYS[1], '*', 'conv', item.conv, 'seq', item.seq, 'msg', item.msg, 'redo', item.redo)
  end
  redis.call('ZREM', KEYS[2], member)
  redis.call('HDEL', KEYS[3], member)
end
return #due
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One stream entry handed to a worker; ``redo`` says why it came back (``retry``, ``reconcile``)."""

    entry_id: str
    seq: int
    message: InboundMessage
    redo: str = ""
    over: bool = False  # the first message of a flood over the sender's limit (``bot.pipeline.flood``)


@dataclass(frozen=True, slots=True)
class QueueStats:
    depth: int
    pending: int
    oldest_age_s: float
    delayed: int
    dead: int
    consumers: dict[str, int] = field(default_factory=dict)


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class InboundQueue:
    def __init__(self, redis: Redis, *, dedup_ttl_s: int = 7 * 24 * 3600, stream: str = keys.INBOUND,
                 group: str = keys.GROUP, sender_limit: SenderLimit | None = None) -> None:
        self.redis = redis
        self.sender_limit = sender_limit or SenderLimit()
        self.stream = stream
        self.group = group
        self.dedup_ttl_s = dedup_ttl_s
        self._enqueue = redis.register_script(_ENQUEUE)
        self._promote = redis.register_script(_PROMOTE)
        self._unreadable: list[tuple[str, dict]] = []

    async def ensure_group(self) -> None:
        """Create the consumer group (and the stream) unless they exist: after a Redis that lost its
        data, workers recreate them and go on."""
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
            log.info("consumer group %s created", self.group)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def enqueue(self, messages: list[InboundMessage]) -> int:
        """Append the messages not seen before, all in one atomic call; return how many were new."""
        fresh = sum(1 for seq in await self.enqueue_each(messages) if seq)
        if fresh < len(messages):
            log.info("dropped %d redelivered message(s)", len(messages) - fresh)
        return fresh

    async def enqueue_each(self, messages: list[InboundMessage]) -> list[int]:
        """Like ``enqueue``, in one atomic call: each message's number in its conversation, 0 for a message
        seen before (also when the same id comes twice in ``messages``), or -1 for one over its sender's
        limit (kept in the overflow list for the CM; ``bot.pipeline.flood``)."""
        if not messages:
            return []
        keys_: list[str] = [self.stream]
        args: list[str | int] = [self.dedup_ttl_s, keys.CONVERSATION_TTL_S, *self.sender_limit.script_args()]
        for message in messages:
            conv = message.conversation_id
            keys_ += [keys.seen(message.platform, message.message_id), keys.seq(conv),
                      keys.sender("rate", conv), keys.sender("flood", conv), keys.sender("overflow", conv)]
            args += [conv, message.to_json()]
        return [int(seq) for seq in await self._enqueue(keys=keys_, args=args)]

    def _decode(self, entries) -> list[Delivery]:
        out = []
        for entry_id, fields in entries or []:
            if not fields:  # deleted while pending
                continue
            try:
                out.append(Delivery(_s(entry_id), int(fields[b"seq"]), InboundMessage.from_json(fields[b"msg"]),
                                    _s(fields.get(b"redo", b"")), fields.get(b"over") == b"1"))
            except (KeyError, ValueError, TypeError):
                self._unreadable.append((_s(entry_id), fields))
        return out

    async def bury_unreadable(self) -> int:
        """Entries no worker can read (written by something else): to the dead letters, not retried."""
        count = 0
        while self._unreadable:
            entry_id, fields = self._unreadable.pop()
            log.error("unreadable stream entry moved to the dead letters")
            await self.redis.xadd(keys.DEAD, {"raw": json.dumps({_s(k): _s(v) for k, v in fields.items()})[:10_000],
                                              "error": "unreadable entry", "at": f"{time.time():.3f}"},
                                  maxlen=10_000, approximate=True)
            await self._ack_id(entry_id)
            count += 1
        return count

    async def _with_group(self, call):
        try:
            return await call()
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            log.warning("consumer group missing (Redis lost its data?); recreating it")
            await self.ensure_group()
            return await call()

    async def read(self, consumer: str, count: int = 1, block_ms: int = 1000) -> list[Delivery]:
        """New entries for this consumer (blocks up to ``block_ms``)."""
        resp = await self._with_group(lambda: self.redis.xreadgroup(
            self.group, consumer, {self.stream: ">"}, count=count, block=block_ms))
        out = [d for _, entries in resp or [] for d in self._decode(entries)]
        await self.bury_unreadable()
        return out

    async def claim_stale(self, consumer: str, min_idle_ms: int, count: int = 10) -> list[Delivery]:
        """Entries left pending by a consumer that stopped renewing them, taken over by this one."""
        resp = await self._with_group(lambda: self.redis.xautoclaim(
            self.stream, self.group, consumer, min_idle_ms, "0-0", count=count))
        out = self._decode(resp[1])
        await self.bury_unreadable()
        return out

    async def claim_from(self, dead_consumer: str, consumer: str, count: int = 100) -> list[Delivery]:
        """Every entry of a consumer known to be dead, at once; then forget that consumer."""
        pending = await self.redis.xpending_range(self.stream, self.group, "-", "+", count,
                                                  consumername=dead_consumer)
        ids = [p["message_id"] for p in pending]
        claimed = self._decode(await self.redis.xclaim(self.stream, self.group, consumer, 0, ids)) if ids else []
        if len(ids) < count:
            await self.redis.xgroup_delconsumer(self.stream, self.group, dead_consumer)
        await self.bury_unreadable()
        return claimed

    async def touch(self, consumer: str, entry_ids: list[str]) -> None:
        """Reset the idle time of entries this consumer is still working on."""
        if entry_ids:
            await self.redis.xclaim(self.stream, self.group, consumer, 0, entry_ids, justid=True)

    async def ack(self, delivery: Delivery) -> None:
        """Done with an entry: acknowledge it and drop it from the stream."""
        await self._ack_id(delivery.entry_id)

    async def _ack_id(self, entry_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream, self.group, entry_id)
            pipe.xdel(self.stream, entry_id)
            await pipe.execute()

    # -- later: retries and checks ------------------------------------------------------------
    async def later(self, delivery: Delivery, redo: str, delay_s: float) -> None:
        """Put the message back on the stream in ``delay_s`` (one pending redo per message)."""
        member = f"{delivery.message.platform}:{delivery.message.message_id}"
        item = json.dumps({"conv": delivery.message.conversation_id, "seq": delivery.seq,
                           "msg": delivery.message.to_json(), "redo": redo})
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.DELAYED_ITEMS, member, item)
            pipe.zadd(keys.DELAYED, {member: time.time() + delay_s})
            await pipe.execute()

    async def promote_due(self, limit: int = 100) -> int:
        """Move what is due from the delayed set back to the stream; how many moved."""
        return int(await self._promote(keys=[self.stream, keys.DELAYED, keys.DELAYED_ITEMS],
                                       args=[time.time(), limit]))

    # -- dead letters ------------------------------------------------------------------------------
    async def bury(self, delivery: Delivery, error: str) -> None:
        """An entry that keeps failing: keep it in the dead letters, then acknowledge it."""
        await self.redis.xadd(keys.DEAD, {"conv": delivery.message.conversation_id, "seq": delivery.seq,
                                          "msg": delivery.message.to_json(), "error": error[:500],
                                          "at": f"{time.time():.3f}"}, maxlen=10_000, approximate=True)
        await self.ack(delivery)

    async def dead_letters(self, count: int = 50) -> list[dict]:
        out = []
        for entry_id, fields in await self.redis.xrevrange(keys.DEAD, count=count):
            row = {"id": _s(entry_id), "error": _s(fields.get(b"error", b"")), "at": float(fields.get(b"at", 0))}
            if b"msg" in fields:
                message = InboundMessage.from_json(fields[b"msg"])
                row.update(conversation=message.conversation_id, platform=message.platform,
                           message_id=message.message_id)
            out.append(row)
        return out

    async def requeue_dead(self, entry_id: str) -> bool:
        """Put one dead letter back on the stream (its attempts start again)."""
        found = await self.redis.xrange(keys.DEAD, entry_id, entry_id)
        if not found:
            return False
        fields = found[0][1]
        if b"msg" not in fields:
            return False  # an unreadable entry cannot be handled by requeueing it
        message = InboundMessage.from_json(fields[b"msg"])
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.message(message.conversation_id, message.message_id), "runs", 0)
            pipe.xadd(self.stream, {"conv": fields[b"conv"], "seq": fields[b"seq"], "msg": fields[b"msg"],
                                    "redo": "requeued"})
            pipe.xdel(keys.DEAD, entry_id)
            await pipe.execute()
        return True

    # -- what an operator watches ----------------------------------------------------------------
    async def stats(self) -> QueueStats:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xlen(self.stream)
            pipe.xrange(self.stream, "-", "+", count=1)
            pipe.zcard(keys.DELAYED)
            pipe.xlen(keys.DEAD)
            depth, first, delayed, dead = await pipe.execute()
        pending, consumers = 0, {}
        try:
            info = await self.redis.xpending(self.stream, self.group)
            pending = int(info["pending"])
            consumers = {_s(c["name"]): int(c["pending"]) for c in info.get("consumers") or []}
        except ResponseError:
            pass
        oldest = 0.0
        if first:
            oldest = max(0.0, time.time() - int(_s(first[0][0]).split("-")[0]) / 1000)
        return QueueStats(depth, pending, oldest, delayed, dead, consumers)
