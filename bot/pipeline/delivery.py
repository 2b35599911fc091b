"""The send engine: a reply delivered in parts, never twice, whatever fails.

Every part of a reply goes out with a tag (``<message id>:<part>``) that the
platform echoes back. What a send's result proves decides what happens next:

* **delivered** — the next part;
* **unknown** (timeout, connection lost after the request was written) —
  never resent blindly: the message waits for the echo of that part
  (``unconfirmed``) and is checked again after ``echo_wait_s``; the echo
  confirms it and delivery goes on, no echo holds it for a CM;
* **refused, retryable** (the platform answered with an error: throttled,
  transient) — tried again from the delayed set, with exponential backoff and
  jitter, never sooner than the platform's ``Retry-After``; after
  ``send_attempts`` refusals the message fails to a CM;
* **refused, account blocked** (an expired token) — sending for that account
  stops, an alert is raised, the message is kept and retried once a minute;
  the block lifts by itself when the operator replaces the credentials;
* **refused, permanent** — the message fails to a CM with the reason; the
  window closing, another app controlling the thread (the conversation is
  then marked as handled elsewhere) and a fan who cannot receive messages
  are never retried.

Before the first part, the platform's messaging window is checked
(``bot.pipeline.window``): an automated reply after it, or a person's reply
after the longer human window, is refused here with the reason; a person's
reply in between is marked for the channel to tag.

Each send is fenced by the conversation's lease: a worker that lost its
lease stops before sending.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.channels import (AFTER_REPLY_WINDOW, DELIVERED, HANDLED_ELSEWHERE, OUTSIDE_WINDOW, UNKNOWN, Channel,
                          SendResult)
from bot.errors import RelaisError
from bot.messages import InboundMessage, OutboundReply
from bot.metrics import SEND_SECONDS, SENDS
from bot.pipeline.elsewhere import mark_handled_elsewhere
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import Delivery, InboundQueue
from bot.pipeline.thread import ConversationThread
from bot.pipeline.window import ReplyWindow, Verdict, utc_text

log = logging.getLogger("relais.delivery")

BLOCKED_RECHECK_S = 15.0
BLOCK_CHECK_S = 1.0
MAX_BACKOFF_S = 15 * 60.0


class LeaseLost(RelaisError):
    """Another worker holds the conversation now; this one must stop before sending."""

    status = 409


@dataclass(frozen=True, slots=True)
class Sent:
    ids: list[str]


@dataclass(frozen=True, slots=True)
class Pending:
    why: str  # retry | unconfirmed | blocked


@dataclass(frozen=True, slots=True)
class Failed:
    reason: str
    unknown: bool = False  # the fan may or may not have received part of it


def split_text(text: str, limit: int) -> list[str]:
    """Split a long reply into platform-sized parts, preferring paragraph then word boundaries."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


def backoff_s(attempt: int, base_s: float, retry_after_s: float | None) -> float:
    """Exponential backoff with full jitter, never sooner than the platform asked — even when it asks
    for longer than ``MAX_BACKOFF_S`` (a daily send limit)."""
    delay = random.uniform(base_s, base_s * 2 ** attempt)
    return max(min(MAX_BACKOFF_S, delay), retry_after_s or 0.0)


class Sender:
    """Sends through a channel, or into the sandbox outbox when there is no platform to reach."""

    def __init__(self, channel: Channel, redis: Redis | None = None, *, sandbox: bool = False) -> None:
        self.channel = channel
        self.redis = redis
        self.sandbox = sandbox

    async def send(self, reply: OutboundReply) -> SendResult:
        started = time.perf_counter()
        if self.sandbox:
            result = await self._to_outbox(reply)
        else:
            result = await self.channel.send(reply)
        SEND_SECONDS.labels(reply.platform).observe(time.perf_counter() - started)
        SENDS.labels(reply.platform, result.status).inc()
        return result

    async def _to_outbox(self, reply: OutboundReply) -> SendResult:
        assert self.redis is not None
        message_id = f"sandbox-{reply.tag or time.time_ns()}"
        key = keys.outbox(reply.platform, reply.recipient_id)
        record = {"text": reply.text, "message_id": message_id, "kind": reply.kind, "at": time.time()}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(record, ensure_ascii=False))
            pipe.expire(key, 3600)
            await pipe.execute()
        return SendResult.delivered(message_id)


@dataclass
class Plan:
    """What is being delivered for one message, kept in its ledger state between attempts."""

    parts: list[str]
    kind: str = "reply"
    sent_ids: list[str] = field(default_factory=list)
    attempts: int = 0

    def as_state(self) -> dict[str, Any]:
        return {"parts": self.parts, "kind": self.kind, "sent_ids": self.sent_ids, "attempts": self.attempts}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> "Plan":
        raw = state.get("plan") or {}
        return cls(list(raw.get("parts") or []), raw.get("kind", "reply"), list(raw.get("sent_ids") or []),
                   int(raw.get("attempts") or 0))


class Outbox:
    def __init__(self, redis: Redis, ledger: Ledger, queue: InboundQueue, senders: dict[str, Sender], *,
                 send_attempts: int = 6, retry_base_s: float = 2.0, echo_wait_s: float = 30.0) -> None:
        self.redis = redis
        self.ledger = ledger
        self.queue = queue
        self.senders = senders
        self.send_attempts = send_attempts
        self.retry_base_s = retry_base_s
        self.echo_wait_s = echo_wait_s
        self._clear_until: dict[tuple[str, str], float] = {}  # account → when to ask Redis again
        self.window = ReplyWindow(redis)  # the platform's messaging window (bot.pipeline.window)
        self.thread = ConversationThread(redis)  # what the console's conversation page shows

    async def blocked(self, message: InboundMessage) -> bool:
        """Whether sending for this account is stopped; a block whose credentials changed is lifted.

        An account seen unblocked is not asked about again for ``BLOCK_CHECK_S``: a block is noticed
        by the first send it refuses anyway."""
        account = (message.platform, message.account_id)
        if time.monotonic() < self._clear_until.get(account, 0.0):
            return False
        key = keys.blocked(message.platform, message.account_id)
        raw = await self.redis.get(key)
        if raw is None:
            self._clear_until[account] = time.monotonic() + BLOCK_CHECK_S
        if raw is None:
            return False
        sender = self.senders[message.platform]
        if json.loads(raw).get("credentials") != sender.channel.credential_fingerprint(message.account_id):
            await self.redis.delete(key)
            log.warning("sending resumed for a %s account: its credentials changed", message.platform)
            return False
        return True

    async def _block(self, message: InboundMessage, reason: str) -> None:
        self._clear_until.pop((message.platform, message.account_id), None)
        sender = self.senders[message.platform]
        value = json.dumps({"since": time.time(), "reason": reason,
                            "credentials": sender.channel.credential_fingerprint(message.account_id)})
        if await self.redis.set(keys.blocked(message.platform, message.account_id), value, nx=True):
            log.error("ALERT sending stopped for a %s account: %s; messages are kept until its credentials "
                      "are replaced", message.platform, reason)
            await self.redis.xadd(keys.ALERTS, {"kind": "account_blocked", "platform": message.platform,
                                                "account": message.account_id, "reason": reason,
                                                "at": f"{time.time():.3f}"}, maxlen=10_000, approximate=True)

    # -- order among waiting sends ---------------------------------------------------------
    async def _behind(self, delivery: Delivery) -> bool:
        """Whether an earlier message of the conversation is still waiting to be sent (a retry or an
        echo): this one waits behind it, so the fan gets the replies in the order they wrote."""
        key = keys.conversation(delivery.message.conversation_id, "parked")
        while True:
            first = await self.redis.zrange(key, 0, 0, withscores=True)
            if not first or first[0][1] >= delivery.seq:
                return False
            mid = first[0][0].decode()
            state = await self.ledger.state_of(delivery.message.conversation_id, mid)
            if state.get("status") in ("retry", "unconfirmed", "sending"):
                return True
            await self.redis.zrem(key, mid)  # finished or gone: it no longer holds anyone back

    async def _park(self, delivery: Delivery, waiting: bool) -> None:
        key = keys.conversation(delivery.message.conversation_id, "parked")
        async with self.redis.pipeline(transaction=True) as pipe:
            if waiting:
                pipe.zadd(key, {delivery.message.message_id: delivery.seq})
                pipe.expire(key, keys.CONVERSATION_TTL_S)
            else:
                pipe.zrem(key, delivery.message.message_id)
            await pipe.execute()

    async def deliver(self, delivery: Delivery, token: str, plan: Plan) -> Sent | Pending | Failed:
        """Send what is left of ``plan``; record progress in the ledger as it goes."""
        if await self._behind(delivery):
            await self._wait(delivery, token, plan, "retry", 0.5)
            result: Sent | Pending | Failed = Pending("behind")
        else:
            result = await self._deliver(delivery, token, plan)
        if isinstance(result, Pending) or delivery.redo:  # a first attempt that went through was never parked
            await self._park(delivery, isinstance(result, Pending))
        if isinstance(result, Sent) and plan.parts:  # every part confirmed: the reply joins the thread
            await self.thread.reply(delivery.message.conversation_id, delivery.message.message_id, plan.parts,
                                    plan.kind, plan.sent_ids)
        return result

    async def _deliver(self, delivery: Delivery, token: str, plan: Plan) -> Sent | Pending | Failed:
        message = delivery.message
        sender = self.senders[message.platform]
        window = Verdict(True)
        if len(plan.sent_ids) < len(plan.parts):
            window = await self.window.check(message, plan.kind, sender.channel.limits)
            if not window.allowed:  # refused here, before the platform would: the reason goes to a CM
                log.info("%s not sent: %s", plan.kind, window.reason)
                return Failed(window.reason, unknown=bool(plan.sent_ids))
        while len(plan.sent_ids) < len(plan.parts):
            index = len(plan.sent_ids)
            if await self.blocked(message):
                await self._wait(delivery, token, plan, "retry", BLOCKED_RECHECK_S)
                return Pending("blocked")
            if not await self.ledger.fenced_set(message, token, status="sending", plan=plan.as_state(),
                                                sending_part=index, unconfirmed_since=0):
                raise LeaseLost("conversation lease lost before sending")
            reply = OutboundReply(message.platform, message.account_id, message.sender_id, plan.parts[index],
                                  in_reply_to=message.message_id, tag=f"{message.message_id}:{index}",
                                  kind=plan.kind, metadata={AFTER_REPLY_WINDOW: True} if window.late else {})
            result = await sender.send(reply)
            if result.status == DELIVERED:
                plan.sent_ids.append(result.platform_message_id)
                await self.ledger.set_state(message, plan=plan.as_state())
                continue
            if result.status == UNKNOWN:
                log.warning("send outcome unknown (%s); waiting for the platform's echo", result.reason)
                await self.ledger.set_state(message, status="unconfirmed", plan=plan.as_state(),
                                            unconfirmed_since=time.time(), last_error=result.reason, runs=0)
                await self.queue.later(delivery, "reconcile", self.echo_wait_s)
                return Pending("unconfirmed")
            if result.account_blocked:
                await self._block(message, result.reason)
                await self._wait(delivery, token, plan, "retry", BLOCKED_RECHECK_S, result.reason)
                return Pending("blocked")
            if result.refusal:
                return await self._refused(message, result, plan)
            if result.retryable and plan.attempts + 1 < self.send_attempts:
                plan.attempts += 1
                delay = backoff_s(plan.attempts, self.retry_base_s, result.retry_after_s)
                log.warning("send refused (%s); retry %d in %.1fs", result.reason, plan.attempts, delay)
                await self._wait(delivery, token, plan, "retry", delay, result.reason)
                return Pending("retry")
            return Failed(result.reason, unknown=bool(plan.sent_ids))
        return Sent(plan.sent_ids)

    async def _refused(self, message: InboundMessage, result: SendResult, plan: Plan) -> Failed:
        """A refusal the pipeline acts on (``bot.channels``), never retried: the window closed (back to a CM,
        with when the fan last wrote), another app controls the thread (the conversation is marked as
        handled elsewhere), the fan cannot receive messages now (recorded with the reason)."""
        reason = f"{result.refusal}: {result.reason}"
        if result.refusal == OUTSIDE_WINDOW:
            last = await self.window.last_fan_s(message.conversation_id)
            reason += f"; the fan last wrote at {utc_text(last)}" if last else ""
        elif result.refusal == HANDLED_ELSEWHERE:
            await mark_handled_elsewhere(self.redis, message.conversation_id, "another_app",
                                         message_id=message.message_id, detail=result.reason)
        log.warning("send refused, not retried: %s", reason)
        return Failed(reason, unknown=bool(plan.sent_ids))

    async def _wait(self, delivery: Delivery, token: str, plan: Plan, redo: str, delay_s: float,
                    error: str = "") -> None:
        # runs=0: this attempt ended cleanly, so it does not count towards the dead letters
        await self.ledger.set_state(delivery.message, status="retry", plan=plan.as_state(), last_error=error, runs=0)
        await self.queue.later(delivery, redo, delay_s)

    async def reconcile(self, delivery: Delivery, token: str, state: dict[str, Any]) -> Sent | Pending | Failed:
        """A part whose send has no known outcome: confirmed by its echo, or still waiting, or given up."""
        message = delivery.message
        plan = Plan.from_state(state)
        part = state.get("sending_part")
        index = len(plan.sent_ids) if part is None else int(part)
        if index < len(plan.sent_ids):  # that part's delivery was recorded before the worker stopped
            return await self.deliver(delivery, token, plan)
        echo = await self.redis.get(keys.echo(message.platform, f"{message.message_id}:{index}"))
        if echo is not None:
            plan.sent_ids.append(echo.decode())
            log.info("uncertain send confirmed by the platform's echo")
            return await self.deliver(delivery, token, plan)
        since = float(state.get("unconfirmed_since") or 0)
        if not since:  # the worker died mid-send: start waiting for the echo now
            await self.ledger.set_state(message, status="unconfirmed", plan=plan.as_state(),
                                        unconfirmed_since=time.time(), runs=0)
            await self.queue.later(delivery, "reconcile", self.echo_wait_s)
            await self._park(delivery, True)
            return Pending("unconfirmed")
        if time.time() - since < self.echo_wait_s * 0.9:
            await self.ledger.set_state(message, runs=0)
            await self.queue.later(delivery, "reconcile", self.echo_wait_s - (time.time() - since))
            await self._park(delivery, True)
            return Pending("unconfirmed")
        await self._park(delivery, False)
        return Failed("send_outcome_unknown", unknown=True)


async def record_echo(redis: Redis, platform: str, tag: str, platform_message_id: str) -> None:
    """The platform echoed one of our sends: remember it, so an uncertain send is confirmed."""
    await redis.set(keys.echo(platform, tag), platform_message_id or "echo", ex=keys.MESSAGE_TTL_S)
