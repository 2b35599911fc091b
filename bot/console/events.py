"""Live updates: what happens in the inbox reaches every open console page over Server-Sent Events.

Each gateway process runs one listener that blocks on two streams at once:
the CM queue (a new case: index it, then announce it) and the console's
event stream ``relais:console:events`` (what any process announced: a new
item, an item handled, a CM opening an item). Every event reaches the pages
this process serves through ``aiohttp-sse``; a page refreshes the part it
shows. Several gateways behind one port therefore all see every event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp_sse import sse_response
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.console.security import headers_for

log = logging.getLogger("relais.console.events")

BLOCK_MS = 1000
SESSION_CHECK_S = 5  # an open stream notices this soon that its session ended


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Broadcaster:
    def __init__(self, redis: Redis, inbox, stream: str = keys.CONSOLE_EVENTS) -> None:
        self.redis = redis
        self.inbox = inbox
        self.stream = stream
        self.subscribers: set[asyncio.Queue] = set()
        self.closed = asyncio.Event()

    async def publish(self, event: dict[str, Any]) -> None:
        """Announce an event to every console page of every gateway."""
        await self.redis.xadd(self.stream, {"event": json.dumps(event, ensure_ascii=False)}, maxlen=10_000,
                              approximate=True)

    async def _last_id(self, stream: str) -> str:
        rows = await self.redis.xrevrange(stream, count=1)
        return _s(rows[0][0]) if rows else "0-0"

    async def run(self) -> None:
        """Follow the CM queue and the event stream until the gateway stops."""
        last: dict[str, str] = {}
        while not self.closed.is_set():
            try:
                if not last:
                    last = {keys.CM_QUEUE: await self._last_id(keys.CM_QUEUE),
                            self.stream: await self._last_id(self.stream)}
                    await self.inbox.sync(self.publish)
                found = await self.redis.xread(last, block=BLOCK_MS, count=100)
                new_cases = False
                for stream, entries in found or []:
                    name = _s(stream)
                    last[name] = _s(entries[-1][0])
                    if name == keys.CM_QUEUE:
                        new_cases = True
                        continue
                    for _, fields in entries:
                        self._fan_out(json.loads(fields[b"event"]))
                if new_cases or not found:  # also now and then: a case another process skipped indexing
                    await self.inbox.sync(self.publish)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                log.warning("live updates paused: %s", type(exc).__name__)
                await asyncio.sleep(1)
            except Exception:
                log.exception("live updates failed; going on")
                await asyncio.sleep(1)

    def _fan_out(self, event: dict[str, Any]) -> None:
        for queue in list(self.subscribers):
            if queue.qsize() < 100:  # a page that stopped reading loses events, never the gateway's memory
                queue.put_nowait(event)

    async def close(self) -> None:
        self.closed.set()
        for queue in list(self.subscribers):
            queue.put_nowait(None)

    async def stream_to(self, request: web.Request,
                        still_signed_in: Callable[[], Awaitable[bool]] | None = None) -> web.StreamResponse:
        """``GET /console/events``: the event stream of one page; it ends when ``still_signed_in`` (asked
        every few seconds) says the page's session has ended."""
        queue: asyncio.Queue = asyncio.Queue()
        self.subscribers.add(queue)
        headers = {**headers_for(request), "Cache-Control": "no-store"}
        resp = None
        checked = time.monotonic()
        try:
            async with sse_response(request, headers=headers, ping_interval=15) as resp:
                await resp.send(json.dumps({"type": "hello"}), event="hello")
                while resp.is_connected():
                    if still_signed_in is not None and time.monotonic() - checked >= SESSION_CHECK_S:
                        if not await still_signed_in():
                            break
                        checked = time.monotonic()
                    try:
                        event = await asyncio.wait_for(queue.get(), SESSION_CHECK_S)
                    except TimeoutError:
                        continue  # a page that went away is noticed by the pings
                    if event is None:
                        break
                    await resp.send(json.dumps(event, ensure_ascii=False), event=event.get("type", "message"))
            return resp
        except ConnectionResetError:  # the page went away (aiohttp's ClientConnectionResetError too)
            return resp if resp is not None else web.Response(status=204)
        finally:
            self.subscribers.discard(queue)


@contextlib.asynccontextmanager
async def listen(broadcaster: Broadcaster):
    """The listener runs for the gateway's life."""
    task = asyncio.create_task(broadcaster.run(), name="relais-console-events")
    yield
    await broadcaster.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
