"""The inbound queue: one Redis Stream read by a consumer group of workers.

Enqueueing is one atomic Lua call per message that (1) drops a platform
redelivery whose message id was already seen, (2) numbers the message within
its conversation, and (3) appends it to the stream. The per-conversation
number lets any worker tell whether an earlier message of the same fan is
still in flight, so replies keep the fans' order even with many workers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.messages import InboundMessage

log = logging.getLogger("relais.queue")

_ENQUEUE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then
  return 0
end
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], '*', 'conv', ARGV[2], 'seq', seq, 'msg', ARGV[3])
return seq
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One stream entry handed to a worker."""

    entry_id: str
    seq: int
    message: InboundMessage


def seen_key(message: InboundMessage) -> str:
    return f"relais:seen:{message.platform}:{message.message_id}"


def seq_key(conversation_id: str) -> str:
    return f"relais:conv:{conversation_id}:seq"


class InboundQueue:
    def __init__(self, redis: Redis, stream: str, group: str, dedup_ttl_s: int) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.dedup_ttl_s = dedup_ttl_s
        self._enqueue = redis.register_script(_ENQUEUE)

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def enqueue(self, messages: list[InboundMessage]) -> int:
        """Append the messages not seen before; return how many were new."""
        fresh = 0
        for message in messages:
            seq = await self._enqueue(
                keys=[seen_key(message), seq_key(message.conversation_id), self.stream],
                args=[self.dedup_ttl_s, message.conversation_id, message.to_json()],
            )
            if seq:
                fresh += 1
            else:
                log.info("dropped redelivery of %s message", message.platform)
        return fresh

    def _decode(self, entries) -> list[Delivery]:
        out = []
        for entry_id, fields in entries:
            if not fields:  # entry deleted while pending
                continue
            out.append(Delivery(_s(entry_id), int(fields[b"seq"]), InboundMessage.from_json(fields[b"msg"])))
        return out

    async def read(self, consumer: str, count: int = 1, block_ms: int = 1000) -> list[Delivery]:
        """New entries for this consumer (blocks up to ``block_ms``)."""
        resp = await self.redis.xreadgroup(self.group, consumer, {self.stream: ">"}, count=count, block=block_ms)
        return [d for _, entries in resp or [] for d in self._decode(entries)]

    async def claim_stale(self, consumer: str, min_idle_ms: int, count: int = 10) -> list[Delivery]:
        """Entries left pending by a consumer that died, taken over by this one."""
        _, entries, *_ = await self.redis.xautoclaim(self.stream, self.group, consumer, min_idle_ms, "0-0", count=count)
        return self._decode(entries)

    async def ack(self, delivery: Delivery) -> None:
        """Done with an entry: acknowledge it and drop it from the stream."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream, self.group, delivery.entry_id)
            pipe.xdel(self.stream, delivery.entry_id)
            await pipe.execute()

    async def pending_count(self) -> int:
        info = await self.redis.xpending(self.stream, self.group)
        return int(info["pending"])


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
