"""The worker's guarantees: never dropped, never answered twice, in order, taken over after a crash."""

import asyncio
import json

import pytest

from bot.pipeline.ledger import Ledger
from bot.redis_keys import FAILED as FAILED_STREAM
from bot.messages import InboundMessage
from bot.pipeline.queue import InboundQueue
from tests.helpers import messenger_event
from bot.pipeline.cm_queue import CMQueue
from tests.helpers import make_settings, post_signed, serve, wait_until

STREAM, GROUP = "relais:inbound", "relais-workers"


def inbound(text, sender="fan-w", mid="m1", page="page-1"):
    return InboundMessage("messenger", mid, page, sender, text, 1700000000000)


async def drained(redis):
    """True once every entry was acknowledged (the worker deletes what it acknowledges)."""
    return await redis.xlen(STREAM) == 0


async def test_message_is_held_not_dropped_when_rasa_is_down(redis, redis_url, graph):
    client = await serve(make_settings(redis_url, rasa_url="http://127.0.0.1:9", graph_api_base=graph.url))
    try:
        await post_signed(client, messenger_event("Bonjour", "fan-down", mid="m_down"))
        await wait_until(lambda: drained(redis), timeout=20)
        state = await Ledger(redis).state(inbound("", mid="m_down"))
        assert state["status"] == "held"
        assert state["reasons"] == ["nlu_unavailable"]
        [case] = await CMQueue(redis).cases()
        assert case["kind"] == "held" and case["reasons"] == ["nlu_unavailable"]
        assert case["message_id"] == "m_down" and case["text"] == "Bonjour"
        assert graph.sent == []
    finally:
        await client.close()


async def test_message_whose_send_may_have_gone_out_is_held_not_resent(redis, redis_url, graph):
    message = inbound("Bonjour", mid="m_sending")
    ledger = Ledger(redis)
    await ledger.set_state(message, status="sending", texts=["Bonjour !"], meta={"intent": "greet"})
    queue = InboundQueue(redis, STREAM, GROUP, 3600)
    await queue.ensure_group()
    await queue.enqueue([message])
    client = await serve(make_settings(redis_url, graph_api_base=graph.url))
    try:
        await wait_until(lambda: drained(redis), timeout=20)
        state = await ledger.state(message)
        assert state["status"] == "held" and state["reasons"] == ["send_outcome_unknown"]
        assert graph.sent == []
    finally:
        await client.close()


@pytest.mark.stack
async def test_permanent_send_failure_is_recorded_and_acknowledged(redis, redis_url, rasa_stack, graph):
    graph.failures = [(400, 100)]
    client = await serve(make_settings(redis_url, rasa_url=rasa_stack.rasa_url, graph_api_base=graph.url))
    try:
        await post_signed(client, messenger_event("Bonjour !", "fan-fail", mid="m_fail"))
        await wait_until(lambda: drained(redis), timeout=30)
        state = await Ledger(redis).state(inbound("", mid="m_fail"))
        assert state["status"] == "failed"
        assert any("HTTP 400" in r for r in state["reasons"])
        [(_, failed)] = await redis.xrange(FAILED_STREAM)
        assert failed[b"message_id"] == b"m_fail"
        assert graph.sent == []
    finally:
        await client.close()


@pytest.mark.stack
async def test_entry_left_by_a_dead_worker_is_taken_over(redis, redis_url, rasa_stack, graph):
    queue = InboundQueue(redis, STREAM, GROUP, 3600)
    await queue.ensure_group()
    await queue.enqueue([inbound("Bonjour, vous livrez en Belgique ?", sender="fan-orphan", mid="m_orphan")])
    [delivery] = await queue.read("worker-that-died", count=1, block_ms=100)  # read, never acknowledged
    assert await queue.pending_count() == 1
    client = await serve(make_settings(redis_url, rasa_url=rasa_stack.rasa_url, graph_api_base=graph.url,
                                       claim_idle_ms=300))
    try:
        [sent] = await graph.wait_for("fan-orphan", timeout=30)
        assert "Union européenne" in sent.text
        await wait_until(lambda: drained(redis), timeout=10)
        assert await queue.pending_count() == 0
    finally:
        await client.close()


@pytest.mark.stack
async def test_conversation_order_is_kept_across_gateways_and_workers(redis, redis_url, rasa_stack, graph):
    """Five messages of one fan, spread over two gateways with four workers each, answered in order."""
    questions = [
        ("Bonjour !", "bienvenue"),
        ("Vous êtes ouverts à quelle heure le samedi ?", "ouvertes du lundi au samedi"),
        ("Combien coûte la livraison ?", "livraison standard"),
        ("Je peux payer avec PayPal ?", "PayPal"),
        ("Comment retourner un article ?", "30 jours"),
    ]
    settings = dict(rasa_url=rasa_stack.rasa_url, graph_api_base=graph.url, worker_concurrency=4)
    first = await serve(make_settings(redis_url, **settings))
    second = await serve(make_settings(redis_url, **settings))
    try:
        for i, (text, _) in enumerate(questions):
            await post_signed((first, second)[i % 2], messenger_event(text, "fan-order", mid=f"m_order_{i}"))
        sent = await graph.wait_for("fan-order", count=len(questions), timeout=60)
        for message, (_, expected) in zip(sent, questions):
            assert expected in message.text
        await asyncio.sleep(0.5)
        assert len(graph.to("fan-order")) == len(questions)
    finally:
        await first.close()
        await second.close()
