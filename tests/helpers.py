"""Helpers the tests share: settings, a gateway and workers under test, signed posts, polling.

Fans in tests are named ("fan-fr"); ``fan()`` turns a name into the kind of
id the platform sends (a string of digits), the same one every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import json
import socket
import time
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.app import create_app
from bot.brand import load_brand
from bot.pipeline.runner import build_worker, load_proofreader
from bot.pipeline.worker import Worker
from bot.schedule import coverage
from bot.settings import Settings
from webhooks.messenger import MessengerChannel
from webhooks.messenger import simulate
from webhooks.signature import sign

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PAGE_TOKEN = "test-page-token"
METRICS_TOKEN = "test-metrics-token"
DEMO_PAGE_ID = simulate.DEMO_PAGE_ID
STREAM = "relais:{q}:inbound"


def fan(name: str) -> str:
    """A stable page-scoped id (digits) for a fan named in a test; digits pass through."""
    if name.isdigit():
        return name
    return str(10**15 + int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**15)


def conversation(name: str, page: str = DEMO_PAGE_ID) -> str:
    return f"messenger:{page}:{fan(name)}"


def messenger_event(text: str, sender: str, page_id: str = DEMO_PAGE_ID, mid: str | None = None) -> dict:
    """A Messenger webhook body with one text message, as the platform documents it."""
    return simulate.delivery(simulate.text_event(text, fan(sender), page_id, mid), page_id=page_id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_settings(redis_url: str, **overrides) -> Settings:
    values = dict(
        redis_url=redis_url,
        rasa_urls=("http://127.0.0.1:9",),
        actions_url="http://127.0.0.1:9/webhook",
        consumer=f"test-{uuid.uuid4().hex[:6]}",
        heartbeat_s=0.5,
        echo_wait_s=2.0,
        send_retry_base_s=0.2,
        rasa_attempts=2,
        metrics_token=METRICS_TOKEN,
    )
    values.update(overrides)
    return Settings(**values)


def messenger(graph_url: str = "http://127.0.0.1:9", **overrides) -> MessengerChannel:
    values = dict(app_secret=APP_SECRET, verify_token=VERIFY_TOKEN, page_access_token=PAGE_TOKEN,
                  graph_api_base=graph_url, send_timeout_s=2.0)
    values.update(overrides)
    return MessengerChannel(**values)


async def serve(settings: Settings, channels: dict | None = None) -> TestClient:
    """The gateway on 127.0.0.1 (webhooks only, as ``relais gateway`` runs it)."""
    app = create_app(settings, channels if channels is not None else {"messenger": messenger()})
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


async def read_metrics(client: TestClient) -> str:
    """The gateway's ``/metrics``, read as the operator's Prometheus does (with the metrics token)."""
    resp = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert resp.status == 200, resp.status
    return await resp.text()


async def close_client(client: TestClient, timeout_s: float = 15.0) -> None:
    """Stop a gateway under test; connections still open after ``timeout_s`` are dropped with it."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout_s):
            await client.close()


@functools.lru_cache(maxsize=4)
def shared_proofreader(brand_file: str | None = None):
    """The shipped proofreader, loaded once per brand file for the whole session (its backends are slow to load)."""
    return load_proofreader(brand_file)


@dataclass
class RunningWorker:
    worker: Worker
    task: asyncio.Task
    redis: Redis
    session: aiohttp.ClientSession

    async def stop(self) -> None:
        self.worker.stopping = True
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            async with asyncio.timeout(15):
                await self.task
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self.session.close()
                await self.redis.aclose()


@functools.lru_cache(maxsize=4)
def staffed_moment(brand_file: str | None = None) -> float:
    """10:30 in the brand's time zone on today's date, or on the next day the brand's team works: the moment a
    test worker's staffed hours are judged at, so that a run after hours or on a Sunday routes as by day."""
    brand = load_brand(brand_file) if brand_file else load_brand()
    day = dt.datetime.now(ZoneInfo(brand.time_zone)).replace(hour=10, minute=30, second=0, microsecond=0)
    for _ in range(14):
        if coverage(brand, day.astimezone(dt.timezone.utc)).staffed:
            return day.timestamp()
        day += dt.timedelta(days=1)
    raise AssertionError("the brand file staffs no day at 10:30 within two weeks")


async def start_worker(settings: Settings, channels: dict, proofreader=None, brand_file=None) -> RunningWorker:
    """A worker, as ``relais worker`` runs it, inside the test's event loop. Its staffed hours are judged at
    :func:`staffed_moment` (a test of the hours sets ``worker.responder.clock`` itself)."""
    redis = Redis.from_url(settings.redis_url, socket_timeout=30, socket_connect_timeout=2)
    session = aiohttp.ClientSession()
    worker = build_worker(settings, redis, session, channels,
                          proofreader or shared_proofreader(str(brand_file) if brand_file else None))
    moment = staffed_moment(str(brand_file) if brand_file else None)
    worker.responder.clock = lambda: moment
    task = asyncio.create_task(worker.run())
    return RunningWorker(worker, task, redis, session)


async def post_signed(client: TestClient, body: dict | bytes, secret: str = APP_SECRET):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await client.post("/webhooks/messenger", data=raw, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, raw)})


async def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05):
    """Poll an async predicate until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = await asyncio.wait_for(predicate(), max(1.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            raise AssertionError(f"condition not met within {timeout}s (the check itself hung)") from None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


async def message_state(redis: Redis, message_id: str) -> dict:
    """The ledger state of a message, found by its platform id alone."""
    from bot.pipeline.ledger import Ledger

    async for key in redis.scan_iter(match=f"relais:msg:*:{message_id}", count=1000):
        conv, _, mid = key.decode().removeprefix("relais:msg:{").rpartition("}:")
        return await Ledger(redis).state_of(conv, mid)
    return {}


async def outcome(redis: Redis, message_id: str, timeout: float = 30.0) -> dict:
    """Wait until the message has a final outcome; its state."""
    async def final():
        state = await message_state(redis, message_id)
        return state if state.get("status") in ("sent", "held", "escalated", "failed") else None

    return await wait_until(final, timeout=timeout)
