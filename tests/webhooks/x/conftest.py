"""The X channel under test: the real gateway and workers, a real redis-server, the fake X API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.conftest import stack_settings
from tests.fakes.x_api import APP_BEARER, CONSUMER_SECRET, USER_TOKEN, FakeXAPI
from tests.helpers import close_client, make_settings, messenger, serve, start_worker
from webhooks.x import XChannel
from webhooks.x.limits import parse_limits

X_WINDOW_S = 6.0  # X's 15-minute window, shortened so a test can wait it out


def x_channel(api_url: str = "http://127.0.0.1:9", redis_url: str = "", consumer_secret: str = CONSUMER_SECRET,
              **overrides) -> XChannel:
    values = dict(redis_url=redis_url, api_base=api_url, access_token=USER_TOKEN, bearer_token=APP_BEARER,
                  account_limits=parse_limits(f"15/{X_WINDOW_S:g}", "X_SEND_LIMITS"), send_timeout_s=2.0,
                  background=False)
    values.update(overrides)
    return XChannel(consumer_secret, **values)


@pytest_asyncio.fixture
async def x_api() -> AsyncIterator[FakeXAPI]:
    fake = FakeXAPI(window_s=X_WINDOW_S)
    fake.url = await fake.start()
    yield fake
    fake.webhook = None
    await fake.close()


@pytest_asyncio.fixture
async def x_webhook(redis, redis_url, x_api) -> AsyncIterator:
    """The gateway with the X and Messenger channels and no worker."""
    client = await serve(make_settings(redis_url), {"x": x_channel(x_api.url), "messenger": messenger()})
    x_api.webhook = client
    yield client
    x_api.webhook = None
    await close_client(client)


async def _gateway_and_worker(settings, x_api, redis_url, brand_file=None):
    client = await serve(settings, {"x": x_channel(x_api.url)})
    x_api.webhook = client
    worker = await start_worker(settings, {"x": x_channel(x_api.url, redis_url)}, brand_file=brand_file)
    return client, worker


@pytest_asyncio.fixture
async def x_cm(redis, redis_url, x_api) -> AsyncIterator:
    """Gateway and worker without the Rasa stack: for what never reaches NLU (CM-only messages)."""
    client, worker = await _gateway_and_worker(make_settings(redis_url), x_api, redis_url)
    yield client
    x_api.webhook = None
    await worker.stop()
    await close_client(client)


@pytest_asyncio.fixture
async def x_stack(redis, redis_url, rasa_stack, x_api) -> AsyncIterator:
    """Gateway and worker wired to the real Rasa and action servers and the fake X API."""
    client, worker = await _gateway_and_worker(stack_settings(redis_url, rasa_stack), x_api, redis_url,
                                               rasa_stack.brand_file)
    yield client
    await x_api.idle()
    x_api.webhook = None
    await worker.stop()
    await close_client(client)
