"""One short note to a fan whose held draft waits for a CM: the team has the message and answers here.

When the responder holds a draft for a CM, :func:`schedule` files an
acknowledgement due once the brand's delay has passed
(``hold_acknowledgement.after_minutes`` in ``brand.yml``; 0: never) — or at
once outside staffed hours, when no CM reads the draft before the team is
back. Every
worker process runs :meth:`HoldAcknowledgements.send_due`, which for each
one due:

* claims it — a Lua script moves its due time a minute on, so two workers
  never both take it, and one that dies holding it leaves it to another;
* takes the conversation's lease (neither the console nor a worker sends to
  that fan meanwhile) and checks the fan still waits: the message is still
  held, no CM approved, rewrote or answered since, no person took the
  conversation over, and no earlier acknowledgement there is still
  unanswered by a CM;
* sends, in the language the held message was written in, what happens
  next: while the team is there, that it reads the message; outside
  staffed hours, when it is next there (``bot.schedule``), in the brand's
  shape (``bot.voice``: the greeting only when the bot has not written to
  the fan lately, the closing and the signature always). The bot's
  disclosure comes first when the conversation has not had it yet;
* records the send in the ledger under its own id (``<message id>.ack``):
  it goes out at most once, even when a worker dies halfway. A refused send
  is tried again a few times within a quarter of an hour; one whose
  outcome is unknown is never repeated.

A CM who handles the held draft first (approve, rewrite, reject, resolve)
drops its acknowledgement: the console calls :func:`cancel`.

The send goes straight to the channel's sender, not through the inbound
queue's redo path, whose failures file CM cases: a note that could not go
out is counted and logged, never put in front of a CM.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable

from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.brand import Brand, HoldAcknowledgement, current_brand
from bot.channels import DELIVERED, UNKNOWN
from bot.language import detect_language
from bot.messages import InboundMessage, OutboundReply
from bot.pipeline.delivery import Sender, backoff_s
from bot.pipeline.dialogue import Slots
from bot.pipeline.disclosure import Disclosure
from bot.pipeline.ledger import Ledger
from bot.pipeline.thread import CM, ConversationThread
from bot.pipeline.window import ReplyWindow
from bot.proofreading.typography import apply_safe_fixes
from bot.schedule import coverage, with_away
from bot.voice import HOLDING, moment

log = logging.getLogger("relais.acknowledgement")

ACKNOWLEDGEMENTS = Counter("relais_hold_acknowledgements_total",
                           "Acknowledgements to fans whose held draft waits, by what became of them", ["result"])

CLAIM_S = 60.0  # a claimed acknowledgement is due again this long after, should its worker die
BATCH = 50  # claimed per turn
ATTEMPTS = 3  # refused sends before giving up
LATE_S = 15 * 60.0  # an acknowledgement later than this after it was due is no longer sent
RETRY_BASE_S = 5.0
BUSY_S = 1.0  # the conversation's lease is taken: tried again this much later

# KEYS: due; ARGV: now, claim seconds, count → the members claimed, each moved ``claim`` seconds on
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local until_at = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', until_at, member) end
return due
"""


def _member(conversation_id: str, message_id: str) -> str:
    return f"{conversation_id} {message_id}"


def ack_id(message_id: str) -> str:
    """The acknowledgement's own ledger id (its send record), beside its held message's."""
    return f"{message_id}.ack"


async def schedule(redis: Redis, message: InboundMessage, language: str, brand: Brand,
                   now: float | None = None, *, staffed: bool = True) -> bool:
    """A draft for ``message`` is held: its acknowledgement, due after the brand's delay while the team is
    there — and at once outside staffed hours (``staffed`` False), when no CM will read the draft before the
    team is back: the fan is told straight away when that is, never left in silence. False when the brand
    sends none, or one is already filed for that message."""
    settings = brand.hold_acknowledgement
    if settings is None or settings.after_s <= 0:
        return False
    now = time.time() if now is None else now
    member = _member(message.conversation_id, message.message_id)
    details = json.dumps({"language": language or detect_language(message.text), "held_at": now, "attempts": 0})
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(keys.ACK_DUE, {member: now + (settings.after_s if staffed else 0)}, nx=True)
        pipe.hsetnx(keys.ACK_ITEMS, member, details)
        added, _ = await pipe.execute()
    if added:
        ACKNOWLEDGEMENTS.labels("scheduled").inc()
    return bool(added)


async def cancel(redis: Redis, conversation_id: str, message_id: str) -> bool:
    """A CM handled the held draft of ``message_id``: no acknowledgement for it, and the conversation may
    have one again the next time a draft waits. False when none was waiting."""
    member = _member(conversation_id, message_id)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zrem(keys.ACK_DUE, member)
        pipe.hdel(keys.ACK_ITEMS, member)
        pipe.delete(keys.conversation(conversation_id, "acknowledged"))
        removed, _, _ = await pipe.execute()
    if removed:
        ACKNOWLEDGEMENTS.labels("cancelled").inc()
    return bool(removed)


class HoldAcknowledgements:
    """Sends the acknowledgements that are due, from any number of worker processes at once."""

    def __init__(self, redis: Redis, ledger: Ledger, senders: dict[str, Sender], *, consumer: str,
                 brand: Callable[[], Brand] = current_brand, clock: Callable[[], float] = time.time,
                 batch: int = BATCH) -> None:
        self.redis = redis
        self.ledger = ledger
        self.senders = senders
        self.consumer = consumer  # the lease token's prefix: the workers see this process's heartbeat
        self.brand = brand
        self.clock = clock  # "now" for the staffed hours (due times are the real time)
        self.batch = batch
        self.thread = ConversationThread(redis)
        self.slots = Slots(redis)  # the conversation's slots: when the bot last wrote to the fan
        self.window = ReplyWindow(redis)
        self.disclosure = Disclosure(redis)
        self._claim = redis.register_script(_CLAIM)

    @classmethod
    def for_worker(cls, worker) -> "HoldAcknowledgements":
        """Wired to a worker's Redis, ledger and senders, reading the brand and the clock its responder reads."""
        responder = worker.responder
        return cls(worker.redis, worker.ledger, responder.outbox.senders, consumer=worker.consumer,
                   brand=lambda: responder.brand(), clock=lambda: responder.clock())

    async def claim(self) -> list[str]:
        """Up to ``batch`` acknowledgements due now, each taken by this claimer alone for ``CLAIM_S``."""
        members = await self._claim(keys=[keys.ACK_DUE], args=[time.time(), CLAIM_S, self.batch])
        return [m.decode() if isinstance(m, bytes) else m for m in members]

    async def send_due(self) -> int:
        """Claim and send every acknowledgement due now; how many went out."""
        sent = 0
        for member in await self.claim():
            sent += await self._handle(member)
        return sent

    async def _handle(self, member: str) -> int:
        conversation, _, message_id = member.rpartition(" ")
        raw = await self.redis.hget(keys.ACK_ITEMS, member)
        platform, _, rest = conversation.partition(":")
        account, _, sender = rest.partition(":")
        if raw is None or platform not in self.senders:  # dropped by a CM while claimed, or no such channel
            if raw is not None:
                log.warning("acknowledgement dropped: this worker has no %s channel", platform)
            await self._drop(member)
            return 0
        item = json.loads(raw)
        fan = InboundMessage(platform, message_id, account, sender, "", int(float(item["held_at"]) * 1000))
        token = f"{self.consumer}|ack-{uuid.uuid4().hex}"
        if not await self.ledger.try_lock(conversation, token):  # a message of this fan is being handled
            await self.redis.zadd(keys.ACK_DUE, {member: time.time() + BUSY_S}, xx=True)
            return 0
        keepalive = asyncio.create_task(self._keep_lease(conversation, token))
        try:
            result = await self._acknowledge(fan, item, token, member)
        except RedisError:
            raise  # still claimed: due again in a minute
        except Exception:
            log.exception("acknowledgement failed; dropped")
            result = "error"
        finally:
            keepalive.cancel()
            await self.ledger.unlock(conversation, token)
        ACKNOWLEDGEMENTS.labels(result).inc()
        if result != "retry":
            await self._drop(member)
        return int(result == "sent")

    async def _acknowledge(self, fan: InboundMessage, item: dict, token: str, member: str) -> str:
        """Send it if the fan still waits → what became of it (the metric's ``result``)."""
        skip = await self._answered(fan, float(item["held_at"]))
        if skip:
            return skip
        ack = InboundMessage(fan.platform, ack_id(fan.message_id), fan.account_id, fan.sender_id, "",
                             fan.timestamp_ms)
        state = await self.ledger.state(ack)
        if state.get("status") not in (None, "retry"):  # sent, or begun by a worker that died: never twice
            return "duplicate"
        brand = self.brand()
        if brand.hold_acknowledgement is None or brand.hold_acknowledgement.after_s <= 0:
            return "off"
        channel = self.senders[fan.platform].channel
        if not (await self.window.check(fan, "holding", channel.limits)).allowed:
            return "outside_window"
        if await self.redis.exists(keys.blocked(fan.platform, fan.account_id)):
            return "blocked"
        texts = state.get("texts") or [await self._text(brand, brand.hold_acknowledgement, fan, item["language"])]
        if not await self.ledger.fenced_set(ack, token, status="sending", texts=texts, reasons=["acknowledgement"]):
            await self.redis.zadd(keys.ACK_DUE, {member: time.time() + BUSY_S}, xx=True)
            return "retry"
        reply = OutboundReply(fan.platform, fan.account_id, fan.sender_id, texts[0], in_reply_to=fan.message_id,
                              tag=f"{ack.message_id}:0", kind="holding")
        result = await self.senders[fan.platform].send(reply)
        if result.status in (DELIVERED, UNKNOWN):
            sent_ids = [result.platform_message_id] if result.status == DELIVERED else []
            await self.ledger.set_state(ack, status="sent" if sent_ids else "unconfirmed", finished_at=time.time(),
                                        plan={"parts": texts, "kind": "holding", "sent_ids": sent_ids})
            await self.redis.set(keys.conversation(fan.conversation_id, "acknowledged"),
                                 json.dumps({"at": time.time(), "message_id": fan.message_id}), ex=keys.MESSAGE_TTL_S)
            if sent_ids:
                await self.slots.update(fan.conversation_id, {"replied_at": self.clock()})
                await self.thread.reply(fan.conversation_id, ack.message_id, texts, "holding", sent_ids)
                log.info("a fan whose draft waits for a CM was told the team has their message")
                return "sent"
            log.warning("acknowledgement send outcome unknown (%s); it is not sent again", result.reason)
            return "unknown"
        attempts = int(item.get("attempts") or 0) + 1
        delay = backoff_s(attempts, RETRY_BASE_S, result.retry_after_s)
        if result.retryable and attempts < ATTEMPTS and time.time() + delay < float(item["held_at"]) + \
                brand.hold_acknowledgement.after_s + LATE_S:
            await self.ledger.set_state(ack, status="retry", last_error=result.reason)
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hset(keys.ACK_ITEMS, member, json.dumps({**item, "attempts": attempts}))
                pipe.zadd(keys.ACK_DUE, {member: time.time() + delay}, xx=True)
                await pipe.execute()
            log.warning("acknowledgement refused (%s); retry %d in %.1fs", result.reason, attempts, delay)
            return "retry"
        await self.ledger.set_state(ack, status="failed", last_error=result.reason, finished_at=time.time())
        log.warning("acknowledgement not sent: %s", result.reason)
        return "failed"

    async def _answered(self, fan: InboundMessage, held_at: float) -> str:
        """Why the fan no longer waits for an acknowledgement ("" when they do)."""
        conversation = fan.conversation_id
        if (await self.ledger.state(fan)).get("status") != "held":
            return "not_held"
        if await self.redis.exists(keys.handoff(conversation)):  # a person owns it: they were told already
            return "taken_over"
        if await self.ledger.state_of(conversation, f"{fan.message_id}.cm-draft"):  # approved or rewritten
            return "answered"
        last_cm = max((e.at for e in await self.thread.last(conversation) if e.who == CM), default=0.0)
        if last_cm >= held_at:
            return "answered"
        earlier = await self.redis.get(keys.conversation(conversation, "acknowledged"))
        if earlier and float(json.loads(earlier)["at"]) > last_cm:  # told once; no CM has answered since
            return "acknowledged"
        return ""

    async def _text(self, brand: Brand, settings: HoldAcknowledgement, fan: InboundMessage, language: str) -> str:
        """The acknowledgement in the fan's language, saying when the team is next there if it is away; the
        disclosure first when the conversation has not had it."""
        now = self.clock()
        cover = coverage(brand, dt.datetime.fromtimestamp(now, dt.timezone.utc))
        lang, text = settings.text(language, cover.staffed)
        replied_at = (await self.slots.get(fan.conversation_id)).get("replied_at")
        at = moment(brand, now, float(replied_at) if isinstance(replied_at, (int, float)) else None)
        text = apply_safe_fixes(brand.shape(with_away(text, brand, cover, lang), lang, kind=HOLDING, at=at), lang)
        disclosure = await self.disclosure.due(fan.conversation_id, brand, lang)
        return f"{disclosure}\n\n{text}" if disclosure else text

    async def _drop(self, member: str) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrem(keys.ACK_DUE, member)
            pipe.hdel(keys.ACK_ITEMS, member)
            await pipe.execute()

    async def _keep_lease(self, conversation: str, token: str) -> None:
        """Renew the lease while a send is in flight (a slow platform)."""
        while True:
            await asyncio.sleep(self.ledger.lock_ttl_ms / 4000)
            await self.ledger.renew(conversation, token)
