"""The preposition a country or region takes: « en Russie », « au Japon », « en Iran », « à Lyon »."""

import pytest

from bot.proofreading.places import PlaceRules


@pytest.fixture(scope="module")
def places(grammalecte):
    return PlaceRules(grammalecte.morph)


def found(places, text):
    return [(i.word, i.suggestions[0]) for i in places.check_sync(text)]


@pytest.mark.parametrize("text,word,fix", [
    ("Livrez-vous à Belgique ?", "à", "en"), ("Nous livrons a Russie.", "a", "en"),
    ("Je vais en Portugal.", "en", "au"), ("Le colis part au France.", "au", "en"),
    ("Une boutique à Japon ?", "à", "au"), ("Livraison à Iran.", "à", "en"),
    ("Un dépôt en Weedsport ?", "en", "à"), ("Une boutique à Kaboul an Afghanistan.", "an", "en"),
    ("Un atelier près de la Forêt Nationale de Tronçais.", "Nationale", "nationale"),
    ("Livrez-vous ès Caroline du Nord ?", "ès", "en"), ("Livraison dans deux jours et Belgique ?", "et", "en"),
    ("Livrez-vous en Serbie est Monténégro ?", "est", "et"), ("Livrez-vous dans la Wyoming ?", "la", "le"),
    ("Livrez-vous en république tchèque ?", "république", "République"),
])
def test_the_preposition_a_country_takes(places, text, word, fix):
    assert found(places, text) == [(word, fix)]


@pytest.mark.parametrize("text", [
    "Nous livrons en France, au Canada, en Iran, à Lyon, à Malte et à Samoa.",
    "Une boutique à Paris, une autre à Oklahoma.",  # towns
    "Regardez-nous à France 2, écrivez à Virginie.",  # a channel, a first name
    "Livraison en Californie et au Texas.",
    "Livraison en Utah, en Gambie, en Floride, un an à Lyon, par an au Japon, l’an Deux.",
    "Le Petit Manan National Wildlife Refuge, la forêt nationale de Tronçais.",
    "Un docteur ès lettres. Nous livrons en France, Belgique et Suisse ; la Serbie est loin.",
    "La Californie, le Texas, la République tchèque ; une république démocratique est un régime.",
])
def test_places_as_written_pass(places, text):
    assert found(places, text) == []


def test_the_message_names_the_phrase(places):
    [issue] = places.check_sync("Livrez-vous à Belgique ?")
    assert dict(issue.messages) == {"fr": "On écrit « en Belgique »",
                                    "en": "French writes “en Belgique” (to/in a country or region)"}
