"""Signing in over real HTTP under attack: the throttle reserves before hashing and backs off instead of
locking out, the client's address and scheme are read through trusted proxies only, password checks are
capped, codes are single-use, an admin needs a second factor, and pages to HTTPS browsers carry HSTS.

"Other addresses" are clients behind the loopback proxy the console trusts by default (``X-Forwarded-For``).
"""

from __future__ import annotations

import asyncio
import time

import pyotp
import pytest
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.console.accounts import Accounts
from bot.errors import ConfigError
from bot.settings import load_settings
from tests.bot.console.clients import one_time_code
from tests.bot.console.conftest import PASSWORD
from tests.bot.console.gateways import Consoles, consoles  # noqa: F401  (the fixture)

WRONG = "not the password at all"
ACCOUNT_BURST, ADDRESS_BURST = 5, 20  # the documented policy (bot/console/throttle.py)
ACCOUNT_SLOT_S, ADDRESS_SLOT_S = 10, 2  # its default intervals
HSTS = "Strict-Transport-Security"


async def failures(redis: Redis, kind: str, who: str) -> int:
    """Failed password checks recorded (each one an Argon2 evaluation that did not match)."""
    return int(await redis.get(keys.console_fails(kind, who)) or 0)


# -- the throttle reserves before hashing, and backs off instead of locking out -----------------------

async def test_a_hundred_parallel_wrong_sign_ins_check_at_most_the_accounts_burst(consoles: Consoles):
    await consoles.start()
    attacker = consoles.browser()
    await attacker.open_form()
    started = time.monotonic()
    answers = await asyncio.gather(*(attacker.sign_in("bob", f"{WRONG} {i}") for i in range(100)))
    allowed = ACCOUNT_BURST + int((time.monotonic() - started) // ACCOUNT_SLOT_S)
    checked = await failures(consoles.redis, "account", "bob")
    assert 1 <= checked <= allowed
    statuses = [a.status for a in answers]
    assert statuses.count(401) == checked and statuses.count(429) == 100 - checked
    assert all(1 <= int(a.headers["Retry-After"]) <= ACCOUNT_SLOT_S for a in answers if a.status == 429)
    assert "Too many attempts. Try again in" in await next(a for a in answers if a.status == 429).text()


async def test_one_address_gets_at_most_its_burst_whatever_names_it_tries(consoles: Consoles):
    await consoles.start()
    attacker = consoles.browser()
    await attacker.open_form()
    started = time.monotonic()
    answers = await asyncio.gather(*(attacker.sign_in(f"name{i}", WRONG) for i in range(100)))
    allowed = ADDRESS_BURST + int((time.monotonic() - started) // ADDRESS_SLOT_S)
    checked = await failures(consoles.redis, "ip", "127.0.0.1")
    assert 1 <= checked <= allowed
    assert sum(a.status == 401 for a in answers) == checked
    assert all(a.status == 401 or a.status in (429, 503) and "Retry-After" in a.headers for a in answers)


async def test_the_right_password_gets_in_after_a_flood_from_the_same_and_other_addresses(consoles: Consoles):
    url = await consoles.start()
    attacker = consoles.browser(url)
    await attacker.open_form()
    flood = [attacker.sign_in("bob", WRONG) for _ in range(50)]  # from the CM's own address
    flood += [attacker.sign_in("bob", WRONG, **{"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(50)]
    answers = await asyncio.gather(*flood)
    assert sum(a.status == 429 for a in answers) >= 80  # turned away without a check
    cm = consoles.browser(url)
    for _ in range(3):  # back-off, not lock-out: the next slot comes within one interval
        resp = await cm.sign_in("bob", PASSWORD)
        if resp.status != 429:
            break
        assert int(resp.headers["Retry-After"]) <= ACCOUNT_SLOT_S
        await asyncio.sleep(int(resp.headers["Retry-After"]))
    assert resp.status == 303
    assert (await cm.get()).status == 200


async def test_a_browser_that_signed_in_before_gets_in_during_a_flood(consoles: Consoles):
    await consoles.start()
    own = consoles.browser()
    assert (await own.sign_in("bob", PASSWORD)).status == 303
    attacker = consoles.browser()
    await attacker.open_form()
    await asyncio.gather(*(attacker.sign_in("bob", WRONG, **{"X-Forwarded-For": f"198.51.100.{i}"})
                           for i in range(60)))
    stranger = await consoles.browser().sign_in("bob", PASSWORD)  # a new browser waits for the next slot
    assert stranger.status == 429 and int(stranger.headers["Retry-After"]) >= 1
    again = await own.sign_in("bob", PASSWORD)  # the CM's own browser is not in that race
    assert again.status == 303
    assert (await own.get()).status == 200


# -- X-Forwarded-For and X-Forwarded-Proto from a trusted proxy only ----------------------------------

async def test_x_forwarded_for_names_the_client_only_behind_a_trusted_proxy(consoles: Consoles):
    redis = consoles.redis
    await consoles.start()  # trusts a proxy on the same machine (the default)
    # The client is the rightmost hop that is not a trusted proxy, whatever was claimed further left.
    resp = await consoles.browser().sign_in("bob", WRONG, **{"X-Forwarded-For": "6.6.6.6, 203.0.113.7, 127.0.0.1"})
    assert resp.status == 401
    assert await failures(redis, "ip", "203.0.113.7") == 1
    assert await failures(redis, "ip", "6.6.6.6") == 0 and await failures(redis, "ip", "127.0.0.1") == 0
    # A console that trusts another proxy counts the peer's own address and ignores the header.
    other = await consoles.start(trusted_proxies=("198.51.100.1/32",))
    resp = await consoles.browser(other).sign_in("bob", WRONG, **{"X-Forwarded-For": "203.0.113.8"})
    assert resp.status == 401
    assert await failures(redis, "ip", "127.0.0.1") == 1 and await failures(redis, "ip", "203.0.113.8") == 0


async def test_a_flood_through_the_proxy_leaves_its_other_clients_alone(consoles: Consoles):
    await consoles.start()
    attacker = consoles.browser()
    await attacker.open_form()
    answers = await asyncio.gather(*(attacker.sign_in(f"guess{i}", WRONG, **{"X-Forwarded-For": "203.0.113.66"})
                                     for i in range(40)))
    assert any(a.status == 429 for a in answers)  # that client has used up its address's slots
    resp = await consoles.browser().sign_in("bob", PASSWORD, **{"X-Forwarded-For": "192.0.2.10"})
    assert resp.status == 303  # another client of the same proxy


# -- password checks off the event loop, a few at a time, 503 when too many wait ------------------------

async def test_too_many_waiting_password_checks_are_answered_503_with_retry_after(consoles: Consoles):
    url = await consoles.start(console_hash_concurrency=1, console_hash_queue=1)
    attacker = consoles.browser(url)
    await attacker.open_form()
    pending = [asyncio.ensure_future(attacker.sign_in(f"user{i}", WRONG)) for i in range(30)]
    first_busy = None
    for done in asyncio.as_completed(pending):
        answer = await done
        if answer.status == 503:
            first_busy = answer
            break
    assert first_busy is not None and int(first_busy.headers["Retry-After"]) >= 1
    assert "Too many sign-ins at once" in await first_busy.text()
    # While a check runs, the event loop goes on serving.
    assert (await consoles.browser(url).get("/console/static/console.css")).status == 200
    assert not all(p.done() for p in pending)
    answers = await asyncio.gather(*pending)
    checked = await failures(consoles.redis, "ip", "127.0.0.1")
    assert checked == sum(a.status == 401 for a in answers) < 30
    # The attempts turned away were never checked and gave their slots back: the address still has some.
    assert (await consoles.browser(url).sign_in("bob", PASSWORD)).status == 303


# -- TOTP codes are single-use ------------------------------------------------------------------------

async def test_a_totp_code_is_accepted_once(consoles: Consoles):
    await consoles.start()
    code = pyotp.TOTP(consoles.totp["alice"]).now()
    first = consoles.browser()
    assert (await first.sign_in("alice", PASSWORD, code)).status == 303
    replayed = await consoles.browser().sign_in("alice", PASSWORD, code)
    assert replayed.status == 401 and "Wrong name, password or code." in await replayed.text()
    assert (await first.get()).status == 200  # the first session is untouched
    fresh = await one_time_code(consoles.redis, "alice", consoles.totp["alice"])  # a later step's code works
    assert (await consoles.browser().sign_in("alice", PASSWORD, fresh)).status == 303


async def test_two_sign_ins_racing_with_one_code_get_one_session(consoles: Consoles):
    await consoles.start()
    code = pyotp.TOTP(consoles.totp["alice"]).now()
    racers = [consoles.browser(), consoles.browser()]
    for racer in racers:
        await racer.open_form()
    answers = await asyncio.gather(*(racer.sign_in("alice", PASSWORD, code) for racer in racers))
    assert sorted(a.status for a in answers) == [303, 401]


# -- a second factor for an admin always, for everyone when required -------------------------------------

async def test_an_admin_without_a_second_factor_cannot_sign_in(consoles: Consoles):
    await consoles.start()
    # An admin account from before second factors were required: a role, a password, no TOTP secret.
    await Accounts(consoles.redis).add("carol", PASSWORD)
    await consoles.redis.hset(keys.console_account("carol"), "role", "admin")
    browser = consoles.browser()
    resp = await browser.sign_in("carol", PASSWORD)
    assert resp.status == 403
    assert "relais cm totp carol" in await resp.text()
    assert "relais_session" not in browser.cookies()
    assert (await browser.get()).status == 303  # still signed out
    wrong = await consoles.browser().sign_in("carol", WRONG)  # without the password nothing is told
    assert wrong.status == 401 and "relais cm totp" not in await wrong.text()


async def test_with_totp_required_a_cm_without_one_is_told_how_to_get_one(consoles: Consoles):
    await consoles.start(console_totp_required=True)
    resp = await consoles.browser().sign_in("bob", PASSWORD)
    assert resp.status == 403 and "relais cm totp bob" in await resp.text()
    code = pyotp.TOTP(consoles.totp["alice"]).now()
    assert (await consoles.browser().sign_in("alice", PASSWORD, code)).status == 303


# -- HSTS over HTTPS only ----------------------------------------------------------------------------------

async def test_hsts_only_when_the_browser_is_on_https(consoles: Consoles):
    await consoles.start()
    year = "max-age=31536000; includeSubDomains"
    https = consoles.browser(**{"X-Forwarded-Proto": "https"})  # a TLS proxy on the same machine
    assert (await https.get("/console/login")).headers[HSTS] == year
    assert (await https.sign_in("bob", PASSWORD)).headers[HSTS] == year
    assert (await https.get("/console/inbox/drafts")).headers[HSTS] == year  # a redirect too
    assert (await https.get("/console/api/counts")).headers[HSTS] == year  # and a refusal
    plain = consoles.browser()
    assert HSTS not in (await plain.get("/console/login")).headers
    assert HSTS not in (await plain.sign_in("bob", PASSWORD)).headers
    assert HSTS not in (await plain.get()).headers
    assert HSTS not in (await consoles.browser(**{"X-Forwarded-Proto": "http"}).get("/console/login")).headers
    # The same header from a peer that is not a trusted proxy says nothing.
    untrusting = await consoles.start(trusted_proxies=())
    assert HSTS not in (await consoles.browser(untrusting, **{"X-Forwarded-Proto": "https"}).get(
        "/console/login")).headers


def test_sign_in_settings_are_validated_with_their_key_named():
    core = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    settings = load_settings(core)
    assert (settings.console_signin_account_slot_s, settings.console_signin_address_slot_s) == (10.0, 2.0)
    assert (settings.console_hash_concurrency, settings.console_hash_queue) == (2, 8)
    assert load_settings({**core, "RELAIS_CONSOLE_HASH_QUEUE": "0"}).console_hash_queue == 0
    for key, bad in (("RELAIS_CONSOLE_HASH_CONCURRENCY", "0"), ("RELAIS_CONSOLE_HASH_QUEUE", "-1"),
                     ("RELAIS_CONSOLE_SIGNIN_ACCOUNT_SLOT_S", "often"), ("RELAIS_CONSOLE_SIGNIN_ADDRESS_SLOT_S", "0")):
        with pytest.raises(ConfigError, match=key):
            load_settings({**core, key: bad})
