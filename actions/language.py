"""Skill: the fan's language, kept in the ``language`` slot so responses pick their variation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.drafting import fan_language


class ActionDetectLanguage(Action):
    """Custom slot mapping run by ``action_extract_slots`` after every fan message."""

    def name(self) -> str:
        return "action_detect_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        return [SlotSet("language", fan_language(tracker))]
