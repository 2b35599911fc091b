"""The articles and prepositions around a name or a title: « aux Hollywood Bowl », « du The Comedian »."""

import pytest

from bot.proofreading.hunspell import HunspellBackend
from bot.proofreading.names import NameRules


@pytest.fixture(scope="module")
def names(grammalecte):
    return NameRules(grammalecte.morph, HunspellBackend("fr").english)


def found(names, text):
    return [(i.word, i.rule, i.suggestions[0]) for i in names.check_sync(text)]


@pytest.mark.parametrize("text,word,rule,fix", [
    ("Une tasse aux Hollywood Bowl.", "aux", "name_number", "au"),
    ("Une tasse en vente au Marché des Lyon Centre.", "des", "name_number", "de"),
    ("Ajoutez ce titre au Top 100 Alternative Tracks.", "au", "name_number", "aux"),
    ("L’horaire du The Comedian ce soir.", "du", "title_article", "de"),
    ("L’horaire de boutiques Brindille à Lyon.", "de", "named_plural", "des"),
    ("Écouter un album à Mike Harding.", "à", "work_of", "de"),
    ("Ajouter cette tasse pas Paul Martin à ma commande.", "pas", "pas_for_par", "par"),
    ("Livrez-vous dans les Îles Vierges américaine ?", "américaine", "plural_name", "américaines"),
    ("Pouvez-vous chercher la livre Deux têtes folles ?", "la", "book_title", "le"),
])
def test_an_article_or_a_preposition_around_a_name(names, text, word, rule, fix):
    assert found(names, text) == [(word, rule, fix)]


@pytest.mark.parametrize("text", [
    "Livrez-vous aux États-Unis, aux Pays-Bas, aux Beatles, aux Top 100 Tracks ?",
    "Nous livrons aux 3 boutiques de Lyon, des Hauts-de-France, des Pays de la Loire.",
    "Est-ce que j’ai cumulé des RTT ? Un voyage au Texas, au Kansas, au Royaume-Uni.",
    "La conférence des Nobel, un cadeau aux Dupont ; des FOURNITURES ÉCOLOGIQUES.",
    "La liste de boutiques à Lyon, un cadeau à Mike Harding, ce n’est pas Paul Martin qui a commandé.",
    "Les Îles Vierges américaines, les Rolling Stones anglais.",
    "Une chanson des The Beatles est une chanson de The Beatles.", "Une livre de pommes, la livre Sterling.",
])
def test_names_in_their_article_pass(names, text):
    assert [f for f in found(names, text) if f[1] != "title_article"] == []


def test_protected_names_are_skipped(names):
    text = "Une tasse aux Hollywood Bowl."
    assert names.check_sync(text, skip=lambda s, e, w: w == "aux") == []


def test_messages_speak_both_languages(names):
    [issue] = names.check_sync("Une tasse aux Hollywood Bowl.")
    assert dict(issue.messages) == {"fr": "Devant « Hollywood Bowl » : « au »",
                                    "en": "Before “Hollywood Bowl”, French writes “au”"}
