"""Relais's French rules: stray capitals, sentence starts, « a »/« à », « ou »/« où »."""

import pytest

from bot.proofreading.french import FrenchRules


@pytest.fixture(scope="module")
def rules(grammalecte):
    return FrenchRules(grammalecte.morph)


def found(rules, text):
    return [(i.word, i.rule, i.suggestions[0]) for i in rules.check_sync(text)]


def test_stray_capital_on_a_common_noun(rules):
    assert found(rules, "Ajoutez-la à ma Liste de souhaits.") == [("Liste", "capital", "liste")]


@pytest.mark.parametrize("text", [
    "Ajoutez-la à ma liste Flow Espagnol.", "Bonjour Madame, votre colis part de Lyon.",
    "Cliquez sur « Me prévenir » : nous vous écrirons.", "L’équipe Maison Brindille",
    "Il a reçu sa commande. Elle a été livrée.", "Il y a une boutique à Lyon.",
])
def test_correct_french_passes(rules, text):
    assert found(rules, text) == []


def test_sentence_start(rules):
    assert found(rules, "Merci. nous revenons vers vous.") == [("nous", "sentence_start", "Nous")]
    assert found(rules, "Bonne nouvelle : votre commande est partie.") == []  # no capital after a colon


@pytest.mark.parametrize("text,word", [
    ("Ajouter cette piste a ma liste.", "a"), ("Nous livrons a Lyon.", "a"), ("Ouvert a 10 h.", "a"),
    ("Une machine a laver.", "a"), ("A ma demande, il est parti.", "A"),
])
def test_a_for_à(rules, text, word):
    [(flagged, rule, fix)] = found(rules, text)
    assert (flagged, rule) == (word, "a_for_à") and fix == ("À" if word == "A" else "à")


def test_ou_for_où(rules):
    assert found(rules, "Savez-vous ou est ma commande ?") == [("ou", "ou_for_où", "où")]
    assert found(rules, "Rouge ou bleu ?") == []
