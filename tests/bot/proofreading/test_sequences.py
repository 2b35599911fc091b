"""Grammar words in an order French never writes: « de années », « des sur 6 », « un délai les colis »."""

import pytest

from bot.proofreading.sequences import SequenceRules


@pytest.fixture(scope="module")
def sequences(grammalecte):
    from bot.proofreading.hunspell import HunspellBackend

    return SequenceRules(grammalecte.morph, HunspellBackend("fr").suggest)


def found(sequences, text):
    return [(text[i.start:i.end], i.rule, i.suggestions[0] if i.suggestions else None)
            for i in sequences.check_sync(text)]


@pytest.mark.parametrize("text,span,fix", [
    ("Nous livrons depuis plus de vingt ans et de années en années.", "de années", "d’années"),
    ("Est-ce que on peut payer en trois fois ?", "que on", "qu’on"),
    ("Je ai reçu la tasse.", "Je ai", "J’ai"),
    ("Dites-nous si il manque un article.", "si il", "s’il"),
])
def test_an_elision_left_out(sequences, text, span, fix):
    assert found(sequences, text) == [(span, "elision", fix)]


@pytest.mark.parametrize("text", [
    "Le onze novembre, la boutique est fermée.", "La une du journal parle de nous.",
    "Le yaourt de la cantine, la hauteur du bol, le héros du jour.", "Dites-nous s’il manque un article.",
    "Je veux que la tasse arrive à temps ; passez de à côté à la caisse.",
])
def test_elisions_as_written_pass(sequences, text):
    assert [f for f in found(sequences, text) if f[1] == "elision"] == []


@pytest.mark.parametrize("text,word", [
    ("Je donne à cette tasse des sur 5.", "des"),
    ("Les frais du et de la livraison.", "du"),
    ("Une table pour de à la boutique de Lyon.", "de"),
    ("Je mets à la série son un.", "son"),
])
def test_a_determiner_before_a_preposition(sequences, text, word):
    [(flagged, rule, _)] = found(sequences, text)
    assert (flagged, rule) == (word, "missing_noun")


@pytest.mark.parametrize("text", [
    "Une piste de son des années 1970.", "Donne-le à Paul, donne-la à Léa.",
    "Un de mes collègues attend sa commande.", "Une tasse sur deux est en grès.",
])
def test_determiners_before_their_noun_pass(sequences, text):
    assert found(sequences, text) == []


def test_suggestions_are_ranked_grammar_words(sequences):
    [issue] = sequences.check_sync("Une table pour de à la boutique de Lyon.")
    assert issue.suggestions and all(s.isalpha() for s in issue.suggestions)
    assert issue.message_in("en").startswith("“de” before “à”")


@pytest.mark.parametrize("text,word,rule,fix", [
    ("Je veux un horaire les boutiques.", "les", "noun_les", "des"),
    ("Trouver de bols en grès.", "de", "partitive", "des"),
    ("Des tasses ses années 1970 en vente.", "ses", "decade", "des"),
    ("Des tasses de années 1950.", "de", "decade", "des"),
    ("Un délai pour le 11 semaines à venir.", "le", "count_article", "les"),
    ("Où de situe la boutique de Lyon ?", "de", "before_verb", "se"),
    ("Quelles sont des tailles disponibles ?", "des", "which_ones", "les"),
    ("Une table pour mon frère est moi.", "est", "est_for_et", "et"),
    ("Ouvrir Messenger il écrire au service client.", "il", "subject_infinitive", "et"),
    ("Livrez-vous et novembre à Lyon ?", "et", "et_month", "en"),
])
def test_word_orders_french_never_writes(sequences, text, word, rule, fix):
    assert found(sequences, text) == [(word, rule, fix)]


@pytest.mark.parametrize("text", [
    "Je ne veux pas de bols, je veux de bonnes tasses.", "Je veux changer de tailles.",
    "Le 11 novembre, et le 25 décembre.", "Des tasses des années 1970, les années 1980.",
    "Quelles sont les tailles disponibles ?", "C’est moi qui ai commandé. Qui est lui ?",
    "Doit-on payer ? Puis je commander ?", "Livrez-vous en janvier et février ?",
    "Une note de 1 sur 6 pour la série The Comedian.", "Un horaire des boutiques de Lyon.",
])
def test_french_as_written_passes(sequences, text):
    assert found(sequences, text) == []


@pytest.mark.parametrize("text,span,rule,fix", [
    ("Je mets 4 étoiles à À la folie.", "à À", "repeated", "à"),
    ("Je donne une nota de 5 à la livraison.", "nota", "verb_after_determiner", "note"),
    ("Livrez-vous pendant le couvre-feu ? Et à cause du couvre feu ?", "couvre feu", "verb_after_determiner",
     "couvre-feu"),
    ("Voici le couple qui a lancé un défit à la boutique.", "défit", "verb_after_determiner", "défi"),
    ("J’ai du le renvoyer.", "du", "missing_noun", "dû"),
    ("Une table à Lyon our 10 heures.", "our", "english_word", "pour"),
    ("Une table pour 4 in Oklahoma.", "in", "english_word", "en"),
    ("Donnez 4 points à le service client.", "à le", "contraction", "au"),
])
def test_words_beside_nouns_names_and_numbers(sequences, text, span, rule, fix):
    assert found(sequences, text) == [(span, rule, fix)]


@pytest.mark.parametrize("text", [
    "Attribuer à ce plaid un un.", "Nous nous occupons de tout, vous vous reposez.",
    "Je n’arrive pas à trouver de plaid, je cherche de l’aide.", "Je n’ai plus de tasses en grès.",
    "Je sors de réunion, je les vois de temps en temps. Et sans faire de problèmes.",
    "Toby a des vers, des sous et le pour et le contre. La une du journal, à la #une. Là il pleut, la il pleut.",
    "Un délai estimé de livraison.", "Une table for 5 à Lyon, Beyond the Valley of 1984.",
    "Je tiens à le faire, je refuse de les payer.",
])
def test_more_french_as_written_passes(sequences, text):
    assert found(sequences, text) == []


def test_protected_words_are_skipped(sequences):
    text = "Je veux un horaire les boutiques."
    start = text.index("les")
    assert sequences.check_sync(text, skip=lambda s, e, w: s == start) == []


def test_every_kind_is_explained_in_both_languages(sequences):
    text = ("Quelles sont des tailles ? Trouver de bols. Je ai un bol. Où de situe Lyon ? "
            "Pour mon frère est moi. Des tasses ses années 1970.")
    issues = sequences.check_sync(text)
    assert len({i.rule for i in issues}) == 6
    for issue in issues:
        messages = dict(issue.messages)
        assert set(messages) == {"fr", "en"} and all(messages.values())
