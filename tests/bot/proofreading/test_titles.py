"""English titles quoted in French replies: the capitals of English title case."""

import pytest

from bot.proofreading.hunspell import HunspellBackend
from bot.proofreading.titles import TitleRules


@pytest.fixture(scope="module")
def titles():
    french = HunspellBackend("fr")
    return TitleRules(french.english, french.known)


def found(titles, text):
    return [(i.word, i.rule, i.suggestions[0]) for i in titles.check_sync(text)]


@pytest.mark.parametrize("text,word,fix", [
    ("Écoutez Masters Of Metal ce soir.", "Of", "of"),
    ("Le film Married to The Enemy est en salle.", "The", "the"),
    ("Nous cherchons the Sound of One Hand Clapping pour vous.", "the", "The"),
    ("Regardez The Dark knight ce soir.", "knight", "Knight"),
    ("Écoutez The Sweet suite ce soir.", "suite", "Suite"),
    ("Écoutez Songs In the Key of Life.", "In", "in"),
    ("Donnez 4 étoiles à the Guilty.", "the", "The"),
    ("Regardez Super Sweet 16 : the Movie ce soir.", "the", "The"),
    ("Une table à Archer city ce soir.", "city", "City"),
    ("Une table près du Patts college.", "college", "College"),
])
def test_english_title_case(titles, text, word, fix):
    [(flagged, _, suggestion)] = found(titles, text)
    assert (flagged, suggestion) == (word, fix)


@pytest.mark.parametrize("text", [
    "Écoutez Live at the Kings Center ce soir.", "Ajoutez Young at Heart à ma liste.",
    "Le thé de Ceylan est arrivé.", "Ajoutez Punk unplugged à ma liste.", "The Office revient ce soir.",
    "Écoutez Chips and Salsa.", "Ajoutez Give us rest à la liste.",
    "Voyez The Comedian dans les cinémas.", "Écoutez The Police encore une fois.",
    "Écoutez Calm before the Storm, Fire in the Hole.", "Une station de métro, un hôtel à Lyon : the end.",
])
def test_titles_in_their_case_pass(titles, text):
    assert found(titles, text) == []


def test_protected_words_are_skipped(titles):
    assert found(titles, "Écoutez Masters Of Metal.") != []
    assert titles.check_sync("Écoutez Masters Of Metal.", skip=lambda s, e, w: w == "Of") == []


@pytest.mark.parametrize("text,word,fix,rule", [
    ("Ajoutez The image Of you à la liste.", "Of", "of", "title_small"),
    ("Ajoutez Last of The ghetto astronauts à la liste.", "The", "the", "title_small"),
    ("Regardez The Best of White lion ce soir.", "lion", "Lion", "title_word"),
    ("Un roman intitulé death March est paru.", "death", "Death", "title_word"),
    ("Le film de la série the Mystery of the Tolling Bell.", "the", "The", "title_start"),
])
def test_title_words_in_sentence_and_title_case(titles, text, word, fix, rule):
    assert (word, rule, fix) in found(titles, text)


def test_the_noun_announcing_a_title_is_the_sentences(titles):
    assert found(titles, "Un tableau avec Le Titre With you.")[:2] == [
        ("Le", "capital", "le"), ("Titre", "capital", "titre")]
    assert found(titles, "Ajoutez-la à La Liste de lecture Chill Out.") == [
        ("La", "capital", "la"), ("Liste", "capital", "liste")]


@pytest.mark.parametrize("text", [
    "Écoutez The Wall ce soir.", "Ajoutez The image of you à la liste.", "Lisez La Liste de Schindler.",
    "Lisez le roman Le Livre de la jungle.", "Un album intitulé simplement.",
])
def test_titles_as_they_are_written_pass(titles, text):
    assert found(titles, text) == []
