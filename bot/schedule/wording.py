"""Days and times written the way each language writes them, for what fans and CMs read.

Day and month names come from the Unicode CLDR through Babel. CLDR has no
pattern for "weekday, day and month without the year" in every locale, and
its times are "09:00" where French prose writes "9 h" and English "9 am", so
the order of the parts and the hours are this module's own short table:

=========  ===========================  ===============
language   day                          time
=========  ===========================  ===============
fr         mardi 15 juillet, lundi 1er  9 h, 13 h 30
en (GB)    Tuesday 15 July              9 am, 1:30 pm
en (US)    Tuesday, July 15             9 am, 1:30 pm
es         martes 15 de julio           9:00, 13:30
de         Dienstag, 15. Juli           9 Uhr, 13:30 Uhr
it         martedì 15 luglio            9:00, 13:30
=========  ===========================  ===============

Spanish, German and Italian are the languages a brand may answer its notice
in without serving them (``other_languages`` in ``brand.yml``): a fan
writing in one of them is told in it when the team will read them.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import get_day_names, get_month_names


_LOCALES = {"fr": "fr_FR", "es": "es_ES", "de": "de_DE", "it": "it_IT"}
LANGUAGES = ("fr", "en", *(language for language in _LOCALES if language != "fr"))  # what this module writes


def locale_of(language: str, english: str = "british") -> str:
    if language in _LOCALES:
        return _LOCALES[language]
    return "en_US" if english == "american" else "en_GB"


def day_text(day: dt.date, language: str, english: str = "british") -> str:
    """``mardi 15 juillet`` / ``Tuesday 15 July`` / ``Tuesday, July 15``."""
    locale = locale_of(language, english)
    weekday = get_day_names("wide", locale=locale)[day.weekday()]
    month = get_month_names("wide", locale=locale)[day.month]
    if language == "fr":
        return f"{weekday} {'1er' if day.day == 1 else day.day} {month}"
    if language == "es":
        return f"{weekday} {day.day} de {month}"
    if language == "de":
        return f"{weekday}, {day.day}. {month}"
    if language == "it":
        return f"{weekday} {day.day} {month}"
    if locale == "en_US":
        return f"{weekday}, {month} {day.day}"
    return f"{weekday} {day.day} {month}"


def time_text(at: dt.time | dt.datetime, language: str) -> str:
    """``9 h``, ``13 h 30``, ``0 h`` / ``9 am``, ``1:30 pm``, ``12 pm`` (noon), ``12 am`` (midnight)."""
    hour, minute = at.hour, at.minute
    if language == "fr":
        return f"{hour} h" + (f" {minute:02d}" if minute else "")
    if language == "de":
        return (f"{hour}:{minute:02d}" if minute else f"{hour}") + " Uhr"
    if language in ("es", "it"):
        return f"{hour}:{minute:02d}"
    suffix = "am" if hour < 12 else "pm"
    twelve = hour % 12 or 12
    return f"{twelve}:{minute:02d} {suffix}" if minute else f"{twelve} {suffix}"


def moment_text(at: dt.datetime, language: str, english: str = "british") -> str:
    """A day and a time: ``mardi 15 juillet, 9 h`` / ``Tuesday 15 July, 9 am``."""
    return f"{day_text(at.date(), language, english)}, {time_text(at, language)}"


def away_text(template: str, opening: dt.datetime, language: str, english: str = "british") -> str:
    """The brand's away sentence with the next opening: ``Notre équipe vous répondra mardi 15 juillet à
    partir de 9 h.``"""
    return template.format(day=day_text(opening.date(), language, english), time=time_text(opening, language))
