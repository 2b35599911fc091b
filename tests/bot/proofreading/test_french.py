"""Relais's French rules: stray capitals, sentence starts, « a »/« à », « ou »/« où »."""

import pytest

from bot.proofreading.french import FrenchRules


@pytest.fixture(scope="module")
def rules(grammalecte):
    return FrenchRules(grammalecte.morph)


def found(rules, text):
    return [(i.word, i.rule, i.suggestions[0]) for i in rules.check_sync(text)]


def test_stray_capital_on_a_common_noun(rules):
    assert found(rules, "Ajoutez-la à ma Liste de souhaits.") == [("Liste", "capital", "liste")]


@pytest.mark.parametrize("text", [
    "Ajoutez-la à ma liste Flow Espagnol.", "Bonjour Madame, votre colis part de Lyon.",
    "Cliquez sur « Me prévenir » : nous vous écrirons.", "L’équipe Maison Brindille",
    "Il a reçu sa commande. Elle a été livrée.", "Il y a une boutique à Lyon.",
])
def test_correct_french_passes(rules, text):
    assert found(rules, text) == []


@pytest.mark.parametrize("text,word", [
    ("Nous avons une boutique qui Est à deux pas de la gare.", "Est"),
    ("Écrivez à Maison Brindille Sur notre page.", "Sur"),
    ("La tasse de Julie Dans sa boîte d’origine.", "Dans"),
])
def test_capitalised_grammar_word_after_a_name(rules, text, word):
    assert found(rules, text) == [(word, "capital", word.lower())]


def test_compass_east_keeps_its_capital(rules):
    assert found(rules, "Nous livrons dans l’Est de la France.") == []


def test_names_built_on_common_nouns(rules):
    assert found(rules, "Nous livrons au Pays de Galles, en Côte d’Ivoire et près du Parc des Princes.") == []
    assert found(rules, "Nous livrons en Caroline du nord.") == [("nord", "capital", "Nord")]
    assert found(rules, "Le vent du nord souffle.") == []


@pytest.mark.parametrize("text,word,fix", [
    ("Votre commande est en court de livraison.", "court", "cours"),
    ("Livraison offerte à partie de 60 €.", "partie", "partir"),
    ("Une boutique à proximités de la gare.", "proximités", "proximité"),
    ("Une tasse à fruit de mer.", "fruit", "fruits"),
    ("Une boutique dans des environs de Lyon ?", "des", "les"),
    ("Une table par 7 personnes ce soir.", "par", "pour"), ("Ajoutez ce plaid sous ma liste.", "sous", "sur"),
    ("J’ai besoin d’une table par 4.", "par", "pour"),
    ("Vous avez quelque chose de genre bohème ?", "de", "du"), ("Ajoutez ce plaid de ma liste.", "de", "à"),
])
def test_set_phrases(rules, text, word, fix):
    assert found(rules, text) == [(word, "locution", fix)]


@pytest.mark.parametrize("text", [
    "Un court métrage, à court terme, en cours.", "À partir de lundi, une partie de la gamme.",
    "À proximité de la gare.", "Des fruits de mer.", "Dans les environs de Lyon, des environs calmes.",
    "Le menu est à 30 € par personne, une table pour 7 personnes, 2 tables par 10 €.",
    "Retirez ce plaid de ma liste, ajoutez-le à ma liste ; quelque chose de gentil.",
])
def test_set_phrases_as_written_pass(rules, text):
    assert found(rules, text) == []


def test_a_letter_on_its_own(rules):
    [issue] = rules.check_sync("Nous avons e colis pour vous.")
    assert (issue.word, issue.rule) == ("e", "lone_letter") and "le" in issue.suggestions
    assert found(rules, "Livraison à 10 h, option a ou b ? Il y a J. K. Rowling et d’autres.") == []


def test_sentence_start(rules):
    assert found(rules, "Merci. nous revenons vers vous.") == [("nous", "sentence_start", "Nous")]
    assert found(rules, "Bonne nouvelle : votre commande est partie.") == []  # no capital after a colon


@pytest.mark.parametrize("text,word", [
    ("Ajouter cette piste a ma liste.", "a"), ("Nous livrons a Lyon.", "a"), ("Ouvert a 10 h.", "a"),
    ("Une machine a laver.", "a"), ("A ma demande, il est parti.", "A"),
])
def test_a_for_à(rules, text, word):
    [(flagged, rule, fix)] = found(rules, text)
    assert (flagged, rule) == (word, "a_for_à") and fix == ("À" if word == "A" else "à")


def test_ou_for_où(rules):
    assert found(rules, "Savez-vous ou est ma commande ?") == [("ou", "ou_for_où", "où")]
    assert found(rules, "Rouge ou bleu ?") == []


@pytest.mark.parametrize("text", [
    "J’aimerais ajouter cette piste a ma liste.", "Pouvez-vous mettre la chanson a ma liste ?",
])
def test_a_for_à_when_the_clause_already_has_its_verb(rules, text):
    assert ("a", "a_for_à", "à") in found(rules, text)


@pytest.mark.parametrize("text", [
    "Votre commande a une remise de 10 %.", "Je crois que Julie a une commande en cours.",
    "Nous avons reçu votre colis et il a un défaut.", "Le colis de votre mère a un retard.",
    "Nous confirmons, votre commande a une remise.",
])
def test_a_stays_the_verb_with_its_subject(rules, text):
    assert found(rules, text) == []


def test_participle_for_an_infinitive(rules):
    assert found(rules, "S’il vous plaît joué un disque de 1997.") == [("joué", "participle_for_infinitive", "jouer")]
    assert found(rules, "Trouver et joué un concerto.") == [("joué", "participle_for_infinitive", "jouer")]
    assert found(rules, "Je l’ai trouvé et joué hier.") == []
    assert found(rules, "Pouvez-vous m’aider à trouvé ma commande ?") == [
        ("trouvé", "participle_for_infinitive", "trouver")]
    assert found(rules, "Une tasse prête à l’emploi, l’école à fermé, un plat à volonté.") == []


def test_avoir_besoin_stays_singular(rules):
    assert found(rules, "J’ai besoins d’une table.") == [("besoins", "avoir_besoin", "besoin")]
    assert found(rules, "Nous connaissons vos besoins.") == []


def test_ou_before_an_inverted_question(rules):
    assert found(rules, "Ou puis-je retirer mon colis ?") == [("Ou", "ou_for_où", "Où")]
    assert found(rules, "Voulez-vous la rouge ou préférez-vous la bleue ?") == []


@pytest.mark.parametrize("text,word", [
    ("Jouer quelque chose Sur Zvooq.", "Sur"), ("Je veux Voir Shattered Image.", "Voir"),
    ("Ajoutez la Chanson Virales de siempre.", "Chanson"), ("Donnez au film Rude journée 1 Point.", "Point"),
])
def test_capitals_next_to_a_name_or_title(rules, text, word):
    assert (word, "capital", word.lower()) in found(rules, text)


@pytest.mark.parametrize("text", [
    "Le livre Harry Potter est arrivé.", "Bienvenue chez Maison Brindille à Lyon.",
    "Écoutez La Vie en rose.", "Nous livrons au Royaume-Uni.",
])
def test_names_and_titles_keep_their_capitals(rules, text):
    assert [f for f in found(rules, text) if f[1] == "capital"] == []


def test_a_works_noun_before_its_author_is_no_name(rules):
    assert found(rules, "Écouter la Musique de Michael Wittig.") == [("Musique", "capital", "musique")]
    assert found(rules, "Une tasse au Parc des Princes, au Pays de Galles.") == []


def test_a_before_a_saints_name_is_the_preposition(rules):
    assert ("a", "a_for_à", "à") in found(rules, "Livraison prévue le 26 septembre a Saint-Pierre.")


def test_a_capital_after_the_sentence_opening_de_la_is_stray(rules):
    assert found(rules, "Écouter de la Musique sur notre page.") == [("Musique", "capital", "musique")]
    assert found(rules, "Nous livrons au Pays de Galles.") == []


@pytest.mark.parametrize("text", [
    "Il a 3 commandes en cours.", "Mon fils a 12 ans.", "Le colis a 2 jours de retard.",
])
def test_a_before_a_number_after_its_subject_is_the_verb(rules, text):
    assert found(rules, text) == []


@pytest.mark.parametrize("text", ["Réserver a 10 h.", "La livraison a 10 h.", "Rendez-vous a 14h30."])
def test_a_before_an_hour_is_the_preposition(rules, text):
    assert [(w, r) for w, r, _ in found(rules, text)] == [("a", "a_for_à")]


@pytest.mark.parametrize("text,word", [
    ("Ajoutez-la à la liste en lecture.", "en"), ("Votre numéro à commande est prêt.", "à"),
    ("Les frais en port sont offerts.", "en"), ("Le délai ne livraison est de 3 jours.", "ne"),
])
def test_a_compound_noun_is_joined_by_de(rules, text, word):
    assert (word, "locution", "de") in found(rules, text)


@pytest.mark.parametrize("text", [
    "Votre numéro de commande et le guide des tailles.", "La liste des cadeaux est prête.",
    "Les frais de port sont offerts.",
])
def test_compound_nouns_as_written_pass(rules, text):
    assert found(rules, text) == []


@pytest.mark.parametrize("text,word", [
    ("Livraison à 11 heures au soir.", "au"), ("Ouvert dès 9 h de matin.", "de"),
    ("Livraison à 8 heures le soir.", "le"),
])
def test_the_hour_of_the_morning_or_evening_takes_du(rules, text, word):
    assert (word, "locution", "du") in found(rules, text)


def test_hours_of_the_morning_as_written_pass(rules):
    assert found(rules, "Ouvert de 9 h du matin à 7 heures du soir, le soir aussi.") == []


def test_et_demie(rules):
    assert found(rules, "Livraison dans 2 heures ou demie.") == [("ou", "locution", "et")]
