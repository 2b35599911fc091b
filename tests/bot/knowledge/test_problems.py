"""Reports of money taken wrongly or of an order gone wrong, and the routine questions that are not."""

import pytest

from bot.knowledge.problems import ORDER, PAYMENT, reported


@pytest.mark.parametrize("text", [
    "On m'a prélevé deux fois la même commande",
    "J'ai été débitée 3 fois !!",
    "Il y a un double prélèvement sur mon compte",
    "I was charged twice for the same order",
    "you double charged me",
    "Mon remboursement n'est toujours pas arrivé sur mon compte",
    "je n'ai jamais reçu de remboursement",
    "J'attends mon remboursement depuis trois semaines",
    "I still haven't received my refund",
    "my refund has not been processed yet, it's been a month",
    "Ma carte a été refusée alors que j'ai de l'argent",
    "my card keeps getting declined at checkout",
    "J'ai été débité mais je n'ai reçu aucune confirmation de commande",
    "I paid but never got an order confirmation",
])
def test_payment_problems_are_reported(text):
    assert [r.split(":")[0] for r in reported(text)] == [PAYMENT]


@pytest.mark.parametrize("text", [
    "Le saladier est arrivé cassé",
    "J'ai reçu une tasse ébréchée",
    "Il manque la housse dans le colis",
    "Ce n'est pas la bonne taille",
    "Le suivi indique livré mais je n'ai rien reçu",
    "Mon colis a été perdu",
    "The bowl arrived cracked",
    "two napkins are missing from my order",
    "You sent the wrong colour",
    "Tracking says delivered but I never got it",
    "my parcel was lost",
])
def test_order_problems_are_reported(text):
    assert [r.split(":")[0] for r in reported(text)] == [ORDER]


@pytest.mark.parametrize("text", [
    "Je peux payer en 3 fois ?",
    "Quels moyens de paiement acceptez-vous ?",
    "Comment me faire rembourser un article ?",
    "Can I get a refund if it doesn't fit?",
    "How long does a refund take?",
    "Où en est ma commande BR-204518 ?",
    "Mon colis n'est pas encore arrivé, il arrive quand ?",
    "Where is my order?",
    "Is the vase fragile?",
    "Is anything missing from the catalogue?",
    "Do you take Apple Pay?",
    "mon code promo marche pas 😭 c normal ?",
    "Vous êtes ouverts dimanche ?",
])
def test_routine_questions_report_nothing(text):
    assert reported(text) == []


def test_the_words_that_show_it_are_given():
    [reason] = reported("J'ai été DÉBITÉE 2 fois pour ma commande")
    assert reason == "payment_problem:debitee 2 fois"


@pytest.mark.parametrize("text", [
    "Ma commande est arrivée avec un bol ébréché",
    "The parcel arrived with a cracked lid",
])
def test_an_order_that_arrived_with_a_damaged_item(text):
    assert [r.split(":")[0] for r in reported(text)] == [ORDER]
