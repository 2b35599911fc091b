"""What a message names: countries by any French or English name, boutiques, days, dates."""

import datetime as dt

import pytest

from bot.brand import load_brand
from bot.knowledge import find

K = load_brand().knowledge
TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize("text, code", [
    ("et pour la Belgique ?", "BE"), ("do you ship to the UK?", "GB"), ("and to Switzerland?", "CH"),
    ("livraison en ALLEMAGNE", "DE"), ("vous livrez aux états-unis ?", "US"), ("Royaume-Uni ?", "GB"),
    ("delivery to the Netherlands", "NL"), ("et la suisse", "CH"), ("Japon ?", "JP"),
])
def test_countries(text, code):
    assert find(text, K, TODAY).country == code


def test_no_country_in_a_plain_question():
    assert find("combien coûte la livraison ?", K, TODAY).country is None
    assert find("I need a new jersey for my son", K, TODAY).country is None


def test_boutiques_by_name_or_city():
    assert find("and Lyon?", K, TODAY).boutique == "Lyon"
    assert find("la boutique du marais", K, TODAY).boutique == "Marais"
    assert find("à Annecy", K, TODAY).boutique == "Annecy"
    assert find("à Paris", K, TODAY).boutique in ("Marais", "Batignolles")


def test_days_and_dates():
    assert find("et le samedi ?", K, TODAY).weekday == "saturday"
    assert find("open on Sundays?", K, TODAY).weekday == "sunday"
    assert find("vous êtes ouverts le 1er mai ?", K, TODAY).date == dt.date(2027, 5, 1)
    assert find("open on May 1st?", K, TODAY).date == dt.date(2027, 5, 1)
    assert find("le 25 décembre", K, TODAY).date == dt.date(2026, 12, 25)
    assert find("open on christmas eve?", K, TODAY).date == dt.date(2026, 12, 24)
    assert find("à Noël ?", K, TODAY).date == dt.date(2026, 12, 25)
    assert find("31 février", K, TODAY).date is None


@pytest.mark.parametrize("text, day", [
    ("vous êtes ouverts le lundi de Pâques ?", dt.date(2027, 3, 29)), ("open on Easter Monday?", dt.date(2027, 3, 29)),
    ("et à l'Ascension ?", dt.date(2027, 5, 6)), ("open on Whit Monday?", dt.date(2027, 5, 17)),
    ("ouvert à Pâques ?", dt.date(2027, 3, 28)), ("le jour de la fête de la Victoire", dt.date(2027, 5, 8)),
])
def test_movable_and_named_holidays(text, day):
    assert find(text, K, TODAY).date == day


def test_a_holiday_already_past_this_year_is_next_years():
    assert find("lundi de Pâques ?", K, dt.date(2027, 4, 2)).date == dt.date(2028, 4, 17)
