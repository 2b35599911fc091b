"""The shipped proofreader: the current brand's words, the fan's first name, one thread hop per check."""

import asyncio
import os
import threading

import yaml

from bot.brand import DEFAULT_BRAND_FILE
from bot.proofreading.base import Issue
from bot.proofreading.protected import Vocabulary
from bot.proofreading.service import Proofreader


async def test_french_draft_problems_with_span_messages_and_ranked_suggestions(shipped):
    checked = await shipped.check("Bonjour, votre colis est deja parti, suivi a partir de demain.", "fr")
    issues = {i.word: i.as_dict(checked.text) for i in checked.issues}
    assert set(issues) == {"deja", "a"}
    deja = issues["deja"]
    assert checked.text[deja["start"]:deja["end"]] == "deja" and deja["suggestions"][0] == "déjà"
    assert deja["messages"] == {"fr": "Mot inconnu : « deja »", "en": "Unknown word: “deja”"}
    assert issues["a"]["suggestions"] == ["à"]
    assert issues["a"]["messages"]["en"] == "Grammar: confusion between similar words"
    assert deja["context"] == "Bonjour, votre colis est ⟦deja⟧ parti, suivi a partir de demain."
    assert deja["severity"] == issues["a"]["severity"] == "blocking"


async def test_advice_is_listed_apart_from_what_blocks(shipped):
    checked = await shipped.check("C’est pas grave, votre colis est deja parti.", "fr")
    assert [i.word for i in checked.blocking] == ["deja"]
    assert [i.as_dict(checked.text)["severity"] for i in checked.advice] == ["advice"]
    assert not checked.clean


async def test_grammar_issue_has_an_english_message_too(shipped):
    checked = await shipped.check("Les commande sont parties.", "fr")
    [issue] = [i for i in checked.issues if i.word == "commande"]
    assert issue.message_in("en") == "Grammar: agreement in gender or number" and "commandes" in issue.suggestions


async def test_first_name_and_protected_text_are_never_flagged(shipped):
    text = "Bonjour Ysaline, votre commande BR-204518 part demain ! #Brindille @maisonbrindille 🎁 https://x.example/a"
    assert [i.word for i in (await shipped.check(text, "fr")).issues] == ["Ysaline"]
    assert (await shipped.check(text, "fr", first_name="Ysaline")).clean
    assert (await shipped.check("Hello Siobhan, your order is on its way.", "en", first_name="Siobhan")).clean


async def test_a_product_added_to_brand_yml_is_accepted_without_a_restart(tmp_path):
    path = tmp_path / "brand.yml"
    doc = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    proofreader = Proofreader.from_env(brand_path=path)
    draft = "Notre nouveau plaid Tressalia est arrivé en boutique."
    assert [i.word for i in (await proofreader.check(draft, "fr")).issues] == ["Tressalia"]
    doc["vocabulary"].append("Tressalia")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    later = path.stat().st_mtime_ns + 1_000_000
    os.utime(path, ns=(later, later))
    assert (await proofreader.check(draft, "fr")).clean
    path.write_text("brand: [unfinished", encoding="utf-8")  # a brand file mid-edit: last good version kept
    os.utime(path, ns=(later + 1_000_000, later + 1_000_000))
    assert (await proofreader.check(draft, "fr")).clean


class ThreadRecorder:
    """A checker that flags « zut » and notes the thread it ran in."""

    name = "recorder"
    languages = frozenset({"fr"})

    def __init__(self):
        self.threads = []

    def check_sync(self, text):
        self.threads.append(threading.get_ident())
        at = text.find("zut")
        return [Issue(at, at + 3, "zut", "zut")] if at >= 0 else []


async def test_check_runs_off_the_event_loop_in_one_hop_per_text():
    recorder = ThreadRecorder()
    proofreader = Proofreader({"fr": recorder})
    checked = await proofreader.check("Première ligne.\nOh, zut alors.\nTroisième ligne.", "fr")
    assert [(i.word, checked.text[i.start:i.end]) for i in checked.issues] == [("zut", "zut")]
    assert len(recorder.threads) == 3 and len(set(recorder.threads)) == 1  # one thread for the whole text
    assert recorder.threads[0] != threading.get_ident()
    await asyncio.gather(*(proofreader.check("zut", "fr") for _ in range(4)))  # concurrent checks, one at a time


async def test_a_line_checked_once_is_not_checked_again_until_the_words_change():
    recorder = ThreadRecorder()
    proofreader = Proofreader({"fr": recorder})
    text = "Bonjour Julie,\nOh, zut alors.\nÀ bientôt."
    first = await proofreader.check(text, "fr", first_name="Julie")
    again = await proofreader.check(text.replace("Julie", "Chloé"), "fr", first_name="Chloé")
    assert [i.word for i in first.issues] == [i.word for i in again.issues] == ["zut"]
    assert len(recorder.threads) == 4  # three lines, then only the greeting with the other name
    proofreader.extra = proofreader.extra | Vocabulary.of(["zut"])  # other accepted words: checked anew
    await proofreader.check(text, "fr", first_name="Julie")
    assert len(recorder.threads) == 7


def test_shipped_brand_texts_are_clean_in_both_languages(shipped):
    from bot.brand import load_brand

    brand = load_brand()
    for intent in brand.answers:
        for language in brand.languages:
            for name in ("Julie", None):
                checked = shipped.check_sync(brand.compose(intent, language, name), language, name)
                assert checked.clean, (intent, language, checked.issues)


async def test_a_hyphenated_brand_name_is_accepted_whole_in_both_languages():
    from bot.proofreading.service import embedded_backends

    proofreader = Proofreader(embedded_backends(), vocabulary=frozenset({"Pont-de-la-Reine"}))
    assert (await proofreader.check("Our shop at Pont-de-la-Reine is open.", "en")).clean
    assert (await proofreader.check("Notre boutique de Pont-de-la-Reine est ouverte.", "fr")).clean
    # its grammar words are not brand words of their own: « la » alone is still read
    checked = await proofreader.check("Votre colis vous attend à la bureau de poste.", "fr")
    assert "la" in [i.word for i in checked.issues]


async def test_a_misspelt_brand_word_is_offered_the_brand_word_as_the_brand_spells_it(shipped):
    [issue] = (await shipped.check("Merci de votre visite chez Brindile.", "fr")).issues
    assert issue.word == "Brindile" and issue.suggestions[0] == "Brindille"
    [issue] = (await shipped.check("You can pay with Paypall.", "en")).issues
    assert issue.word == "Paypall" and issue.suggestions[0] == "PayPal"
