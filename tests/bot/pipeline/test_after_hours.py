"""Saturday night, holidays and approve-first, through the real gateway, worker, Rasa and action servers.

The worker's clock is fixed (``Responder.clock``): nothing here waits for a Saturday. The fake Graph API
answers the sends and echoes them back, as Meta does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import pytest

from bot import redis_keys as keys
from bot.brand import load_brand
from bot.pipeline.cm_queue import CMQueue
from tests.conftest import stack_settings
from tests.helpers import (close_client, conversation, fan, message_state, messenger, messenger_event, outcome,
                           post_signed, serve, start_worker)
from webhooks.messenger import simulate

pytestmark = pytest.mark.stack

PARIS = ZoneInfo("Europe/Paris")
SATURDAY_NIGHT = dt.datetime(2027, 3, 13, 23, 0, tzinfo=PARIS).timestamp()
WEDNESDAY_MORNING = dt.datetime(2027, 3, 10, 10, 0, tzinfo=PARIS).timestamp()
DISCLOSURE_FR = "Vous échangez avec l’assistant automatique de Maison Brindille."
DISCLOSURE_EN = "You are chatting with Maison Brindille’s automated assistant."


@pytest.fixture
async def stack(redis, redis_url, rasa_stack, graph):
    """The gateway and one worker whose clock says Saturday 13 March 2027, 23:00 in Paris."""
    settings = stack_settings(redis_url, rasa_stack)
    client = await serve(settings, {"messenger": messenger(graph.url)})
    graph.webhook = client
    worker = await start_worker(settings, {"messenger": messenger(graph.url)}, brand_file=rasa_stack.brand_file)
    responder = worker.worker.responder
    responder.clock = lambda: SATURDAY_NIGHT
    brand = load_brand(rasa_stack.brand_file)
    responder.brand = lambda: brand
    yield client, responder, brand
    graph.webhook = None
    await worker.stop()
    await close_client(client)


async def ask(client, text: str, name: str, mid: str) -> dict:
    resp = await post_signed(client, messenger_event(text, name, mid=mid))
    assert resp.status == 200
    return await outcome(_redis(client), mid)


def _body(text: str) -> str:
    """A reply without its closing and signature (the last paragraph of the brand's shape)."""
    return text.rsplit("\n\n", 1)[0]


def _redis(client):
    from bot.keys import REDIS

    return client.app[REDIS]


async def test_a_saturday_23h_opening_hours_question_is_answered_with_the_disclosure_once(stack, graph):
    client, _, _ = stack
    state = await ask(client, "Vous êtes ouverts à quelle heure le samedi ?", "fan-sat-hours", "m_sat_hours")
    assert state["status"] == "sent" and "after_hours" in state["reasons"]
    [first] = await graph.wait_for("fan-sat-hours", 1)
    assert first.text.startswith(DISCLOSURE_FR) and "Le samedi, nos boutiques sont ouvertes" in first.text
    assert "je voudrais parler à un conseiller" in first.text  # how to reach a person
    await ask(client, "Et vous livrez en Belgique ?", "fan-sat-hours", "m_sat_delivery")
    second = (await graph.wait_for("fan-sat-hours", 2))[1]
    assert "nous livrons en Belgique" in second.text and DISCLOSURE_FR not in second.text  # said once


@pytest.mark.parametrize("text, name, sentence, disclosure", [
    ("Mon vase est arrivé cassé, c'est inadmissible !", "fan-sat-fr",
     "Notre équipe vous répondra lundi 15 mars à partir de 9 h.", DISCLOSURE_FR),
    ("My vase arrived broken, this is unacceptable!", "fan-sat-en",
     "Our team will reply on Monday 15 March from 9 am.", DISCLOSURE_EN),
])
async def test_a_saturday_23h_complaint_is_told_when_the_team_reads_it(stack, graph, redis, text, name, sentence,
                                                                       disclosure):
    client, _, _ = stack
    state = await ask(client, text, name, f"m_{name}")
    assert state["status"] == "escalated" and "after_hours" in state["reasons"]
    [holding] = await graph.wait_for(name, 1)
    assert _body(holding.text).endswith(sentence)  # the body says when, before the signature
    assert "Belle soirée" not in holding.text and "lovely evening" not in holding.text  # not after a broken vase
    assert holding.text.startswith(disclosure)  # the conversation's first automated message
    assert holding.body["messaging_type"] == "RESPONSE" and "tag" not in holding.body
    [case] = [c for c in await CMQueue(redis).cases() if c["kind"] == "escalated" and c["sender_id"] == fan(name)]
    assert _body(case["holding_message"]).endswith(sentence)
    assert await redis.get(keys.conversation(conversation(name), "disclosed")) is None  # due again after a person


async def test_on_14_july_the_holding_message_names_the_next_working_day(stack, graph):
    client, responder, _ = stack
    responder.clock = lambda: dt.datetime(2027, 7, 14, 11, 0, tzinfo=PARIS).timestamp()  # a Wednesday
    await ask(client, "My order is 10 days late, this is ridiculous", "fan-14-july", "m_14_july")
    [holding] = await graph.wait_for("fan-14-july", 1)
    assert _body(holding.text).endswith("Our team will reply on Thursday 15 July from 9 am.")


async def test_during_staffed_hours_approve_first_holds_what_autopilot_sends(stack, graph, redis):
    client, responder, brand = stack
    responder.clock = lambda: WEDNESDAY_MORNING
    responder.brand = lambda: dataclasses.replace(brand, staffing=dataclasses.replace(brand.staffing,
                                                                                        mode="approve_first"))
    state = await ask(client, "Vous êtes ouverts le dimanche ?", "fan-approve", "m_approve")
    assert state["status"] == "held" and state["reasons"][0] == "staffed:approve_first"
    [case] = [c for c in await CMQueue(redis).cases() if c["sender_id"] == fan("fan-approve")]
    assert case["kind"] == "held" and "dimanche" in case["draft"]
    responder.brand = lambda: brand  # autopilot, the shipped setting
    state = await ask(client, "Vous êtes ouverts le dimanche ?", "fan-autopilot", "m_autopilot")
    assert state["status"] == "sent" and "after_hours" not in state["reasons"]
    assert graph.to("fan-approve") == [] and len(graph.to("fan-autopilot")) == 1


async def test_a_429_with_retry_after_2_is_retried_after_2_seconds_and_delivered_once(stack, graph):
    client, _, _ = stack
    graph.failures, graph.retry_after = [(429, 613)], "2"
    started = time.perf_counter()
    await post_signed(client, messenger_event("Combien coûte la livraison ?", "fan-429", mid="m_429_stack"))
    [sent] = await graph.wait_for("fan-429", 1, timeout=60)
    state = await outcome(_redis(client), "m_429_stack")
    assert graph.refused == [(429, 613)]
    assert sent.received_at - started >= 2.0  # not before the platform's Retry-After
    assert state["status"] == "sent" and len(graph.to("fan-429")) == 1
    assert state["plan"]["attempts"] == 1


async def test_an_echo_from_business_suite_pauses_the_bot(stack, graph, redis):
    client, _, _ = stack
    await ask(client, "Bonjour, vous livrez en Belgique ?", "fan-bs", "m_bs_1")
    await graph.wait_for("fan-bs", 1)
    echo = {"sender": {"id": simulate.DEMO_PAGE_ID}, "recipient": {"id": fan("fan-bs")},
            "timestamp": int(time.time() * 1000),
            "message": {"mid": "m_bs_echo", "is_echo": True, "app_id": 263902037430900,
                        "text": "Bonjour, c'est Claire de l'équipe : je regarde votre commande."}}
    assert (await post_signed(client, simulate.delivery(echo))).status == 200
    state = await outcome(redis, "m_bs_echo")
    assert state["status"] == "escalated" and state["reasons"] == ["handled_elsewhere:business_suite"]
    handoff = json.loads(await redis.get(keys.handoff(conversation("fan-bs"))))
    assert handoff["reasons"] == ["handled_elsewhere:business_suite"]
    [case] = [c for c in await CMQueue(redis).cases() if c["kind"] == "handled_elsewhere"]
    assert case["where"] == "business_suite" and case["conversation"] == conversation("fan-bs")
    later = await ask(client, "Et le retour est gratuit ?", "fan-bs", "m_bs_2")
    assert later["status"] == "escalated" and "conversation_with_human" in later["reasons"]
    assert len(graph.to("fan-bs")) == 1  # the bot stayed silent: no answer, no second holding message
    assert (await message_state(redis, "m_bs_2"))["status"] == "escalated"


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_what_the_disclosure_tells_fans_to_write_reaches_a_person(stack, graph, language):
    client, _, brand = stack
    phrase = brand.disclosure[language].split("\"")[1] if language == "en" else \
        brand.disclosure[language].split("« ")[1].split(" »")[0]
    state = await ask(client, phrase, f"fan-asks-{language}", f"m_asks_{language}")
    assert state["status"] == "escalated" and "intent:ask_human" in state["reasons"], (phrase, state["reasons"])
    [holding] = await graph.wait_for(f"fan-asks-{language}", 1)
    first = holding.text.split("\n\n")[0]
    assert "Brindille" in first and first.count(".") == 1  # told it was talking to a bot, in one sentence …
    assert phrase not in holding.text  # … and not told how to ask for the person it is being handed to


async def test_a_draft_held_on_saturday_night_is_acknowledged_at_once_with_when_the_team_is_back(stack, graph,
                                                                                                 redis):
    """No CM reads the held draft before Monday: the fan is told so straight away, not after the brand's
    ten-minute delay, and not left in silence."""
    client, _, brand = stack
    assert brand.hold_acknowledgement.after_s >= 60
    state = await ask(client, "?", "fan-sat-held", "m_sat_held")
    assert state["status"] == "held" and "after_hours" in state["reasons"]
    [note] = await graph.wait_for("fan-sat-held", 1, timeout=20)
    assert "Merci pour votre message" in note.text
    assert "lundi 15 mars à partir de 9 h" in note.text
