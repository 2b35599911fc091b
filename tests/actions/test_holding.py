"""Which holding text a fan handed to a person gets: an apology only for a fan who reports a problem."""

import pytest

from actions.drafting import holding_reason

CALM = {"label": "neutral", "scores": {"angry": 0.02, "negative": 0.08, "neutral": 0.8, "positive": 0.1}}
UPSET = {"label": "negative", "scores": {"angry": 0.1, "negative": 0.7, "neutral": 0.15, "positive": 0.05}}


@pytest.mark.parametrize("text, intent, tone, reason", [
    ("Le code BIENVENUE ne passe pas, c'est normal ?", "complaint", CALM, "person"),  # a question, calmly asked
    ("Le code BIENVENUE ne passe pas, c'est normal ?", "complaint", UPSET, "complaint"),
    ("J'ai été débité deux fois", "complaint", CALM, "complaint"),  # the words report a problem
    ("Ma commande est arrivée avec un bol ébréché", "order_problem", CALM, "order_problem"),
    ("Ma commande BR-204518 est bien partie ?", "order_problem", CALM, "person"),
    ("Je veux parler à quelqu'un", "ask_human", CALM, "ask_human"),
    ("Vous êtes des incapables", "insult", UPSET, "insult"),
])
def test_an_apology_opens_the_holding_text_only_when_a_problem_is_reported(text, intent, tone, reason):
    assert holding_reason(intent, (), text=text, tone=tone) == reason


def test_without_a_tone_the_intents_own_text_is_kept():
    assert holding_reason("complaint") == "complaint"
    assert holding_reason("nlu_fallback", ("image",)) == "attachment"
