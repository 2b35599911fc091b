"""``relais schedule``: the CM team's next openings and closings, and the next public holidays.

``relais schedule`` prints the next 14 days and the next 5 holidays;
``relais schedule --at "2027-07-14 10:00"`` (wall-clock time in the brand's
zone) says whether the team is there then, why, and when it is next. In
the brand's first language, or ``--language``.
"""

from __future__ import annotations

import datetime as dt

from bot.brand import Brand
from bot.errors import ConfigError
from bot.schedule.hours import DayHours, StaffedHours
from bot.schedule.wording import day_text, time_text

LABELS = {
    "fr": {"title": "Équipe ({zone}) — {mode}", "opens": "ouverture", "closes": "fermeture",
           "next_days": "Les {days} prochains jours :", "holidays": "Prochains jours fériés :",
           "closed": "fermé", "hours": "horaires", "in": "L'équipe est là le {moment}",
           "out": "L'équipe n'est pas là le {moment}", "next": "Prochaine ouverture : {moment}.",
           "none": "Aucune ouverture prévue.", "until": "Jusqu'à {time}.", "why_holiday": "jour férié : {name}",
           "why_worked": "jour férié travaillé : {name}", "why_exception": "exception : {name}",
           "why_weekly": "horaires de la semaine", "at": "{day} à {time}",
           "approve_first": "pendant les heures de présence, chaque brouillon attend l'accord d'un CM",
           "autopilot": "pendant les heures de présence, les réponses sûres partent seules",
           "no_staffing": "brand.yml n'a pas de section staffing : Relais se comporte comme si l'équipe était "
                          "toujours là."},
    "en": {"title": "Team ({zone}) — {mode}", "opens": "opens", "closes": "closes",
           "next_days": "The next {days} days:", "holidays": "Next public holidays:",
           "closed": "closed", "hours": "hours", "in": "The team is in on {moment}",
           "out": "The team is not in on {moment}", "next": "Next opening: {moment}.",
           "none": "No opening scheduled.", "until": "Until {time}.", "why_holiday": "public holiday: {name}",
           "why_worked": "public holiday, worked: {name}", "why_exception": "exception: {name}",
           "why_weekly": "weekly hours", "at": "{day} at {time}",
           "approve_first": "during staffed hours a CM approves every draft",
           "autopilot": "during staffed hours confident answers go out on their own",
           "no_staffing": "brand.yml has no staffing section: Relais acts as if the team were always in."},
}
HOLIDAY_LANGUAGE = {"fr": "fr", "en": "en_US"}


def parse_at(text: str, hours: StaffedHours) -> dt.datetime:
    """``2027-07-14 10:00`` (or ISO with an offset) → an aware moment; wall-clock times in the brand's zone."""
    try:
        at = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--at: {text!r} is not a date and time (YYYY-MM-DD HH:MM)") from None
    return at.replace(tzinfo=hours.zone) if at.tzinfo is None else at


def _moment(at: dt.datetime, language: str, english: str) -> str:
    return LABELS[language]["at"].format(day=day_text(at.date(), language, english), time=time_text(at, language))


def _why(hours: StaffedHours, day: DayHours, language: str) -> str:
    key = {"holiday": "why_holiday", "holiday_worked": "why_worked", "exception": "why_exception"}.get(day.why,
                                                                                                      "why_weekly")
    name = _holiday_name(hours, day.day, language, day.name) if day.why.startswith("holiday") else day.name
    return LABELS[language][key].format(name=name)


def _holiday_name(hours: StaffedHours, day: dt.date, language: str, fallback: str) -> str:
    wanted = HOLIDAY_LANGUAGE.get(language, language)
    if hours.holidays and wanted != hours.holidays.language:
        try:
            return hours.holidays.on(day, wanted) or fallback
        except (KeyError, ValueError, NotImplementedError):
            return fallback
    return fallback


def at_report(brand: Brand, at: dt.datetime, language: str) -> list[str]:
    labels, hours = LABELS[language], brand.staffing
    assert hours is not None
    local = hours.local(at)
    day = hours.hours_on(local.date())
    lines = [labels["in" if hours.is_staffed(local) else "out"].format(moment=_moment(local, language, brand.english))
             + f" ({_why(hours, day, language)})."]
    if hours.is_staffed(local):
        closing = hours.next_closing(local)
        lines.append(labels["until"].format(time=time_text(closing, language)))
    else:
        opening = hours.next_opening(local)
        lines.append(labels["next"].format(moment=_moment(opening, language, brand.english)) if opening
                     else labels["none"])
    return lines


def overview(brand: Brand, now: dt.datetime, language: str, days: int = 14, holidays: int = 5) -> list[str]:
    labels, hours = LABELS[language], brand.staffing
    assert hours is not None
    lines = [labels["title"].format(zone=hours.zone.key, mode=labels[hours.mode]), "",
             labels["next_days"].format(days=days)]
    for when, kind in hours.changes(now, days):
        lines.append(f"  {_moment(when, language, brand.english):<32} {labels[kind]}")
    lines += ["", labels["holidays"]]
    for day, name, day_hours in hours.next_holidays(now, holidays):
        shown = _holiday_name(hours, day, language, name)
        state = (labels["closed"] if not day_hours.periods
                 else f"{labels['hours']} " + ", ".join(p.label() for p in day_hours.periods))
        lines.append(f"  {day_text(day, language, brand.english) + f' {day.year}':<32} {shown} — {state}")
    return lines


def schedule(brand: Brand, *, now: dt.datetime, at: str | None = None, language: str | None = None) -> list[str]:
    language = language or brand.languages[0]
    if language not in LABELS:
        raise ConfigError(f"--language must be one of {', '.join(LABELS)}")
    if brand.staffing is None:
        return [LABELS[language]["no_staffing"]]
    if at is not None:
        return at_report(brand, parse_at(at, brand.staffing), language)
    return overview(brand, now, language)
