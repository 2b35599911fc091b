"""Grammalecte in the shipped French proofreader: its options, blocking mistakes and advice, names left alone."""

import pytest

from bot.proofreading.grammalecte import ADVICE, OPTIONS


def rules(grammalecte, text):
    return [(i.word, i.rule) for i in grammalecte.check_sync(text)]


@pytest.mark.parametrize("text,word", [
    ("Nous allons vérifié votre commande.", "vérifié"), ("Le coussin est livré avec cette plaid.", "cette"),
    ("Pouvez-vous nous renvoyé la facture ?", "renvoyé"),
    ("Votre commande est en cour de préparation.", "en cour"),  # set phrase (option « loc »/« conf »)
    ("Nous vous rappelons a partir de lundi.", "a"),
    ("Pouvez vous nous écrire ?", "Pouvez vous"),  # hyphen of a question (« inte »)
    ("Livraison prévue le 31 avril.", "31 avril"),  # a date that does not exist (« date »)
])
def test_mistakes_are_found_and_block(grammalecte, text, word):
    issues = {i.word: i for i in grammalecte.check_sync(text)}
    assert word in issues and issues[word].blocking, issues


@pytest.mark.parametrize("text,family", [
    ("C’est pas grave, on s’en occupe.", "neg"),  # the « ne » of written French dropped
    ("Au jour d’aujourd’hui, tout est prêt.", "pleo"),  # a pleonasm
])
def test_wording_is_advice_that_holds_nothing(grammalecte, text, family):
    issues = grammalecte.check_sync(text)
    assert issues and not any(i.blocking for i in issues), issues
    assert family in ADVICE


def test_typography_is_left_to_the_safe_fixes():
    assert not any(OPTIONS[o] for o in ("typo", "apos", "esp", "nbsp", "unit", "num"))
    assert all(OPTIONS[o] for o in ("gn", "conj", "conf", "loc", "tu", "date"))


def test_typography_and_spaces_are_not_reported(grammalecte):
    assert rules(grammalecte, "Merci ! Votre colis part aujourd'hui : bonne journée.") == []


@pytest.mark.parametrize("text", [
    "Un cadeau offert par Les Jardins de Mona.", "Découvrez notre offre Back to School dès lundi.",
    "Le coffret Les Petites Douceurs est de retour.",
])
def test_names_titles_and_quoted_english_are_not_french_grammar(grammalecte, text):
    assert rules(grammalecte, text) == []


def test_each_problem_says_whether_it_blocks(grammalecte):
    text = "Les commande sont prêtes."
    [issue] = grammalecte.check_sync(text)
    record = issue.as_dict(text)
    assert record["blocking"] is True and record["severity"] == "blocking"
