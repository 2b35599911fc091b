"""The brand's structured facts (``brand.yml`` → ``knowledge``): where it delivers, its boutiques, holidays.

Answers to "do you ship to the UK?", "and Lyon?" or "open on 1 May?" are
built from these facts, never typed twice: a price or a delay exists once and
is written in each language by :mod:`babel` (``4,90 €`` / ``€4.90``), so the
French and English answers cannot disagree.

    knowledge:
      currency: EUR
      delivery:                       # zones, in order; a country in no zone is not delivered
        - {countries: [FR], price: 4.90, free_from: 60, days: [3, 5]}
      country_aliases: {GB: [uk, angleterre]}   # besides the names Babel knows in each language
      weekly_hours: {monday: "10:00-19:30", …, sunday: closed}
      boutiques:
        - {city: Lyon, name: Lyon, address: "…", sunday: closed}
      holidays: {hours: "11:00-18:00", closed: ["01-01", "05-01", "12-25"], country: FR}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.errors import ConfigError

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Zone:
    countries: tuple[str, ...]
    price: float
    days: tuple[int, int]
    free_from: float | None = None


@dataclass(frozen=True, slots=True)
class Boutique:
    name: str  # how fans name it: "Lyon", "Marais"
    city: str
    address: str
    hours: dict[str, tuple[str, ...]]  # weekday → ("10:00-19:30",) or () when closed
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Knowledge:
    currency: str = "EUR"
    zones: tuple[Zone, ...] = ()
    country_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weekly_hours: dict[str, tuple[str, ...]] = field(default_factory=dict)
    boutiques: tuple[Boutique, ...] = ()
    holiday_hours: tuple[str, ...] = ()
    holidays_closed: frozenset[str] = frozenset()  # "MM-DD"
    holiday_country: str = "FR"

    def zone_of(self, country: str) -> Zone | None:
        return next((z for z in self.zones if country in z.countries), None)

    def boutique(self, name: str) -> Boutique | None:
        wanted = name.casefold()
        return next((b for b in self.boutiques if wanted in (b.name.casefold(), b.city.casefold())), None)

    def boutiques_in(self, city: str) -> list[Boutique]:
        return [b for b in self.boutiques if b.city.casefold() == city.casefold()]

    def hours_on(self, day: dt.date | str, boutique: Boutique | None = None) -> tuple[str, ...]:
        """Opening ranges on a weekday name or a date (a public holiday has its own hours, or none)."""
        if isinstance(day, dt.date):
            if f"{day.month:02d}-{day.day:02d}" in self.holidays_closed:
                return ()
            if self.holiday_name(day, "en"):
                return self.holiday_hours
            day = DAYS[day.weekday()]
        table = boutique.hours if boutique else self.weekly_hours
        return table.get(day, self.weekly_hours.get(day, ()))

    def holiday_name(self, day: dt.date, language: str) -> str:
        return str(_holidays(self.holiday_country, day.year, "fr" if language == "fr" else "en_US").get(day) or "")


@lru_cache(maxsize=16)
def _holidays(country: str, year: int, language: str):
    """A country's public holidays for one year, built once (a date answer asks for each boutique)."""
    import holidays

    return holidays.country_holidays(country, years=year, language=language)


def _ranges(value: Any, where: str) -> tuple[str, ...]:
    if value in (CLOSED, None, []):
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and len(v.split("-")) == 2 for v in items):
        raise ConfigError(f"{where}: opening hours must be \"HH:MM-HH:MM\", a list of them, or closed")
    for item in items:
        for part in item.split("-"):
            try:
                dt.time.fromisoformat(part)
            except ValueError:
                raise ConfigError(f"{where}: {part!r} is not a time HH:MM") from None
    return tuple(items)


def _week(data: Any, where: str, base: dict[str, tuple[str, ...]] | None = None) -> dict[str, tuple[str, ...]]:
    if not isinstance(data or {}, dict) or set(data or {}) - set(DAYS):
        raise ConfigError(f"{where}: only weekdays ({', '.join(DAYS)}) may be given")
    week = dict(base or {})
    week.update({day: _ranges(value, f"{where}.{day}") for day, value in (data or {}).items()})
    return week


def load_knowledge(data: Any, source: str) -> Knowledge:
    """Validate the ``knowledge`` section, naming the faulty key."""
    if data is None:
        return Knowledge()
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: knowledge must be a mapping")
    zones = []
    for n, raw in enumerate(data.get("delivery") or []):
        where = f"{source}: knowledge.delivery[{n}]"
        try:
            countries = tuple(str(c).upper() for c in raw["countries"])
            low, high = (int(d) for d in raw["days"])
            price = float(raw["price"])
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"{where} needs countries (ISO codes), price and days [min, max]") from None
        free = raw.get("free_from")
        zones.append(Zone(countries, price, (low, high), float(free) if free is not None else None))
    weekly = _week(data.get("weekly_hours"), f"{source}: knowledge.weekly_hours")
    boutiques = []
    for n, raw in enumerate(data.get("boutiques") or []):
        where = f"{source}: knowledge.boutiques[{n}]"
        if not isinstance(raw, dict) or not raw.get("city") or not raw.get("address"):
            raise ConfigError(f"{where} needs city and address")
        hours = _week({k: v for k, v in raw.items() if k in DAYS}, where, weekly)
        boutiques.append(Boutique(str(raw.get("name") or raw["city"]), str(raw["city"]), str(raw["address"]), hours,
                                  tuple(str(a) for a in raw.get("aliases") or ())))
    holidays_raw = data.get("holidays") or {}
    aliases = {str(code).upper(): tuple(str(a) for a in names)
               for code, names in (data.get("country_aliases") or {}).items()}
    return Knowledge(currency=str(data.get("currency") or "EUR"), zones=tuple(zones), country_aliases=aliases,
                     weekly_hours=weekly, boutiques=tuple(boutiques),
                     holiday_hours=_ranges(holidays_raw.get("hours"), f"{source}: knowledge.holidays.hours"),
                     holidays_closed=frozenset(str(d) for d in holidays_raw.get("closed") or ()),
                     holiday_country=str(holidays_raw.get("country") or "FR"))
