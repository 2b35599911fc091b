"""Skill: answer the brand's routine questions with the domain response for the fan's intent."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.drafting import reply_meta, response_for


class ActionDraftReply(Action):
    """Drafts the reply to the latest message, in the fan's language, with routing metadata."""

    def name(self) -> str:
        return "action_draft_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        response = response_for(intent)
        if response not in (domain.get("responses") or {}):
            response = "utter_default"
        dispatcher.utter_message(response=response, json_message={"relais": reply_meta(tracker, domain, response)})
        return []
