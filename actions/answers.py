"""Plain functions that turn what a fan asked into the body of a reply, in the conversation's context.

* **Follow-ups.** The topic of the last answer and the country, boutique, day
  or date the conversation named live in slots (``topic``, ``country``,
  ``boutique``, ``weekday``, ``date``). A short message that names one of them
  ("et pour la Belgique ?", "and Lyon?", "et le samedi ?") is read as a
  follow-up of that topic, whatever NLU guessed for four words out of context.
* **Facts first.** A delivery question naming a country gets yes or no for that
  country; an opening-hours question naming a boutique, a day or a date gets
  the hours for it (bot.knowledge); otherwise the brand file's answer.
* **Several questions.** The gateway parses each question of a message
  (``questions`` in the parse); each distinct one is answered, in one reply.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from actions.catalogue import Catalogue, availability
from bot.brand import Brand
from bot.knowledge import Mentions, find
from bot.knowledge import sentences as say

# Intents whose answer a country, boutique, day or date can make precise.
FACT_TOPICS = ("delivery", "opening_hours", "store_location", "product_availability")
FOLLOW_UP_MAX_WORDS = 8
SHORT_FOLLOW_UP_WORDS = 5
CONTEXT = ("country", "boutique", "weekday", "date", "product")  # the slots a follow-up can lean on
_FOLLOW_UP_START = re.compile(r"(?i)^\s*(et|and|what about|how about|what of|and for|et pour|et à|et a|et au|et en|"
                              r"et le|et la|et les|pour|to|in|ou|or|sinon|also|aussi)\b")
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(slots=True)
class Question:
    intent: str
    text: str
    confidence: float = 1.0


@dataclass(slots=True)
class Answer:
    intent: str  # the intent answered (a follow-up's topic)
    body: str
    follow_up: bool = False
    slots: dict[str, Any] = field(default_factory=dict)


def is_short_follow_up(text: str) -> bool:
    """"and Lyon?", "et pour la Belgique ?": a few words opening on "and", "et", "what about"… — read in the
    conversation's context whatever NLU made of them out of it (the tone is still judged by the policy)."""
    return len(_WORDS.findall(text)) <= SHORT_FOLLOW_UP_WORDS and bool(_FOLLOW_UP_START.search(text))


def remembered(slots: dict[str, Any]) -> Mentions:
    """What the conversation named before, from its slots."""
    day = slots.get("date")
    try:
        date = dt.date.fromisoformat(day) if day else None
    except ValueError:
        date = None
    return Mentions(slots.get("country"), slots.get("boutique"), slots.get("weekday"), date)


def follow_up_topic(question: Question, mentions: Mentions, slots: dict[str, Any]) -> str | None:
    """The topic a short message continues, or None when it is a question of its own."""
    topic = slots.get("topic")
    if not mentions or topic not in FACT_TOPICS:
        return None
    words = len(_WORDS.findall(question.text))
    if words > FOLLOW_UP_MAX_WORDS:
        return None
    if question.intent in FACT_TOPICS and question.confidence >= 0.8 and not _FOLLOW_UP_START.search(question.text):
        return None  # "do you ship to Belgium?" is a delivery question of its own
    if mentions.country:
        return "delivery"
    if mentions.date or mentions.weekday:
        return "opening_hours"
    return topic if topic in ("opening_hours", "store_location", "product_availability") else "store_location"


def fact_body(brand: Brand, intent: str, mentions: Mentions, language: str, product=None) -> str | None:
    """The answer built from the brand's facts for what the message names, or None (the general answer)."""
    k = brand.knowledge
    boutique = k.boutique(mentions.boutique) if mentions.boutique else None
    if intent == "product_availability" and product is not None:
        def where(names: list[str]) -> str:
            found = [b for b in (k.boutique(n) for n in names) if b]
            return say.where_all(found, language) if found else ", ".join(names)
        return availability(product, boutique.name if boutique else None, language, where)
    if intent == "delivery" and mentions.country:
        return say.delivery(k, mentions.country, language)
    if intent == "opening_hours":
        if mentions.date:
            return say.opening_on(k, mentions.date, language, boutique)
        if mentions.weekday:
            return say.opening_on(k, mentions.weekday, language, boutique)
        if boutique:
            return say.boutique_week(boutique, language)
    if intent == "store_location" and boutique:
        return f"{say.boutique_address(boutique, language)} {say.boutique_week(boutique, language)}"
    return None


def answer(brand: Brand, question: Question, language: str, slots: dict[str, Any], first_name: str | None,
           today: dt.date, catalogue: Catalogue | None = None) -> Answer | None:
    """The body answering one question (None when the brand file has no answer for its intent)."""
    mentions = find(question.text, brand.knowledge, today) if brand.knowledge.boutiques or brand.knowledge.zones \
        else Mentions()
    topic = follow_up_topic(question, mentions, slots)
    intent = topic or question.intent
    if topic:  # the new mention replaces the old one of its kind; the others still hold
        before = remembered(slots)
        mentions = Mentions(mentions.country or (before.country if topic == "delivery" else None),
                            mentions.boutique or before.boutique if topic != "delivery" else None,
                            mentions.weekday, mentions.date)
    product = None
    if intent == "product_availability" and catalogue is not None:
        product = catalogue.find(question.text) or (catalogue.get(slots["product"]) if slots.get("product") else None)
    body = fact_body(brand, intent, mentions, language, product)
    if body is None:
        template = brand.answers.get(intent, {}).get(language)
        if template is None:
            return None
        body = brand.fill(template, language, first_name)
    # A question of its own starts a new context: what the fan named about the previous topic is dropped.
    new_slots: dict[str, Any] = {} if topic else {name: None for name in CONTEXT}
    new_slots.update(mentions.as_slots())
    if product is not None:
        new_slots["product"] = product.id
    if intent in brand.answers:
        new_slots["topic"] = intent
    return Answer(intent, body, bool(topic), new_slots)


def answer_all(brand: Brand, questions: list[Question], language: str, slots: dict[str, Any],
               first_name: str | None, today: dt.date, catalogue: Catalogue | None = None) -> list[Answer] | None:
    """One body per distinct question, in the order asked; None when any question has no brand answer
    (then a person answers the whole message)."""
    answers: list[Answer] = []
    seen: set[str] = set()
    context = dict(slots)
    for question in questions:
        one = answer(brand, question, language, context, first_name, today, catalogue)
        if one is None:
            return None
        key = f"{one.intent}:{one.body}"
        if key in seen or (one.intent in {a.intent for a in answers} and not {k for k, v in one.slots.items() if v} - {"topic"}):
            continue
        seen.add(key)
        answers.append(one)
        context.update(one.slots)
    return answers
