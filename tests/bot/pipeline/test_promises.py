"""No promise without a case: "a member of our team will reply" goes out only with the case that keeps it.

A worker that dies between the steps of a handoff leaves the message's ledger state behind; these tests
write that state as the dead worker left it, then let a live worker take the message over.
"""

import time

import pytest

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import InboundQueue
from tests.helpers import (DEMO_PAGE_ID, STREAM, conversation, fan, make_settings, messenger, messenger_event,
                           outcome, post_signed, start_worker, wait_until)

HOLDING = "Bien sûr. Un membre de notre équipe prend le relais et vous répond ici."
TONE = {"label": "neutral", "confidence": 0.9,
        "scores": {"angry": 0.01, "negative": 0.03, "neutral": 0.9, "positive": 0.06}, "flags": {}, "evidence": {}}


def message(name: str, mid: str, text: str) -> InboundMessage:
    return InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(name), text, int(time.time() * 1000))


def drafted(intent: str, response: str, text: str) -> dict:
    """The ledger fields of a drafted message, as the responder writes them once the action server answered."""
    meta = {"intent": intent, "confidence": 0.97, "language": "fr", "tone": TONE, "scope": {},
            "response": response, "holding": HOLDING}
    return {"status": "drafted", "texts": [text], "meta": meta, "language": "fr"}


async def take_over(redis, redis_url, graph, msg: InboundMessage, **state) -> None:
    """Queue the message with the state a dead worker left, and let a live worker handle it."""
    await Ledger(redis).set_state(msg, **state)
    queue = InboundQueue(redis)
    await queue.ensure_group()
    await queue.enqueue([msg])


async def idle(redis) -> bool:
    pending = (await redis.xpending(STREAM, keys.GROUP))["pending"] if await redis.exists(STREAM) else 0
    return await redis.xlen(STREAM) == 0 and not pending and not await redis.zcard(keys.DELAYED)


async def test_a_holding_sentence_is_never_sent_as_an_answer(redis, redis_url, graph):
    """A stock question the brand file has no answer for: its draft is the holding sentence. It is not sent
    as a reply; the conversation goes to a person, with its case, and the fan is told so once."""
    msg = message("fan-stock", "m_stock", "Vous avez encore le plaid Lune en vert sapin ?")
    await take_over(redis, redis_url, graph, msg, **drafted("product_availability",
                                                            "holding:product_availability", HOLDING))
    worker = await start_worker(make_settings(redis_url), {"messenger": messenger(graph.url)})
    try:
        state = await outcome(redis, "m_stock")
        assert state["status"] == "escalated" and "no_answer" in state["reasons"]
        await wait_until(lambda: idle(redis), timeout=20)
        [case] = await CMQueue(redis).cases(conversation=conversation("fan-stock"))
        assert case["kind"] == "escalated" and case["message_id"] == "m_stock"
        [sent] = graph.to("fan-stock")
        assert "Un membre de notre équipe" in sent.text
        assert await redis.exists(keys.handoff(conversation("fan-stock")))  # a person owns it: the promise is kept
    finally:
        await worker.stop()


async def test_a_worker_killed_after_the_handoff_began_still_files_the_case_and_tells_the_fan(redis, redis_url,
                                                                                              graph):
    msg = message("fan-killed-1", "m_killed_1", "Je veux parler à quelqu'un")
    conv = msg.conversation_id
    # The dead worker marked the conversation as a person's and recorded that this message began it.
    await redis.set(keys.handoff(conv), '{"since": 1, "reasons": ["intent:ask_human"]}')
    await take_over(redis, redis_url, graph, msg, escalation={"new": 1},
                    **drafted("ask_human", "holding:ask_human", HOLDING))
    worker = await start_worker(make_settings(redis_url), {"messenger": messenger(graph.url)})
    try:
        assert (await outcome(redis, "m_killed_1"))["status"] == "escalated"
        await wait_until(lambda: idle(redis), timeout=20)
        [case] = await CMQueue(redis).cases(conversation=conv)
        assert case["kind"] == "escalated"  # the case the holding message promises, not a follow-up
        [sent] = graph.to("fan-killed-1")
        assert sent.text.endswith(HOLDING) or HOLDING in sent.text
    finally:
        await worker.stop()


async def test_a_worker_killed_after_filing_the_case_sends_the_holding_message_once_and_files_no_second_case(
        redis, redis_url, graph):
    msg = message("fan-killed-2", "m_killed_2", "Je veux parler à quelqu'un")
    conv = msg.conversation_id
    await redis.set(keys.handoff(conv), '{"since": 1, "reasons": ["intent:ask_human"]}')
    filed = await CMQueue(redis).add("escalated", {"conversation": conv, "message_id": "m_killed_2",
                                                   "platform": "messenger", "text": msg.text,
                                                   "reasons": ["intent:ask_human"], "holding_message": HOLDING})
    await take_over(redis, redis_url, graph, msg, escalation={"new": 1}, case_filed=filed, route="escalate",
                    reasons=["intent:ask_human"], **drafted("ask_human", "holding:ask_human", HOLDING))
    worker = await start_worker(make_settings(redis_url), {"messenger": messenger(graph.url)})
    try:
        assert (await outcome(redis, "m_killed_2"))["status"] == "escalated"
        await wait_until(lambda: idle(redis), timeout=20)
        assert [c["kind"] for c in await CMQueue(redis).cases(conversation=conv)] == ["escalated"]
        [sent] = graph.to("fan-killed-2")
        assert HOLDING in sent.text
    finally:
        await worker.stop()


@pytest.mark.stack
async def test_a_double_charge_is_never_answered_with_the_orders_status(gateway, redis, graph):
    """The order exists and has shipped; the fan reports being charged twice for it. The fan is told a person
    looks at it, with a case for the CM — never "good news, your order has shipped"."""
    await post_signed(gateway, messenger_event("jai ete debitee 2 fois pour ma commande BR-204518 !!",
                                               "fan-charged", mid="m_charged"))
    state = await outcome(redis, "m_charged", timeout=60)
    assert state["status"] == "escalated"
    assert any(r.startswith("payment_problem:") for r in state["reasons"])
    [case] = await CMQueue(redis).cases(conversation=conversation("fan-charged"))
    assert case["kind"] == "escalated"
    await wait_until(lambda: idle(redis), timeout=30)
    [sent] = graph.to("fan-charged")
    assert "expédiée" not in sent.text and "Bonne nouvelle" not in sent.text
    assert "membre de notre équipe" in sent.text


@pytest.mark.stack
async def test_a_calm_order_question_still_gets_its_status(gateway, redis, graph):
    await post_signed(gateway, messenger_event("Bonjour, où en est ma commande BR-204518 ?", "fan-calm-order",
                                               mid="m_calm_order"))
    state = await outcome(redis, "m_calm_order", timeout=60)
    assert state["status"] == "sent", state["reasons"]
    [sent] = await graph.wait_for("fan-calm-order")
    assert "BR-204518" in sent.text
