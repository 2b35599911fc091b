"""What happened to each message, and who may work on a conversation: state, order and leases in Redis.

A message moves through ``drafted`` → ``sending`` → ``sent`` | ``held`` |
``escalated`` | ``failed``, with two waiting states: ``retry`` (the platform
refused a send in a way that proves nothing was delivered; it is tried again
later) and ``unconfirmed`` (the send's answer was lost; it waits for the
platform's echo). The state outlives the worker that wrote it, so a worker
that takes over after a crash reuses the draft and never sends blindly a
reply whose first send may have gone out.

Order: each conversation's messages are numbered when enqueued; ``done`` is
the highest number handled together with all before it, ``handled`` holds
the numbers handled above it. A message may start once its predecessor is
handled, or once the wait for it has given up — the predecessor is then
still handled when it arrives, marked as arriving late.

Leases: one worker at a time holds a conversation's lock, a lease it renews
at every heartbeat. Every write that leads to a send is fenced: it happens
only while the writer still holds the lease.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.messages import InboundMessage

FINAL_STATES = frozenset({"sent", "failed", "held", "escalated"})

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_STEAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""
# KEYS: done, handled[, lock]; ARGV: first seq, last seq, ttl[, token] → the new ``done``
# (with the lock: the lease is released in the same call, if ``token`` still holds it)
_HANDLED = """
local done = tonumber(redis.call('GET', KEYS[1]) or '0')
for s = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  if s > done then redis.call('ZADD', KEYS[2], s, s) end
end
while redis.call('ZSCORE', KEYS[2], done + 1) do
  redis.call('ZREM', KEYS[2], done + 1)
  done = done + 1
end
redis.call('SET', KEYS[1], done, 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
if KEYS[3] and redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
return done
"""
# KEYS: lock, message; ARGV: token, ttl, field/value pairs…
_FENCED_SET = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
"""


# KEYS: message, lock, done; ARGV: token, lock ttl, state ttl, seq, go on without the turn (0/1)
# → {runs, done, field, value, …} once the lease is taken and the message's turn has come (the attempt is
# counted); {BUSY, owner} while another holds the lease; {WAITING, done} while an earlier message of the
# conversation is still unhandled (the lease is given back at once). Neither waiting answer counts an attempt.
_BEGIN = """
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return {-1, owner} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
local done = tonumber(redis.call('GET', KEYS[3]) or '0')
if ARGV[5] == '0' and done < tonumber(ARGV[4]) - 1 then
  redis.call('DEL', KEYS[2])
  return {-2, done}
end
local runs = redis.call('HINCRBY', KEYS[1], 'runs', 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
local out = {runs, done}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
return out
"""
BUSY, WAITING = -1, -2


@dataclass(frozen=True, slots=True)
class Begun:
    """What one attempt to start on a message found.

    ``runs`` is the attempt's number (``BUSY`` or ``WAITING`` when it could not start: the lease is
    ``owner``'s, or the message before it is not handled yet); ``done`` is the conversation's
    watermark; ``state`` the message's ledger state once started.
    """

    runs: int
    done: int = 0
    owner: str = ""
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return self.runs > 0


def _decode_state(flat: list) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in zip(flat[::2], flat[1::2]):
        try:
            out[k.decode()] = json.loads(v)
        except ValueError:
            out[k.decode()] = v.decode()
    return out


class Ledger:
    def __init__(self, redis: Redis, *, lock_ttl_ms: int = 10_000, state_ttl_s: int = keys.MESSAGE_TTL_S) -> None:
        self.redis = redis
        self.lock_ttl_ms = lock_ttl_ms
        self.state_ttl_s = state_ttl_s
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._steal = redis.register_script(_STEAL)
        self._handled = redis.register_script(_HANDLED)
        self._fenced = redis.register_script(_FENCED_SET)
        self._begin = redis.register_script(_BEGIN)

    async def begin(self, message: InboundMessage, token: str, seq: int, *, any_turn: bool = False) -> Begun:
        """One round trip to start on a message: take the conversation's lease if it is free, check that
        the message's turn has come (unless ``any_turn``: a redo, or a predecessor waited for long enough),
        count the attempt and read the message's state. A message that cannot start yet leaves nothing
        behind: no lease, no attempt counted."""
        conv = message.conversation_id
        raw = await self._begin(keys=[self.key(message), keys.conversation(conv, "lock"),
                                      keys.conversation(conv, "done")],
                                args=[token, self.lock_ttl_ms, self.state_ttl_s, seq, int(any_turn)])
        runs = int(raw[0])
        if runs == BUSY:
            return Begun(BUSY, owner=raw[1].decode() if isinstance(raw[1], bytes) else str(raw[1]))
        if runs == WAITING:
            return Begun(WAITING, done=int(raw[1]))
        return Begun(runs, int(raw[1]), state=_decode_state(raw[2:]))

    async def finish(self, conversation_id: str, seq: int, token: str) -> None:
        """The message is handled: record it in the conversation's order and release the lease."""
        await self._handled(keys=[keys.conversation(conversation_id, "done"),
                                  keys.conversation(conversation_id, "handled"),
                                  keys.conversation(conversation_id, "lock")],
                            args=[seq, seq, keys.CONVERSATION_TTL_S, token])

    # -- leases ------------------------------------------------------------------------------
    async def try_lock(self, conversation_id: str, token: str) -> bool:
        return bool(await self.redis.set(keys.conversation(conversation_id, "lock"), token, nx=True,
                                         px=self.lock_ttl_ms))

    async def lock_owner(self, conversation_id: str) -> str | None:
        raw = await self.redis.get(keys.conversation(conversation_id, "lock"))
        return raw.decode() if raw else None

    async def steal_lock(self, conversation_id: str, old_token: str, token: str) -> bool:
        """Take a lease whose holder is known to be dead (compare-and-set on its token)."""
        return bool(await self._steal(keys=[keys.conversation(conversation_id, "lock")],
                                      args=[old_token, token, self.lock_ttl_ms]))

    async def renew(self, conversation_id: str, token: str) -> bool:
        return bool(await self._renew(keys=[keys.conversation(conversation_id, "lock")],
                                      args=[token, self.lock_ttl_ms]))

    async def unlock(self, conversation_id: str, token: str) -> None:
        await self._release(keys=[keys.conversation(conversation_id, "lock")], args=[token])

    # -- order ---------------------------------------------------------------------------------
    async def mark_handled(self, conversation_id: str, first: int, last: int | None = None) -> int:
        """Record messages ``first``..``last`` of the conversation as handled; the new watermark."""
        return int(await self._handled(
            keys=[keys.conversation(conversation_id, "done"), keys.conversation(conversation_id, "handled")],
            args=[first, last if last is not None else first, keys.CONVERSATION_TTL_S]))

    # -- per-message state ---------------------------------------------------------------------
    @staticmethod
    def key(message: InboundMessage) -> str:
        return keys.message(message.conversation_id, message.message_id)

    async def state(self, message: InboundMessage) -> dict[str, Any]:
        return await self.state_of(message.conversation_id, message.message_id)

    async def state_of(self, conversation_id: str, message_id: str) -> dict[str, Any]:
        raw = await self.redis.hgetall(keys.message(conversation_id, message_id))
        return _decode_state([x for kv in raw.items() for x in kv])

    async def set_state(self, message: InboundMessage, **fields: Any) -> None:
        key = self.key(message)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={k: json.dumps(v, ensure_ascii=False) for k, v in fields.items()})
            pipe.expire(key, self.state_ttl_s)
            await pipe.execute()

    async def fenced_set(self, message: InboundMessage, token: str, **fields: Any) -> bool:
        """``set_state`` only while ``token`` holds the conversation's lease; False if it was lost."""
        args: list[Any] = [token, self.state_ttl_s]
        for k, v in fields.items():
            args += [k, json.dumps(v, ensure_ascii=False)]
        return bool(await self._fenced(keys=[keys.conversation(message.conversation_id, "lock"), self.key(message)],
                                       args=args))

    async def record_outcome(self, message: InboundMessage, route: str, reasons: list[str],
                             extra: dict[str, Any] | None = None) -> None:
        """Final state of a message, plus one line in the outcomes stream CMs and reports read — in one
        transaction, so a message is never final without its outcome line."""
        key = self.key(message)
        fields = {"status": route, "reasons": reasons, "finished_at": time.time(), "runs": 0}
        entry = {
            "platform": message.platform,
            "message_id": message.message_id,
            "conversation": message.conversation_id,
            "route": route,
            "reasons": json.dumps(reasons),
            **{k: json.dumps(v, ensure_ascii=False) for k, v in (extra or {}).items()},
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={k: json.dumps(v, ensure_ascii=False) for k, v in fields.items()})
            pipe.expire(key, self.state_ttl_s)
            pipe.xadd(keys.OUTCOMES, entry, maxlen=100_000, approximate=True)
            if route == "failed":
                pipe.xadd(keys.FAILED, entry, maxlen=100_000, approximate=True)
            await pipe.execute()
