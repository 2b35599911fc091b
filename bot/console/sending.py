"""A CM's reply goes out through the bot's own send engine (``bot.pipeline.delivery``).

The console sends as a worker does: it takes the conversation's lease (so
no worker sends to that fan at the same moment), hands the text to
``Outbox.deliver`` with a tag per part, and reads what the send engine
proves — delivered, waiting (a retry or the platform's echo: a worker
finishes it from the ledger), or failed. Each reply has its own message id
in the ledger, ``<fan message id>.cm-<n>``, so its parts and echoes never
mix with the bot's; approving a held draft always uses the same id, so even
two gateways racing past the console's claim could not send it twice.

While it holds a lease the console keeps a liveness key like a worker's, so
the workers treat the lease as alive and wait instead of taking it over.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.delivery import Failed, Outbox, Pending, Plan, Sender, Sent, split_text
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import Delivery, InboundQueue

log = logging.getLogger("relais.console.sending")

LEASE_WAIT_S = 8.0


@dataclass(frozen=True, slots=True)
class SendOutcome:
    status: str  # sent | pending | failed | busy
    platform_ids: tuple[str, ...] = ()
    reason: str = ""


class ConsoleSender:
    def __init__(self, redis: Redis, queue: InboundQueue, channels: dict, *, sandbox: bool = False,
                 lock_ttl_ms: int = 10_000, send_attempts: int = 6, retry_base_s: float = 2.0,
                 echo_wait_s: float = 30.0) -> None:
        self.redis = redis
        self.ledger = Ledger(redis, lock_ttl_ms=lock_ttl_ms)
        self.channels = channels
        senders = {name: Sender(channel, redis, sandbox=sandbox) for name, channel in channels.items()}
        self.outbox = Outbox(redis, self.ledger, queue, senders, send_attempts=send_attempts,
                             retry_base_s=retry_base_s, echo_wait_s=echo_wait_s)
        self.consumer = f"console-{socket.gethostname()}-{os.getpid()}"
        self.lock_ttl_ms = lock_ttl_ms
        self._leases = 0  # leases this process holds now (the liveness key lives while any is held)

    def max_text(self, platform: str) -> int:
        return self.channels[platform].limits.max_text

    async def state(self, conversation: str, message_id: str) -> dict:
        return await self.ledger.state_of(conversation, message_id)

    async def send(self, case: dict, text: str, message_id: str, by: str) -> SendOutcome:
        """Deliver ``text`` to the fan of ``case`` as the reply ``message_id`` (its ledger id)."""
        platform = case["platform"]
        if platform not in self.channels:
            return SendOutcome("failed", reason=f"channel {platform} is not configured on this gateway")
        message = InboundMessage(platform, message_id, case["account_id"], case["sender_id"], "",
                                 int(time.time() * 1000))
        state = await self.ledger.state(message)
        if state.get("status") in ("sent", "sending", "unconfirmed", "retry"):
            return SendOutcome("sent" if state["status"] == "sent" else "pending",
                               tuple((state.get("plan") or {}).get("sent_ids") or ()), "already sent")
        conv = message.conversation_id
        token = f"{self.consumer}|{uuid.uuid4().hex}"
        if not await self._take_lease(conv, token):
            return SendOutcome("busy", reason="the bot is handling a message of this conversation; try again")
        self._leases += 1
        keepalive = asyncio.create_task(self._keep_lease(conv, token))
        try:
            await self.ledger.set_state(message, route="sent", reasons=["cm_reply"], texts=[text], by=by)
            plan = Plan(split_text(text, self.max_text(platform)), kind="human")
            result = await self.outbox.deliver(Delivery("console", 0, message), token, plan)
        finally:
            keepalive.cancel()
            self._leases -= 1
            await self.ledger.unlock(conv, token)
            if not self._leases:
                await self.redis.delete(keys.worker(self.consumer))
        if isinstance(result, Sent):
            await self.ledger.set_state(message, status="sent", finished_at=time.time())
            return SendOutcome("sent", tuple(result.ids))
        if isinstance(result, Pending):
            log.info("CM reply waiting in the send engine (%s)", result.why)
            return SendOutcome("pending", reason=result.why)
        await self.ledger.set_state(message, status="failed", reasons=["cm_reply", f"send_failed:{result.reason}"])
        return SendOutcome("failed", reason=result.reason)

    async def _alive(self) -> None:
        await self.redis.set(keys.worker(self.consumer), '{"status": "ok", "role": "console"}', px=self.lock_ttl_ms)

    async def _keep_lease(self, conv: str, token: str) -> None:
        """Renew the lease and the liveness key while a send is in flight (a slow platform)."""
        while True:
            await asyncio.sleep(self.lock_ttl_ms / 4000)
            await self._alive()
            await self.ledger.renew(conv, token)

    async def _take_lease(self, conv: str, token: str) -> bool:
        deadline = time.monotonic() + LEASE_WAIT_S
        delay = 0.01
        while True:
            await self._alive()
            if await self.ledger.try_lock(conv, token):
                return True
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)
