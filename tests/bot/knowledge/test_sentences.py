"""Answers built from the brand's facts: yes or no first, the same facts in both languages."""

import datetime as dt
import re

import pytest

from bot.brand import load_brand, validate
from bot.errors import ConfigError
from bot.knowledge import sentences as say

K = load_brand().knowledge


def test_delivery_yes_with_price_and_delay_in_both_languages():
    assert say.delivery(K, "BE", "fr") == ("Oui, nous livrons en Belgique en 4 à 6 jours ouvrés, pour 7,90 €. "
                                           "La livraison y est offerte dès 90 € d'achat.")
    assert say.delivery(K, "BE", "en") == ("Yes, we deliver to Belgium in 4 to 6 working days, for €7.90. "
                                           "Delivery there is free from €90.")
    assert say.delivery(K, "GB", "fr").startswith("Oui, nous livrons au Royaume-Uni")
    assert say.delivery(K, "GB", "en").startswith("Yes, we deliver to the United Kingdom")


def test_delivery_no_for_a_country_outside_every_zone():
    assert say.delivery(K, "US", "fr").startswith("Non, nous ne livrons pas aux États-Unis")
    assert say.delivery(K, "JP", "en").startswith("No, we do not deliver to Japan")


def test_holidays_closed_or_open_and_weekdays():
    assert say.opening_on(K, dt.date(2027, 5, 1), "fr") == "Non, nos boutiques sont fermées le 1er mai."
    assert say.opening_on(K, dt.date(2027, 7, 14), "en") == "Yes, on 14 July, our boutiques are open from 11 am to 6 pm."
    assert say.opening_on(K, "saturday", "fr") == "Le samedi, nos boutiques sont ouvertes de 10 h à 19 h 30."
    sunday = say.opening_on(K, "sunday", "fr")
    assert sunday.startswith("Le dimanche, nous n'ouvrons que certaines boutiques") and "Paris Marais" in sunday


def test_a_boutique_week_and_address():
    lyon = K.boutique("Lyon")
    assert say.boutique_week(lyon, "fr") == ("Notre boutique de Lyon est ouverte du lundi au samedi de 10 h à 19 h 30, "
                                             "et fermée le dimanche.")
    assert say.boutique_address(K.boutique("Annecy"), "fr").startswith("Notre boutique d'Annecy se trouve au")


def test_prices_are_one_value_written_per_language():
    assert say.price(4.9, "EUR", "fr") == "4,90 €" and say.price(4.9, "EUR", "en") == "€4.90"
    assert say.price(60, "EUR", "fr") == "60 €" and say.price(60, "EUR", "en") == "€60"


@pytest.mark.parametrize("knowledge, message", [
    ({"delivery": [{"countries": ["FR"], "price": 4.9}]}, "knowledge.delivery[0] needs countries"),
    ({"weekly_hours": {"lundi": "10:00-19:00"}}, "knowledge.weekly_hours: only weekdays"),
    ({"weekly_hours": {"monday": "10h-19h"}}, "is not a time HH:MM"),
    ({"boutiques": [{"city": "Lyon"}]}, "knowledge.boutiques[0] needs city and address"),
])
def test_a_faulty_knowledge_section_names_its_key(knowledge, message):
    import yaml

    from bot.brand import DEFAULT_BRAND_FILE

    data = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))
    data["knowledge"] = knowledge
    with pytest.raises(ConfigError, match=re.escape(message)):
        validate(data, "brand.yml")


def test_a_movable_holiday_named_by_the_fan_gets_its_hours():
    from bot.knowledge import find

    day = find("vous êtes ouverts le lundi de Pâques ?", K, dt.date(2026, 12, 1)).date
    assert say.opening_on(K, day, "fr") == "Oui, le 29 mars, nos boutiques sont ouvertes de 11 h à 18 h."
