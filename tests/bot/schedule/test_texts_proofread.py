"""What fans read outside staffed hours passes the brand's own proofreader, as ``relais lint`` checks answers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.brand import load_brand
from bot.proofreading.typography import apply_safe_fixes
from bot.schedule.wording import away_text
from tests.helpers import shared_proofreader

BRAND = load_brand()
OPENINGS = [dt.datetime(2027, 7, 15, 9, 0), dt.datetime(2027, 3, 1, 13, 30), dt.datetime(2027, 12, 24, 9, 0)]


def texts():
    for language in BRAND.languages:
        yield f"disclosure.{language}", language, BRAND.disclosure[language]
        for opening in OPENINGS:
            yield (f"staffing.messages.{language}.away ({opening:%Y-%m-%d %H:%M})", language,
                   away_text(BRAND.staffing_messages[language]["away"],
                             opening.replace(tzinfo=ZoneInfo("Europe/Paris")), language, BRAND.english))


@pytest.mark.parametrize("key, language, text", list(texts()), ids=lambda v: v if isinstance(v, str) and "." in v
                         else None)
async def test_no_proofreading_issue(key, language, text):
    checked = await shared_proofreader().check(apply_safe_fixes(text, language), language)
    assert checked.issues == [], (key, [i.as_dict(checked.text) for i in checked.issues])
