"""The gateway's group commit, on a real Redis: many deliveries, few calls, each caller its own answer."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.intake import Intake
from bot.pipeline.queue import InboundQueue
from tests.helpers import free_port


def message(i: int, mid: str | None = None) -> InboundMessage:
    return InboundMessage("messenger", mid or f"m_intake_{i}", "page-1", f"fan-{i}", f"question {i}", 1_700_000_000_000)


async def test_concurrent_deliveries_share_calls_and_each_gets_its_own_count(redis: Redis) -> None:
    intake = Intake(InboundQueue(redis))
    counts = await asyncio.gather(*(intake.enqueue([message(i)]) for i in range(300)))
    assert counts == [1] * 300
    assert await redis.xlen(keys.INBOUND) == 300
    assert intake.calls < 30  # one call in flight, the rest batched behind it


async def test_a_delivery_of_several_messages_stays_together(redis: Redis) -> None:
    intake = Intake(InboundQueue(redis), max_messages=4)
    deliveries = [[message(10 * d + k) for k in range(3)] for d in range(5)]
    counts = await asyncio.gather(*(intake.enqueue(d) for d in deliveries))
    assert counts == [3] * 5
    entries = await redis.xrange(keys.INBOUND)
    order = [InboundMessage.from_json(fields[b"msg"]).message_id for _, fields in entries]
    for delivery in deliveries:  # each delivery's messages are adjacent and in order
        ids = [m.message_id for m in delivery]
        start = order.index(ids[0])
        assert order[start:start + 3] == ids


async def test_the_same_message_delivered_twice_at_once_is_new_only_once(redis: Redis) -> None:
    intake = Intake(InboundQueue(redis))
    twice = message(1, mid="m_intake_same")
    counts = await asyncio.gather(intake.enqueue([twice]), intake.enqueue([twice]), intake.enqueue([message(2)]))
    assert sorted(counts[:2]) == [0, 1] and counts[2] == 1
    assert await redis.xlen(keys.INBOUND) == 2


async def test_a_caller_that_gave_up_does_not_disturb_the_others(redis: Redis) -> None:
    intake = Intake(InboundQueue(redis))
    first = asyncio.ensure_future(intake.enqueue([message(1)]))  # takes the call in flight
    gave_up = asyncio.ensure_future(intake.enqueue([message(2)]))
    kept = asyncio.ensure_future(intake.enqueue([message(3)]))
    await asyncio.sleep(0)  # all three are waiting on Redis
    gave_up.cancel()
    assert await first == 1 and await kept == 1
    with pytest.raises(asyncio.CancelledError):
        await gave_up
    ids = {InboundMessage.from_json(f[b"msg"]).message_id for _, f in await redis.xrange(keys.INBOUND)}
    assert {"m_intake_1", "m_intake_3"} <= ids


async def test_every_caller_of_a_failed_call_gets_its_error() -> None:
    dead = Redis(port=free_port(), socket_connect_timeout=0.5)
    intake = Intake(InboundQueue(dead))
    results = await asyncio.gather(*(intake.enqueue([message(i)]) for i in range(5)), return_exceptions=True)
    assert all(isinstance(r, RedisConnectionError) for r in results), results
    await intake.close()
    await dead.aclose()
