"""Console gateways for the sign-in and session tests: the real app on 127.0.0.1 with some settings changed,
two CMs — alice (admin, with a second factor) and bob (cm) — and browsers that speak plain HTTP to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from redis.asyncio import Redis

from bot.console.accounts import Accounts
from tests.bot.console.clients import HttpBrowser
from tests.bot.console.conftest import PASSWORD, start_gateway
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import close_client


@dataclass
class Consoles:
    """Start consoles on one Redis; open browsers on them. Everything is closed at the test's end."""

    redis: Redis
    redis_url: str
    graph: FakeGraphAPI
    totp: dict[str, str] = field(default_factory=dict)
    url: str = ""  # the first console started
    _clients: list = field(default_factory=list)
    _browsers: list[HttpBrowser] = field(default_factory=list)

    async def start(self, **settings) -> str:
        client = await start_gateway(self.redis_url, self.graph, **settings)
        self._clients.append(client)
        self.url = self.url or str(client.make_url("")).rstrip("/")
        return str(client.make_url("")).rstrip("/")

    def browser(self, url: str | None = None, **headers: str) -> HttpBrowser:
        self._browsers.append(HttpBrowser(url or self.url, headers))
        return self._browsers[-1]

    async def close(self) -> None:
        for browser in self._browsers:
            await browser.close()
        for client in self._clients:
            await close_client(client, timeout_s=5)


@pytest.fixture
async def consoles(redis: Redis, redis_url: str, graph: FakeGraphAPI) -> AsyncIterator[Consoles]:
    accounts = Accounts(redis)
    secret = await accounts.add("alice", PASSWORD, role="admin", totp=True)
    await accounts.add("bob", PASSWORD)
    found = Consoles(redis, redis_url, graph, {"alice": secret})
    yield found
    await found.close()
