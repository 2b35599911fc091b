"""Skill: answer the brand's routine questions with the domain response for the fan's intent."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.drafting import fan_language, render, reply_meta, response_for
from bot.brand import current_brand


class ActionDraftReply(Action):
    """Drafts the reply to the latest message, in the fan's language, with routing metadata.

    Routine questions are answered from the brand file, in the brand's voice
    (greeting by first name when the platform gives it, thanks, answer,
    closing); anything the brand file does not answer gets the domain's
    response for that intent, which hands the fan to a person.
    """

    def name(self) -> str:
        return "action_draft_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        first_name = (tracker.latest_message.get("metadata") or {}).get("first_name")
        language = fan_language(tracker)
        text = current_brand().compose(intent, language, first_name)
        if text is not None:
            dispatcher.utter_message(text=text, json_message={"relais": reply_meta(tracker, domain, f"brand:{intent}")})
            return []
        response = response_for(intent)
        if response not in (domain.get("responses") or {}):
            response = "utter_default"
        dispatcher.utter_message(text=render(domain, response, language),
                                 json_message={"relais": reply_meta(tracker, domain, response)})
        return []
