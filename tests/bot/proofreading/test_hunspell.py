"""Hunspell spelling with Debian's dictionaries: unknown words found, French and chat forms accepted."""

import pytest

from bot.proofreading.hunspell import HunspellBackend


@pytest.fixture(scope="module")
def french():
    return HunspellBackend("fr")


@pytest.fixture(scope="module")
def english():
    return HunspellBackend("en", "british")


def test_french_typo_found_with_the_accented_word_first(french):
    [issue] = french.check_sync("Il est deja parti.")
    assert (issue.word, issue.start, issue.end) == ("deja", 7, 11)
    assert issue.suggestions[0] == "déjà"
    assert dict(issue.messages) == {"fr": "Mot inconnu : « deja »", "en": "Unknown word: “deja”"}


@pytest.mark.parametrize("text", [
    "Aujourd’hui, l’équipe vous répond.", "Dites-le-nous et nous nous en occuperons.", "Il l'a reçue hier.",
    "Notre boutique d’Annecy ouvre le 1er mai.", "Pouvez-vous m’indiquer votre numéro ?",
])
def test_correct_french_passes(french, text):
    assert french.check_sync(text) == []


def test_quoted_english_phrase_passes_but_a_lone_english_word_does_not(french):
    assert french.check_sync("Notre gamme Made with Love arrive lundi.") == []
    [issue] = french.check_sync("Votre colis part tomorrow matin.")
    assert issue.word == "tomorrow"


def test_a_french_word_without_its_accents_is_no_quoted_english(french):
    [issue] = french.check_sync("Découvrez la gamme de decoration Cosy Home dès lundi.")
    assert (issue.word, issue.suggestions[0]) == ("decoration", "décoration")
    assert french.check_sync("Découvrez la gamme Cosy Home Decoration dès lundi.") == []


def test_skip_callback_protects_words(french):
    text = "Merci Kévinou pour votre mesage."
    assert [i.word for i in french.check_sync(text)] == ["Kévinou", "mesage"]
    assert [i.word for i in french.check_sync(text, skip=lambda s, e, w: w == "Kévinou")] == ["mesage"]


def test_british_spelling(english):
    assert english.check_sync("The colour of the organisation's centre.") == []
    [issue] = english.check_sync("We recieved it.")
    assert issue.word == "recieved" and "received" in issue.suggestions


def test_product_spellings_prefixes_and_english_in_titles(french):
    assert french.check_sync("Retrouvez-le sur iTunes ou eBay, en microcoffret.") == []
    assert french.check_sync("Offrez le coffret Tea and Biscuits.") == []
    assert [i.word for i in french.check_sync("Il est arrivé and parti.")] == ["and"]


def test_accepted_words_still_mark_an_english_phrase(french):
    # « the » accepted (a brand word) still tells that « at » is quoted English
    text = "Rendez-vous au Brunch at the Lodge samedi."
    assert french.check_sync(text, skip=lambda s, e, w: w == "the") == []


@pytest.mark.parametrize("classical,rectified", [("événement", "évènement"), ("connaître", "connaitre"),
                                                 ("oignon", "ognon")])
def test_both_the_classical_and_the_1990_spellings_are_french(french, classical, rectified):
    assert french.check_sync(f"Un {classical}, un {rectified}.") == []

