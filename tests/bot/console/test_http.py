"""The console over real HTTP: sign-in, guards, CSRF, headers, actions through the send engine, stats."""

from __future__ import annotations

import re

import pytest
from aiohttp import ClientSession, CookieJar
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.console.accounts import Accounts
from bot.errors import ConfigError
from tests.bot.console.conftest import PASSWORD, ConsoleGateway, file_case, item_id_for, one_time_code, start_gateway
from tests.helpers import close_client, fan


async def signed_in(gateway: ConsoleGateway, name: str = "alice") -> tuple[ClientSession, str]:
    """A client session signed in as ``name``; its CSRF token."""
    session = ClientSession(base_url=gateway.url, cookie_jar=CookieJar(unsafe=True))
    page = await (await session.get("/console/login")).text()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"name": name, "password": PASSWORD, "csrf": token}
    if name in gateway.totp:
        form["code"] = await one_time_code(gateway.redis, name, gateway.totp[name])
    resp = await session.post("/console/login", data=form, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    inbox = await (await session.get("/console/inbox/drafts")).text()
    return session, re.search(r'<meta name="csrf-token" content="([^"]+)"', inbox).group(1)


async def test_nothing_is_shown_without_signing_in(console: ConsoleGateway):
    await file_case(console.redis, "held", "my secret order", draft="Hello")
    async with ClientSession(base_url=console.url, cookie_jar=CookieJar(unsafe=True)) as anonymous:
        resp = await anonymous.get("/console/inbox/drafts", allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"] == "/console/login"
        resp = await anonymous.get("/console/api/stats")
        assert resp.status == 401
        assert "my secret order" not in await resp.text()


async def test_pages_carry_a_strict_csp_and_session_cookie_flags(console: ConsoleGateway):
    async with ClientSession(base_url=console.url, cookie_jar=CookieJar(unsafe=True)) as session:
        page = await session.get("/console/login")
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
        token = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        resp = await session.post("/console/login", data={"name": "bob", "password": PASSWORD, "csrf": token},
                                  allow_redirects=False)
        cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        assert resp.headers["Cache-Control"] == "no-store"


async def test_behind_an_https_proxy_the_cookie_is_secure(console: ConsoleGateway):
    async with ClientSession(base_url=console.url, headers={"X-Forwarded-Proto": "https"},
                             cookie_jar=CookieJar(unsafe=True)) as session:
        page = await session.get("/console/login")
        token = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        assert "Secure" in page.headers["Set-Cookie"]  # the sign-in form's own cookie too
        resp = await session.post("/console/login", data={"name": "bob", "password": PASSWORD, "csrf": token},
                                  cookies={"relais_login_csrf": token}, allow_redirects=False)
        assert "Secure" in resp.headers["Set-Cookie"]


async def test_a_post_without_its_csrf_token_changes_nothing(console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "hello?", draft="Hello there")
    item = await item_id_for(console.redis, mid)
    session, token = await signed_in(console)
    async with session:
        for data, headers in [({"reply_id": "abcdef123"}, {}), ({"reply_id": "abcdef123", "csrf": "forged"}, {}),
                              ({"reply_id": "abcdef123", "csrf": token}, {"Origin": "http://evil.example"})]:
            resp = await session.post(f"/console/item/{item}/approve", data=data, headers=headers,
                                      allow_redirects=False)
            assert resp.status == 403, await resp.text()
        assert console.graph.sent == []
        assert await console.redis.xlen(keys.CONSOLE_AUDIT) == 0
        resp = await session.post(f"/console/item/{item}/approve", headers={"Accept": "application/json"},
                                  data={"reply_id": "abcdef123", "csrf": token, "text": "Hello there"})
        assert resp.status == 200, await resp.text()
        assert [m.text for m in console.graph.sent] == ["Hello there"]


async def test_approving_goes_through_the_send_engine_and_is_audited(console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "when do you open?", sender="ann", draft="We open at 10.")
    item = await item_id_for(console.redis, mid)
    session, token = await signed_in(console, "bob")
    async with session:
        resp = await session.post(f"/console/item/{item}/approve", headers={"Accept": "application/json"},
                                  data={"reply_id": "r1r1r1r1", "csrf": token, "text": "We open at 10."})
        body = await resp.json()
        assert resp.status == 200 and body["done"] == "done_sent"
        [sent] = console.graph.sent
        assert sent.recipient == fan("ann") and sent.text == "We open at 10."
        assert sent.metadata.endswith(f"{mid}.cm-draft:0")  # the send engine's tag, echoed back by the platform
        assert body["platform_ids"] and body["platform_ids"][0].startswith("m_")
        again = await session.post(f"/console/item/{item}/approve", headers={"Accept": "application/json"},
                                   data={"reply_id": "r2r2r2r2", "csrf": token, "text": "We open at 10."})
        assert again.status == 409 and (await again.json())["name"] == "bob"
        assert len(console.graph.sent) == 1
        audit = await (await session.get("/console/audit")).text()
        assert "approve" in audit and body["platform_ids"][0] in audit
        stats = await (await session.get("/console/api/stats")).json()
        assert stats["drafts"]["by_language"]["en"] == {"as_is": 1, "edited": 0, "rejected": 0}
        assert stats["messages"]["held"] == 1


async def test_reject_needs_a_reason_and_resolve_hands_back_to_the_bot(console: ConsoleGateway):
    draft_mid = await file_case(console.redis, "held", "hello?", sender="cy", draft="Hello")
    esc_mid = await file_case(console.redis, "escalated", "I want a human", sender="dee", tone="negative")
    draft, esc = await item_id_for(console.redis, draft_mid), await item_id_for(console.redis, esc_mid)
    session, token = await signed_in(console)
    json_accept = {"Accept": "application/json"}
    async with session:
        resp = await session.post(f"/console/item/{draft}/reject", data={"csrf": token, "reason": ""},
                                  headers=json_accept)
        assert resp.status == 400 and (await resp.json())["error"] == "reject_reason"
        resp = await session.post(f"/console/item/{draft}/reject", data={"csrf": token, "reason": "wrong store"},
                                  headers=json_accept)
        assert resp.status == 200
        conv = (await console.redis.hget(keys.console_item(esc), "conversation")).decode()
        assert await console.redis.exists(keys.handoff(conv))
        resp = await session.post(f"/console/item/{esc}/resolve", data={"csrf": token}, headers=json_accept)
        assert resp.status == 200
        assert not await console.redis.exists(keys.handoff(conv))  # the bot answers this fan again
        stats = await (await session.get("/console/api/stats")).json()
        assert stats["drafts"]["total"]["rejected"] == 1
        handled = await (await session.get("/console/inbox/handled")).text()
        assert "rejected" in handled and "resolved" in handled
    assert console.graph.sent == []


async def test_the_console_refuses_to_start_on_the_network_without_an_account(redis: Redis, redis_url: str, graph):
    with pytest.raises(ConfigError, match="relais cm add"):
        await start_gateway(redis_url, graph, host="0.0.0.0")
    await Accounts(redis).add("carol", PASSWORD)
    client = await start_gateway(redis_url, graph, host="0.0.0.0")
    await close_client(client, timeout_s=5)
