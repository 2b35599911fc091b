"""What a fan's message names that the brand's facts know about: a country, a boutique, a day, a date.

Countries are recognised by every name Babel (CLDR) knows in French and
English plus the brand's aliases ("UK", "Angleterre"); boutiques by their name
and city; days by weekday names; dates by "1er mai", "25 décembre", "May 1st",
"the 25th of December", the common holiday names ("Noël", "Christmas") and
the names, in French and English, of the public holidays of the brand's
holiday country, movable ones included ("lundi de Pâques", "Whit Monday",
"Ascension"), from the ``holidays`` package, plus Easter and Whit Sunday.
Matching is on whole words, case- and accent-insensitive, so "et pour la
belgique ?" and "BELGIQUE" both find BE.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.knowledge.facts import DAYS, Knowledge

# Names that are more often something else in a fan's message ("jersey", "chad", "jordan", "georgia").
_AMBIGUOUS = {"jersey", "chad", "jordan", "georgia", "turkey", "guernsey", "man", "wallis", "niue", "sao tome",
              "tchad"}
_WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
}
_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "apr": 4, "aug": 8, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s*(?:er|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
_NAMED = {"noel": (12, 25), "christmas": (12, 25), "xmas": (12, 25), "jour de l an": (1, 1),
          "nouvel an": (1, 1), "new year s day": (1, 1), "new years day": (1, 1), "fete du travail": (5, 1),
          "may day": (5, 1), "fete nationale": (7, 14), "bastille day": (7, 14), "toussaint": (11, 1),
          "all saints day": (11, 1), "armistice": (11, 11), "assomption": (8, 15), "saint sylvestre": (12, 31),
          "reveillon": (12, 24), "christmas eve": (12, 24), "new year s eve": (12, 31)}


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: the form every name is matched in."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


@dataclass(frozen=True, slots=True)
class Mentions:
    country: str | None = None  # ISO code
    boutique: str | None = None  # a boutique's name
    weekday: str | None = None  # monday…sunday
    date: dt.date | None = None

    def as_slots(self) -> dict[str, str]:
        out = {"country": self.country, "boutique": self.boutique, "weekday": self.weekday,
               "date": self.date.isoformat() if self.date else None}
        return {k: v for k, v in out.items() if v}

    def __bool__(self) -> bool:
        return bool(self.as_slots())


@lru_cache(maxsize=8)
def _country_names(aliases: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, str], ...]:
    from babel import Locale

    names: dict[str, str] = {}
    for language in ("fr", "en"):
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "ZZ", "QO"):
                folded = fold(name).strip()
                if folded and folded not in _AMBIGUOUS:
                    names.setdefault(folded, code)
    for code, extra in aliases:
        for alias in extra:
            names[fold(alias).strip()] = code
    return tuple(sorted(names.items(), key=lambda kv: -len(kv[0])))  # longest first: "guinee equatoriale"


def _next(month: int, day: int, today: dt.date) -> dt.date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


# Other names fans give the movable feasts, as days after Easter Sunday.
_AFTER_EASTER = {"paques": 0, "dimanche de paques": 0, "easter": 0, "easter sunday": 0, "lundi de paques": 1,
                 "easter monday": 1, "ascension": 39, "ascension day": 39, "pentecote": 49, "whitsun": 49,
                 "whit sunday": 49, "lundi de pentecote": 50, "whit monday": 50, "pentecost monday": 50}


@lru_cache(maxsize=16)
def _holiday_names(country: str, year: int) -> tuple[tuple[str, dt.date], ...]:
    """Every (folded name, day) of the country's public holidays in ``year`` and the next."""
    import holidays
    from dateutil.easter import easter

    names: dict[tuple[str, int], dt.date] = {}
    for y in (year, year + 1):
        for name, after in _AFTER_EASTER.items():
            names.setdefault((name, y), easter(y) + dt.timedelta(days=after))
        for language in ("fr", "en_US"):
            for day, name in holidays.country_holidays(country, years=y, language=language).items():
                names.setdefault((fold(name).strip(), y), day)
    return tuple((name, day) for (name, _), day in names.items())


def _named_holiday(folded: str, today: dt.date, country: str) -> dt.date | None:
    """The next day, from today, whose holiday name the message gives ("lundi de Pâques", "Whit Monday");
    the longest name given wins ("lundi de Pâques" over "Pâques")."""
    found = [(len(name), day) for name, day in _holiday_names(country, today.year)
             if day >= today and f" {name} " in folded]
    if not found:
        return None
    longest = max(length for length, _ in found)
    return min(day for length, day in found if length == longest)


def find_date(folded: str, today: dt.date, country: str = "FR") -> dt.date | None:
    match = _DAY_MONTH.search(folded)
    if match:
        return _next(_MONTHS[match.group(2)], int(match.group(1)), today)
    match = _MONTH_DAY.search(folded)
    if match:
        return _next(_MONTHS[match.group(1)], int(match.group(2)), today)
    for name, (month, day) in sorted(_NAMED.items(), key=lambda kv: -len(kv[0])):  # "christmas eve" first
        if f" {name} " in folded:
            return _next(month, day, today)
    return _named_holiday(folded, today, country)


def find(text: str, knowledge: Knowledge, today: dt.date | None = None) -> Mentions:
    """The country, boutique, weekday and date a message names (each None when absent)."""
    folded = fold(text)
    today = today or dt.date.today()
    country = None
    for name, code in _country_names(tuple(sorted(knowledge.country_aliases.items()))):
        if f" {name} " in folded:
            country = code
            break
    boutique = None
    for b in knowledge.boutiques:
        if any(f" {fold(n).strip()} " in folded for n in (b.name, *b.aliases)):
            boutique = b.name
            break
    if boutique is None:
        for b in knowledge.boutiques:
            if f" {fold(b.city).strip()} " in folded:
                boutique = b.name
                break
    weekday = None
    for names in _WEEKDAYS.values():
        for n, name in enumerate(names):
            if f" {name} " in folded or f" {name}s " in folded:
                weekday = DAYS[n]
    return Mentions(country, boutique, weekday, find_date(folded, today, knowledge.holiday_country))
