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
* one fan never holds up the others: a slot never waits on a conversation
  that is busy (another slot or process holds its lease, or an earlier
  message of it is not handled yet). The entry is *parked* in this process,
  in its conversation's line, and the slot goes on reading. The slot that
  finishes a conversation's message takes the next one of its line; a line
  blocked by another process is tried again shortly (5 ms, doubling up to
  100 ms). Parked entries stay pending under this worker's name and are
  claimed at every heartbeat, so a worker that dies leaves them to the
  others like any entry it held;
* a worker that dies is noticed within three heartbeats: its entries are
  claimed by the others at once, its leases taken over, and its consumer
  removed from the group;
* an entry that fails ``max_attempts`` times in a row goes to the dead
  letters instead of looping for ever.

Why park in the process rather than give the entry back to the stream: a
requeued entry would lose its place (it goes to the end, behind every other
fan) and cost two Redis writes per try, and a fan's burst would be read,
requeued and read again by every slot; a parked entry costs nothing until
its conversation is free, and the slot that frees it goes straight on.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import json
import logging
import time
import uuid
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.metrics import DEAD_LETTERS, ENTRY_FAILURES
from bot.pipeline.acknowledgement import HoldAcknowledgements
from bot.pipeline.delivery import LeaseLost
from bot.pipeline.ledger import FINAL_STATES, Begun, Ledger
from bot.pipeline.queue import Delivery, InboundQueue
from bot.pipeline.responder import Responder

log = logging.getLogger("relais.worker")

RETRY_FIRST_S, RETRY_MAX_S = 0.005, 0.1  # a line blocked by another process is tried again this often
MAX_PARKED = 50_000  # entries parked in one process before it stops reading (each holds one message)


@dataclass(order=True)
class _Held:
    """An entry this process holds: in a slot's hands or parked in its conversation's line."""

    seq: int
    entry_id: str
    delivery: Delivery = field(compare=False)
    conversation: str = field(compare=False)
    token: str = field(default="", compare=False)
    locked: bool = field(default=False, compare=False)  # holds the conversation's lease now
    lost: bool = field(default=False, compare=False)
    waiting_since: float = field(default=0.0, compare=False)  # when it first found an earlier message missing
    retry_s: float = field(default=RETRY_FIRST_S, compare=False)


class Worker:
    def __init__(self, redis: Redis, queue: InboundQueue, ledger: Ledger, responder: Responder, *, consumer: str,
                 concurrency: int = 8, heartbeat_s: float = 2.0, max_attempts: int = 5,
                 order_wait_s: float = 30.0, max_parked: int = MAX_PARKED) -> None:
        self.redis = redis
        self.queue = queue
        self.ledger = ledger
        self.responder = responder
        self.consumer = consumer
        self.concurrency = concurrency
        self.heartbeat_s = heartbeat_s
        self.max_attempts = max_attempts
        self.order_wait_s = order_wait_s
        self.max_parked = max_parked
        self.claim_idle_ms = int(heartbeat_s * 3000) + 1000
        self.held: dict[str, _Held] = {}  # entry id → what this process holds, in hand or parked
        self.parked: dict[str, list[_Held]] = {}  # conversation → its line of parked entries (a heap by seq)
        self.busy: set[str] = set()  # conversations a slot of this process works on now
        self.claimed: asyncio.Queue[Delivery] = asyncio.Queue()
        self.slots = asyncio.Semaphore(concurrency)  # messages handled at once
        self._timers: dict[str, asyncio.TimerHandle] = {}  # conversation → its line's next try
        self._lines: set[asyncio.Task] = set()  # tasks running a parked line (tracked, cancelled on stop)
        self._unparked = asyncio.Event()  # set when the parked count falls below ``max_parked``
        self._parked_count = 0
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
            for timer in self._timers.values():
                timer.cancel()
            tasks += list(self._lines)
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
            pass
        if self._parked_count >= self.max_parked:  # read no further until some of what is parked is done
            self._unparked.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.heartbeat_s):
                    await self._unparked.wait()
            return []
        return await self.queue.read(self.consumer, count=1, block_ms=int(self.heartbeat_s * 500) or 100)

    async def _consume(self) -> None:
        """One reading slot: takes the next entry and handles it, or parks it when its conversation is busy."""
        backoff = 0.1
        while not self.stopping:
            try:
                for delivery in await self._next():
                    if delivery.entry_id in self.held:
                        continue
                    await self.take(delivery)
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

    async def take(self, delivery: Delivery) -> None:
        """Handle an entry now, or park it behind its conversation's line when that is busy."""
        conv = delivery.message.conversation_id
        item = _Held(delivery.seq, delivery.entry_id, delivery, conv)
        self.held[delivery.entry_id] = item
        if conv in self.busy or self.parked.get(conv):
            self._park(item)  # the line's slot or its next try takes it, in order
            return
        await self._run_line(conv, item)

    async def _run_line(self, conv: str, item: _Held | None) -> None:
        """Work through a conversation's line, starting with ``item`` (or its first parked entry), until it
        is empty or blocked; a blocked entry goes back to the line with its next try set."""
        if conv in self.busy:
            if item is not None:
                self._park(item)
            return
        self.busy.add(conv)
        next_try_s = 0.0
        try:
            while item is not None and not self.stopping:
                timer = self._timers.pop(conv, None)
                if timer is not None:
                    timer.cancel()
                async with self.slots:  # a slot per message, not per line: a long line lets others in between
                    started = await self._attempt(item)
                if not started:
                    self._park(item)
                    self._retry_later(conv, item.retry_s)
                    item.retry_s = min(item.retry_s * 2, RETRY_MAX_S)
                    return
                item = self._unpark(conv)
        except RedisError:
            next_try_s = 1.0  # Redis is out of reach: the line waits instead of spinning
            raise
        finally:
            self.busy.discard(conv)
            if self.parked.get(conv) and conv not in self._timers and not self.stopping:
                self._retry_later(conv, next_try_s)  # parked while this slot was finishing: not left behind

    def _park(self, item: _Held) -> None:
        heapq.heappush(self.parked.setdefault(item.conversation, []), item)
        self._parked_count += 1

    def _unpark(self, conv: str) -> _Held | None:
        line = self.parked.get(conv)
        if not line:
            return None
        item = heapq.heappop(line)
        if not line:
            del self.parked[conv]
        self._parked_count -= 1
        if self._parked_count < self.max_parked:
            self._unparked.set()
        return item

    def _retry_later(self, conv: str, delay_s: float) -> None:
        if conv in self._timers:
            return
        self._timers[conv] = asyncio.get_running_loop().call_later(delay_s, self._resume_line, conv)

    def _resume_line(self, conv: str) -> None:
        self._timers.pop(conv, None)
        if self.stopping or conv in self.busy or not self.parked.get(conv):
            return
        task = asyncio.create_task(self._run_line(conv, self._unpark(conv)), name="relais-line")
        self._lines.add(task)
        task.add_done_callback(self._line_done)

    def _line_done(self, task: asyncio.Task) -> None:
        self._lines.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, RedisError):
            self._degraded(exc)
        elif exc is not None:
            log.error("worker failed on an entry; it will be retried", exc_info=exc)

    async def _begin(self, item: _Held) -> Begun:
        """Start on the entry if its conversation is free and its turn has come; take the lease of a
        worker known to be dead; give up waiting for a missing predecessor after ``order_wait_s``."""
        message, delivery = item.delivery.message, item.delivery
        item.token = f"{self.consumer}|{uuid.uuid4().hex}"
        gave_up = bool(item.waiting_since) and time.monotonic() - item.waiting_since > self.order_wait_s
        begun = await self.ledger.begin(message, item.token, item.seq, any_turn=bool(delivery.redo) or gave_up)
        if begun.runs == -1 and begun.owner and not await self.redis.exists(keys.worker(begun.owner.split("|", 1)[0])):
            if await self.ledger.steal_lock(item.conversation, begun.owner, item.token):
                log.warning("took over the lease of a stopped worker")
                await self.ledger.unlock(item.conversation, item.token)
                begun = await self.ledger.begin(message, item.token, item.seq,
                                                any_turn=bool(delivery.redo) or gave_up)
        if begun.runs == -2 and not item.waiting_since:
            item.waiting_since = time.monotonic()
        if begun.started and gave_up and begun.done < item.seq - 1:
            log.warning("earlier message(s) of a conversation still missing after %.0fs; going on",
                        self.order_wait_s)
            await self.ledger.mark_handled(item.conversation, begun.done + 1, item.seq - 1)
        return begun

    async def _attempt(self, item: _Held) -> bool:
        """Handle one entry; False when it cannot start yet (it stays held, to be tried again)."""
        delivery, conv = item.delivery, item.conversation
        seq = item.seq
        keep = False
        try:
            begun = await self._begin(item)
            if not begun.started:
                keep = True
                return False
            item.locked = True
            token = item.token
            if begun.runs > self.max_attempts:
                log.error("entry failed %d times; moved to the dead letters", begun.runs - 1)
                DEAD_LETTERS.inc()
                item.locked = False
                await self.ledger.unlock(conv, token)
                await self.queue.bury(delivery, f"failed {begun.runs - 1} times in a row")
                return True
            late = begun.done >= seq and not delivery.redo
            handled = False
            try:
                if begun.state.get("status") not in FINAL_STATES:  # else handled before a crash or elsewhere
                    await self.responder.respond(delivery, token, late=late, state=begun.state)
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
            return True
        except LeaseLost:
            log.warning("lease lost; the entry is left to the worker that holds the conversation")
            return True
        except (RedisError, asyncio.CancelledError):
            raise
        except Exception:
            ENTRY_FAILURES.inc()
            log.exception("worker failed on an entry; it will be retried")
            return True  # no longer held: claimed again once idle, and counted towards the dead letters
        finally:
            if not keep:
                self.held.pop(delivery.entry_id, None)
