"""Real words out of place, weighed with the French n-gram model: « sue » for « sur », « son » for « sont »."""

import numpy as np
import pytest

from bot.proofreading.confusion import ContextChecker, candidates
from bot.proofreading.corpus import count, targets, write
from bot.proofreading.ngrams import CAP, MODEL_FILE, NUM, NgramModel, french_model, normalise, one_letter_away, tokens


@pytest.fixture(scope="module")
def context(grammalecte):
    return ContextChecker(morph=grammalecte.morph)


def found(checker, text, **kwargs):
    return [(i.word, i.suggestions[0]) for i in checker.check_sync(text, **kwargs)]


def test_replacements_are_ranked(context):
    [issue] = context.check_sync("Réservez pou deux personnes.")
    assert issue.word == "pou" and "pour" in issue.suggestions


@pytest.mark.parametrize("text,word,fix", [
    ("Mettez-la sue la table.", "sue", "sur"),
    ("Quelles son les horaires de la boutique ?", "son", "sont"),
    ("Nous livrons ans toute la France.", "ans", "dans"),
    ("Je passe pour la boutique demain, pou voir.", "pou", "pour"),
])
def test_a_real_word_out_of_place_is_found(context, text, word, fix):
    assert found(context, text) == [(word, fix)]


def test_a_rare_word_between_a_name_and_a_count_is_judged(context):
    [issue] = context.check_sync("Une table à la Brasserie Brindille pou trois personnes.")
    assert issue.word == "pou" and "pour" in issue.suggestions
    assert context.check_sync("Une table à la Brasserie Brindille pour trois personnes.") == []


@pytest.mark.parametrize("text,word,fix", [
    ("Consultez notre guide que tailles.", "que", "de"),
    ("Votre numéro à commande est sur le mail.", "à", "de"),
    ("Les frais en port sont offerts.", "en", "de"),
])
def test_a_preposition_in_another_s_place_is_found(context, text, word, fix):
    assert found(context, text) == [(word, fix)]


@pytest.mark.parametrize("text", [
    "Le délai de livraison est de 3 jours.", "Votre commande est sur le mail.", "Votre colis est bien arrivé.",
    "La tasse est ébréchée.",
])
def test_est_before_what_a_verb_takes_is_the_verb(context, text):
    assert found(context, text) == []


@pytest.mark.parametrize("text", [
    "Ajoutez cette tasse à ma liste de souhaits.", "Nous livrons au Koweït en 5 jours.",
    "Quel temps fera-t-il dans dix-neuf heures à Lyon ?", "Réserver une table en Russie pour deux.",
    "Suivez-nous sur Instagram.", "Nous livrons dans toute la France sous 3 jours.",
    "La livraison est offerte dès 60 € d’achat.", "Nous transmettons vos mots à notre atelier.",
    "Un seul code promo est utilisable par commande.", "Merci d’avoir pensé à nous !",
])
def test_prepositions_before_names_numbers_and_in_their_place_pass(context, text):
    assert found(context, text) == []


@pytest.mark.parametrize("text", [
    "Nous livrons dans toute la France sous 3 jours.", "Votre commande est partie ce matin.",
    "Vous disposez de 30 jours après réception du colis.", "L’inscription à notre newsletter est gratuite.",
    "Il a 20 ans et il vit à Lyon.", "Ouvert de 10 h à 19 h.", "Je veux réserver un emplacement dans un spa.",
    "Ajoutez Fiesta Hits con Lali à ma liste.", "Où est ma commande ?", "Quelles sont les horaires ?",
])
def test_correct_french_passes(context, text):
    assert found(context, text) == []


def test_protected_words_are_read_as_names_and_never_flagged(context):
    text = "Mettez-la sue la table."
    assert found(context, text, skip=lambda s, e, w: w == "sue") == []


def test_the_issue_speaks_both_languages(context):
    [issue] = context.check_sync("Quelles son les horaires ?")
    assert (issue.start, issue.end, issue.rule) == (8, 11, "context_word")
    assert dict(issue.messages) == {"fr": "« son » ne va pas ici : « sont » ?",
                                    "en": "“son” does not fit here: “sont”?"}


def test_candidates_are_the_forms_and_the_grammar_words_a_letter_away():
    assert set(candidates("son")) == {"sa", "ses", "sont"}
    assert {"à", "en", "sur", "pour", "que"} <= set(candidates("de")) and "la" not in candidates("de")
    assert {"de", "dans", "sous", "au", "aux"} <= set(candidates("à"))
    assert "sur" in candidates("sue") and "dans" in candidates("ans")
    assert "mes" not in candidates("ma") or "ma" in ("mon", "ma", "mes")  # forms of one determiner only
    assert "la" not in candidates("ma")  # another determiner is a choice, not a slip
    assert {"sur", "pur"} <= one_letter_away("pur") | {"pur"} and "pour" in one_letter_away("pur")


def test_tokens_split_elisions_and_classes():
    assert [t for _, _, t in tokens("L’album d’Oak Island, 3 fois.")] == ["L'", "album", "d'", "Oak", "Island", ",",
                                                                          "3", "fois", "."]
    assert normalise("Island", first=False) == CAP and normalise("3", first=False) == NUM
    assert normalise("Island", first=True) == "island" and normalise("fera-t-il", first=False) == "fera"


def test_model_built_from_a_corpus_reads_back(tmp_path):
    corpus = ["Il pose le livre sur la table. Elle pose le verre sur la table.",
              "Le chat dort sur la chaise. Mettez le vase sur la table."] * 3
    vocabulary, unigrams, bigrams, trigrams, wanted = count(corpus)
    path = tmp_path / "model.npz"
    write(path, vocabulary, unigrams, bigrams, trigrams, wanted)
    model = NgramModel.load(path)
    assert model.count("table") == 9 and model.pair("sur", "la") == 12 and model.triple("pose", "le", "livre") == 3
    assert model.pair("sue", "la") == 0  # never seen
    assert model.score("vase", "sur", "la") > model.score("vase", "sous", "la")
    assert "sur" in wanted and "sue" not in targets(["sur", "table"])  # only words the corpus knows


def test_the_shipped_model_loads_and_knows_french():
    assert MODEL_FILE.exists()
    model = french_model()
    assert model.count("dans") > 10_000 and model.pair("dans", "la") > model.pair("ans", "la")
    with np.load(MODEL_FILE) as data:
        assert set(data.files) >= {"vocabulary", "unigrams", "bigram_keys", "trigram_keys", "targets"}
        assert np.all(np.diff(data["bigram_keys"]) > 0)  # sorted: looked up by bisection


@pytest.mark.parametrize("text", [
    "Commandez la tasse Maison sur Instagram ou sur iTunes.", "Fermé le dix-neuf octobre et le 3 mai.",
    "Retrouvez Julie Martin sur Facebook.",
])
def test_names_and_dates_are_left_to_the_rules_that_know_them(context, text):
    assert found(context, text) == []


@pytest.mark.parametrize("text", [
    "Comment ça se passe pour un retour ?", "Combien de jours faut-il pour la livraison ?",
    "Je ne peux pas venir en boutique.", "Le colis a t'il été envoyé ?", "On a quoi comme choix de couleurs ?",
    "Que fais tu pour moi ?", "Les retours sont ils gratuits ?", "Mon conjoint est client chez vous.",
    "Une livraison à domicile pour une personne à risque.",
])
def test_what_fans_write_every_day_is_not_questioned(context, text):
    assert found(context, text) == []


def test_an_a_that_should_be_à_is_still_found(context):
    assert found(context, "Je suis une personne a risque.") == [("a", "à")]


def test_two_articles_in_a_row(context):
    assert ("le", "de") in found(context, "Il fera beau le jour le la Saint-Patrick.")
    assert found(context, "Donner le la.") == []
