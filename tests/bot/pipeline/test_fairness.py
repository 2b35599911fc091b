"""One fan never holds up the others: busy conversations are parked, floods are recorded for a person."""

import time

import pytest

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.flood import RATE_LIMITED, Overflow, SenderLimit
from bot.pipeline.queue import InboundQueue
from tests.conftest import stack_settings
from tests.helpers import (DEMO_PAGE_ID, STREAM, conversation, fan, make_settings, messenger, outcome, post_signed,
                           serve, start_worker, wait_until)
from webhooks.messenger import simulate


def inbound(text: str, name: str, mid: str) -> InboundMessage:
    return InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(name), text, int(time.time() * 1000))


def many(name: str, texts: list[str], prefix: str) -> dict:
    """One Messenger delivery carrying several messages of one fan, as Meta batches them."""
    events = [simulate.text_event(text, fan(name), DEMO_PAGE_ID, f"{prefix}_{i}") for i, text in enumerate(texts)]
    return simulate.delivery(*events)


async def final_count(redis, conv: str, mids: list[str]) -> int:
    """How many of a conversation's messages have their outcome."""
    count = 0
    for mid in mids:
        raw = await redis.hget(keys.message(conv, mid), "status")
        count += raw is not None and raw.decode().strip('"') in ("sent", "held", "escalated", "failed")
    return count


async def idle(redis) -> bool:
    """The pipeline has nothing left to do: every entry acknowledged, nothing waiting to be retried."""
    pending = (await redis.xpending(STREAM, keys.GROUP))["pending"] if await redis.exists(STREAM) else 0
    return await redis.xlen(STREAM) == 0 and pending == 0 and await redis.zcard(keys.DELAYED) == 0


# -- the enqueue script ------------------------------------------------------------------------

async def test_messages_over_a_senders_limit_are_recorded_and_only_the_first_is_queued(redis):
    queue = InboundQueue(redis, sender_limit=SenderLimit(limit=3, window_s=60))
    await queue.ensure_group()
    flood = [inbound(f"message {i}", "fan-over", f"m_over_{i}") for i in range(10)]
    other = inbound("Bonjour", "fan-calm", "m_calm")
    assert await queue.enqueue_each(flood + [other]) == [1, 2, 3, -1, -1, -1, -1, -1, -1, -1, 1]
    entries = await redis.xrange(STREAM)
    assert [e[1][b"msg"] for e in entries] == [m.to_json().encode() for m in flood[:4] + [other]]
    assert [e[1].get(b"over") for e in entries] == [None, None, None, b"1", None]  # the flood's one case
    overflow = Overflow(redis)
    assert [m.message_id for m in await overflow.messages(conversation("fan-over"))] == \
        [f"m_over_{i}" for i in range(3, 10)]  # every message over the limit kept, in order
    assert await overflow.flooding(conversation("fan-over"))
    # A redelivery is dropped by its id, never recorded twice; more of the flood is recorded, not queued.
    assert await queue.enqueue_each(flood[5:]) == [0] * 5
    assert await queue.enqueue_each([inbound("encore", "fan-over", "m_over_10")]) == [-1]
    assert await overflow.count(conversation("fan-over")) == 8
    assert await redis.xlen(STREAM) == 5
    for key in (keys.sender("rate", conversation("fan-over")), keys.sender("flood", conversation("fan-over")),
                keys.sender("overflow", conversation("fan-over"))):
        assert await redis.ttl(key) > 0


async def test_no_limit_when_it_is_turned_off(redis):
    queue = InboundQueue(redis, sender_limit=SenderLimit(limit=0))
    await queue.ensure_group()
    seqs = await queue.enqueue_each([inbound(f"m {i}", "fan-free", f"m_free_{i}") for i in range(50)])
    assert seqs == list(range(1, 51))
    assert await Overflow(redis).count(conversation("fan-free")) == 0


# -- the worker ------------------------------------------------------------------------------

async def test_a_busy_conversation_does_not_hold_up_the_others(redis, redis_url, graph):
    """Twelve messages of one fan, then one of another, two slots: the second fan does not wait for the twelve.

    Rasa is unreachable here, so each message takes about half a second to be held for a person (the
    parse is tried twice): long enough for a slot that waited on the first fan's lease to show."""
    settings = make_settings(redis_url, worker_concurrency=2, sender_limit=0)
    client = await serve(settings, {"messenger": messenger(graph.url)})
    flood = [f"m_busy_{i}" for i in range(12)]
    await post_signed(client, many("fan-flood", [f"question {i}" for i in range(12)], "m_busy"))
    await post_signed(client, simulate.delivery(simulate.text_event("Bonjour", fan("fan-other"), DEMO_PAGE_ID,
                                                                    "m_other")))
    worker = await start_worker(settings, {"messenger": messenger(graph.url)})
    try:
        assert (await outcome(redis, "m_other", timeout=90))["status"] == "held"
        assert await final_count(redis, conversation("fan-flood"), flood) <= 3  # the flood's messages go one at a time, in the background
        await wait_until(lambda: idle(redis), timeout=60)
        assert await final_count(redis, conversation("fan-flood"), flood) == 12  # and every one of them is handled
        done = await redis.get(keys.conversation(conversation("fan-flood"), "done"))
        assert int(done) == 12  # in order, none skipped
    finally:
        await worker.stop()
        await client.close()


@pytest.mark.stack
async def test_a_flood_gets_one_case_and_one_line_and_every_message_is_kept(redis, redis_url, rasa_stack, graph):
    settings = stack_settings(redis_url, rasa_stack, sender_limit=3, worker_concurrency=4)
    client = await serve(settings, {"messenger": messenger(graph.url)})
    worker = await start_worker(settings, {"messenger": messenger(graph.url)})
    conv = conversation("fan-flood")
    try:
        texts = ["Bonjour", "Vous livrez en Belgique ?"] + [f"Vous êtes ouverts le dimanche ? {i}" for i in range(8)]
        response = await post_signed(client, many("fan-flood", texts, "m_flood"))
        assert response.status == 200
        over = await outcome(redis, "m_flood_3", timeout=60)
        assert over["status"] == "escalated" and over["reasons"][0] == RATE_LIMITED
        await wait_until(lambda: idle(redis), timeout=60)
        for i in range(3):
            assert (await outcome(redis, f"m_flood_{i}"))["status"] in ("sent", "held")
        cases = await CMQueue(redis).cases(conversation=conv)
        assert [c["kind"] for c in cases if RATE_LIMITED in c["reasons"]] == ["escalated"]  # one case
        assert await Overflow(redis).count(conv) == 7  # messages 4 to 10, every one kept for the CM
        replies = graph.to("fan-flood")
        answered = sorted({m.metadata.split(":")[1] for m in replies})
        assert answered == [f"m_flood_{i}" for i in range(4)]  # three within the limit, and the flood's one line
        [line] = [m for m in replies if m.metadata.split(":")[1] == "m_flood_3"]
        assert "Un membre de notre équipe" in line.text  # the honest holding message
        before = len(replies)
        # The flood goes on: recorded, never queued, never answered.
        more = await post_signed(client, many("fan-flood", [f"encore {i}" for i in range(5)], "m_more"))
        assert more.status == 200
        assert await Overflow(redis).count(conv) == 12
        await wait_until(lambda: idle(redis), timeout=30)
        assert len(graph.to("fan-flood")) == before
        assert len([c for c in await CMQueue(redis).cases(conversation=conv) if RATE_LIMITED in c["reasons"]]) == 1
    finally:
        await worker.stop()
        await client.close()
