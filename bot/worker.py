"""The worker: takes fans' messages off the stream, drafts a reply with Rasa, routes it, delivers it.

Guarantees, with any number of workers on one Redis:
* a message is acknowledged only once its reply was sent, or it was recorded
  as held, escalated or failed (never dropped);
* a conversation's messages are handled in the order the fan sent them
  (per-conversation sequence numbers and a per-conversation lock);
* a message is never answered twice: the ledger remembers each state, and a
  message whose send may already have gone out is held for a CM instead of
  being resent.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from bot.analysis import Analysis, analysis_from_meta, meta_from_parse
from bot.cm_queue import CMQueue
from bot.errors import RasaError, SendError
from bot.handoff import Handoff
from bot.language import detect_language
from bot.ledger import FINAL_STATES, Ledger
from bot.messages import InboundMessage, OutboundReply
from bot.nlp import entities, mask_personal_data
from bot.policy import HOLD, SEND, Context, Decision, PolicyConfig, decide
from bot.profiles import ProfileLookup
from bot.proofreading.base import Checked, ProofreadingUnavailable
from bot.proofreading.service import Proofreader
from bot.proofreading.typography import apply_safe_fixes
from bot.queue import Delivery, InboundQueue
from bot.rasa_client import Draft, RasaClient
from bot.recent import RecentMessages
from bot.send import MessengerSender

log = logging.getLogger("relais.worker")


def rasa_text(message: InboundMessage) -> str:
    """What Rasa should read: a button's ``/intent`` payload as is, otherwise what the fan wrote."""
    if message.payload and message.payload.startswith("/"):
        return message.payload
    return message.text


class Worker:
    def __init__(self, queue: InboundQueue, ledger: Ledger, rasa: RasaClient, sender: MessengerSender,
                 policy: PolicyConfig, proofreader: Proofreader, profiles: ProfileLookup | None = None, *,
                 consumer: str, concurrency: int = 4, claim_idle_ms: int = 30_000, rasa_attempts: int = 3) -> None:
        self.queue = queue
        self.proofreader = proofreader
        self.profiles = profiles
        self.ledger = ledger
        self.rasa = rasa
        self.sender = sender
        self.policy = policy
        self.cm_queue = CMQueue(ledger.redis)
        self.handoff = Handoff(ledger.redis, rasa, self.cm_queue)
        self.recent = RecentMessages(ledger.redis)
        self.consumer = consumer
        self.concurrency = concurrency
        self.claim_idle_ms = claim_idle_ms
        self.order_wait_s = 3 * claim_idle_ms / 1000
        self.rasa_attempts = rasa_attempts

    async def run(self) -> None:
        """Consume until cancelled."""
        await self.queue.ensure_group()
        await asyncio.gather(*(self._loop(f"{self.consumer}-{i}") for i in range(self.concurrency)))

    async def _loop(self, consumer: str) -> None:
        next_claim = 0.0
        while True:
            try:
                deliveries: list[Delivery] = []
                if time.monotonic() >= next_claim:
                    deliveries = await self.queue.claim_stale(consumer, self.claim_idle_ms)
                    next_claim = time.monotonic() + self.claim_idle_ms / 2000
                if not deliveries:
                    deliveries = await self.queue.read(consumer, count=1, block_ms=1000)
                for delivery in deliveries:
                    await self.handle(delivery)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep consuming; the entry stays pending and is claimed again
                log.exception("worker %s failed on an entry; it will be retried", consumer)
                await asyncio.sleep(1)

    async def handle(self, delivery: Delivery) -> None:
        message, seq = delivery.message, delivery.seq
        conv = message.conversation_id
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.order_wait_s
        delay = 0.005
        while True:
            if await self.ledger.try_lock(conv, token):
                done = await self.ledger.done_seq(conv)
                if done >= seq:  # handled already, by us before a crash or by another worker
                    await self.ledger.unlock(conv, token)
                    await self.queue.ack(delivery)
                    return
                if done == seq - 1:
                    break
                if time.monotonic() > deadline:
                    log.warning("earlier message of a conversation still missing after %.0fs; going on",
                                self.order_wait_s)
                    break
                await self.ledger.unlock(conv, token)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)
        try:
            await self._process(message)
            await self.ledger.advance(conv, seq)
        finally:
            await self.ledger.unlock(conv, token)
        await self.queue.ack(delivery)

    async def _draft(self, message: InboundMessage, language: str) -> Draft | None:
        first_name = await self.profiles.first_name(message.platform, message.sender_id) if self.profiles else None
        metadata = {
            "first_name": first_name,
            "platform": message.platform,
            "language": language,
            "message_id": message.message_id,
            "page_id": message.page_id,
            "sender_id": message.sender_id,
            "kind": message.kind,
            "attachments": list(message.attachments),
        }
        for attempt in range(1, self.rasa_attempts + 1):
            try:
                return await self.rasa.draft(message.conversation_id, rasa_text(message), metadata)
            except RasaError as exc:
                log.warning("Rasa attempt %d failed: %s", attempt, exc.public)
                if attempt < self.rasa_attempts:
                    await asyncio.sleep(0.5 * attempt)
        return None

    async def _process(self, message: InboundMessage) -> None:
        state = await self.ledger.state(message)
        status = state.get("status")
        if status in FINAL_STATES:
            return
        if status == "sending":  # a previous worker died mid-send: it may have gone out
            await self._hold(message, None, Draft(state.get("texts", []), state.get("meta", {})),
                             Decision(HOLD, ["send_outcome_unknown"]))
            return
        language = detect_language(message.text)
        if status == "drafted":
            draft = Draft(state.get("texts", []), state.get("meta", {}))
        else:
            draft = await self._draft(message, language)
            if draft is None:
                await self._hold(message, None, Draft(), Decision(HOLD, ["nlu_unavailable"]))
                return
            draft = await self._proofread(draft, language)
            await self.ledger.set_state(message, status="drafted", texts=draft.texts, meta=draft.meta)

        meta = draft.meta
        if not meta and message.text.strip():  # Rasa ran no action (conversation paused): NLU for the CM
            try:
                meta = meta_from_parse(await self.rasa.parse(rasa_text(message)), language)
            except RasaError:
                meta = {}
        unchecked = ("proofreader_unavailable",) if draft.meta.get("proofreading_unavailable") else ()
        analysis = analysis_from_meta(
            message.text, meta, language=language, attachments=message.attachments,
            has_draft=bool(draft.text.strip()),
            draft_issues=tuple(i["word"] for i in draft.meta.get("proofreading", [])) + unchecked)
        context = Context(
            with_human=await self.handoff.state(message.conversation_id) is not None,
            repeated=await self.recent.repeated(message.conversation_id, message.message_id, message.text,
                                                self.policy.repeat_window_s),
        )
        decision = decide(analysis, context, self.policy)
        if decision.route == SEND:
            await self._send(message, analysis, draft, decision)
        elif decision.route == HOLD:
            await self._hold(message, analysis, draft, decision)
        else:
            await self._escalate(message, analysis, draft, decision)

    async def _proofread(self, draft: Draft, language: str) -> Draft:
        """Safe fixes applied; what is left is recorded in the draft's metadata (a draft with issues is held)."""
        if not draft.text.strip():
            return draft
        meta = dict(draft.meta)
        try:
            checked = await self.proofreader.check(draft.text, str(meta.get("language") or language))
        except ProofreadingUnavailable as exc:
            checked = Checked(draft.text, [], "")
            meta["proofreading_unavailable"] = exc.public
        meta.update(proofreading=[i.as_dict(checked.text) for i in checked.issues], proofreader=checked.backend)
        return Draft([checked.text], meta)

    async def _send(self, message: InboundMessage, analysis: Analysis, draft: Draft, decision: Decision) -> None:
        reply = OutboundReply(message.platform, message.page_id, message.sender_id, draft.text,
                              in_reply_to=message.message_id, metadata=draft.meta)
        await self.ledger.set_state(message, status="sending")
        try:
            ids = await self.sender.send(reply)
        except SendError as exc:
            log.error("reply could not be delivered: %s", exc.public)
            await self.ledger.record_outcome(message, "failed", decision.reasons + [exc.public],
                                             {"draft": draft.text, "evidence": analysis.evidence()})
            return
        await self.ledger.record_outcome(message, "sent", decision.reasons,
                                         {"platform_ids": ids, "evidence": analysis.evidence()})

    async def _case(self, message: InboundMessage, analysis: Analysis | None, draft: Draft,
                    decision: Decision, **extra: Any) -> dict[str, Any]:
        text = mask_personal_data(message.text)  # the CM queue never holds e-mails, phones or card numbers
        language = analysis.language if analysis and analysis.language in ("fr", "en") else "fr"
        return {
            "conversation": message.conversation_id,
            "platform": message.platform,
            "page_id": message.page_id,
            "sender_id": message.sender_id,
            "message_id": message.message_id,
            "text": text,
            "attachments": list(message.attachments),
            "mentions": await asyncio.to_thread(entities, text, language),
            "proofreading": draft.meta.get("proofreading", []),
            "route": decision.route,
            "reasons": decision.reasons,
            "evidence": analysis.evidence() if analysis else {},
            "draft": draft.text,
            **extra,
        }

    async def _hold(self, message: InboundMessage, analysis: Analysis | None, draft: Draft,
                    decision: Decision) -> None:
        """A CM approves (or rewrites) the draft before anything is sent."""
        await self.cm_queue.add("held", await self._case(message, analysis, draft, decision))
        await self.ledger.record_outcome(message, "held", decision.reasons, {"draft": draft.text})

    async def _escalate(self, message: InboundMessage, analysis: Analysis, draft: Draft,
                        decision: Decision) -> None:
        """Hand the conversation to a person: pause the bot, tell the fan once, file the case."""
        reasons = list(decision.reasons)
        try:
            new = await self.handoff.begin(message.conversation_id, reasons)
        except RasaError as exc:  # the Redis mark is what keeps the bot silent; Rasa's pause is the record
            log.warning("could not pause the conversation in Rasa: %s", exc.public)
            new = True
        holding = str(draft.meta.get("holding") or "")
        if holding:
            holding = apply_safe_fixes(holding, str(draft.meta.get("language") or analysis.language))
        holding_ids: list[str] = []
        if new and holding:
            await self.ledger.set_state(message, status="sending")
            try:
                holding_ids = await self.sender.send(OutboundReply(
                    message.platform, message.page_id, message.sender_id, holding, in_reply_to=message.message_id))
            except SendError as exc:
                reasons.append(f"holding_message_failed:{exc.public}")
        case = await self._case(message, analysis, draft, Decision(decision.route, reasons),
                                holding_message=holding if holding_ids else "")
        await self.cm_queue.add("escalated" if new else "follow_up", case)
        await self.ledger.record_outcome(message, "escalated", reasons,
                                         {"draft": draft.text, "holding_ids": holding_ids})
