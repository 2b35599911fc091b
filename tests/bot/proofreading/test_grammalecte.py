"""Grammalecte in the shipped French proofreader: grammar found, names, titles and quoted English left alone."""

import pytest


def rules(grammalecte, text):
    return [(i.word, i.rule) for i in grammalecte.check_sync(text)]


@pytest.mark.parametrize("text,word", [
    ("Je veux trouvé un film.", "trouvé"), ("Je veux voir cette album.", "cette"),
    ("Pouvez-vous me trouvé l’ouvrage ?", "trouvé"),
])
def test_grammar_errors_are_found(grammalecte, text, word):
    assert word in [w for w, _ in rules(grammalecte, text)]


@pytest.mark.parametrize("text", [
    "Attribuer à Les aventures du Joker quatre étoiles.", "Ajoutez We have a theme song à ma liste.",
    "Donnez quatre étoiles à Au cœur de ce pays.",
])
def test_titles_and_quoted_english_are_not_french_grammar(grammalecte, text):
    assert rules(grammalecte, text) == []
