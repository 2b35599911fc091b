"""What the team's hours mean for one message: approve-first during staffed hours, the away sentence after."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from bot.brand import load_brand
from bot.pipeline.analysis import Analysis
from bot.pipeline.policy import ESCALATE, HOLD, SEND, Context, PolicyConfig, decide
from bot.schedule import away_sentence, coverage, with_away

PARIS = ZoneInfo("Europe/Paris")
BRAND = load_brand()
APPROVE_FIRST = dataclasses.replace(BRAND, staffing=dataclasses.replace(BRAND.staffing, mode="approve_first"))
CALM = {"label": "neutral", "scores": {"angry": 0.02, "negative": 0.03, "neutral": 0.9, "positive": 0.05}, "flags": {}}


def test_coverage_in_and_out_of_staffed_hours():
    inside = coverage(BRAND, dt.datetime(2027, 3, 10, 10, 0, tzinfo=PARIS))
    assert (inside.staffed, inside.review_sends, inside.reason) == (True, False, "staffed")
    assert coverage(APPROVE_FIRST, dt.datetime(2027, 3, 10, 10, 0, tzinfo=PARIS)).reason == "staffed:approve_first"
    saturday_night = coverage(APPROVE_FIRST, dt.datetime(2027, 3, 13, 23, 0, tzinfo=PARIS))
    assert (saturday_night.staffed, saturday_night.review_sends) == (False, False)  # no one to approve: autopilot
    assert saturday_night.next_opening == dt.datetime(2027, 3, 15, 9, 0, tzinfo=PARIS)
    always = coverage(dataclasses.replace(BRAND, staffing=None), dt.datetime(2027, 3, 13, 23, 0, tzinfo=PARIS))
    assert always.staffed and not always.review_sends


def test_the_away_sentence_in_each_language_and_only_when_away():
    night = coverage(BRAND, dt.datetime(2027, 3, 13, 23, 0, tzinfo=PARIS))
    assert away_sentence(BRAND, night, "fr") == "Notre équipe vous répondra lundi 15 mars à partir de 9 h."
    assert away_sentence(BRAND, night, "en") == "Our team will reply on Monday 15 March from 9 am."
    assert away_sentence(BRAND, night, "de") == "Unser Team antwortet Ihnen am Montag, 15. März ab 9 Uhr."
    assert away_sentence(BRAND, night, "es") == "Nuestro equipo le responderá el lunes 15 de marzo a partir de las 9:00."
    assert away_sentence(BRAND, night, "it") == "Il nostro team le risponderà lunedì 15 marzo dalle 9:00."
    lunch = coverage(BRAND, dt.datetime(2027, 3, 10, 12, 45, tzinfo=PARIS))
    assert away_sentence(BRAND, lunch, "en") == "Our team will reply on Wednesday 10 March from 1:30 pm."
    staffed = coverage(BRAND, dt.datetime(2027, 3, 10, 10, 0, tzinfo=PARIS))
    assert with_away("Un membre de notre équipe vous répondra.", BRAND, staffed, "fr") == \
        "Un membre de notre équipe vous répondra."
    assert with_away("A member of our team will reply.", BRAND, night, "en") == \
        "A member of our team will reply. Our team will reply on Monday 15 March from 9 am."
    closed_for_good = dataclasses.replace(BRAND, staffing=dataclasses.replace(BRAND.staffing, weekly={}, exceptions=()))
    never = coverage(closed_for_good, dt.datetime(2027, 3, 13, 23, 0, tzinfo=PARIS))
    assert never.next_opening is None and away_sentence(closed_for_good, never, "fr") == ""  # nothing promised


def test_approve_first_holds_what_would_be_sent_and_nothing_else_changes():
    cfg = PolicyConfig.load()
    calm = Analysis("Vous ouvrez à quelle heure ?", "opening_hours", 0.95, "fr", tone=CALM)
    assert decide(calm, Context(), cfg).route == SEND
    held = decide(calm, Context(review_sends=True), cfg)
    assert held.route == HOLD and held.reasons[0] == "staffed:approve_first" and "intent:opening_hours" in held.reasons
    complaint = Analysis("Mon vase est arrivé cassé", "complaint", 0.95, "fr", tone=CALM)
    assert decide(complaint, Context(review_sends=True), cfg).route == ESCALATE


def test_a_fan_told_in_another_language_is_told_when_the_team_answers_in_it():
    """Spanish, German and Italian fans get the brand's notice in their language (``other_languages``), with
    when the team is back; a language with no notice gets the English one, with the English sentence."""
    night = coverage(BRAND, dt.datetime(2027, 3, 13, 23, 0, tzinfo=PARIS))
    spanish = with_away(BRAND.other_languages["es"], BRAND, night, "es")
    assert spanish.startswith("Gracias por su mensaje.")
    assert spanish.endswith("Nuestro equipo le responderá el lunes 15 de marzo a partir de las 9:00.")
    portuguese = with_away(BRAND.other_languages["en"], BRAND, night, "pt")
    assert portuguese.endswith("Our team will reply on Monday 15 March from 9 am.")
    staffed = coverage(BRAND, dt.datetime(2027, 3, 10, 10, 0, tzinfo=PARIS))
    assert with_away(BRAND.other_languages["de"], BRAND, staffed, "de") == BRAND.other_languages["de"]
