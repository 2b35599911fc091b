"""Follow-ups in the conversation's context, facts first, several questions answered, the catalogue."""

import datetime as dt

from actions.answers import Question, answer_all
from actions.catalogue import DemoCatalogue, availability
from bot.brand import load_brand
from bot.knowledge import sentences as say

BRAND = load_brand()
TODAY = dt.date(2026, 12, 1)
CATALOGUE = DemoCatalogue()


def play(turns: list[tuple[str, str, float]], language: str) -> list[tuple[str, str, bool]]:
    slots: dict = {}
    out = []
    for text, intent, confidence in turns:
        answers = answer_all(BRAND, [Question(intent, text, confidence)], language, slots, None, TODAY, CATALOGUE)
        assert answers, text
        for a in answers:
            slots.update(a.slots)
        out.append((answers[0].intent, answers[0].body, answers[0].follow_up))
    return out


def test_a_country_after_a_delivery_answer_is_a_delivery_follow_up():
    _, (intent, body, follow_up) = play([("Combien coûte la livraison ?", "delivery", 0.97),
                                         ("et pour la Belgique ?", "store_location", 0.41)], "fr")
    assert (intent, follow_up) == ("delivery", True) and body.startswith("Oui, nous livrons en Belgique")


def test_a_city_after_opening_hours_gives_that_boutique_hours():
    _, (intent, body, _) = play([("What are your opening hours?", "opening_hours", 0.98),
                                 ("and Lyon?", "store_location", 0.5)], "en")
    assert intent == "opening_hours" and body.startswith("Our Lyon boutique is open Monday to Saturday")


def test_a_new_question_drops_the_previous_context():
    turns = play([("Vous avez la tasse Brume à Lyon ?", "product_availability", 0.9),
                  ("Vos horaires d'ouverture ?", "opening_hours", 0.95), ("et le samedi ?", "greet", 0.3)], "fr")
    assert turns[2][1] == "Le samedi, nos boutiques sont ouvertes de 10 h à 19 h 30."


def test_a_long_message_naming_a_country_is_not_a_follow_up():
    slots = {"topic": "delivery"}
    text = "I went to Belgium last summer and loved your boutique there, do you have gift cards?"
    [a] = answer_all(BRAND, [Question("payment_methods", text, 0.9)], "en", slots, None, TODAY)
    assert a.intent == "payment_methods" and not a.follow_up


def test_two_questions_get_two_answers_in_order_and_the_same_intent_once():
    answers = answer_all(BRAND, [Question("opening_hours", "vous êtes ouverts le 1er mai ?", 0.9),
                                 Question("payment_methods", "Et vous acceptez les cartes cadeaux ?", 0.9)],
                         "fr", {}, None, TODAY)
    assert [a.intent for a in answers] == ["opening_hours", "payment_methods"]
    assert answers[0].body == "Non, nos boutiques sont fermées le 1er mai."
    same = answer_all(BRAND, [Question("returns_refunds", "Comment faire un retour ?", 0.9),
                              Question("returns_refunds", "J'ai combien de jours ?", 0.8)], "fr", {}, None, TODAY)
    assert len(same) == 1


def test_an_intent_without_brand_answer_sends_the_whole_message_to_a_person():
    assert answer_all(BRAND, [Question("delivery", "livraison ?", 0.9), Question("complaint", "c'est nul", 0.9)],
                      "fr", {}, None, TODAY) is None


def test_catalogue_availability_in_a_boutique_and_elsewhere():
    k = BRAND.knowledge

    def where(names):
        return say.where_all([k.boutique(n) for n in names], "fr")

    cup = CATALOGUE.find("vous avez la tasse brume ?")
    assert availability(cup, "Lyon", "fr", where) == "Oui, la tasse Brume est disponible dans notre boutique de Lyon (3 en stock)."
    lille = availability(cup, "Lille", "fr", where)
    assert lille.startswith("La tasse Brume n'est pas disponible en ce moment dans notre boutique de Lille. Vous la trouverez")
    teapot = CATALOGUE.find("the Iris teapot")
    assert "sold out" in availability(teapot, None, "en", lambda names: ", ".join(names))
    assert CATALOGUE.find("a blue bowl") is None
