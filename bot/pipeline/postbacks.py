"""Buttons, stickers and files sent alone: answered from the brand file, never read as typed text.

A tap on one of the page's buttons (a postback, or a quick reply whose
payload the brand file names) says exactly what the fan wants, so it is not
parsed by NLU nor scored for tone:

* the Get Started button's payload (``postbacks.get_started``) gets the
  brand's welcome, after the automation disclosure when it is due; the
  conversation stays with the bot;
* a payload ``postbacks.payloads`` maps to an intent gets that intent's
  brand answer, drafted and proofread like any answer; one mapped to an
  ``answer`` gets that text (``/intent`` payloads of an intent the brand
  answers need no entry);
* any other postback payload goes to a person, with ``unknown_postback``
  and the payload as the reason. A quick reply the brand file does not name
  is read as the text on the button, as before.

A like (the platform's thumbs-up), a sticker or a text of kind emoji only
(« 👍 », « ❤️ » typed: NLU has no words to read there) gets the brand's short
thank-you (``postbacks.like``; nothing when it is empty) and never hands the
conversation to a person. Photos, videos and files sent without a word go to
a person, and the fan is told so (``holding.<language>.attachment``) in the
conversation's language. Every text is put in the brand's shape (bot.voice):
the welcome and the thank-you as small talk, an answer as an answer.

The conversation's language is the one it already has (the ``language``
slot), else the language of the button's title for a postback, else the
brand's first language. While a person owns the conversation the bot stays
silent: each of these is a follow-up for that person.

Every reply goes out through the responder's own routes (the ledger and the
send engine), so a redelivered or taken-over message is sent exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.brand import Brand
from bot.errors import RasaError
from bot.language import detect_language
from bot.messages import LIKE, STICKER, InboundMessage
from bot.pipeline.analysis import Analysis, emoji_only
from bot.pipeline.delivery import LeaseLost, Plan, split_text
from bot.pipeline.dialogue import Draft, Slots
from bot.pipeline.policy import ESCALATE, HOLD, SEND, Decision
from bot.proofreading.typography import apply_safe_fixes
from bot.voice import ANSWER, HOLDING, SMALL_TALK, moment

if TYPE_CHECKING:
    from bot.pipeline.queue import Delivery
    from bot.pipeline.responder import Responder

log = logging.getLogger("relais.postbacks")

POSTBACK, QUICK_REPLY = "postback", "quick_reply"
REPLY, DRAFT, PERSON = "reply", "draft", "person"
# What a fan can send alone for a person to look at (X calls every upload "media").
MEDIA = frozenset({"image", "video", "audio", "file", "media"})
_MAX_PAYLOAD_IN_REASON = 80


@dataclass(frozen=True, slots=True)
class Tap:
    """What a button, a sticker or a file sent alone gets.

    ``reply``: ``text`` is sent in the brand's shape for ``shape`` ("": nothing
    is sent); ``draft``: the brand answer of ``intent`` is drafted; ``person``:
    the conversation goes to a person for ``reasons``, and a fan not yet handed
    over is told so. ``reviewed``: the reply is an answer, which a CM approves
    first when the brand asks for it during staffed hours.
    """

    action: str
    language: str
    reasons: tuple[str, ...]
    text: str = ""
    intent: str = ""
    reviewed: bool = False
    shape: str = SMALL_TALK


def media_only(message: InboundMessage) -> bool:
    """Photos, videos, audio or files without a word."""
    return (message.kind == "text" and not message.text.strip() and bool(message.attachments)
            and all(kind in MEDIA for kind in message.attachments))


def _answer(brand: Brand, payload: str, language: str, reasons: tuple[str, ...]) -> Tap | None:
    """What a payload the brand answers gets, or None when the brand file does not name it."""
    pb = brand.postbacks
    if pb is not None and payload == pb.get_started:
        return Tap(REPLY, language, ("postback:get_started",), text=brand.fill(pb.welcome[language], language))
    target = pb.payloads.get(payload) if pb is not None else None
    if target is not None and "intent" in target:
        return Tap(DRAFT, language, (*reasons, f"intent:{target['intent']}"), intent=target["intent"], reviewed=True)
    if target is not None:
        return Tap(REPLY, language, (*reasons, "answer"), text=brand.fill(target["answer"][language], language),
                   reviewed=True, shape=ANSWER)
    if payload.startswith("/") and payload[1:] in brand.answers:
        return Tap(DRAFT, language, (*reasons, f"intent:{payload[1:]}"), intent=payload[1:], reviewed=True)
    return None


def emoji_acknowledgement(message: InboundMessage) -> bool:
    """A text of kind emoji only — « 👍 », « ❤️ », « 🙏😊 » (no angry or sarcastic one, no « ? »): the typed
    twin of the platform's like, answered the same way. NLU has no words to read in it."""
    return message.kind == "text" and not message.attachments and emoji_only(message.text)


def decide(message: InboundMessage, brand: Brand, language: str, *, with_human: bool,
           attachments_to_person: bool = True) -> Tap | None:
    """What Relais does with a postback, a named quick reply, a like, a sticker or a file sent alone;
    None for anything else (NLU reads it)."""
    payload, pb = message.payload or "", brand.postbacks
    emoji_only = emoji_acknowledgement(message)
    if message.kind == QUICK_REPLY:
        if pb is None or (payload != pb.get_started and payload not in pb.payloads):
            return None  # the button's text is read like anything the fan writes
    elif message.kind not in (POSTBACK, LIKE, STICKER) and not emoji_only and \
            not (attachments_to_person and media_only(message)):
        return None
    if with_human:  # the person who owns the conversation sees it; the bot says nothing
        extra = ("attachment:" + ",".join(sorted(set(message.attachments))),) if media_only(message) else ()
        return Tap(PERSON, language, ("conversation_with_human", *extra))
    if message.kind in (LIKE, STICKER) or emoji_only:
        text = pb.like.get(language, "") if pb else ""
        return Tap(REPLY, language, (LIKE if emoji_only else message.kind,),
                   text=brand.fill(text, language) if text.strip() else "")
    if message.kind in (POSTBACK, QUICK_REPLY):
        tap = _answer(brand, payload, language, (f"{message.kind}:{payload[:_MAX_PAYLOAD_IN_REASON]}",))
        if tap is not None:
            return tap
        reason = f"unknown_postback:{payload[:_MAX_PAYLOAD_IN_REASON]}" if payload else "unknown_postback"
        return Tap(PERSON, language, (reason,))
    return Tap(PERSON, language, ("attachment:" + ",".join(sorted(set(message.attachments))),))


def _epoch(message: InboundMessage) -> float:
    """When the reply to ``message`` counts as written (its own time, as the actions count it)."""
    return round(message.timestamp_ms / 1000, 3) if message.timestamp_ms > 0 else round(time.time(), 3)


class Taps:
    """Carries a :class:`Tap` out through the responder's own routes."""

    def __init__(self, responder: "Responder") -> None:
        self.responder = responder

    async def language(self, message: InboundMessage, brand: Brand, state: dict[str, Any],
                       slots: dict[str, Any]) -> str:
        """The conversation's language: the message's own (a redo), the conversation's (which may be one the
        brand does not answer in), the button's title, or the brand's first."""
        for known in (state.get("language"), slots.get("language")):
            if isinstance(known, str) and known:
                return known
        if message.kind == POSTBACK and message.text.strip():
            guessed = await asyncio.to_thread(detect_language, message.text, "")
            if guessed in brand.languages:
                return guessed
        return brand.languages[0]

    def holding(self, brand: Brand, reasons: tuple[str, ...], fan: str, language: str, first_name: str | None,
                at) -> str:
        """What a fan handed to a person is told: the attachment text or the general one, in the brand's shape;
        in a language the brand does not answer in, its ``other_languages`` text (else the English one)."""
        if fan not in brand.languages:
            return brand.other_languages.get(fan) or brand.other_languages.get("en") or ""
        body = brand.holding_text("attachment" if any(r.startswith("attachment:") for r in reasons) else "person",
                                  language)
        return brand.shape(body, language, kind=HOLDING, first_name=first_name, at=at) if body else ""

    async def respond(self, delivery: "Delivery", token: str, state: dict[str, Any], *, late: bool = False) -> bool:
        """Handle the message if it is a tap, a sticker or a file sent alone; False for anything else."""
        r = self.responder
        message = delivery.message
        if message.kind not in (POSTBACK, QUICK_REPLY, LIKE, STICKER) and not media_only(message) and \
                not emoji_acknowledgement(message):
            return False
        brand = r.brand()
        with_human = await r.handoff.state(message.conversation_id) is not None
        slots = Slots(r.ledger.redis)
        remembered = await slots.get(message.conversation_id)
        fan = await self.language(message, brand, state, remembered)
        language = fan if fan in brand.languages else "en" if "en" in brand.languages else brand.languages[0]
        tap = decide(message, brand, language, with_human=with_human, attachments_to_person=r.policy.attachments)
        if tap is None:
            return False
        cover = r._coverage()
        reasons = [*tap.reasons, *([] if cover.staffed else ["after_hours"]), *(["arrived_late"] if late else [])]
        log.info("%s answered from the brand file: %s", message.kind, tap.action)
        if tap.action == DRAFT:
            draft = await self._draft(delivery, token, state, tap)
            if draft is None:
                await r._hold(delivery, None, Draft(), Decision(HOLD, ["action_server_unavailable", *reasons]), token,
                              cover)
                return True
            await self._send(delivery, token, state, tap, draft, reasons, cover.review_sends)
            return True
        first_name = await r.profiles.first_name(message.platform, message.account_id, message.sender_id)
        last = remembered.get("replied_at")
        at = moment(brand, message.timestamp_ms / 1000 if message.timestamp_ms else time.time(),
                    float(last) if isinstance(last, (int, float)) else None)
        if tap.action == PERSON:
            holding = "" if with_human else self.holding(brand, tap.reasons, fan, language, first_name, at)
            draft = Draft([], {"intent": "", "confidence": 0.0, "language": fan if holding and fan not in
                               brand.languages else language, "holding": holding})
            analysis = Analysis(message.text, "", 0.0, language, attachments=message.attachments, has_draft=False)
            if holding:
                await slots.update(message.conversation_id, {"replied_at": _epoch(message)})
            await r._escalate(delivery, analysis, draft, Decision(ESCALATE, reasons), token, cover, state)
            return True
        text = brand.shape(tap.text, language, kind=tap.shape, first_name=first_name, at=at) if tap.text else ""
        draft = Draft([apply_safe_fixes(text, language)] if text else [],
                      {"intent": "", "confidence": 1.0, "language": language, "first_name": first_name})
        if text:
            await slots.update(message.conversation_id, {"replied_at": _epoch(message)})
        await self._send(delivery, token, state, tap, draft, reasons, cover.review_sends)
        return True

    async def _draft(self, delivery: "Delivery", token: str, state: dict[str, Any], tap: Tap) -> Draft | None:
        """The intent's brand answer through the action server, proofread — once: a redo reuses it."""
        r = self.responder
        message = delivery.message
        if state.get("status") == "drafted":
            return Draft(state.get("texts", []), state.get("meta", {}))
        first_name = await r.profiles.first_name(message.platform, message.account_id, message.sender_id)
        parse = {"text": message.text or message.payload or "", "entities": [],
                 "intent": {"name": tap.intent, "confidence": 1.0},
                 "intent_ranking": [{"name": tap.intent, "confidence": 1.0}]}
        metadata = {"first_name": first_name, "platform": message.platform, "language": tap.language,
                    "timestamp_ms": message.timestamp_ms, "message_id": message.message_id, "account_id": message.account_id,
                    "sender_id": message.sender_id, "kind": message.kind, "attachments": []}
        draft = None
        for attempt in range(1, r.rasa_attempts + 1):
            try:
                draft = await r.dialogue.draft(message.conversation_id, parse, metadata)
                break
            except RasaError as exc:
                log.warning("action server attempt %d failed: %s", attempt, exc.public)
                if attempt < r.rasa_attempts:
                    await asyncio.sleep(0.5 * attempt)
        if draft is None:
            return None
        if draft.text.strip():
            draft = await r._proofread(draft, tap.language, first_name)
        if not await r.ledger.fenced_set(message, token, status="drafted", texts=draft.texts, meta=draft.meta,
                                         language=tap.language):
            raise LeaseLost("conversation lease lost after drafting")
        return draft

    async def _send(self, delivery: "Delivery", token: str, state: dict[str, Any], tap: Tap, draft: Draft,
                    reasons: list[str], review_sends: bool) -> None:
        """Send the reply (after the disclosure when due), or hold it for a CM when it needs one."""
        r = self.responder
        message = delivery.message
        hold = [f"proofreading:{issue['word']}" for issue in draft.meta.get("proofreading", [])
                if issue.get("blocking", True)]  # advice holds nothing
        hold += ["proofreader_unavailable"] if draft.meta.get("proofreading_unavailable") else []
        if tap.action == DRAFT and not draft.text.strip():
            hold.append("no_draft")
        if tap.reviewed and review_sends:
            hold.append("staffed:approve_first")
        analysis = Analysis(message.text, tap.intent, 1.0, tap.language, has_draft=bool(draft.text.strip()))
        if hold:
            await r._hold(delivery, analysis, draft, Decision(HOLD, [*hold, *reasons]), token)
            return
        if not draft.text.strip():  # the brand sends nothing for this one
            await r._record(message, "sent", [*reasons, "nothing_to_send"], {})
            return
        disclosure = await r.disclosure.due(message.conversation_id, r.brand(), tap.language)
        text = f"{disclosure}\n\n{draft.text}" if disclosure else draft.text
        routed = {"route": SEND, "reasons": reasons,
                  "evidence": {"intent": tap.intent, "language": tap.language, "kind": message.kind}}
        await r.ledger.set_state(message, **routed)
        plan = Plan(split_text(text, r.max_text[message.platform]))
        await r._finish(delivery, {**state, "texts": draft.texts, "meta": draft.meta, **routed},
                        await r.outbox.deliver(delivery, token, plan))
