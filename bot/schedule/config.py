"""The ``staffing`` section of ``brand.yml`` → ``StaffedHours``, validated with the bad key named.

```yaml
staffing:
  time_zone: Europe/Paris             # IANA name
  during_staffed_hours: approve_first # approve_first | autopilot
  weekly:                             # a day left out is closed
    monday: ["09:00-12:30", "13:30-18:00"]
  holidays:
    country: FR                       # ISO 3166 code known to the holidays package
    subdivision: "57"                 # optional ("57" Moselle, "6AE" Alsace: Good Friday, 26 December)
    language: fr                      # the language of the names (always given)
    working: ["Lundi de Pentecôte"]   # holidays the team works: names in that language, or dates
  exceptions:
    - {date: "12-24", every_year: true, hours: ["09:00-16:00"], label: Christmas Eve}
    - {from: "2027-08-09", to: "2027-08-20", closed: true, label: summer break}
  messages:                           # per brand language: what fans are told outside staffed hours
    fr: {away: "Notre équipe vous répondra {day} à partir de {time}."}
```
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_calendars

from bot.errors import ConfigError
from bot.schedule.hours import MODES, DatedException, HolidayCalendar, Period, StaffedHours
from bot.schedule.wording import LANGUAGES

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KEYS = {"time_zone", "during_staffed_hours", "weekly", "holidays", "exceptions", "messages"}
HOLIDAY_KEYS = {"country", "subdivision", "language", "working"}
EXCEPTION_KEYS = {"date", "from", "to", "every_year", "closed", "hours", "label"}
MESSAGE_KEYS = {"away"}
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _minutes(hours: str, minutes: str, where: str, *, end: bool) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60 or (value == 24 * 60 and not end):
        raise ConfigError(f"{where}: {hours}:{minutes} is not a time of day")
    return value


def periods(raw: Any, where: str) -> tuple[Period, ...]:
    """``["09:00-12:30", "14:00-18:00"]`` → sorted periods; overlapping or empty ones are refused."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where} must be a list of \"HH:MM-HH:MM\" periods")
    out = []
    for item in raw:
        match = _PERIOD.match(item) if isinstance(item, str) else None
        if not match:
            raise ConfigError(f"{where}: {item!r} is not a \"HH:MM-HH:MM\" period")
        start = _minutes(match[1], match[2], where, end=False)
        end = _minutes(match[3], match[4], where, end=True)
        if end <= start:
            raise ConfigError(f"{where}: {item!r} ends before it starts (a period cannot cross midnight; "
                              "split it at 24:00)")
        out.append(Period(start, end))
    out.sort(key=lambda p: p.start)
    for a, b in zip(out, out[1:]):
        if b.start < a.end:
            raise ConfigError(f"{where}: {a.label()} and {b.label()} overlap")
    return tuple(out)


def _date(raw: Any, where: str, every_year: bool) -> dt.date:
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
    try:
        if every_year and re.fullmatch(r"\d{2}-\d{2}", text):
            return dt.date.fromisoformat(f"2000-{text}")  # a leap year, so 02-29 is accepted
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{where}: {raw!r} is not a date (YYYY-MM-DD, or MM-DD with every_year)") from None


def _exception(raw: Any, where: str) -> DatedException:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping")
    unknown = set(raw) - EXCEPTION_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]} (allowed: {', '.join(sorted(EXCEPTION_KEYS))})")
    every_year = raw.get("every_year", False)
    if not isinstance(every_year, bool):
        raise ConfigError(f"{where}.every_year must be true or false")
    if "date" in raw and ("from" in raw or "to" in raw):
        raise ConfigError(f"{where}: give date, or from and to, not both")
    if "date" in raw:
        first = last = _date(raw["date"], f"{where}.date", every_year)
    elif "from" in raw and "to" in raw:
        first, last = _date(raw["from"], f"{where}.from", every_year), _date(raw["to"], f"{where}.to", every_year)
        if last < first and not every_year:
            raise ConfigError(f"{where}: to is before from")
    else:
        raise ConfigError(f"{where}: missing date (or from and to)")
    closed = raw.get("closed", False)
    if closed not in (True, False):
        raise ConfigError(f"{where}.closed must be true or false")
    if closed == ("hours" in raw):
        raise ConfigError(f"{where}: give closed: true or hours, exactly one of them")
    label = raw.get("label", "")
    if not isinstance(label, str):
        raise ConfigError(f"{where}.label must be a string")
    return DatedException(first, last, () if closed else periods(raw["hours"], f"{where}.hours"), every_year, label)


def _holidays(raw: Any, where: str) -> HolidayCalendar | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping")
    unknown = set(raw) - HOLIDAY_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]} (allowed: {', '.join(sorted(HOLIDAY_KEYS))})")
    country = raw.get("country")
    if not isinstance(country, str) or country.upper() not in holiday_calendars.list_supported_countries():
        raise ConfigError(f"{where}.country: {country!r} is not a country the holidays package knows")
    country = country.upper()
    calendar_class = holiday_calendars.country_holidays(country).__class__
    subdivision = raw.get("subdivision")
    if subdivision is not None:
        subdivision = str(subdivision)
        if subdivision not in calendar_class.subdivisions:
            raise ConfigError(f"{where}.subdivision: {subdivision!r} is not a subdivision of {country} "
                              f"({', '.join(calendar_class.subdivisions)})")
    language = raw.get("language")
    supported = tuple(calendar_class.supported_languages)
    if language not in supported:
        raise ConfigError(f"{where}.language: {language!r} must be one of {', '.join(supported)}")
    working = raw.get("working") or []
    if not isinstance(working, list) or not all(isinstance(w, (str, dt.date)) for w in working):
        raise ConfigError(f"{where}.working must be a list of holiday names or dates")
    calendar = HolidayCalendar(country, subdivision, language)
    this_year = dt.date.today().year
    known = {n.strip() for _, names in calendar.between(dt.date(this_year - 1, 1, 1), dt.date(this_year + 2, 12, 31))
             for n in names.split(";")}
    names = set()
    for item in working:
        if isinstance(item, dt.date) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
            names.add(_date(item, f"{where}.working", False).isoformat())
        elif item in known:
            names.add(item)
        else:
            raise ConfigError(f"{where}.working: {item!r} is not a holiday name in {language} "
                              f"({', '.join(sorted(known))})")
    return HolidayCalendar(country, subdivision, language, frozenset(names))


def messages(raw: Any, where: str, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The away text of each brand language (required) and of the other languages this project can date
    (``bot.schedule.wording.LANGUAGES``: optional, for the fans told in their own language that the brand
    answers in others)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must give, for each of {', '.join(languages)}, the away text")
    unknown_languages = sorted(set(raw) - set(languages) - set(LANGUAGES))
    if unknown_languages:
        raise ConfigError(f"{where}: no day and time wording for language {unknown_languages[0]!r} "
                          f"(known: {', '.join(LANGUAGES)})")
    out = {}
    for language in [*languages, *(l for l in raw if l not in languages)]:
        texts = raw.get(language)
        if not isinstance(texts, dict) or not isinstance(texts.get("away"), str):
            raise ConfigError(f"{where}.{language}.away missing")
        unknown = set(texts) - MESSAGE_KEYS
        if unknown:
            raise ConfigError(f"{where}.{language}: unknown key {sorted(unknown)[0]}")
        fields = set(re.findall(r"\{(\w*)\}", texts["away"]))
        if fields - {"day", "time"}:
            raise ConfigError(f"{where}.{language}.away uses unknown variable {{{sorted(fields - {'day', 'time'})[0]}}}"
                              " (allowed: {day}, {time})")
        out[language] = dict(texts)
    return out


def staffed_hours(raw: Any, source: str, languages: tuple[str, ...]) -> tuple[StaffedHours, dict]:
    """The validated ``staffing`` section and its fan-facing texts."""
    where = f"{source}: staffing"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping")
    unknown = set(raw) - KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]} (allowed: {', '.join(sorted(KEYS))})")
    try:
        zone = ZoneInfo(str(raw.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}.time_zone: {raw.get('time_zone')!r} is not an IANA time zone") from None
    mode = raw.get("during_staffed_hours", "autopilot")
    if mode not in MODES:
        raise ConfigError(f"{where}.during_staffed_hours must be {' or '.join(MODES)}, got {mode!r}")
    weekly_raw = raw.get("weekly")
    if not isinstance(weekly_raw, dict):
        raise ConfigError(f"{where}.weekly must map weekdays (monday … sunday) to periods")
    bad_day = set(weekly_raw) - set(WEEKDAYS)
    if bad_day:
        raise ConfigError(f"{where}.weekly: {sorted(bad_day)[0]!r} is not a weekday (monday … sunday)")
    weekly = {i: periods(weekly_raw.get(day), f"{where}.weekly.{day}") for i, day in enumerate(WEEKDAYS)}
    exceptions_raw = raw.get("exceptions") or []
    if not isinstance(exceptions_raw, list):
        raise ConfigError(f"{where}.exceptions must be a list")
    exceptions = tuple(_exception(e, f"{where}.exceptions[{i}]") for i, e in enumerate(exceptions_raw))
    hours = StaffedHours(zone=zone, weekly=weekly, holidays=_holidays(raw.get("holidays"), f"{where}.holidays"),
                         exceptions=exceptions, mode=mode, languages=languages)
    return hours, messages(raw.get("messages"), f"{where}.messages", languages)
