"""Several questions in one message: each one is read on its own, so that each one is answered.

"Vous êtes ouverts le 1er mai ? Et vous acceptez les cartes cadeaux ?" is
two questions; DIET, trained on single questions, gives the whole message one
intent and the fan gets half an answer. The message is cut into sentences
(at ``?``, ``!``, ``.`` and line breaks) and each sentence of three words or
more is parsed by the same Rasa server; when two or more distinct intents come
out with confidence, the parse result carries them as ``questions`` and the
drafting action answers each one, in one reply. Greetings, thanks and
signatures around the questions ("Bonjour", "Merci d'avance", "Julie") are
left out. Splitting ourselves, rather than Rasa's multi-intent labels
(``intent_split_symbol``), needs no training example per combination of
intents: any two questions the bot can answer alone can be asked together.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Awaitable, Callable

SENTENCE = re.compile(r"(?<=[?!.])\s+|\n+")
MIN_WORDS = 3
MIN_CONFIDENCE = 0.6
MAX_QUESTIONS = 4
# What NLU says of a sentence it cannot place: out of its context ("J'ai combien de jours ?"), the whole
# message is read instead.
UNPLACED = frozenset({"out_of_scope", "nlu_fallback"})
# What the whole message says that no part of it may overrule: a person's matter stays one.
KEPT = frozenset({"complaint", "insult", "ask_human", "order_problem"})
# Sentences around the questions that need no answer of their own.
FRAMING = frozenset({"greet", "thank", "goodbye", "compliment"})
_WORD = re.compile(r"[^\W\d_]+|\d+")

Parse = Callable[[str], Awaitable[dict[str, Any] | None]]


def sentences(text: str) -> list[str]:
    """The sentences of a message that are long enough to be a question of their own."""
    parts = [p.strip() for p in SENTENCE.split(text or "") if p and p.strip()]
    return [p for p in parts if len(_WORD.findall(p)) >= MIN_WORDS]


async def split_questions(text: str, whole: dict[str, Any], parse: Parse) -> list[dict[str, Any]]:
    """The distinct questions of a message (intent, confidence, text) when it has two sentences or more,
    greetings and thanks left out; [] when it is one sentence or a part cannot be placed — except a thank-you
    beside remarks NLU cannot place, which is that thank-you."""
    parts = sentences(text)
    if len(parts) < 2 or len(parts) > MAX_QUESTIONS * 2:
        return []
    results = await asyncio.gather(*(parse(p) for p in parts))
    questions: list[dict[str, Any]] = []
    framing: list[dict[str, Any]] = []
    unplaced = 0
    for part, result in zip(parts, results):
        if not result:
            return []
        intent = result.get("intent") or {}
        name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
        if name in FRAMING:
            if confidence >= MIN_CONFIDENCE:
                framing.append({"intent": name, "confidence": round(confidence, 4), "text": part})
            continue
        if name in UNPLACED:
            unplaced += 1
            continue
        if confidence < MIN_CONFIDENCE:
            return []  # a part the bot is unsure of: the whole message is judged as one
        if any(q["intent"] == name for q in questions):
            questions[[q["intent"] for q in questions].index(name)]["text"] += " " + part
            continue
        questions.append({"intent": name, "confidence": round(confidence, 4), "text": part})
    whole_unplaced = str((whole.get("intent") or {}).get("name") or "") in UNPLACED
    if not questions and framing and framing[0]["intent"] == "thank" and (unplaced or whole_unplaced):
        # "Thanks @Brand. Have done so now.": a thank-you and remarks NLU cannot place (or that it places
        # only together) is a thank-you.
        return framing[:1]
    if unplaced:  # a question beside a part NLU cannot place: the whole message is judged as one
        return []
    if not questions or len(questions) > MAX_QUESTIONS:
        return []
    return questions  # one question: the message with its greeting and thanks around it left out


def better_alone(question: dict[str, Any], whole: dict[str, Any]) -> bool:
    """The one question of a message, read without the greeting and thanks around it, is clearer than the
    whole message: NLU could not place the whole, or is clearly surer of the question alone."""
    intent = whole.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    if question["intent"] == name or name in KEPT:
        return False
    return name in UNPLACED or (confidence < 0.70 and question["confidence"] >= confidence + 0.15)
