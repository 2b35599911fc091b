"""One voice for every reply: the shape the brand file gives each message the bot sends.

Every reply type — an FAQ answer, an order status, a holding message, a
fallback, small talk — is built from its body by :func:`shape`, so a fan never
sees the bot change tone from one message to the next:

* the **greeting** opens the first reply of a conversation only (a conversation
  starts again after ``voice.new_conversation_after_hours`` of silence from the
  bot), in its evening form after ``voice.evening_from`` in the brand's time
  zone ("Bonsoir" after 18:00), by first name when the platform gives it;
* the **thanks** comes once, on that first reply, and never for small talk (a
  "merci" is not thanked for) nor when the body already thanks the fan;
* then the **body**, the **closing** (evening form in the evening; not after
  small talk, whose answer is itself a closing) and the **signature**, always.

:func:`person_problems` is the grammatical-person check ``relais lint`` runs on
every text the bot can send: a brand that speaks as "nous" never says "je".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ANSWER, SMALL_TALK, HOLDING = "answer", "small_talk", "holding"
DEFAULT_EVENING_FROM = dt.time(18, 0)
DEFAULT_NEW_CONVERSATION_H = 6.0

# The first-person singular and plural, per language: what a brand speaking as "nous"/"we" must not use.
_SINGULAR = {
    "fr": re.compile(r"(?i)(?<![\w-])(je|j['’]|moi|mon|ma|mes|me|m['’](?=[aeiouhéèêy]))(?![\w-])"),
    "en": re.compile(r"(?<![\w'’-])(I|I['’]m|I['’]ll|I['’]ve|I['’]d|me|my|mine|myself)(?![\w'’-])"),
}
_PLURAL = {
    "fr": re.compile(r"(?i)(?<![\w-])(nous|notre|nos)(?![\w-])"),
    "en": re.compile(r"(?i)(?<![\w'’-])(we|we['’]re|we['’]ll|us|our|ours)(?![\w'’-])"),
}
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")  # a button's label, quoted, is not the brand speaking
_THANKS = {"fr": re.compile(r"(?i)^\s*merci\b"), "en": re.compile(r"(?i)^\s*thank(s| you)\b")}


@dataclass(frozen=True, slots=True)
class Moment:
    """When a reply is written, as the shape needs it: the local time and whether it opens the conversation."""

    local_time: dt.time = dt.time(12, 0)
    first_reply: bool = True


def moment(brand, sent_at: float, last_reply_at: float | None) -> Moment:
    """The moment of a reply to a message sent at ``sent_at`` (epoch seconds), the bot's previous reply in
    this conversation having been written at ``last_reply_at`` (None: never)."""
    zone = ZoneInfo(brand.time_zone)
    local = dt.datetime.fromtimestamp(sent_at, zone).time()
    gap_h = brand.new_conversation_after_hours
    first = last_reply_at is None or (sent_at - float(last_reply_at)) >= gap_h * 3600
    return Moment(local, first)


def _fill(brand, template: str, language: str, first_name: str | None) -> str:
    return brand.fill(template, language, first_name)


def _evening(brand, at: Moment) -> bool:
    return at.local_time >= brand.evening_from or at.local_time < dt.time(4, 0)


def shape(brand, body: str, language: str, *, kind: str = ANSWER, first_name: str | None = None,
          at: Moment = Moment()) -> str:
    """The reply the fan reads: greeting, thanks, body, closing and signature as the brand file shapes them."""
    voice = brand.voice[language]
    evening = _evening(brand, at)
    parts: list[str] = []
    if at.first_reply:
        greeting = voice.get("greeting_evening") if evening and voice.get("greeting_evening") else voice["greeting"]
        parts.append(_fill(brand, greeting, language, first_name))
    body = body.strip()
    thanks_due = at.first_reply and kind != SMALL_TALK and not _THANKS[language].search(body) \
        if language in _THANKS else at.first_reply and kind != SMALL_TALK
    if thanks_due:
        body = f"{_fill(brand, voice['thanks'], language, None)} {body}"
    parts.append(body)
    closing = ""
    if kind != SMALL_TALK:
        closing = voice.get("closing_evening") if evening and voice.get("closing_evening") else voice["closing"]
        closing = _fill(brand, closing, language, None)
    signature = _fill(brand, voice["signature"], language, None)
    parts.append("\n".join(p for p in (closing, signature) if p))
    return "\n\n".join(p for p in parts if p)


def _plain(text: str) -> str:
    """A line compared as words: typographic spaces and apostrophes read as plain ones."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'").split())


def without_closing(brand, text: str, language: str) -> str:
    """The reply with its cheerful closing ("Belle soirée à vous !") left out, the signature kept: what a fan
    who reported a problem, or insulted the brand, is sent — wishing them a lovely evening would read as not
    having read them."""
    voice = brand.voice.get(language) or {}
    closings = {_plain(_fill(brand, voice[key], language, None)) for key in ("closing", "closing_evening")
                if voice.get(key)}
    if not closings:
        return text
    parts = text.split("\n\n")
    lines = parts[-1].split("\n")
    if lines and _plain(lines[0]) in closings:
        lines = lines[1:]
        parts[-1] = "\n".join(lines)
    return "\n\n".join(p for p in parts if p.strip())


def person_problems(text: str, language: str, person: str) -> list[str]:
    """Words of the wrong grammatical person for a brand speaking as ``person`` (``nous``/``we`` or ``je``/``I``)."""
    if language not in _SINGULAR:
        return []
    wrong = _SINGULAR[language] if person in ("nous", "we") else _PLURAL[language]
    return sorted({m.group(0) for m in wrong.finditer(_QUOTED.sub(" ", text))})
