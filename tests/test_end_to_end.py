"""A fan's message through the whole path: signed webhook → Redis → worker → Rasa + actions → Send API."""

import asyncio
import json

import pytest

from bot.language import detect_language
from bot.pipeline.ledger import Ledger
from bot.redis_keys import OUTCOMES as OUTCOMES_STREAM
from bot.messages import InboundMessage
from tests.helpers import DEMO_PAGE_ID, messenger_event
from tests.helpers import STREAM, outcome, post_signed, wait_until

pytestmark = pytest.mark.stack


async def test_french_question_gets_a_french_answer(gateway, graph):
    resp = await post_signed(gateway, messenger_event("Bonjour, vous êtes ouverts le dimanche ?", "fan-fr"))
    assert resp.status == 200
    [sent] = await graph.wait_for("fan-fr")
    assert sent.page_id == DEMO_PAGE_ID
    assert sent.body["messaging_type"] == "RESPONSE"
    assert "Le dimanche" in sent.text and "de 11 h à 18 h" in sent.text
    assert detect_language(sent.text) == "fr"


async def test_english_question_gets_an_english_answer(gateway, graph):
    await post_signed(gateway, messenger_event("Hi! How much is delivery and how long does it take?", "fan-en"))
    [sent] = await graph.wait_for("fan-en")
    assert "standard delivery takes 3 to 5 working days" in sent.text
    assert detect_language(sent.text) == "en"


async def test_order_status_is_looked_up_in_the_fans_language(gateway, graph):
    await post_signed(gateway, messenger_event("slt elle est où ma commande BR-204518 ?", "fan-order-fr"))
    await post_signed(gateway, messenger_event("where is my order br 771203 pls", "fan-order-en"))
    [fr] = await graph.wait_for("fan-order-fr")
    [en] = await graph.wait_for("fan-order-en")
    assert "BR-204518 a été expédiée" in fr.text and "Colissimo" in fr.text
    assert "BR-771203 is being prepared" in en.text


async def test_order_question_without_number_asks_for_it(gateway, graph):
    await post_signed(gateway, messenger_event("Where is my order? It still hasn't shipped", "fan-ask"))
    [sent] = await graph.wait_for("fan-ask")
    assert "order number" in sent.text


async def test_redelivered_message_is_answered_once(gateway, graph, redis):
    event = messenger_event("Merci beaucoup !", "fan-redeliver", mid="m_redelivered")
    for _ in range(2):
        assert (await post_signed(gateway, event)).status == 200
    await graph.wait_for("fan-redeliver")
    await post_signed(gateway, event)  # Messenger retries once more after the reply went out
    assert (await outcome(redis, "m_redelivered"))["status"] == "sent"
    await wait_until(lambda: _stream_empty(redis))
    await asyncio.sleep(0.3)
    assert len(graph.to("fan-redeliver")) == 1
    outcomes = [f for _, f in await redis.xrange(OUTCOMES_STREAM) if f[b"message_id"] == b"m_redelivered"]
    assert len(outcomes) == 1 and outcomes[0][b"route"] == b"sent"


async def test_insult_gets_a_holding_message_not_an_answer(gateway, graph, redis):
    await post_signed(gateway, messenger_event("vous êtes une bande d'escrocs et de nuls", "fan-angry",
                                               mid="m_angry"))
    state = await outcome(redis, "m_angry")
    assert state["status"] == "escalated"
    [holding] = await graph.wait_for("fan-angry")
    assert "membre de notre équipe" in holding.text
    assert {"intent:insult", "flag:insult"} <= set(state["reasons"])


async def _stream_empty(redis):
    return await redis.xlen(STREAM) == 0
