"""Several questions in one message, each parsed by the real Rasa server."""

import aiohttp
import pytest

from bot.pipeline.questions import better_alone, sentences, split_questions
from bot.pipeline.rasa_client import RasaClient


def test_sentences_long_enough_to_be_questions():
    assert sentences("vous êtes ouverts le 1er mai ? Et vous acceptez les cartes cadeaux ?") == [
        "vous êtes ouverts le 1er mai ?", "Et vous acceptez les cartes cadeaux ?"]
    assert sentences("Bonjour ! Où est ma commande ?") == ["Où est ma commande ?"]
    assert sentences("Hello.\nDo you ship to Spain?\nThanks, Tom") == ["Do you ship to Spain?"]


@pytest.mark.stack
async def test_two_questions_are_two_intents(rasa_stack):
    async with aiohttp.ClientSession() as session:
        rasa = RasaClient(session, rasa_stack.rasa_url, rasa_stack.token)
        text = "Are you open on Sundays? And do you take PayPal?"
        questions = await split_questions(text, await rasa.parse(text), rasa.parse)
        assert [q["intent"] for q in questions] == ["opening_hours", "payment_methods"]
        assert questions[1]["text"] == "And do you take PayPal?"


@pytest.mark.stack
async def test_one_question_in_two_sentences_is_one(rasa_stack):
    async with aiohttp.ClientSession() as session:
        rasa = RasaClient(session, rasa_stack.rasa_url, rasa_stack.token)
        text = "Bonjour, combien coûte la livraison ? Merci d'avance"
        [question] = await split_questions(text, await rasa.parse(text), rasa.parse)
        assert question["intent"] == "delivery" and question["text"] == "Bonjour, combien coûte la livraison ?"
        text = "Comment faire un retour ? J'ai combien de jours ?"
        found = await split_questions(text, await rasa.parse(text), rasa.parse)
        assert [q["intent"] for q in found] in ([], ["returns_refunds"])


def test_the_question_alone_wins_only_over_an_unsure_whole():
    question = {"intent": "delivery", "confidence": 0.9, "text": "c'est quoi les frais de port ?"}
    assert better_alone(question, {"intent": {"name": "nlu_fallback", "confidence": 0.45}})
    assert better_alone(question, {"intent": {"name": "contact", "confidence": 0.6}})
    assert not better_alone(question, {"intent": {"name": "contact", "confidence": 0.8}})
    assert not better_alone(question, {"intent": {"name": "complaint", "confidence": 0.5}})


async def test_a_thank_you_beside_a_remark_nlu_cannot_place_is_a_thank_you():
    answers = {"Thanks @Uber_Support.": ("thank", 0.9), "Have done so now.": ("nlu_fallback", 0.4)}

    async def parse(text):
        name, confidence = answers[text]
        return {"intent": {"name": name, "confidence": confidence}}

    text = "Thanks @Uber_Support. Have done so now."
    whole = {"intent": {"name": "nlu_fallback", "confidence": 0.42}}
    [thanks] = await split_questions(text, whole, parse)
    assert thanks["intent"] == "thank" and better_alone(thanks, whole)
    answers["Have done so now."] = ("delivery", 0.9)
    assert [q["intent"] for q in await split_questions(text, whole, parse)] == ["delivery"]
