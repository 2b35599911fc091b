"""The worker: takes fans' messages off the stream, one conversation at a time, in order, without loss.

Guarantees, with any number of worker processes on one Redis:

* an entry is acknowledged only once its message was handled — sent, held,
  escalated or failed — or is waiting in the delayed set for a retry or an
  echo (never dropped);
* a conversation's messages are handled in the order the fan sent them; a
  message whose predecessor is still missing after ``order_wait_s`` goes
  on, and the predecessor is still handled when it arrives, marked late;
* one worker at a time works on a conversation: it holds a lease that it
  renews at every heartbeat, together with its claim on the entries it
  holds, and every write that leads to a send is fenced by the lease;
* a worker that dies is noticed within three heartbeats: its entries are
  claimed by the others at once, its leases taken over, and its consumer
  removed from the group;
* an entry that fails ``max_attempts`` times in a row goes to the dead
  letters instead of looping for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.metrics import DEAD_LETTERS, ENTRY_FAILURES
from bot.pipeline.acknowledgement import HoldAcknowledgements
from bot.pipeline.delivery import LeaseLost
from bot.pipeline.ledger import FINAL_STATES, Ledger
from bot.pipeline.queue import Delivery, InboundQueue
from bot.pipeline.responder import Responder

log = logging.getLogger("relais.worker")


@dataclass
class _Held:
    delivery: Delivery
    conversation: str
    token: str
    locked: bool = False  # holds the conversation's lease now (renewed at each heartbeat)
    lost: bool = False


class Worker:
    def __init__(self, redis: Redis, queue: InboundQueue, ledger: Ledger, responder: Responder, *, consumer: str,
                 concurrency: int = 8, heartbeat_s: float = 2.0, max_attempts: int = 5,
                 order_wait_s: float = 30.0) -> None:
        self.redis = redis
        self.queue = queue
        self.ledger = ledger
        self.responder = responder
        self.consumer = consumer
        self.concurrency = concurrency
        self.heartbeat_s = heartbeat_s
        self.max_attempts = max_attempts
        self.order_wait_s = order_wait_s
        self.claim_idle_ms = int(heartbeat_s * 3000) + 1000
        self.held: dict[str, _Held] = {}  # entry id → what this process holds
        self.claimed: asyncio.Queue[Delivery] = asyncio.Queue()
        self.status = "starting"
        self.last_error = ""
        self.stopping = False  # set when the process stops: every loop ends at its next turn

    # -- lifecycle ---------------------------------------------------------------------------
    async def run(self) -> None:
        """Consume until cancelled."""
        while True:
            try:
                await self.queue.ensure_group()
                break
            except RedisError as exc:
                self._degraded(exc)
                await asyncio.sleep(1)
        await self._beat()
        tasks = [asyncio.create_task(self._heartbeat(), name="relais-heartbeat"),
                 asyncio.create_task(self._schedule(), name="relais-scheduler"),
                 asyncio.create_task(self._janitor(), name="relais-janitor"),
                 asyncio.create_task(self._acknowledge(), name="relais-acknowledgements")]
        tasks += [asyncio.create_task(self._consume(), name=f"relais-consume-{i}") for i in range(self.concurrency)]
        try:
            await asyncio.gather(*tasks)
        finally:
            self.stopping = True
            for task in tasks:
                task.cancel()
            # A stopping worker never waits long: what it leaves pending is taken over by the others.
            _, stuck = await asyncio.wait(tasks, timeout=5)
            if stuck:
                log.warning("%d task(s) still stopping after 5 s; leaving them", len(stuck))
            with contextlib.suppress(RedisError, OSError, TimeoutError):
                async with asyncio.timeout(2):
                    await self.redis.zrem(keys.WORKERS, self.consumer)
                    await self.redis.delete(keys.worker(self.consumer))

    def _degraded(self, exc: BaseException) -> None:
        if self.status != "degraded":
            log.error("worker cannot reach Redis: %s", type(exc).__name__)
        self.status, self.last_error = "degraded", type(exc).__name__

    async def _loop(self, name: str, step, interval_s: float) -> None:
        """Run ``step`` every ``interval_s`` until the worker stops, surviving Redis outages."""
        while not self.stopping:
            try:
                await step()
            except asyncio.CancelledError:
                raise
            except RedisError as exc:
                self._degraded(exc)
            except Exception:
                log.exception("%s failed; going on", name)
            await asyncio.sleep(interval_s)

    # -- heartbeat: liveness, lease renewal, claims kept fresh --------------------------------
    async def _beat(self) -> None:
        ttl_ms = int(self.heartbeat_s * 3000)
        status = json.dumps({"status": self.status, "error": self.last_error, "held": len(self.held),
                             "at": time.time()})
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(keys.worker(self.consumer), status, px=ttl_ms)
            pipe.zadd(keys.WORKERS, {self.consumer: time.time()})
            await pipe.execute()
        held = list(self.held.values())
        for item in held:
            if item.locked and not await self.ledger.renew(item.conversation, item.token):
                item.lost = True
        await self.queue.touch(self.consumer, [h.delivery.entry_id for h in held])

    async def _heartbeat(self) -> None:
        async def step() -> None:
            await self._beat()
            if self.status == "degraded":
                self.status, self.last_error = "ok", ""
                log.info("worker reaches Redis again")
            elif self.status == "starting":
                self.status = "ok"
        await self._loop("heartbeat", step, self.heartbeat_s)

    # -- delayed work and dead workers ---------------------------------------------------------
    async def _schedule(self) -> None:
        await self._loop("scheduler", self.queue.promote_due, min(0.25, self.heartbeat_s))

    async def _acknowledge(self) -> None:
        """One short note to each fan whose held draft has waited the brand's delay (``acknowledgement``)."""
        await self._loop("acknowledgements", HoldAcknowledgements.for_worker(self).send_due,
                         max(0.25, min(1.0, self.heartbeat_s / 2)))

    async def _janitor(self) -> None:
        async def step() -> None:
            for consumer in await self.redis.xinfo_consumers(self.queue.stream, self.queue.group):
                name = consumer["name"].decode() if isinstance(consumer["name"], bytes) else consumer["name"]
                if name == self.consumer or await self.redis.exists(keys.worker(name)):
                    continue
                if int(consumer.get("idle", 0)) < self.claim_idle_ms:
                    continue  # just started, or its first heartbeat is on the way
                for delivery in await self.queue.claim_from(name, self.consumer):
                    log.warning("took over an entry of stopped worker %s", name)
                    await self.claimed.put(delivery)
            for delivery in await self.queue.claim_stale(self.consumer, self.claim_idle_ms):
                if delivery.entry_id not in self.held:
                    await self.claimed.put(delivery)
            await self.redis.zremrangebyscore(keys.WORKERS, "-inf", time.time() - 3600)
        await self._loop("janitor", step, self.heartbeat_s)

    # -- consuming ---------------------------------------------------------------------------------
    async def _next(self) -> list[Delivery]:
        try:
            return [self.claimed.get_nowait()]
        except asyncio.QueueEmpty:
            return await self.queue.read(self.consumer, count=1, block_ms=int(self.heartbeat_s * 500) or 100)

    async def _consume(self) -> None:
        backoff = 0.1
        while not self.stopping:
            try:
                for delivery in await self._next():
                    if delivery.entry_id in self.held:
                        continue
                    await self.handle(delivery)
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except RedisError as exc:
                self._degraded(exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            except Exception:
                log.exception("worker failed on an entry; it will be retried")
                await asyncio.sleep(0.5)

    async def _acquire(self, conversation: str, token: str) -> None:
        """Wait for the conversation's lease; take it over at once from a worker known to be dead."""
        delay = 0.005
        while not await self.ledger.try_lock(conversation, token):
            owner = await self.ledger.lock_owner(conversation)
            if owner and not await self.redis.exists(keys.worker(owner.split("|", 1)[0])):
                if await self.ledger.steal_lock(conversation, owner, token):
                    log.warning("took over the lease of a stopped worker")
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)

    async def handle(self, delivery: Delivery) -> None:
        message, seq = delivery.message, delivery.seq
        conv = message.conversation_id
        token = f"{self.consumer}|{uuid.uuid4().hex}"
        item = _Held(delivery, conv, token)
        self.held[delivery.entry_id] = item
        try:
            # The usual case in one round trip: the lease is free and the message's turn has come.
            runs, locked, done, state = await self.ledger.begin(message, token)
            item.locked = locked
            if runs > self.max_attempts:
                log.error("entry failed %d times; moved to the dead letters", runs - 1)
                DEAD_LETTERS.inc()
                if locked:
                    item.locked = False
                    await self.ledger.unlock(conv, token)
                await self.queue.bury(delivery, f"failed {runs - 1} times in a row")
                return
            handled = False
            try:
                if locked and (delivery.redo or done >= seq - 1):
                    late = done >= seq and not delivery.redo
                else:
                    if locked:
                        item.locked = False
                        await self.ledger.unlock(conv, token)
                    late = await self._wait_turn(item)
                    state = await self.ledger.state(message)
                if state.get("status") not in FINAL_STATES:  # else handled before a crash or by another worker
                    await self.responder.respond(delivery, token, late=late, state=state)
                    if item.lost:
                        raise LeaseLost("conversation lease lost while handling")
                item.locked = False
                await self.ledger.finish(conv, seq, token)
                handled = True
                await self.queue.ack(delivery)
            finally:
                if not handled:
                    item.locked = False
                    await self.ledger.unlock(conv, token)
        except LeaseLost:
            log.warning("lease lost; the entry is left to the worker that holds the conversation")
        except (RedisError, asyncio.CancelledError):
            raise
        except Exception:
            ENTRY_FAILURES.inc()
            raise
        finally:
            self.held.pop(delivery.entry_id, None)

    async def _wait_turn(self, item: _Held) -> bool:
        """Take the lease once every earlier message of the conversation is handled (or waited for
        long enough); True when this message arrived after a later one was handled."""
        delivery, token = item.delivery, item.token
        conv, seq = delivery.message.conversation_id, delivery.seq
        deadline = time.monotonic() + self.order_wait_s
        while True:
            await self._acquire(conv, token)
            item.locked = True
            done = await self.ledger.done_seq(conv)
            if delivery.redo or done >= seq - 1:
                late = done >= seq and not delivery.redo
                return late
            if time.monotonic() > deadline:
                log.warning("earlier message(s) of a conversation still missing after %.0fs; going on",
                            self.order_wait_s)
                await self.ledger.mark_handled(conv, done + 1, seq - 1)
                return False
            item.locked = False
            await self.ledger.unlock(conv, token)
            await asyncio.sleep(0.05)
