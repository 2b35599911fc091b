"""Who is asking: the client's address and scheme through trusted proxies, over real HTTP to a small app that
answers what ``bot.forwarded`` reads from each request (the test client's peer address is 127.0.0.1)."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import forwarded
from bot.errors import ConfigError
from bot.settings import load_settings

PROXIES = web.AppKey("proxies", tuple)


async def who(request: web.Request) -> web.Response:
    proxies = request.app[PROXIES]
    return web.json_response({"client": forwarded.client_address(request, proxies),
                              "https": forwarded.is_https(request, proxies)})


@pytest.fixture
async def ask():
    clients: list[TestClient] = []

    async def asker(proxies: tuple[str, ...], headers: list[tuple[str, str]]) -> dict:
        app = web.Application()
        app[PROXIES] = proxies
        app.router.add_get("/", who)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        resp = await client.get("/", headers=headers)
        return await resp.json()
    yield asker
    for client in clients:
        await client.close()


LOOPBACK = forwarded.LOOPBACK_PROXIES


@pytest.mark.parametrize("proxies, forwarded_for, client", [
    ((), ["203.0.113.5"], "127.0.0.1"),  # nobody trusted: the header is ignored
    (("198.51.100.1/32",), ["203.0.113.5"], "127.0.0.1"),  # the peer is not the trusted proxy
    (LOOPBACK, [], "127.0.0.1"),  # a trusted proxy that said nothing
    (LOOPBACK, ["203.0.113.5"], "203.0.113.5"),
    (LOOPBACK, ["6.6.6.6, 203.0.113.5"], "203.0.113.5"),  # what the client claimed further left is ignored
    (LOOPBACK, ["6.6.6.6", "203.0.113.5"], "203.0.113.5"),  # the header sent twice reads as one list
    ((*LOOPBACK, "10.0.0.0/8"), ["203.0.113.5, 10.1.2.3"], "203.0.113.5"),  # trusted hops are skipped
    ((*LOOPBACK, "10.0.0.0/8"), ["10.0.0.7, 10.1.2.3"], "10.0.0.7"),  # all trusted: the leftmost
    (LOOPBACK, ["203.0.113.5, not-an-address"], "127.0.0.1"),  # unreadable: the last trusted hop
    (LOOPBACK, ["203.0.113.5:4711"], "203.0.113.5"),
    (LOOPBACK, ["[2001:db8::1]:443"], "2001:db8::1"),
    (LOOPBACK, ["2001:db8::2"], "2001:db8::2"),
])
async def test_the_client_address(ask, proxies, forwarded_for, client):
    answer = await ask(proxies, [("X-Forwarded-For", value) for value in forwarded_for])
    assert answer["client"] == client


@pytest.mark.parametrize("proxies, proto, https", [
    (LOOPBACK, ["https"], True),
    (LOOPBACK, ["http"], False),
    (LOOPBACK, [], False),
    (LOOPBACK, ["http, https"], True),  # the nearest proxy's word
    (LOOPBACK, ["https, http"], False),
    ((), ["https"], False),  # nobody trusted
    (("198.51.100.1/32",), ["https"], False),
])
async def test_the_scheme(ask, proxies, proto, https):
    answer = await ask(proxies, [("X-Forwarded-Proto", value) for value in proto])
    assert answer["https"] is https


def test_trusted_proxies_are_a_setting_validated_with_its_key_named():
    core = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert load_settings(core).trusted_proxies == ("127.0.0.1/32", "::1/128")
    settings = load_settings({**core, "RELAIS_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32"})
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32")
    assert load_settings({**core, "RELAIS_TRUSTED_PROXIES": "none"}).trusted_proxies == ()
    for bad in ("10.0.0.0/33", "proxy.example", "10.0.0.1;rm"):
        with pytest.raises(ConfigError, match="RELAIS_TRUSTED_PROXIES"):
            load_settings({**core, "RELAIS_TRUSTED_PROXIES": bad})
