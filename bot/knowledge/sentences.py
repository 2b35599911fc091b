"""Sentences built from the brand's facts, in French and English: the answer first, then the detail.

"Do you ship to the UK?" gets "Yes, we deliver to the United Kingdom…", a
closed holiday gets "No, our boutiques are closed on…": a yes/no question is
answered yes or no before anything else. Prices and times are written by
:mod:`babel` and the rules below, from one value each in ``brand.yml``.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.numbers import format_currency

from bot.knowledge.facts import DAYS, Boutique, Knowledge

_LOCALE = {"fr": "fr_FR", "en": "en_GB"}
# French takes "au" before a masculine country, "aux" before a plural one, "à" before islands and city-states.
_FR_AU = {"MX", "KH", "MZ", "ZW", "BZ"}
_FR_A = {"MC", "SG", "MT", "CY", "CU", "MG", "MU", "SM", "VA", "LI", "AD", "HK"}
_FR_AUX = {"US", "NL", "AE", "PH", "MV", "SC", "KM", "BS"}
_EN_THE = {"GB", "US", "NL", "AE", "PH", "CZ", "BS", "MV", "SC", "KM", "DO", "CF", "VA"}


def price(value: float, currency: str, language: str) -> str:
    text = format_currency(value, currency, locale=_LOCALE[language]).replace("\xa0", " ").replace("\u202f", " ")
    return text.replace(",00 ", " ").replace(".00", "") if float(value).is_integer() else text


def country_name(code: str, language: str) -> str:
    return Locale(language).territories.get(code, code)


def to_country(code: str, language: str) -> str:
    """"en Belgique", "au Royaume-Uni", "aux États-Unis" / "to Belgium", "to the United Kingdom"."""
    name = country_name(code, language)
    if language == "en":
        return f"to the {name}" if code in _EN_THE else f"to {name}"
    if code in _FR_AUX:
        return f"aux {name}"
    if code in _FR_A:
        return f"à {name}"
    if name[0].lower() in "aeiouéèêîô" or (name.endswith("e") and code not in _FR_AU):
        return f"en {name}"
    return f"au {name}"


def clock(value: str, language: str) -> str:
    t = dt.time.fromisoformat(value)
    if language == "fr":
        return f"{t.hour} h" + (f" {t.minute:02d}" if t.minute else "")
    hour = t.hour % 12 or 12
    return f"{hour}{':%02d' % t.minute if t.minute else ''} {'am' if t.hour < 12 else 'pm'}"


def span(ranges: tuple[str, ...], language: str) -> str:
    """("10:00-19:30",) → "de 10 h à 19 h 30" / "from 10 am to 7:30 pm"."""
    parts = []
    for item in ranges:
        start, end = item.split("-")
        parts.append(f"de {clock(start, language)} à {clock(end, language)}" if language == "fr"
                     else f"from {clock(start, language)} to {clock(end, language)}")
    return (" et " if language == "fr" else " and ").join(parts)


def day_name(day: str, language: str) -> str:
    return Locale(language).days["format"]["wide"][DAYS.index(day)]


def date_name(day: dt.date, language: str) -> str:
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {Locale('fr').months['format']['wide'][day.month]}"
    return f"{day.day} {Locale('en').months['format']['wide'][day.month]}"


def delivery(k: Knowledge, code: str, language: str) -> str:
    zone = k.zone_of(code)
    where = to_country(code, language)
    if zone is None:
        served = sorted({c for z in k.zones for c in z.countries})
        if language == "fr":
            return (f"Non, nous ne livrons pas {where} pour le moment. Nous livrons dans {len(served)} pays, "
                    f"dont la France, la Belgique et la Suisse.")
        return (f"No, we do not deliver {where} at the moment. We deliver to {len(served)} countries, "
                f"including France, Belgium and Switzerland.")
    low, high = zone.days
    cost = price(zone.price, k.currency, language)
    if language == "fr":
        text = f"Oui, nous livrons {where} en {low} à {high} jours ouvrés, pour {cost}."
        if zone.free_from is not None:
            text += f" La livraison y est offerte dès {price(zone.free_from, k.currency, language)} d'achat."
        return text
    text = f"Yes, we deliver {where} in {low} to {high} working days, for {cost}."
    if zone.free_from is not None:
        text += f" Delivery there is free from {price(zone.free_from, k.currency, language)}."
    return text


def where(b: Boutique, language: str) -> str:
    label = b.city if b.name == b.city else f"{b.city} {b.name}"
    if language == "fr":
        return f"notre boutique d'{label}" if label[0].lower() in "aeiouyéèêh" else f"notre boutique de {label}"
    return f"our {label} boutique"


def where_all(boutiques: list[Boutique], language: str) -> str:
    """"nos boutiques de Lyon, de Nantes et d'Annecy" / "our Lyon, Nantes and Annecy boutiques"."""
    if len(boutiques) == 1:
        return where(boutiques[0], language)
    labels = [b.city if b.name == b.city else f"{b.city} {b.name}" for b in boutiques]
    if language == "fr":
        parts = [f"d'{l}" if l[0].lower() in "aeiouyéèêh" else f"de {l}" for l in labels]
        return f"nos boutiques {', '.join(parts[:-1])} et {parts[-1]}"
    return f"our {', '.join(labels[:-1])} and {labels[-1]} boutiques"


def boutique_week(b: Boutique, language: str) -> str:
    """"Notre boutique de Lyon est ouverte du lundi au samedi de 10 h à 19 h 30, et fermée le dimanche."""
    groups: list[tuple[list[str], tuple[str, ...]]] = []
    for day in DAYS:
        hours = b.hours.get(day, ())
        if groups and groups[-1][1] == hours:
            groups[-1][0].append(day)
        else:
            groups.append(([day], hours))
    pieces = []
    for days, hours in groups:
        first, last = day_name(days[0], language), day_name(days[-1], language)
        if language == "fr":
            when = f"du {first} au {last}" if len(days) > 1 else f"le {first}"
            pieces.append(f"{when} {span(hours, language)}" if hours else f"fermée {when}")
        else:
            when = f"{first} to {last}" if len(days) > 1 else f"on {first}s"
            pieces.append(f"{when} {span(hours, language)}" if hours else f"closed {when}")
    joined = (", et " if language == "fr" else ", and ").join([", ".join(pieces[:-1]), pieces[-1]]) \
        if len(pieces) > 1 else pieces[0]
    place = where(b, language)
    verb = "est ouverte" if language == "fr" else "is open"
    if joined.startswith(("fermée", "closed")):
        verb = "est" if language == "fr" else "is"
    return f"{place[0].upper()}{place[1:]} {verb} {joined}."


def boutique_address(b: Boutique, language: str) -> str:
    place = where(b, language)
    return f"{place[0].upper()}{place[1:]} {'se trouve au' if language == 'fr' else 'is at'} {b.address}."


def opening_on(k: Knowledge, day: dt.date | str, language: str, boutique: Boutique | None = None) -> str:
    """Whether the boutiques (or one of them) open on a weekday or a date, and when — yes or no first."""
    holiday = k.holiday_name(day, language) if isinstance(day, dt.date) else ""
    if isinstance(day, dt.date):
        label = date_name(day, language)
        when = f"le {label}" if language == "fr" else f"on {label}"
    else:
        when = f"le {day_name(day, language)}" if language == "fr" else f"on {day_name(day, language)}s"
    shops = [boutique] if boutique else list(k.boutiques)
    hours = {b.name: k.hours_on(day, b) if not (isinstance(day, dt.date) and holiday) else k.hours_on(day)
             for b in shops} if shops else {"": k.hours_on(day)}
    opened = {name: h for name, h in hours.items() if h}
    subject_fr = where(boutique, "fr") if boutique else "nos boutiques"
    subject_en = where(boutique, "en") if boutique else "our boutiques"
    if not opened:
        return (f"Non, {subject_fr} {'est fermée' if boutique else 'sont fermées'} {when}." if language == "fr"
                else f"No, {subject_en} {'is' if boutique else 'are'} closed {when}.")
    distinct = set(opened.values())
    if len(opened) == len(hours) and len(distinct) == 1:
        times = span(next(iter(distinct)), language)
        if not isinstance(day, dt.date):
            return (f"{when[0].upper()}{when[1:]}, {subject_fr} {'est ouverte' if boutique else 'sont ouvertes'} {times}."
                    if language == "fr" else
                    f"{when[0].upper()}{when[1:]}, {subject_en} {'is' if boutique else 'are'} open {times}.")
        return (f"Oui, {when}, {subject_fr} {'est ouverte' if boutique else 'sont ouvertes'} {times}." if language == "fr"
                else f"Yes, {when}, {subject_en} {'is' if boutique else 'are'} open {times}.")
    by_hours: dict[tuple[str, ...], list[str]] = {}
    for b in shops:
        if opened.get(b.name):
            by_hours.setdefault(opened[b.name], []).append(b.city if b.name == b.city else f"{b.city} {b.name}")
    parts = [f"{', '.join(names)} {span(h, language)}" for h, names in by_hours.items()]
    if language == "fr":
        return f"{when[0].upper()}{when[1:]}, nous n'ouvrons que certaines boutiques : {' ; '.join(parts)}."
    return f"{when[0].upper()}{when[1:]}, we open only some of our boutiques: {'; '.join(parts)}."
