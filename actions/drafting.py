"""Plain functions the actions share: which response answers an intent, and what to tell the gateway."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

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


def reply_meta(tracker: Tracker, response: str, **extra: Any) -> dict[str, Any]:
    """The ``relais`` block attached to a draft: what the gateway needs to route it."""
    intent = tracker.latest_message.get("intent") or {}
    ranking = tracker.latest_message.get("intent_ranking") or []
    name = intent.get("name") or ""
    meta: dict[str, Any] = {
        "intent": name,
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "language": fan_language(tracker),
        "response": response,
        "ranking": [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
                    for r in ranking[:3]],
    }
    if name in HUMAN_INTENTS:
        meta["route_hint"] = "escalate"
    meta.update(extra)
    return meta
