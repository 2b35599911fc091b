"""A held draft greets the fan as it is when it goes out, not as it was when it was written.

A draft written at 23:00 opens with « Bonsoir » and closes with « Belle soirée » ; approved at 9:00 the
next morning it must say « Bonjour » and « Belle journée ». The brand's own shape (``bot.voice.shape``)
gives the greeting and the closing of any moment; :func:`for_now` swaps a draft's greeting and closing
for the ones of the moment it is shown (and sent), leaving every other word as the bot or the CM wrote it.
"""

from __future__ import annotations

import datetime as dt

from bot.brand import current_brand
from bot.errors import ConfigError
from bot.voice import Moment, moment, shape

_MARK = "\u2063BODY\u2063"  # an invisible separator: the body's place in a shaped reply
_DAY, _EVENING = Moment(dt.time(10, 0)), Moment(dt.time(21, 0))


def _ends(brand, language: str, first_name: str | None, at: Moment) -> tuple[str, str]:
    """The greeting paragraph and the closing line the brand gives a reply at ``at``."""
    shaped = shape(brand, _MARK, language, first_name=first_name, at=at)
    before, after = shaped.split(_MARK, 1)
    greeting = before.split("\n\n")[0] if "\n\n" in before else ""
    closing = after.strip("\n").split("\n")[0] if after.strip("\n") else ""
    return greeting, closing


def for_now(draft: str, language: str, first_name: str | None, now: float, brand_file: str | None) -> str:
    """``draft`` with its greeting and closing those of ``now`` (epoch seconds) in the brand's time zone."""
    try:
        brand = current_brand(brand_file)
    except (ConfigError, OSError):
        return draft
    if language not in brand.voice or not draft.strip():
        return draft
    current = moment(brand, now, None)
    paragraphs = draft.split("\n\n")
    if len(paragraphs) < 2:  # a reply without the brand's shape around it: nothing to re-render
        return draft
    try:
        for name in dict.fromkeys([first_name or None, None]):
            day, evening, then = (_ends(brand, language, name, m) for m in (_DAY, _EVENING, current))
            if paragraphs[0].strip() in {day[0], evening[0]} - {""}:
                paragraphs[0] = then[0]
                break
        lines = paragraphs[-1].split("\n")
        if lines[0].strip() in {day[1], evening[1]} - {""}:
            lines[0] = then[1]
            paragraphs[-1] = "\n".join(lines)
    except (KeyError, ValueError):
        return draft
    return "\n\n".join(paragraphs)
