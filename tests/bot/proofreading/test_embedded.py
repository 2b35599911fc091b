"""The embedded proofreaders (Hunspell, Grammalecte and Relais rules in French, Harper in English), safe fixes."""

import pytest

from bot.brand import load_brand
from bot.proofreading.service import Proofreader, embedded_backends
from bot.proofreading.typography import NBSP, NNBSP, apply_safe_fixes

BRAND = load_brand()


@pytest.fixture(scope="module")
def proofreader():
    return Proofreader(embedded_backends(), vocabulary=BRAND.proofreading_vocabulary)


async def test_french_misspelling_is_found(proofreader):
    checked = await proofreader.check("Merci pour votre mesage.", "fr")
    [issue] = checked.issues
    assert issue.word == "mesage" and "message" in issue.suggestions
    assert issue.marked(checked.text) == "Merci pour votre ⟦mesage⟧."


async def test_french_agreement_errors_are_found(proofreader):
    checked = await proofreader.check("Les commande sont expédié demain.", "fr")
    words = {i.word for i in checked.issues}
    assert {"commande", "expédié"} <= words
    assert any("commandes" in i.suggestions for i in checked.issues)


@pytest.mark.parametrize("word,fix", [("recieve", "receive"), ("tommorow", "tomorrow")])
async def test_english_misspellings_are_found(proofreader, word, fix):
    checked = await proofreader.check(f"You will {word} it soon." if word == "recieve" else f"See you {word}.", "en")
    [issue] = checked.issues
    assert issue.word == word and fix in issue.suggestions


async def test_correct_brand_texts_pass(proofreader):
    for intent in ("delivery", "store_location", "payment_methods"):
        for language in ("fr", "en"):
            checked = await proofreader.check(BRAND.compose(intent, language, "Julie"), language)
            assert checked.clean, (intent, language, checked.issues)


async def test_urls_emails_and_order_numbers_are_not_proofread(proofreader):
    text = "Écrivez à bonjour@maison-brindille.example ou suivez https://www.maison-brindille.example/suivi/BR-204518."
    assert (await proofreader.check(text, "fr")).clean


def test_safe_fixes_french():
    fixed = apply_safe_fixes("bonjour  ! vous avez reçu l'email ? oui : c'est \"parfait\"", "fr")
    assert fixed == f"Bonjour{NNBSP}! Vous avez reçu l’email{NNBSP}? Oui{NBSP}: c’est «{NBSP}parfait{NBSP}»"


def test_safe_fixes_english():
    assert apply_safe_fixes("thanks !  it's \"great\" . see you", "en") == "Thanks! It’s “great” . See you"


def test_safe_fixes_leave_urls_alone():
    text = "Voir https://www.maison-brindille.example/boutiques?ville=lyon : merci"
    assert "https://www.maison-brindille.example/boutiques?ville=lyon" in apply_safe_fixes(text, "fr")


async def test_english_mistakes_block_and_regional_words_are_advice(proofreader):
    checked = await proofreader.check("I ate a apple near the sidewalk.", "en")
    kinds = {i.word: i.blocking for i in checked.issues}
    assert kinds == {"a": True, "sidewalk": False}, checked.issues
    assert [i.word for i in checked.blocking] == ["a"]
