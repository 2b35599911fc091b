"""Console sessions over real HTTP: an idle limit that only what the CM does renews, an absolute limit that
nothing extends (an open live stream included), and every session of an account ended when its password,
role or second factor changes."""

from __future__ import annotations

import asyncio
import re
import time

import pyotp
import pytest

from bot import redis_keys as keys
from bot.console.accounts import Accounts
from bot.console.auth import Sessions
from bot.errors import ConfigError
from bot.settings import load_settings
from tests.bot.console.conftest import PASSWORD
from tests.bot.console.gateways import Consoles, consoles  # noqa: F401  (the fixture)

NEW_PASSWORD = "a brand new passphrase"


async def signed_in(consoles: Consoles, url: str, name: str = "bob", password: str = PASSWORD, code: str = ""):
    browser = consoles.browser(url)
    resp = await browser.sign_in(name, password, code)
    assert resp.status == 303, resp.status
    assert (await browser.get()).status == 200
    return browser


async def signed_out(browser, replay: bool = False) -> bool:
    """Whether the browser is sent to the sign-in page (and its page's background requests refused)."""
    page = await browser.get(replay=replay)
    background = await browser.get("/console/api/counts", replay=replay)
    return page.status == 303 and page.headers["Location"] == "/console/login" and background.status == 401


async def test_an_idle_session_ends_however_long_the_page_stays_open(consoles: Consoles):
    url = await consoles.start(console_session_idle_s=2, console_session_max_s=600)
    browser = await signed_in(consoles, url)
    # An open page keeps asking for the counts and the rows by itself; that is not the CM doing anything.
    deadline = time.monotonic() + 20
    while (await browser.get("/console/api/counts")).status == 200:
        assert (await browser.get("/console/inbox/drafts/rows")).status == 200
        assert time.monotonic() < deadline, "the page's own requests kept an idle session alive"
        await asyncio.sleep(0.25)
    assert await signed_out(browser)


async def test_only_what_the_cm_does_renews_the_idle_time(consoles: Consoles):
    url = await consoles.start(console_session_idle_s=600, console_session_max_s=3600)
    browser = await signed_in(consoles, url)
    [key] = await consoles.redis.smembers(keys.console_sessions_of("bob"))
    await consoles.redis.pexpire(key, 100_000)
    for background in ("/console/api/counts", "/console/inbox/drafts/rows"):
        assert (await browser.get(background)).status == 200
        assert 0 < await consoles.redis.pttl(key) <= 100_000
    assert (await browser.get("/console/stats")).status == 200  # a page the CM opened
    assert await consoles.redis.pttl(key) > 500_000


async def test_a_session_ends_at_its_absolute_limit_even_in_use_and_its_live_stream_with_it(consoles: Consoles):
    url = await consoles.start(console_session_idle_s=2, console_session_max_s=4)
    browser = consoles.browser(url)
    resp = await browser.sign_in("bob", PASSWORD)
    assert resp.status == 303 and "Max-Age=4;" in resp.headers["Set-Cookie"]
    stream = await browser.http.get("/console/events")
    assert stream.status == 200

    async def read_to_the_end() -> None:
        while await stream.content.readany():
            pass
    ended = asyncio.ensure_future(read_to_the_end())
    deadline = time.monotonic() + 20
    # The CM keeps working (and the cookie is sent even past its Max-Age, as a copied cookie would be):
    # the server ends the session all the same.
    while (await browser.get(replay=True)).status == 200:
        assert time.monotonic() < deadline, "the session outlived its absolute limit"
        await asyncio.sleep(0.25)
    assert await signed_out(browser, replay=True)
    await asyncio.wait_for(ended, 15)  # the open stream was closed too
    stream.close()


async def test_an_open_page_goes_to_the_sign_in_form_when_its_session_ends(consoles: Consoles, browser):
    url = await consoles.start(console_session_idle_s=4, console_session_max_s=4)
    context = await browser.new_context(base_url=url, locale="en-GB")
    page = await context.new_page()
    await page.goto("/console/login")
    await page.fill("input[name=name]", "bob")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r".*/console/(inbox/escalations|away)$"))
    await page.goto("/console/inbox/drafts")  # left open, live: its stream ends with the session
    await page.wait_for_url(re.compile(r".*/console/login$"), timeout=30_000)
    assert await page.locator("input[name=password]").count() == 1
    await context.close()


async def test_a_password_role_or_second_factor_change_signs_the_account_out_everywhere(consoles: Consoles):
    url = await consoles.start()
    redis = consoles.redis
    accounts = Accounts(redis)
    first, second = await signed_in(consoles, url), await signed_in(consoles, url)
    alice = await signed_in(consoles, url, "alice", code=pyotp.TOTP(consoles.totp["alice"]).now())

    assert await accounts.set_password("bob", NEW_PASSWORD) == 2
    assert await signed_out(first) and await signed_out(second)
    assert (await alice.get()).status == 200  # another account's session is untouched
    assert (await consoles.browser(url).sign_in("bob", PASSWORD)).status == 401
    third = await signed_in(consoles, url, password=NEW_PASSWORD)

    assert await accounts.set_role("bob", "admin") == 1
    assert await signed_out(third)
    secret, ended = await accounts.set_totp("bob")
    assert ended == 0 and secret
    fourth = await signed_in(consoles, url, password=NEW_PASSWORD, code=pyotp.TOTP(secret).now())

    new_secret, ended = await accounts.set_totp("bob")
    assert ended == 1 and new_secret != secret
    assert await signed_out(fourth)
    assert (await alice.get()).status == 200


async def test_a_session_begun_just_as_the_account_changed_is_refused(redis):
    accounts, sessions = Accounts(redis), Sessions(redis, 3600, 7200)
    await accounts.add("dora", PASSWORD)
    account, _ = await accounts.verify("dora", PASSWORD)  # the old password is checked…
    await accounts.set_password("dora", NEW_PASSWORD)  # …the password changes…
    token = await sessions.create(account.name, account.role, account.epoch)  # …then the session is made
    assert await sessions.load(token) is None
    account, _ = await accounts.verify("dora", NEW_PASSWORD)
    assert (await sessions.load(await sessions.create(account.name, account.role, account.epoch))).name == "dora"


def test_session_limits_are_settings_and_the_earlier_name_still_works():
    core = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    settings = load_settings(core)
    assert (settings.console_session_idle_s, settings.console_session_max_s) == (2 * 3600, 12 * 3600)
    settings = load_settings({**core, "RELAIS_CONSOLE_SESSION_IDLE_S": "600", "RELAIS_CONSOLE_SESSION_MAX_S": "3600"})
    assert (settings.console_session_idle_s, settings.console_session_max_s) == (600, 3600)
    assert load_settings({**core, "RELAIS_CONSOLE_SESSION_S": "900"}).console_session_idle_s == 900
    with pytest.raises(ConfigError, match="RELAIS_CONSOLE_SESSION_MAX_S"):
        load_settings({**core, "RELAIS_CONSOLE_SESSION_IDLE_S": "7200", "RELAIS_CONSOLE_SESSION_MAX_S": "3600"})
    with pytest.raises(ConfigError, match="RELAIS_CONSOLE_SESSION_IDLE_S"):
        load_settings({**core, "RELAIS_CONSOLE_SESSION_IDLE_S": "soon"})
