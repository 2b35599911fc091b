"""Skill: answer the brand's routine questions, in the conversation's context, in the brand's voice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import Question, answer_all, is_short_follow_up
from actions.catalogue import Catalogue, load_catalogue
from actions.drafting import (HUMAN_INTENTS, fan_language, holding_message, reply_language, reply_meta,
                              reply_moment, sent_at)
from actions.order_store import normalise_order_number
from bot.brand import current_brand
from bot.voice import ANSWER, SMALL_TALK

# What NLU says of a message it cannot place; a short follow-up ("et pour la Belgique ?") often is one.
UNSURE_INTENTS = ("nlu_fallback", "out_of_scope")
CONVERSATION_SLOTS = ("topic", "country", "boutique", "weekday", "date", "product")


def questions_of(latest: dict[str, Any]) -> list[Question]:
    """The questions of the latest message: the gateway's split when it found several, else the message."""
    intent = latest.get("intent") or {}
    split = [q for q in latest.get("questions") or [] if isinstance(q, dict) and q.get("intent")]
    if len(split) > 1:
        return [Question(str(q["intent"]), str(q.get("text") or ""), float(q.get("confidence") or 0)) for q in split]
    return [Question(str(intent.get("name") or ""), str(latest.get("text") or ""), float(intent.get("confidence") or 0))]


class ActionDraftReply(Action):
    """Drafts the reply to the latest message, with routing metadata.

    Each question is answered from the brand file (its facts first), a short
    follow-up in the topic of the conversation; anything the brand file does not
    answer gets the holding message for a person. Every reply has the brand's
    shape (bot.voice), and the slots keep the topic and what the fan named.
    """

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or load_catalogue()

    def name(self) -> str:
        return "action_draft_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        brand = current_brand()
        metadata = tracker.latest_message.get("metadata") or {}
        first_name = metadata.get("first_name")
        fan = fan_language(tracker, brand)
        language = reply_language(brand, fan)
        at = reply_moment(tracker, brand)
        slots = {name: tracker.get_slot(name) for name in CONVERSATION_SLOTS}
        questions = questions_of(tracker.latest_message)
        today = dt.date.today()
        answers = None
        human = any(q.intent in HUMAN_INTENTS for q in questions)
        # A message NLU could not place, or a few words continuing the conversation ("and Lyon?") that NLU
        # read out of context as a person's matter, is answered only when it does continue the conversation.
        context_only = human and len(questions) == 1 and (questions[0].intent in UNSURE_INTENTS
                                                          or is_short_follow_up(questions[0].text))
        if fan in brand.languages and (context_only or not human):
            answers = answer_all(brand, questions, language, slots, first_name, today, self.catalogue)
            if context_only and answers and not all(a.follow_up for a in answers):
                answers = None
        intent = next((q.intent for q in questions if q.intent in HUMAN_INTENTS), questions[0].intent)
        number = normalise_order_number(tracker.latest_message.get("text") or "") or tracker.get_slot("order_number")
        values = {"order_number": f" {number}"} if intent == "order_problem" and number else {}
        holding = holding_message(brand, tracker, intent, fan, at, first_name, **values)
        events: list[dict] = [SlotSet("replied_at", sent_at(tracker))]
        if not answers:
            extra = {"order_number": number} if intent == "order_problem" and number else {}
            meta = reply_meta(tracker, fan, f"holding:{intent or 'nlu_fallback'}", holding, **extra)
            dispatcher.utter_message(text=holding, json_message={"relais": meta})
            return events
        small_talk = all(a.intent in brand.short_answers for a in answers)
        body = "\n\n".join(a.body for a in answers)
        text = brand.shape(body, language, kind=SMALL_TALK if small_talk else ANSWER, first_name=first_name, at=at)
        extra: dict[str, Any] = {"answered": [a.intent for a in answers]}
        follow_ups = [a.intent for a in answers if a.follow_up]
        if follow_ups:
            extra["follow_up"] = follow_ups
        meta = reply_meta(tracker, fan, "brand:" + "+".join(a.intent for a in answers), holding, **extra)
        if follow_ups and len(answers) == 1:  # read in the conversation's context: that is the intent answered
            meta.update(intent=answers[0].intent, confidence=1.0,
                        scope={**(meta.get("scope") or {}), "similarity": 1.0, "resolved_from": "conversation"})
        elif len(answers) > 1:
            meta["confidence"] = round(min(q.confidence for q in questions), 4)
        dispatcher.utter_message(text=text, json_message={"relais": meta})
        for one in answers:
            events += [SlotSet(name, value) for name, value in one.slots.items()]
        return events
