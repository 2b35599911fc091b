"""What Relais does with one fan message: understand it, draft, proofread, decide, deliver.

Called by the worker while it holds the conversation's lease. Each step
leaves its result in the ledger, so a worker that takes the message over
after a crash goes on from there: a drafted reply is not drafted again, a
send whose outcome is unknown is reconciled, never repeated.

The fan's language is detected once, NLU runs once per message (also for a
conversation a person owns, where nothing is drafted), and CPU-heavy work
(proofreading, entity extraction) runs off the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any

from bot.brand import current_brand
from bot.channels import ANSWERED_ELSEWHERE
from bot.language import detect
from bot.messages import InboundMessage
from bot.metrics import FAN_WAIT_SECONDS, MESSAGES, REASONS, reason_kind
from bot.nlp import entities, mask_personal_data
from bot.pipeline.analysis import Analysis, analysis_from_meta, meta_from_parse
from bot.pipeline import acknowledgement
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.delivery import Failed, LeaseLost, Outbox, Pending, Plan, Sent, split_text
from bot.pipeline.dialogue import Dialogue, Draft
from bot.pipeline.disclosure import Disclosure
from bot.pipeline.elsewhere import mark_handled_elsewhere
from bot.pipeline.flood import RATE_LIMITED
from bot.pipeline.handoff import Handoff
from bot.pipeline.ledger import Ledger
from bot.pipeline.policy import ESCALATE, HOLD, SEND, Context, Decision, PolicyConfig, decide, reports_trouble
from bot.pipeline.postbacks import Taps
from bot.pipeline.profiles import Profiles
from bot.pipeline.questions import better_alone, split_questions
from bot.pipeline.queue import Delivery
from bot.pipeline.rasa_client import RasaClient
from bot.pipeline.recent import RecentMessages
from bot.pipeline.thread import ConversationThread
from bot.pipeline.tone_history import ToneHistory, ToneMark
from bot.proofreading.base import Checked, ProofreadingUnavailable
from bot.proofreading.typography import apply_safe_fixes
from bot.schedule import Coverage, coverage, with_away
from bot.voice import without_closing
from bot.errors import RasaError

log = logging.getLogger("relais.responder")


def rasa_text(message: InboundMessage) -> str:
    """What NLU should read: a button's ``/intent`` payload as is, otherwise what the fan wrote."""
    if message.payload and message.payload.startswith("/"):
        return message.payload
    return message.text


def _disclosed(disclosure: str, text: str) -> str:
    """The reply with the bot's disclosure as its first paragraph, when one is due."""
    return f"{disclosure}\n\n{text}" if disclosure else text


class Responder:
    def __init__(self, *, ledger: Ledger, outbox: Outbox, rasa: RasaClient, dialogue: Dialogue, proofreader,
                 policy: PolicyConfig, profiles: Profiles, handoff: Handoff, cm_queue: CMQueue,
                 recent: RecentMessages, max_text: dict[str, int], rasa_attempts: int = 3) -> None:
        self.ledger = ledger
        self.outbox = outbox
        self.rasa = rasa
        self.dialogue = dialogue
        self.proofreader = proofreader
        self.policy = policy
        self.profiles = profiles
        self.handoff = handoff
        self.cm_queue = cm_queue
        self.recent = recent
        self.tone_history = ToneHistory(ledger.redis)
        self.thread = ConversationThread(ledger.redis)
        self.max_text = max_text
        self.rasa_attempts = rasa_attempts
        self.brand = current_brand  # the brand file as it is now: its staffed hours and disclosure
        self.clock = time.time  # when "now" is, for the staffed hours
        self.disclosure = Disclosure(ledger.redis)

    async def respond(self, delivery: Delivery, token: str, *, late: bool = False,
                      state: dict[str, Any] | None = None) -> None:
        """Handle one message; ``state`` is its ledger state when the caller has just read it."""
        message = delivery.message
        state = await self.ledger.state(message) if state is None else state
        status = state.get("status")
        if status in ("sending", "unconfirmed"):
            await self._finish(delivery, state, await self.outbox.reconcile(delivery, token, state))
            return
        if status == "retry":
            await self._finish(delivery, state, await self.outbox.deliver(delivery, token, Plan.from_state(state)))
            return
        if message.kind == ANSWERED_ELSEWHERE:  # the brand answered from another app: the bot steps back
            await self._answered_elsewhere(message)
            return
        await self.outbox.window.note(message)  # the fan's last message: the platform's reply window runs from it
        if not delivery.over and await Taps(self).respond(delivery, token, state, late=late):  # buttons, stickers…
            return
        language = state.get("language") or detect(
            message.text, await self.dialogue.slots.language(message.conversation_id))[0]
        handoff = await self.handoff.state(message.conversation_id)
        with_human = handoff is not None
        # Routine questions are still answered beside a person who took the conversation over for something that
        # is no problem (the fan asked for a person, the bot had no answer, another language). Not beside a
        # person chatting live from the platform's own inbox, nor in a conversation about a problem: a fan's
        # next message there is most likely about that problem, and a canned answer to it would read as not
        # having listened.
        handed_for = [str(r) for r in (handoff or {}).get("reasons") or []]
        beside = with_human and not reports_trouble(handed_for) \
            and not any(r.startswith(("handled_elsewhere:", RATE_LIMITED)) for r in handed_for)
        if status == "drafted":
            draft = Draft(state.get("texts", []), state.get("meta", {}))
        else:
            draft = await self._understand(message, language, with_human and not beside)
            if draft is None:
                reasons = ["nlu_unavailable"] + (["arrived_late"] if late else [])
                await self._hold(delivery, None, Draft(), Decision(HOLD, reasons), token)
                return
            if draft.text.strip():
                draft = await self._proofread(draft, language, draft.meta.get("first_name"))
            if not await self.ledger.fenced_set(message, token, status="drafted", texts=draft.texts, meta=draft.meta,
                                                language=language):
                raise LeaseLost("conversation lease lost after drafting")
        unchecked = ("proofreader_unavailable",) if draft.meta.get("proofreading_unavailable") else ()
        analysis = analysis_from_meta(
            message.text, draft.meta, language=language, attachments=message.attachments + message.links,
            has_draft=bool(draft.text.strip()) or with_human,
            draft_issues=tuple(i["word"] for i in draft.meta.get("proofreading", []) if i.get("blocking", True))
            + unchecked)  # advice (style, doubtful) is shown to the CM but holds nothing
        cover = self._coverage()
        context = Context(with_human=with_human, answers_beside_person=beside, repeated=await self.recent.repeated(
            message.conversation_id, message.message_id, message.text, self.policy.repeat_window_s),
            tone_history=await self.tone_history.before(message.conversation_id, message.message_id),
            review_sends=cover.review_sends)
        decision = decide(analysis, context, self.policy)
        if not cover.staffed:
            decision = Decision(decision.route, decision.reasons + ["after_hours"])
        if message.text.strip():
            await self.tone_history.add(message.conversation_id, ToneMark.of(message.message_id, analysis.tone,
                                                                             analysis.short_kind))
        if late:
            decision = Decision(decision.route, decision.reasons + ["arrived_late"])
        if delivery.over:  # the first message over the sender's limit: the flood goes to a person, recorded
            decision = Decision(ESCALATE, [RATE_LIMITED] + [r for r in decision.reasons if r != RATE_LIMITED])
        if decision.route == SEND:
            if with_human:  # the person who owns the conversation sees what the bot answered meanwhile
                await self._file_once(message, token, "follow_up", await self._case(message, analysis, draft,
                                                                                     decision), state)
            disclosure = "" if with_human else await self.disclosure.due(  # said once, before the hand-off
                message.conversation_id, self.brand(), str(draft.meta.get("language") or language))
            plan = Plan(split_text(_disclosed(disclosure, draft.text), self.max_text[message.platform]))
            routed = {"route": SEND, "reasons": decision.reasons, "evidence": analysis.evidence()}
            await self.ledger.set_state(message, **routed)
            await self._finish(delivery, {**state, "texts": draft.texts, "meta": draft.meta, **routed},
                               await self.outbox.deliver(delivery, token, plan))
        elif decision.route == HOLD:
            await self._hold(delivery, analysis, draft, decision, token, cover)
        else:
            await self._escalate(delivery, analysis, draft, decision, token, cover, state)

    # -- understanding -----------------------------------------------------------------------
    async def _parse(self, text: str) -> dict[str, Any] | None:
        for attempt in range(1, self.rasa_attempts + 1):
            try:
                return await self.rasa.parse(text)
            except RasaError as exc:
                log.warning("Rasa attempt %d failed: %s", attempt, exc.public)
                if attempt < self.rasa_attempts:
                    await asyncio.sleep(0.5 * attempt)
        return None

    async def _understand(self, message: InboundMessage, language: str, with_human: bool) -> Draft | None:
        text = rasa_text(message)
        if not text.strip():  # only attachments: nothing to read, a person looks at them
            return Draft([], {"intent": "", "confidence": 0.0, "language": language})
        parse = await self._parse(text)
        if parse is None:
            return None
        if with_human:  # a person owns the conversation: NLU for the CM, no draft
            return Draft([], meta_from_parse(parse, language))
        questions = await split_questions(text, parse, self._parse)
        if len(questions) > 1:  # several questions in one message: each is answered
            parse = {**parse, "questions": questions}
        elif questions and better_alone(questions[0], parse):  # "Re-bonjour, … ? s'il vous plaît"
            parse = {**parse, "intent": {"name": questions[0]["intent"], "confidence": questions[0]["confidence"]}}
        first_name = await self.profiles.first_name(message.platform, message.account_id, message.sender_id)
        metadata = {"first_name": first_name, "platform": message.platform, "language": language,
                    "timestamp_ms": message.timestamp_ms,
                    "message_id": message.message_id, "account_id": message.account_id,
                    "sender_id": message.sender_id, "kind": message.kind, "attachments": list(message.attachments)}
        for attempt in range(1, self.rasa_attempts + 1):
            try:
                draft = await self.dialogue.draft(message.conversation_id, parse, metadata)
                draft.meta.setdefault("first_name", first_name)
                return draft
            except RasaError as exc:
                log.warning("action server attempt %d failed: %s", attempt, exc.public)
                if attempt < self.rasa_attempts:
                    await asyncio.sleep(0.5 * attempt)
        return None

    async def _proofread(self, draft: Draft, language: str, first_name: str | None) -> Draft:
        """Safe fixes applied; what is left is recorded in the draft's metadata (a draft with issues is held)."""
        meta = dict(draft.meta)
        lang = str(meta.get("language") or language)
        try:
            checked = await self.proofreader.check(draft.text, lang, first_name=first_name)
        except ProofreadingUnavailable as exc:
            checked = Checked(draft.text, [], "")
            meta["proofreading_unavailable"] = exc.public
        meta.update(proofreading=[i.as_dict(checked.text) for i in checked.issues], proofreader=checked.backend)
        return Draft([checked.text], meta)

    # -- routes ----------------------------------------------------------------------------------
    async def _case(self, message: InboundMessage, analysis: Analysis | None, draft: Draft,
                    decision: Decision, **extra: Any) -> dict[str, Any]:
        text = mask_personal_data(message.text)  # the CM queue never holds e-mails, phones or card numbers
        language = analysis.language if analysis and analysis.language in ("fr", "en") else "fr"
        return {
            "conversation": message.conversation_id,
            "platform": message.platform,
            "account_id": message.account_id,
            "sender_id": message.sender_id,
            "message_id": message.message_id,
            "text": text,
            "attachments": list(message.attachments),
            "links": list(message.links),
            "mentions": await asyncio.to_thread(entities, text, language),
            "proofreading": draft.meta.get("proofreading", []),
            "route": decision.route,
            "reasons": decision.reasons,
            "evidence": analysis.evidence() if analysis else {},
            "draft": draft.text,
            **({"order_number": draft.meta["order_number"]} if draft.meta.get("order_number") else {}),
            **extra,
        }

    async def _record(self, message: InboundMessage, route: str, reasons: list[str], extra: dict[str, Any]) -> None:
        await self.thread.fan_message(message.conversation_id, message.message_id, message.text,
                                      message.timestamp_ms, route)
        await self.ledger.record_outcome(message, route, reasons, extra)
        MESSAGES.labels(route).inc()
        for reason in reasons:
            REASONS.labels(reason_kind(reason)).inc()
        if route in ("sent", "escalated") and message.timestamp_ms:
            FAN_WAIT_SECONDS.observe(max(0.0, time.time() - message.timestamp_ms / 1000))

    async def _hold(self, delivery: Delivery, analysis: Analysis | None, draft: Draft, decision: Decision,
                    token: str, cover: Coverage | None = None) -> None:
        """A CM approves (or rewrites) the draft before anything is sent."""
        message = delivery.message
        await self.cm_queue.add("held", await self._case(message, analysis, draft, decision))
        await self._record(message, "held", decision.reasons, {"draft": draft.text})
        # Should no CM have answered after the brand's delay, the fan is told once that the team has it; outside
        # staffed hours at once, with when the team is back.
        await acknowledgement.schedule(self.ledger.redis, message, analysis.language if analysis else "", self.brand(),
                                       staffed=(cover or self._coverage()).staffed)

    async def _escalate(self, delivery: Delivery, analysis: Analysis, draft: Draft, decision: Decision,
                        token: str, cover: Coverage | None = None, state: dict[str, Any] | None = None) -> None:
        """Hand the conversation to a person: mark the conversation, file the case, then tell the fan once —
        and, outside staffed hours, when the team will read them.

        The steps are recorded in the message's ledger state as they happen (the handoff decided once, the
        case filed once), so a worker that takes the message over after a crash does not file the case
        twice, and the holding message — a promise that a person answers — goes out only once its case is
        filed, and always does."""
        message = delivery.message
        state = state or {}
        new = await self.handoff.escalate(message.conversation_id, message.message_id, token, list(decision.reasons))
        if new is None:
            raise LeaseLost("conversation lease lost before the handoff")
        holding = str(draft.meta.get("holding") or "")
        language = str(draft.meta.get("language") or analysis.language)
        if holding:
            if reports_trouble(decision.reasons):  # no "have a lovely evening" after an insult or a broken vase
                holding = without_closing(self.brand(), holding, language)
            holding = apply_safe_fixes(with_away(holding, self.brand(), cover or self._coverage(), language), language)
            if new and language in self.brand().languages:  # not in French to a fan writing in Spanish
                holding = _disclosed(await self.disclosure.due(message.conversation_id, self.brand(), language,
                                                               to_person=True), holding)
        if new:
            await self.disclosure.forget(message.conversation_id)  # told again once the bot is back
        if not state.get("case_filed"):
            case = await self._case(message, analysis, draft, decision, holding_message=holding if new else "")
            await self._file_once(message, token, "escalated" if new else "follow_up", case, state,
                                  route=ESCALATE, reasons=decision.reasons)
        if new and holding:
            plan = Plan(split_text(holding, self.max_text[message.platform]), kind="holding")
            routed = {"texts": draft.texts, "meta": draft.meta, "route": ESCALATE, "reasons": decision.reasons}
            await self._finish(delivery, routed, await self.outbox.deliver(delivery, token, plan))
        else:
            await self._record(message, "escalated", decision.reasons, {"draft": draft.text})
        if new:
            await self._hand_over(message)

    async def _file_once(self, message: InboundMessage, token: str, kind: str, case: dict[str, Any],
                         state: dict[str, Any], **fields: Any) -> None:
        """File the message's case in the CM queue unless a worker that died did already (``case_filed`` in
        its ledger state), and record that it is filed, with ``fields``, while the lease is still held."""
        if state.get("case_filed"):
            return
        filed = await self.cm_queue.add(kind, case)
        if not await self.ledger.fenced_set(message, token, case_filed=filed, **fields):
            raise LeaseLost("conversation lease lost after filing the case")

    async def _hand_over(self, message: InboundMessage) -> None:
        """Pass the conversation to the platform's own inbox when its channel is set to (off by default)."""
        sender = self.outbox.senders.get(message.platform) if self.outbox is not None else None
        note = await sender.channel.hand_to_person(message.account_id, message.sender_id) if sender else ""
        if note:
            await self.ledger.set_state(message, handover=note)

    def _coverage(self) -> Coverage:
        """Whether the CM team is there now (``bot.schedule``), and when it is next."""
        return coverage(self.brand(), dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc))

    async def _answered_elsewhere(self, message: InboundMessage) -> None:
        """The brand's account wrote to the fan from elsewhere (``payload`` says where): the bot is paused
        for that conversation, and the CMs see where it was answered."""
        where = message.payload or "elsewhere"
        await mark_handled_elsewhere(self.ledger.redis, message.conversation_id, where, message_id=message.message_id)
        await self.ledger.record_outcome(message, "escalated", [f"handled_elsewhere:{where}"], {})
        MESSAGES.labels("escalated").inc()
        REASONS.labels("handled_elsewhere").inc()

    async def _finish(self, delivery: Delivery, state: dict[str, Any], result: Sent | Pending | Failed) -> None:
        """After a delivery attempt: record the outcome, or leave the message waiting for its redo."""
        message = delivery.message
        if isinstance(result, Pending):
            return
        route = "escalated" if state.get("route") == ESCALATE else "sent"
        reasons = list(state.get("reasons") or [])
        if isinstance(result, Sent):
            await self._record(message, route, reasons, {"platform_ids": result.ids})
            return
        reasons.append(result.reason if result.reason == "send_outcome_unknown" else f"send_failed:{result.reason}")
        draft = Draft(state.get("texts", []), state.get("meta", {}))
        if route == "escalated":  # the case is filed already; only the holding message failed
            await self._record(message, "escalated", reasons, {"holding_failed": result.reason})
            return
        await self.cm_queue.add("held", await self._case(message, None, draft, Decision(HOLD, reasons),
                                                         send_failed=result.reason))
        await self._record(message, "held" if result.unknown else "failed", reasons, {"draft": draft.text})
