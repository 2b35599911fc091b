"""The worker's guarantees: never dropped, never answered twice, in order, taken over after a crash."""

import asyncio
import time

import pytest

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import InboundQueue
from tests.conftest import stack_settings
from tests.helpers import (DEMO_PAGE_ID, STREAM, conversation, fan, make_settings, message_state, messenger,
                           messenger_event, outcome, post_signed, serve, start_worker, wait_until)


def inbound(text, name="fan-w", mid="m1"):
    return InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(name), text, int(time.time() * 1000))


async def drained(redis):
    """True once every entry was acknowledged (the worker deletes what it acknowledges)."""
    return await redis.xlen(STREAM) == 0


async def test_message_is_held_not_dropped_when_rasa_is_down(redis, redis_url, graph):
    settings = make_settings(redis_url)
    client = await serve(settings, {"messenger": messenger(graph.url)})
    worker = await start_worker(settings, {"messenger": messenger(graph.url)})
    try:
        await post_signed(client, messenger_event("Bonjour", "fan-down", mid="m_down"))
        state = await outcome(redis, "m_down")
        assert state["status"] == "held" and state["reasons"] == ["nlu_unavailable"]
        await wait_until(lambda: drained(redis), timeout=10)
        [case] = await CMQueue(redis).cases()
        assert case["kind"] == "held" and case["reasons"] == ["nlu_unavailable"]
        assert case["message_id"] == "m_down" and case["text"] == "Bonjour"
        assert graph.sent == []
    finally:
        await worker.stop()
        await client.close()


async def test_message_whose_send_may_have_gone_out_is_reconciled_not_resent(redis, redis_url, graph):
    message = inbound("Bonjour", mid="m_sending")
    await Ledger(redis).set_state(message, status="sending", texts=["Bonjour !"], meta={"intent": "greet"},
                                  plan={"parts": ["Bonjour !"], "sent_ids": [], "attempts": 0}, sending_part=0)
    queue = InboundQueue(redis)
    await queue.ensure_group()
    await queue.enqueue([message])
    settings = make_settings(redis_url, echo_wait_s=1.0)
    worker = await start_worker(settings, {"messenger": messenger(graph.url)})
    try:
        state = await outcome(redis, "m_sending", timeout=20)
        assert state["status"] == "held" and "send_outcome_unknown" in state["reasons"]
        assert graph.sent == []
        await wait_until(lambda: drained(redis), timeout=10)
    finally:
        await worker.stop()


async def test_a_message_that_keeps_failing_goes_to_the_dead_letters(redis, redis_url, graph):
    message = inbound("Bonjour", mid="m_poison")
    await Ledger(redis).set_state(message, runs=5)  # five attempts already died with their worker
    queue = InboundQueue(redis)
    await queue.ensure_group()
    await queue.enqueue([message])
    await redis.xadd(STREAM, {"garbage": "not a message"})  # written by something else
    worker = await start_worker(make_settings(redis_url, max_attempts=5), {"messenger": messenger(graph.url)})
    try:
        await wait_until(lambda: drained(redis), timeout=10)
        dead = await queue.dead_letters()
        assert len(dead) == 2
        [poison] = [d for d in dead if d.get("message_id") == "m_poison"]
        assert "failed 5 times" in poison["error"]
        assert await queue.requeue_dead(poison["id"])  # relais dead --requeue
        state = await outcome(redis, "m_poison")
        assert state["status"] == "held"  # Rasa is down here: held for a person, not lost
        assert graph.sent == []
    finally:
        await worker.stop()


async def test_a_message_whose_predecessor_arrives_late_is_still_handled(redis, redis_url, graph):
    queue = InboundQueue(redis)
    await queue.ensure_group()
    first, second = inbound("Bonjour", "fan-late", "m_first"), inbound("Vous livrez ?", "fan-late", "m_second")
    await queue.enqueue([first, second])
    [taken] = await queue.read("ghost-consumer", count=1, block_ms=100)  # a worker that died holding it
    assert taken.message.message_id == "m_first"
    worker = await start_worker(make_settings(redis_url, order_wait_s=0.5), {"messenger": messenger(graph.url)})
    try:
        assert (await outcome(redis, "m_second"))["status"] == "held"
        late = await outcome(redis, "m_first", timeout=20)
        assert "arrived_late" in late["reasons"]
        await wait_until(lambda: drained(redis), timeout=10)
        assert not any(c["name"] == b"ghost-consumer" for c in await redis.xinfo_consumers(STREAM, keys.GROUP))
    finally:
        await worker.stop()


@pytest.mark.stack
async def test_permanent_send_failure_is_recorded_and_goes_to_a_person(redis, redis_url, rasa_stack, graph):
    graph.failures = [(400, 551)]
    settings = stack_settings(redis_url, rasa_stack)
    client = await serve(settings, {"messenger": messenger(graph.url)})
    worker = await start_worker(settings, {"messenger": messenger(graph.url)})
    try:
        await post_signed(client, messenger_event("Bonjour, vous êtes ouverts le dimanche ?", "fan-fail",
                                                  mid="m_fail"))
        state = await outcome(redis, "m_fail")
        assert state["status"] == "failed"
        assert any("HTTP 400" in r for r in state["reasons"])
        [(_, failed)] = await redis.xrange(keys.FAILED)
        assert failed[b"message_id"] == b"m_fail"
        [case] = await CMQueue(redis).cases(conversation=conversation("fan-fail"))
        assert case["kind"] == "held" and "dimanche" in case["draft"]
        assert graph.sent == []
    finally:
        await worker.stop()
        await client.close()


@pytest.mark.stack
async def test_entry_left_by_a_dead_worker_is_taken_over_within_seconds(redis, redis_url, rasa_stack, graph):
    queue = InboundQueue(redis)
    await queue.ensure_group()
    await queue.enqueue([inbound("Bonjour, vous livrez en Belgique ?", "fan-orphan", "m_orphan")])
    [delivery] = await queue.read("worker-that-died", count=1, block_ms=100)  # read, never acknowledged
    message = delivery.message
    assert await Ledger(redis).try_lock(message.conversation_id, "worker-that-died|t")  # its lease too
    settings = stack_settings(redis_url, rasa_stack)  # heartbeat 0.5 s: a dead worker is noticed in ~2.5 s
    started = time.monotonic()
    worker = await start_worker(settings, {"messenger": messenger(graph.url)})
    try:
        [sent] = await graph.wait_for("fan-orphan", timeout=30)
        assert "nous livrons en Belgique" in sent.text
        assert time.monotonic() - started < 15  # not the lease's whole life, let alone 120 s
        await wait_until(lambda: drained(redis), timeout=10)
    finally:
        await worker.stop()


@pytest.mark.stack
async def test_conversation_order_is_kept_across_gateways_and_workers(redis, redis_url, rasa_stack, graph):
    """Five messages of one fan, spread over two gateways and two workers, answered in order."""
    questions = [
        ("Bonjour !", "Bienvenue chez Maison Brindille"),
        ("Vous êtes ouverts à quelle heure le samedi ?", "Le samedi, nos boutiques sont ouvertes"),
        ("Combien coûte la livraison ?", "livraison standard"),
        ("Je peux payer avec PayPal ?", "PayPal"),
        ("Comment retourner un article ?", "30 jours"),
    ]
    settings = stack_settings(redis_url, rasa_stack, worker_concurrency=4)
    first = await serve(settings, {"messenger": messenger(graph.url)})
    second = await serve(settings, {"messenger": messenger(graph.url)})
    workers = [await start_worker(stack_settings(redis_url, rasa_stack, worker_concurrency=4),
                                  {"messenger": messenger(graph.url)}) for _ in range(2)]
    try:
        for i, (text, _) in enumerate(questions):
            await post_signed((first, second)[i % 2], messenger_event(text, "fan-order", mid=f"m_order_{i}"))
        sent = await graph.wait_for("fan-order", count=len(questions), timeout=60)
        for message, (_, expected) in zip(sent, questions):
            assert expected in message.text
        await asyncio.sleep(0.5)
        assert len(graph.to("fan-order")) == len(questions)
    finally:
        for worker in workers:
            await worker.stop()
        await first.close()
        await second.close()
