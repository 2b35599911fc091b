"""Staffed hours: whether a person is there to read a fan now, and when one next will be.

``hours`` computes (weekly hours, holidays, exceptions, in the brand's time
zone), ``config`` reads the ``staffing`` section of ``brand.yml``, ``wording``
writes days and times in each language. ``coverage`` is what the pipeline
asks for one message: the answer it passes on to the policy and to the
holding message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.brand import Brand
from bot.schedule.wording import away_text

OPEN_DAYS_AHEAD = 60  # an opening further away than this is not promised to a fan


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the team's hours mean for one message."""

    staffed: bool  # a person is there now (always, for a brand without a staffing section)
    review_sends: bool  # during staffed hours the brand approves every draft first (approve_first)
    next_opening: dt.datetime | None  # when a person is next there; None when none is scheduled

    @property
    def reason(self) -> str:
        return "staffed:approve_first" if self.review_sends else ("staffed" if self.staffed else "after_hours")


def coverage(brand: Brand, at: dt.datetime) -> Coverage:
    hours = brand.staffing
    if hours is None:
        return Coverage(True, False, at)
    if hours.is_staffed(at):
        return Coverage(True, hours.mode == "approve_first", hours.local(at))
    opening = hours.next_opening(at)
    if opening is not None and opening - at > dt.timedelta(days=OPEN_DAYS_AHEAD):
        opening = None
    return Coverage(False, False, opening)


def away_sentence(brand: Brand, cover: Coverage, language: str) -> str:
    """What a fan handed to a person outside staffed hours is told about when the team will read them
    (empty during staffed hours, or when no opening is scheduled: the holding message says "as soon as
    possible" then)."""
    if cover.staffed or cover.next_opening is None or not brand.staffing_messages:
        return ""
    texts = brand.staffing_messages.get(language) or brand.staffing_messages.get(brand.languages[0]) or {}
    template = texts.get("away", "")
    if not template:
        return ""
    lang = language if language in brand.staffing_messages else brand.languages[0]
    return away_text(template, cover.next_opening, lang, brand.english)


def notice_language(brand: Brand, language: str) -> str:
    """The language a fan's holding message is written in: theirs when the brand answers in it or has a notice
    in it (``other_languages``), else English."""
    return language if language in brand.languages or language in brand.other_languages else "en"


def with_away(holding: str, brand: Brand, cover: Coverage, language: str) -> str:
    """The holding message with the away sentence after it, in the language the message is written in
    (unchanged during staffed hours, or when the brand has no away sentence in that language)."""
    written = notice_language(brand, language)
    sentence = away_sentence(brand, cover, written) if written in (brand.staffing_messages or {}) else ""
    if not sentence or not holding.strip():
        return holding
    parts = holding.rstrip().split("\n\n")
    if len(parts) >= 2:  # the brand's shape: the sentence ends the body, before the closing and signature
        parts[-2] = f"{parts[-2].rstrip()} {sentence}"
        return "\n\n".join(parts)
    return f"{holding.rstrip()} {sentence}"
