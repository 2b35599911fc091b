"""Words of count, score and degree: « ans » for « dans », a score's « sur », « un 4 », « le plus proche »."""

import pytest

from bot.proofreading.quantities import QuantityRules


@pytest.fixture(scope="module")
def rules(grammalecte):
    return QuantityRules(grammalecte.morph)


def found(rules, text):
    return [(i.word, i.rule, i.suggestions[0]) for i in rules.check_sync(text)]


@pytest.mark.parametrize("text,word,fix", [
    ("Votre colis arrive ans 3 jours.", "ans", "dans"), ("Ans 2 semaines, la collection revient.", "Ans", "Dans"),
    ("Nous livrons Lyon ans 48 heures.", "ans", "dans"),
])
def test_ans_without_a_count_is_dans(rules, text, word, fix):
    assert found(rules, text) == [(word, "ans_for_dans", fix)]


@pytest.mark.parametrize("text", [
    "Mon fils a 18 ans depuis hier.", "Il a vingt et un ans le 3 mai.", "Depuis les ans 2000, rien n’a changé.",
    "Cela fait quelques ans maintenant.", "Nous livrons dans 3 jours.",
])
def test_ans_after_a_count_is_the_noun(rules, text):
    assert found(rules, text) == []


@pytest.mark.parametrize("text,word", [
    ("Attribuer à ce livre un 4 par 6 .", "par"), ("Donner cinq points pour 6 à cet album.", "pour"),
    ("Je vous mets deux étoiles sue 5.", "sue"), ("Je donne zéro sous 10 à ce service.", "sous"),
])
def test_a_score_takes_sur_before_its_scale(rules, text, word):
    assert found(rules, text) == [(word, "score_scale", "sur")]


@pytest.mark.parametrize("text", [
    "Profitez de 3 pour 2 sur les tasses.",  # an offer: no score in the sentence
    "Je donne 3 pour 2 articles achetés.",  # a count of things, not a scale
    "Je vous mets 8 par 6 dans le carton.",  # a larger first number is no score
    "Nous avons noté 4 sur 5 pour la livraison.",
])
def test_numbers_that_are_no_score_are_left(rules, text):
    assert found(rules, text) == []


def test_a_superlative_after_its_noun_is_not_de(rules):
    assert found(rules, "Quelle est la boutique de plus proche ?") == [("de", "superlative", "la")]
    assert found(rules, "Rien de plus proche, un bol de plus.") == []


def test_a_superlative_after_its_noun_takes_the_nouns_article(rules):
    assert found(rules, "Quelle est la boutique le plus proche ?") == [("le", "superlative", "la")]
    assert found(rules, "La salle de cinéma la plus proche, le magasin le plus proche, les bols les plus grands.") == []


def test_a_scores_article_is_de(rules):
    assert found(rules, "Donner une note des 1 sur 6 au service.") == [("des", "score_article", "de")]
    assert found(rules, "Donner une note de 1 sur 6 au service, et les 2 sur 6 au reste.") == []


def test_a_number_alone_is_masculine(rules):
    assert found(rules, "Attribuer à ce livre une 1 .") == [("une", "number_gender", "un")]
    assert found(rules, "Je lui donne une 2 sur 5.") == [("une", "number_gender", "un")]
    assert found(rules, "Une 2e chance, une 4 portes.") == []


@pytest.mark.parametrize("text,word", [
    ("Trouver le cinéma le près proche.", "près"), ("Jouer la mélodie la près récente.", "près"),
    ("À la boutique la plu proche.", "plu"),
])
def test_plus_before_an_adjective(rules, text, word):
    assert found(rules, text) == [(word, "degree", "plus")]


def test_pres_before_a_place_is_left(rules):
    assert found(rules, "La boutique est tout près de la gare, le plus près possible.") == []


def test_messages_name_the_fix_in_both_languages(rules):
    issue = rules.check_sync("Votre colis arrive ans 3 jours.")[0]
    assert dict(issue.messages) == {"fr": "« ans » sans nombre devant : « dans » ?",
                                    "en": "“ans” (years) with no number before it: “dans” (in)?"}


def test_an_offer_in_a_sentence_with_notre_is_no_score(rules):
    assert found(rules, "Notre offre : 3 pour 4 sur les bols.") == []
    assert found(rules, "Je note ce service 2 par 5.") == [("par", "score_scale", "sur")]


def test_a_superlative_after_its_noun_takes_the_article(rules):
    assert found(rules, "Trouver le cinéma ce plus proche avec les films.") == [("ce", "superlative", "le")]
    assert found(rules, "Je veux ce plus grand bol.") == []


@pytest.mark.parametrize("text,word,fix", [
    ("Donner du livre en cours 4 étoiles.", "du", "au"), ("Attribuer de la saga zéro sur 6.", "de la", "à la"),
])
def test_a_score_is_given_to_the_work(rules, text, word, fix):
    assert found(rules, text) == [(word, "score_given", fix)]


@pytest.mark.parametrize("text", [
    "Donner des livres à lire et 3 étoiles.", "Je donne du pain, 3 points.", "Donnez des nouvelles à 3 clients sur 5.",
])
def test_what_is_given_beside_a_score_is_left(rules, text):
    assert found(rules, text) == []
