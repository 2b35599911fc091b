"""Agreement of a determiner with its noun, and of a noun after a number."""

import pytest

from bot.proofreading.agreement import Agreement


@pytest.fixture(scope="module")
def agreement(grammalecte):
    return Agreement(grammalecte.morph)


def found(agreement, text):
    return [(i.word, i.suggestions) for i in agreement.check_sync(text)]


@pytest.mark.parametrize("text,span,fix", [
    ("Je réserve une restaurant.", "une restaurant", "un restaurant"),
    ("Voici la prévisions.", "la prévisions", "les prévisions"),
    ("Les heures du films.", "du films", "des films"),
    ("Ajoutez le chanson.", "le chanson", "la chanson"),
    ("Ma atelier est fermé.", "Ma atelier", "Mon atelier"),
    ("Une table dans une café-bar.", "une café-bar", "un café-bar"),
    ("Écoutez une microalbum.", "une microalbum", "un microalbum"),
])
def test_determiner_disagrees(agreement, text, span, fix):
    assert found(agreement, text) == [(span, (fix,))]


def test_plural_after_a_number(agreement):
    assert found(agreement, "Livraison en 5 jour ouvré.") == [("jour", ("jours",))]


@pytest.mark.parametrize("text", [
    "Toutes nos boutiques vous accueillent.", "Livré le 25 décembre, en 3 à 5 jours, à 10 h.",
    "Je la titre ainsi.", "Un seul code par commande, 1 article.", "Nos boutiques ouvrent en 2024 aussi.",
    "Une mini-jupe, une demi-heure, un café-bar, une arrière-cuisine, un microalbum, une multiprise.",
])
def test_correct_french_passes(agreement, text):
    assert found(agreement, text) == []


@pytest.mark.parametrize("text,word,fix", [
    ("Une table pour 3 personne.", "personne", "personnes"), ("Donnez-lui quatre étoile.", "étoile", "étoiles"),
    ("Il a eu 5 point.", "point", "points"), ("Notez-le 1 étoiles sur 6.", "étoiles", "étoile"),
])
def test_number_and_noun(agreement, text, word, fix):
    assert found(agreement, text) == [(word, (fix,))]


def test_article_before_a_first_name(agreement):
    assert found(agreement, "Une chanson des John Maher.") == [("des", ("de",))]
    assert found(agreement, "La musique du Jonathan Sprout.") == [("du", ("de",))]
    assert found(agreement, "Livraison dans le sud du Texas et des Alpes.") == []


def test_no_plural_article_before_one_persons_name(agreement):
    assert found(agreement, "Les créations des Yutaka Ozaki sont arrivées.") == [("des", ("de",))]
    assert found(agreement, "Les tasses des Rolling Stones et des Îles Vierges.") == []
    assert found(agreement, "Près du parc des Buttes Chaumont.") == []


def test_article_after_a_preposition_or_a_verb(agreement):
    assert found(agreement, "Ajoutez-la à la listes de lecture.") == [("la listes", ("les listes",))]
    assert found(agreement, "Pouvez-vous trouver les ouvrage créatifs ?") == [
        ("les ouvrage", ("l’ouvrage", "les ouvrages"))]
    assert found(agreement, "Je la liste demain.") == []


def test_quel_before_a_verb_passes(agreement):
    assert found(agreement, "Quelle est la météo ?") == []
    assert found(agreement, "À quel points ?") == [("quel points", ("quels points",))]


@pytest.mark.parametrize("text,article,fix", [
    ("Nos boutiques sont fermées la 25 décembre.", "la", "le"),
    ("Livraison prévue les 12/11/2027 au matin.", "les", "le"),
    ("Rendez-vous les vingt-deux mars en boutique.", "les", "le"),
    ("Voici les tasses du 2024, en grès.", "du", "de"),
    ("Livraison offerte à partir de 17 novembre.", "de", "du"),
])
def test_a_date_takes_its_own_article(agreement, text, article, fix):
    assert found(agreement, text) == [(article, (fix,))]


@pytest.mark.parametrize("text", [
    "Nos boutiques sont fermées les 24 et 25 décembre.", "La remise des 1000 premières commandes.",
    "Livrée le 12/11/2027, la commande du 3 mai.", "Les tasses de 2024 sont là.",
    "Un délai de 17 jours, la soirée du 17 novembre.",
])
def test_dates_in_their_article_pass(agreement, text):
    assert found(agreement, text) == []


@pytest.mark.parametrize("text,word,fix", [
    ("Votre tasse ébréché sera remplacée.", "ébréché", "ébréchée"),
    ("Lisez l’article intitulée « Merci ».", "intitulée", "intitulé"),
    ("Voici la liste de cadeaux préparé pour vous.", "préparé", ("préparés", "préparée")),
    ("Un carnet cousu main et un sac brodée.", "brodée", "brodé"),
])
def test_a_participle_agrees_with_its_noun(agreement, text, word, fix):
    assert found(agreement, text) == [(word, fix if isinstance(fix, tuple) else (fix,))]


@pytest.mark.parametrize("text", [
    "La liste des commandes préparées ce matin.", "Les tasses les plus vendues de la saison.",
    "Votre colis est livré.", "Un service client débordé aujourd’hui.", "Une commande prévue demain.",
])
def test_participles_in_agreement_pass(agreement, text):
    assert found(agreement, text) == []


@pytest.mark.parametrize("text,word", [("Zéro défauts, promis.", "défauts"), ("Note : 0 étoiles.", "étoiles")])
def test_singular_after_zero(agreement, text, word):
    assert found(agreement, text) == [(word, (word[:-1],))]


def test_the_article_after_a_typed_for_a_is_judged(agreement):
    assert [(i.word, i.rule) for i in agreement.check_sync("Ajouter Ted a la listes de lecture.")] == [
        ("la listes", "determiner_agreement")]


def test_en_before_a_persons_full_name(agreement):
    assert [(i.word, i.suggestions[0]) for i in agreement.check_sync(
        "Ajouter quelques morceaux en Pete Townshend.")] == [("en", "de")]
    assert agreement.check_sync("Nous livrons en Virginie et en Pete.") == []
