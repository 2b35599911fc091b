"""Drafts as fans get them: in the brand's voice, proofread, and never sent with a mistake."""

import pytest
import yaml

from bot.pipeline.cm_queue import CMQueue
from tests.helpers import DEMO_PAGE_ID, conversation, messenger_event
from tests.helpers import outcome
from tests.helpers import post_signed

pytestmark = pytest.mark.stack


async def test_fan_is_greeted_by_first_name(gateway, graph, redis):
    graph.profiles["fan-julie"] = "Julie"
    await post_signed(gateway, messenger_event("Bonjour, vous livrez en Belgique ?", "fan-julie", mid="m_julie"))
    assert (await outcome(redis, "m_julie"))["status"] == "sent"
    [sent] = graph.to("fan-julie")
    disclosure, greeted = sent.text.split("\n\n", 1)  # the conversation's first automated message says so first
    assert disclosure.startswith("Vous échangez avec l’assistant automatique de Maison Brindille.")
    assert greeted.startswith(("Bonjour Julie,\n\nMerci pour votre message.",  # "Bonsoir" after 18:00 in Paris
                               "Bonsoir Julie,\n\nMerci pour votre message."))
    assert sent.text.rstrip().endswith("L’équipe Maison Brindille")  # typographic apostrophe applied


async def test_draft_with_a_spelling_mistake_is_held_not_sent(gateway, graph, redis, rasa_stack):
    original = rasa_stack.brand_file.read_text(encoding="utf-8")
    doc = yaml.safe_load(original)
    doc["voice"]["fr"]["thanks"] = "Merci pour votre mesage."
    rasa_stack.brand_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        await post_signed(gateway, messenger_event("Bonjour, vous êtes ouverts le dimanche ?", "fan-typo",
                                                   mid="m_typo"))
        state = await outcome(redis, "m_typo")
    finally:
        rasa_stack.brand_file.write_text(original, encoding="utf-8")
    assert state["status"] == "held", state["reasons"]
    assert "proofreading:mesage" in state["reasons"]
    assert graph.to("fan-typo") == []
    [case] = await CMQueue(redis).cases(conversation=conversation("fan-typo"))
    assert case["kind"] == "held"
    assert "Merci pour votre mesage." in case["draft"]
    [issue] = case["proofreading"]
    assert issue["word"] == "mesage" and "⟦mesage⟧" in issue["context"] and "message" in issue["suggestions"]


async def test_personal_data_is_masked_in_the_cm_queue(gateway, graph, redis):
    text = ("Je suis Julie Martin, je veux parler à un conseiller. Ma commande BR-204518 du 12 novembre. "
            "Mon mail julie.martin@example.org, tel 06 12 34 56 78")
    await post_signed(gateway, messenger_event(text, "fan-pii", mid="m_pii"))
    assert (await outcome(redis, "m_pii"))["status"] == "escalated"
    [case] = await CMQueue(redis).cases(conversation=conversation("fan-pii"))
    assert "julie.martin@example.org" not in case["text"] and "[e-mail]" in case["text"]
    assert "06 12 34 56 78" not in case["text"] and "[phone]" in case["text"]
    assert "BR-204518" in case["text"]
    assert case["mentions"]["order_numbers"] == ["BR-204518"]
    assert "12 novembre" in case["mentions"]["dates"]
    assert "Julie Martin" in case["mentions"]["names"]


async def test_a_product_added_to_the_brand_file_while_running_is_not_flagged(gateway, graph, redis, rasa_stack):
    """The brand adds a product and names it in an answer: held while the proofreader does not know the
    word, sent as soon as brand.yml lists it — no restart of any process."""
    original = rasa_stack.brand_file.read_text(encoding="utf-8")
    doc = yaml.safe_load(original)
    doc["answers"]["product_availability"]["fr"] = (
        "Notre nouvelle collection Kervalenne est en boutique. " + doc["answers"]["product_availability"]["fr"])
    try:
        rasa_stack.brand_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        await post_signed(gateway, messenger_event("Bonjour, cet article est-il encore en stock ?", "fan-kv1",
                                                   mid="m_kv1"))
        unknown = await outcome(redis, "m_kv1")
        doc["vocabulary"] = doc["vocabulary"] + ["Kervalenne"]
        rasa_stack.brand_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        await post_signed(gateway, messenger_event("Bonjour, cet article est-il encore en stock ?", "fan-kv2",
                                                   mid="m_kv2"))
        known = await outcome(redis, "m_kv2")
    finally:
        rasa_stack.brand_file.write_text(original, encoding="utf-8")
    assert unknown["status"] == "held" and "proofreading:Kervalenne" in unknown["reasons"], unknown["reasons"]
    assert known["status"] == "sent", known["reasons"]
    [sent] = graph.to("fan-kv2")
    assert "Kervalenne" in sent.text
