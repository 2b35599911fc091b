"""The brand file: drafts in the brand's voice, and a file that breaks its own rules is refused."""

import re

import pytest
import yaml

from bot.brand import DEFAULT_BRAND_FILE, load_brand, validate
from bot.errors import ConfigError

DOC = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))
BRAND = load_brand()


def test_draft_greets_by_first_name_thanks_answers_and_closes():
    text = BRAND.compose("returns_refunds", "fr", "Julie")
    assert text.startswith("Bonjour Julie,\n\nMerci pour votre message. Vous disposez de 30 jours")
    assert text.endswith("Belle journée à vous !\nL'équipe Maison Brindille")


def test_draft_without_first_name():
    assert BRAND.compose("contact", "en").startswith("Hello,\n\nThank you for your message. Our customer service")
    assert BRAND.compose("greet", "fr") == ("Bonjour,\n\nBienvenue chez Maison Brindille ! Comment pouvons-nous "
                                            "vous aider ?\n\nL'équipe Maison Brindille")


def test_facts_fill_the_answers():
    assert "4,90 €" in BRAND.compose("delivery", "fr") and "€4.90" in BRAND.compose("delivery", "en")


def test_no_answer_means_no_draft():
    assert BRAND.compose("complaint", "fr") is None


def broken(**changes):
    doc = yaml.safe_load(yaml.safe_dump(DOC))
    for path, value in changes.items():
        node = doc
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return doc


@pytest.mark.parametrize("changes,message", [
    ({"answers__delivery__en": None}, "answers.delivery.en missing"),
    ({"answers__contact__fr": "Appelez le {hotline}."}, "unknown variable {hotline}"),
    ({"answers__contact__fr": "Tu peux nous écrire."}, "« tu » but brand.address.fr is vous"),
    ({"answers__thank__en": "You're welcome 😊"}, "emoji not allowed"),
    ({"voice__fr__closing": None}, "voice.fr.closing missing"),
    ({"brand__emoji": "lots"}, "brand.emoji must be none or closing"),
])
def test_invalid_brand_file_is_refused_naming_the_key(changes, message):
    with pytest.raises(ConfigError, match=message):
        validate(broken(**changes), "brand.yml")


def test_holding_texts_per_reason_with_the_general_one_as_fallback():
    assert BRAND.holding_text("order_problem", "fr", order_number=" BR-350912").startswith(
        "Nous sommes désolés pour ce souci avec votre commande BR-350912.")
    assert BRAND.holding_text("nlu_fallback", "en") == BRAND.holding["en"]["person"]
    for texts in BRAND.holding.values():
        for text in texts.values():
            assert "pas sûr" not in text and "not sure" not in text
            assert "dès que possible" not in text and "as soon as possible" not in text


@pytest.mark.parametrize("changes, message", [
    ({"holding__fr": {"complaint": "Désolés."}}, "holding.fr.person missing"),
    ({"holding__en__angry": "Sorry."}, "holding.en.angry is not a reason"),
    ({"voice__time_zone": "Mars/Olympus"}, "voice.time_zone 'Mars/Olympus' is not a time zone"),
    ({"voice__evening_from": "six"}, "voice.evening_from must be HH:MM"),
    ({"voice__person": {"fr": "on", "en": "we"}}, "voice.person must give"),
    ({"answers__contact__fr": "Je vous réponds à {email}."}, "answers.contact.fr: speaks as Je"),
])
def test_shape_settings_and_holding_texts_are_checked(changes, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        validate(broken(**changes), "brand.yml")
