"""Plain functions the actions share: the fan's language, the reply's moment and shape, the holding message,
and what to tell the gateway."""

from __future__ import annotations

import time
from typing import Any

from rasa_sdk import Tracker

from bot.brand import Brand
from bot.knowledge.problems import reported
from bot.language import detect_language
from bot.pipeline.analysis import meta_from_parse
from bot.voice import HOLDING, Moment, moment

DEFAULT_LANGUAGE = "fr"

# Intents a person must handle: the draft is only a courtesy message; the
# gateway's policy holds or escalates these.
HUMAN_INTENTS = frozenset({"complaint", "order_problem", "insult", "ask_human", "out_of_scope", "nlu_fallback"})


def fan_language(tracker: Tracker, brand: Brand | None = None) -> str:
    """The conversation's language: the gateway's (which keeps the conversation's language for messages too
    short to tell), else the slot, else the text, else the brand default. May be a language the brand does
    not answer in."""
    metadata = tracker.latest_message.get("metadata") or {}
    language = metadata.get("language")
    if isinstance(language, str) and language:
        return language
    slot = tracker.get_slot("language")
    text = tracker.latest_message.get("text") or ""
    default = brand.languages[0] if brand else DEFAULT_LANGUAGE
    if text.strip():
        return detect_language(text, default=slot or default)
    return slot or default


def reply_language(brand: Brand, language: str) -> str:
    """The language the bot writes in: the fan's when the brand answers in it, else its first language."""
    return language if language in brand.languages else brand.languages[0]


def reply_moment(tracker: Tracker, brand: Brand) -> Moment:
    """When this reply is written (the fan's message time, in the brand's time zone) and whether it opens
    the conversation (no reply from the bot for ``voice.new_conversation_after_hours``)."""
    last = tracker.get_slot("replied_at")
    return moment(brand, sent_at(tracker), float(last) if isinstance(last, (int, float)) else None)


def sent_at(tracker: Tracker) -> float:
    """When the fan sent the latest message (epoch seconds; now when the platform gave no time): when the
    bot's reply to it counts as written."""
    sent_ms = (tracker.latest_message.get("metadata") or {}).get("timestamp_ms")
    return round(float(sent_ms) / 1000, 3) if isinstance(sent_ms, (int, float)) and sent_ms > 0 \
        else round(time.time(), 3)


APOLOGISING = ("complaint", "order_problem")  # holding texts that open with an apology


def holding_reason(intent: str, attachments: list[str] | tuple[str, ...] = (), *, text: str = "",
                   tone: dict[str, Any] | None = None) -> str:
    """Which holding text fits: the intent's own (complaint, insult…), the attachment one, or the general one —
    never "we did not understand" for a message that was read and routed to a person.

    The texts that open with an apology are for a fan who reports a problem: read as a complaint, a calm
    message that reports none ("mon code promo marche pas 😭 c normal ?" is a question) gets the general
    text, with no "we are truly sorry". A problem is reported when the tone is negative or angry, or the
    words say what went wrong (``bot.knowledge.problems``)."""
    if intent in APOLOGISING and tone is not None and not reports_a_problem(text, tone):
        return "attachment" if attachments else "person"
    if intent in ("complaint", "order_problem", "insult", "ask_human"):
        return intent
    return "attachment" if attachments else "person"


def reports_a_problem(text: str, tone: dict[str, Any]) -> bool:
    """The fan says something went wrong: a negative or angry tone, or the words of a payment or order problem."""
    return tone.get("label") in ("negative", "angry") or bool(reported(text))


def holding_message(brand: Brand, tracker: Tracker, intent: str, language: str, at: Moment,
                    first_name: str | None, **values: str) -> str:
    """The honest message a fan handed to a person gets, in the brand's shape, or in their own language
    (``other_languages``, else English) when the brand does not answer in it."""
    if language not in brand.languages:
        return brand.other_languages.get(language) or brand.other_languages.get("en") or ""
    metadata = tracker.latest_message.get("metadata") or {}
    latest = tracker.latest_message
    body = brand.holding_text(holding_reason(intent, metadata.get("attachments") or (), text=latest.get("text") or "",
                                             tone=latest.get("tone")), language, **values)
    return brand.shape(body, language, kind=HOLDING, first_name=first_name, at=at) if body else ""


def reply_meta(tracker: Tracker, language: str, response: str, holding: str, **extra: Any) -> dict[str, Any]:
    """The ``relais`` block attached to a draft: what the gateway needs to route it.

    ``holding`` is the honest message the fan gets if the gateway hands the
    conversation to a person instead of sending the draft.
    """
    meta = meta_from_parse(tracker.latest_message, language)
    meta.update(response=response, holding=holding, **extra)
    return meta
