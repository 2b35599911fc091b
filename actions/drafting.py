"""Plain functions the actions share: which response answers an intent, and what to tell the gateway."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.pipeline.analysis import meta_from_parse
from bot.language import detect_language

SUPPORTED_LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

# Intents a person must handle: the draft is only a courtesy message; the
# gateway's policy holds or escalates these.
HUMAN_INTENTS = frozenset({"complaint", "insult", "ask_human", "out_of_scope", "nlu_fallback"})


def fan_language(tracker: Tracker) -> str:
    """The fan's language: the gateway's metadata first, else the text, else the brand default."""
    metadata = tracker.latest_message.get("metadata") or {}
    language = metadata.get("language")
    if language in SUPPORTED_LANGUAGES:
        return language
    slot = tracker.get_slot("language")
    text = tracker.latest_message.get("text") or ""
    if text.strip():
        return detect_language(text, default=slot or DEFAULT_LANGUAGE)
    return slot or DEFAULT_LANGUAGE


def response_for(intent: str) -> str:
    """The domain response that answers an intent (``utter_default`` when NLU fell back)."""
    return "utter_default" if intent in ("nlu_fallback", "") else f"utter_{intent}"


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(domain: dict[str, Any], response: str, language: str, **values: Any) -> str:
    """The text of a domain response in ``language`` (its variation without condition as fallback),
    with its ``{variables}`` filled from ``values``."""
    text = ""
    for variation in (domain.get("responses") or {}).get(response) or []:
        conditions = variation.get("condition") or []
        if not conditions:
            text = text or variation.get("text", "")
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            text = variation.get("text", "")
            break
    return text.format_map(_Values({k: "" if v is None else v for k, v in values.items()}))


def reply_meta(tracker: Tracker, domain: dict[str, Any], response: str, **extra: Any) -> dict[str, Any]:
    """The ``relais`` block attached to a draft: what the gateway needs to route it.

    ``holding`` is the honest message the fan gets if the gateway hands the
    conversation to a person instead of sending the draft.
    """
    language = fan_language(tracker)
    meta = meta_from_parse(tracker.latest_message, language)
    holding = response if meta["intent"] in HUMAN_INTENTS else "utter_handoff"
    meta.update(response=response, holding=render(domain, holding, language), **extra)
    return meta
