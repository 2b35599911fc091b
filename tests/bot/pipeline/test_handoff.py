"""Angry or unusual fans reach a person: holding message, case for the CM, routine answers beside them — until resumed."""

import aiohttp
import pytest

from bot import redis_keys as keys
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.handoff import Handoff
from bot.pipeline.rasa_client import RasaClient
from tests.helpers import conversation, messenger_event, outcome, post_signed

pytestmark = pytest.mark.stack


async def test_angry_french_fan_gets_holding_message_not_an_answer(gateway, graph, redis):
    text = "C'EST LA 3E FOIS QUE J'ÉCRIS!!! toujours pas de remboursement, c'est scandaleux 😡"
    await post_signed(gateway, messenger_event(text, "fan-furious", mid="m_furious"))
    state = await outcome(redis, "m_furious")
    assert state["status"] == "escalated"
    assert any(r.startswith("tone:angry") for r in state["reasons"])
    [sent] = graph.to("fan-furious")
    assert "membre de notre équipe" in sent.text  # honest, in French, says a person will answer
    [case] = await CMQueue(redis).cases(conversation=conversation("fan-furious"))
    assert case["kind"] == "escalated" and case["text"] == text
    assert case["evidence"]["tone"] == "angry"
    assert set(case["evidence"]["tone_scores"]) == {"angry", "negative", "neutral", "positive"}
    assert case["holding_message"] == sent.text


async def test_insulting_english_fan_is_escalated_with_evidence(gateway, graph, redis):
    await post_signed(gateway, messenger_event("you are useless idiots, where is my money", "fan-rude",
                                               mid="m_rude"))
    state = await outcome(redis, "m_rude")
    assert state["status"] == "escalated"
    assert "flag:insult" in state["reasons"]
    [sent] = graph.to("fan-rude")
    assert "team" in sent.text and "useless" not in sent.text
    [case] = await CMQueue(redis).cases(conversation=conversation("fan-rude"))
    assert "insult" in case["evidence"]["flags"]
    assert case["evidence"]["flag_words"]["insult"]


async def test_calm_fan_is_answered(gateway, graph, redis):
    await post_signed(gateway, messenger_event("Bonjour, vous avez une boutique à Lyon ?", "fan-calm", mid="m_calm"))
    state = await outcome(redis, "m_calm")
    assert state["status"] == "sent", state["reasons"]
    [sent] = graph.to("fan-calm")
    assert "Lyon" in sent.text
    assert await CMQueue(redis).cases(conversation=conversation("fan-calm")) == []


async def test_after_an_escalation_routine_questions_are_answered_and_the_rest_waits_for_the_person(
        gateway, graph, redis, rasa_stack):
    """The person owns the problem; a routine question the bot is sure of is still answered beside them, and
    filed on their case so they see it; anything else ("allo ???") waits for them, with no second holding
    message."""
    fan, conv = "fan-handoff", conversation("fan-handoff")
    await post_signed(gateway, messenger_event("je veux parler à un humain tout de suite", fan, mid="m_h1"))
    assert (await outcome(redis, "m_h1"))["status"] == "escalated"
    assert len(graph.to(fan)) == 1  # the holding message

    await post_signed(gateway, messenger_event("Vous ouvrez à quelle heure ?", fan, mid="m_h2"))
    answered = await outcome(redis, "m_h2")
    assert answered["status"] == "sent" and "answered_beside_person" in answered["reasons"]
    await graph.wait_for(fan, 2)
    assert "boutiques sont ouvertes" in graph.to(fan)[1].text
    assert "assistant automatique" not in graph.to(fan)[1].text  # the bot said what it is once, before
    for i in (3, 4):
        await post_signed(gateway, messenger_event("allo ???", fan, mid=f"m_h{i}"))
        state = await outcome(redis, f"m_h{i}")
        assert state["status"] == "escalated" and "conversation_with_human" in state["reasons"]
    assert len(graph.to(fan)) == 2  # no answer to "allo ???", no second holding message
    kinds = [c["kind"] for c in await CMQueue(redis).cases(conversation=conv)]
    assert kinds == ["follow_up", "follow_up", "follow_up", "escalated"]  # the person sees all three
    assert await redis.exists(keys.handoff(conv))  # still theirs

    assert await Handoff(redis, CMQueue(redis)).resume(conv) is True  # relais resume
    assert await Handoff(redis, CMQueue(redis)).resume(conv) is False

    await post_signed(gateway, messenger_event("Vous ouvrez à quelle heure le samedi ?", fan, mid="m_h9"))
    assert (await outcome(redis, "m_h9"))["status"] == "sent"
    assert "Le samedi, nos boutiques sont ouvertes" in graph.to(fan)[-1].text


async def test_in_a_conversation_about_a_problem_the_person_answers_everything(gateway, graph, redis, rasa_stack):
    """The fan's next message in a conversation about a broken item is most likely about it: no canned answer."""
    fan, conv = "fan-broken", conversation("fan-broken")
    await post_signed(gateway, messenger_event("Mon vase est arrivé cassé, c'est inadmissible !", fan, mid="m_b1"))
    assert (await outcome(redis, "m_b1"))["status"] == "escalated"
    await post_signed(gateway, messenger_event("Et je suis remboursée en combien de temps ?", fan, mid="m_b2"))
    later = await outcome(redis, "m_b2")
    assert later["status"] == "escalated" and "conversation_with_human" in later["reasons"]
    assert len(graph.to(fan)) == 1  # the holding message only
    kinds = [c["kind"] for c in await CMQueue(redis).cases(conversation=conv)]
    assert kinds == ["follow_up", "escalated"]


async def test_same_message_again_is_escalated_as_repetition(gateway, graph, redis):
    fan = "fan-repeat"
    await post_signed(gateway, messenger_event("Vous livrez en Belgique ?", fan, mid="m_r1"))
    assert (await outcome(redis, "m_r1"))["status"] == "sent"
    await post_signed(gateway, messenger_event("Vous livrez en Belgique ?", fan, mid="m_r2"))
    state = await outcome(redis, "m_r2")
    assert state["status"] == "escalated" and "repeated" in state["reasons"]


async def test_unserved_language_goes_to_a_person(gateway, graph, redis):
    await post_signed(gateway, messenger_event("Hola, ¿dónde está mi pedido? Gracias", "fan-es", mid="m_es"))
    state = await outcome(redis, "m_es")
    assert state["status"] == "escalated" and "language:es" in state["reasons"]


async def test_attachment_goes_to_a_person(gateway, graph, redis):
    event = messenger_event("", "fan-photo", mid="m_photo")
    event["entry"][0]["messaging"][0]["message"]["attachments"] = [{"type": "image", "payload": {"url": "https://x"}}]
    await post_signed(gateway, event)
    state = await outcome(redis, "m_photo")
    assert state["status"] == "escalated" and "attachment:image" in state["reasons"]


async def test_tone_is_part_of_the_rasa_parse_result(rasa_stack):
    async with aiohttp.ClientSession() as session:
        rasa = RasaClient(session, rasa_stack.rasa_url, rasa_stack.token)
        parse = await rasa.parse("VOUS ÊTES DES ESCROCS!!! 😡")
        calm = await rasa.parse("Merci beaucoup, j'adore vos bougies !")
    assert parse["tone"]["label"] == "angry"
    assert parse["tone"]["flags"]["insult"] is True
    assert abs(sum(parse["tone"]["scores"].values()) - 1.0) < 0.01
    assert calm["tone"]["label"] == "positive"
    assert not any(calm["tone"]["flags"].values())
