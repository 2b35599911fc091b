"""Helpers the tests share: settings for a gateway under test, signed posts, polling."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings
from webhooks.signature import sign

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PAGE_TOKEN = "test-page-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_settings(redis_url: str, **overrides) -> Settings:
    values = dict(
        redis_url=redis_url,
        rasa_url="http://127.0.0.1:9",
        messenger_app_secret=APP_SECRET,
        messenger_verify_token=VERIFY_TOKEN,
        messenger_page_access_token=PAGE_TOKEN,
        consumer=f"test-{uuid.uuid4().hex[:6]}",
        claim_idle_ms=2000,
    )
    values.update(overrides)
    return Settings(**values)


async def serve(settings: Settings) -> TestClient:
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    return client


async def post_signed(client: TestClient, body: dict | bytes, secret: str = APP_SECRET):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await client.post("/webhooks/messenger", data=raw, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, raw)})


async def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05):
    """Poll an async predicate until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
