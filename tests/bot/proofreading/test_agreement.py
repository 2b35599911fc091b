"""Agreement of a determiner with its noun, and of a noun after a number."""

import pytest

from bot.proofreading.agreement import Agreement


@pytest.fixture(scope="module")
def agreement(grammalecte):
    return Agreement(grammalecte.morph)


def found(agreement, text):
    return [(i.word, i.suggestions) for i in agreement.check_sync(text)]


@pytest.mark.parametrize("text,span,fix", [
    ("Je réserve une restaurant.", "une restaurant", "un restaurant"),
    ("Voici la prévisions.", "la prévisions", "les prévisions"),
    ("Les heures du films.", "du films", "des films"),
    ("Ajoutez le chanson.", "le chanson", "la chanson"),
    ("Ma atelier est fermé.", "Ma atelier", "Mon atelier"),
])
def test_determiner_disagrees(agreement, text, span, fix):
    assert found(agreement, text) == [(span, (fix,))]


def test_plural_after_a_number(agreement):
    assert found(agreement, "Livraison en 5 jour ouvré.") == [("jour", ("jours",))]


@pytest.mark.parametrize("text", [
    "Toutes nos boutiques vous accueillent.", "Livré le 25 décembre, en 3 à 5 jours, à 10 h.",
    "Je la titre ainsi.", "Un seul code par commande, 1 article.", "Nos boutiques ouvrent en 2024 aussi.",
])
def test_correct_french_passes(agreement, text):
    assert found(agreement, text) == []
