"""Days and times as each language writes them, and the away sentence a fan reads."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.wording import away_text, day_text, moment_text, time_text


@pytest.mark.parametrize("day, language, english, expected", [
    (dt.date(2025, 7, 15), "fr", "british", "mardi 15 juillet"),
    (dt.date(2025, 7, 15), "en", "british", "Tuesday 15 July"),
    (dt.date(2025, 7, 15), "en", "american", "Tuesday, July 15"),
    (dt.date(2026, 6, 1), "fr", "british", "lundi 1er juin"),
    (dt.date(2026, 6, 1), "en", "british", "Monday 1 June"),
    (dt.date(2027, 8, 16), "fr", "british", "lundi 16 août"),
    (dt.date(2027, 2, 4), "fr", "british", "jeudi 4 février"),
])
def test_days(day, language, english, expected):
    assert day_text(day, language, english) == expected


@pytest.mark.parametrize("at, fr, en", [
    (dt.time(9, 0), "9 h", "9 am"), (dt.time(13, 30), "13 h 30", "1:30 pm"), (dt.time(12, 0), "12 h", "12 pm"),
    (dt.time(0, 0), "0 h", "12 am"), (dt.time(18, 5), "18 h 05", "6:05 pm"),
])
def test_times(at, fr, en):
    assert (time_text(at, "fr"), time_text(at, "en")) == (fr, en)


def test_the_away_sentences_of_the_issue():
    opening = dt.datetime(2025, 7, 15, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert away_text("Notre équipe vous répondra {day} à partir de {time}.", opening, "fr") == \
        "Notre équipe vous répondra mardi 15 juillet à partir de 9 h."
    assert away_text("Our team will reply on {day} from {time}.", opening, "en") == \
        "Our team will reply on Tuesday 15 July from 9 am."
    assert moment_text(opening, "en", "american") == "Tuesday, July 15, 9 am"


@pytest.mark.parametrize("language, day, time", [
    ("es", "martes 15 de julio", "13:30"),
    ("de", "Dienstag, 15. Juli", "13:30 Uhr"),
    ("it", "martedì 15 luglio", "13:30"),
])
def test_the_other_languages_a_notice_is_written_in(language, day, time):
    assert day_text(dt.date(2025, 7, 15), language) == day
    assert time_text(dt.time(13, 30), language) == time
