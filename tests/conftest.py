"""Shared fixtures: a real redis-server, the real Rasa server and action server, a fake Graph API.

The Rasa server and the action server (each with its own token) are started
once per session from the trained model (``relais train`` runs before the suite);
the gateway under test is the real aiohttp app served on 127.0.0.1, and its
workers are the real pipeline, run in the test's event loop.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.tools.launcher import Stack, start_rasa, start_redis
from bot.tools.training import ROOT, ensure_model, rasa_env
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import PAGE_TOKEN, close_client, free_port, make_settings, messenger, serve, start_worker

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server for the session."""
    data = tmp_path_factory.mktemp("redis")
    stack = Stack(dict(os.environ), log_dir=data)
    url = start_redis(stack, free_port(), data, persistent=False)
    yield url
    stack.stop()


@pytest_asyncio.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


@dataclass
class RasaStack:
    rasa_url: str
    actions_url: str
    token: str
    logs: Path
    brand_file: Path
    actions_token: str  # the action server answers only requests that carry it


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    model = ensure_model()
    actions_port, rasa_port = str(free_port()), str(free_port())
    token, actions_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    logs = tmp_path_factory.mktemp("stack-logs")
    brand_file = logs / "brand.yml"  # the action server's own copy, which a test may edit
    shutil.copy(ROOT / "brand.yml", brand_file)
    env = {**rasa_env(), "RELAIS_ACTION_URL": f"http://127.0.0.1:{actions_port}/webhook",
           "RELAIS_ACTIONS_TOKEN": actions_token, "RELAIS_BRAND_FILE": str(brand_file)}
    stack = Stack(env, log_dir=logs)
    try:
        start_rasa(stack, model, actions_port=actions_port, rasa_port=rasa_port, env=env, token=token)
    except RuntimeError:
        for log in logs.glob("*.log"):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
        stack.stop()
        raise
    yield RasaStack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}/webhook", token, logs,
                    brand_file, actions_token)
    stack.stop()


@pytest_asyncio.fixture
async def graph() -> AsyncIterator[FakeGraphAPI]:
    fake = FakeGraphAPI(token=PAGE_TOKEN)
    fake.url = await fake.start()
    yield fake
    await fake.close()


@pytest_asyncio.fixture
async def webhook_only(redis: Redis, redis_url: str) -> AsyncIterator[TestClient]:
    """The gateway with no worker: for what the webhook itself accepts or refuses."""
    client = await serve(make_settings(redis_url))
    yield client
    await close_client(client)


def stack_settings(redis_url: str, rasa_stack: RasaStack, **overrides):
    return make_settings(redis_url, rasa_urls=(rasa_stack.rasa_url,), rasa_token=rasa_stack.token,
                         actions_url=rasa_stack.actions_url, actions_token=rasa_stack.actions_token, **overrides)


@pytest_asyncio.fixture
async def gateway(redis: Redis, redis_url: str, rasa_stack: RasaStack, graph: FakeGraphAPI) -> AsyncIterator[TestClient]:
    """The gateway and one worker, wired to the real Rasa and action servers and the fake Graph API."""
    settings = stack_settings(redis_url, rasa_stack)
    channels = {"messenger": messenger(graph.url)}
    client = await serve(settings, channels)
    graph.webhook = client  # the fake echoes our sends back, as Meta does
    worker = await start_worker(settings, {"messenger": messenger(graph.url)}, brand_file=rasa_stack.brand_file)
    yield client
    graph.webhook = None  # no more echoes into a gateway that is closing
    await worker.stop()
    await close_client(client)
