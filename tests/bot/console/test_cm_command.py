"""`relais cm`: one change at a time, each audited and each signing the account out; `add` never touches an
account that exists. Run as the real command, against the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys

import pyotp
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.console.accounts import Accounts
from bot.console.audit import AuditLog
from bot.console.auth import Sessions
from tests.bot.console.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def relais_cm(redis_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "REDIS_URL": redis_url}
    return subprocess.run([sys.executable, "-m", "bot.tools.cli", "cm", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=60)


async def session_of(redis: Redis, name: str) -> str:
    """A session of ``name`` (an account not changed since it was made), as signing in makes one: its token."""
    account = await Accounts(redis).get(name)
    return await Sessions(redis, 3600).create(name, account.role)


async def last_entry(redis: Redis) -> dict:
    [entry] = await AuditLog(redis).recent(1)
    return entry


async def test_add_refuses_a_name_that_exists_and_changes_nothing(redis: Redis, redis_url: str):
    await Accounts(redis).add("gina", PASSWORD, role="admin", totp=True)
    before = await redis.hgetall(keys.console_account("gina"))
    token = await session_of(redis, "gina")
    audited = await redis.xlen(keys.CONSOLE_AUDIT)
    for args in (("add", "gina"), ("add", "gina", "--role", "cm")):
        result = relais_cm(redis_url, *args, stdin=NEW_PASSWORD + "\n")
        assert result.returncode != 0
        assert "gina exists already" in result.stderr and "relais cm passwd gina" in result.stderr
    assert await redis.hgetall(keys.console_account("gina")) == before  # password, role, second factor kept
    assert await Sessions(redis, 3600).load(token) is not None  # and nobody signed out
    assert await redis.xlen(keys.CONSOLE_AUDIT) == audited


async def test_add_makes_an_admin_with_a_second_factor(redis: Redis, redis_url: str):
    result = relais_cm(redis_url, "add", "hana", "--role", "admin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "otpauth://totp/" in result.stdout and PASSWORD not in result.stdout + result.stderr
    account = await Accounts(redis).get("hana")
    assert account.is_admin and account.has_totp
    entry = await last_entry(redis)
    assert (entry["action"], entry["account"], entry["to"]) == ("account_add", "hana", "admin")


async def test_passwd_sets_only_the_password_signs_out_and_is_audited(redis: Redis, redis_url: str):
    secret = await Accounts(redis).add("hugo", PASSWORD, role="admin", totp=True)
    before = await redis.hgetall(keys.console_account("hugo"))
    token = await session_of(redis, "hugo")
    result = relais_cm(redis_url, "passwd", "hugo", stdin=NEW_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "1 session(s) ended" in result.stdout and NEW_PASSWORD not in result.stdout + result.stderr
    assert await Sessions(redis, 3600).load(token) is None
    after = await redis.hgetall(keys.console_account("hugo"))
    assert after[b"hash"] != before[b"hash"]
    assert (after[b"role"], after[b"totp"]) == (before[b"role"], before[b"totp"])
    assert (await Accounts(redis).verify("hugo", PASSWORD, pyotp.TOTP(secret).now()))[1] == "password"
    account, _ = await Accounts(redis).verify("hugo", NEW_PASSWORD, pyotp.TOTP(secret).now())
    assert account is not None and account.is_admin
    entry = await last_entry(redis)
    assert (entry["action"], entry["account"], entry["sessions_ended"]) == ("account_password", "hugo", 1)
    assert entry["who"].endswith("(relais cm)") and NEW_PASSWORD not in str(entry)
    missing = relais_cm(redis_url, "passwd", "nobody", stdin=NEW_PASSWORD + "\n")
    assert missing.returncode != 0 and "no account nobody" in missing.stderr


async def test_role_changes_only_the_role_signs_out_and_is_audited(redis: Redis, redis_url: str):
    await Accounts(redis).add("ivy", PASSWORD)
    token = await session_of(redis, "ivy")
    result = relais_cm(redis_url, "role", "ivy", "admin")
    assert result.returncode == 0, result.stderr
    assert "relais cm totp ivy" in result.stdout  # an admin cannot sign in without a second factor
    assert await Sessions(redis, 3600).load(token) is None
    account = await Accounts(redis).get("ivy")
    assert account.is_admin and not account.has_totp
    entry = await last_entry(redis)
    assert (entry["action"], entry["from"], entry["to"], entry["sessions_ended"]) == ("account_role", "cm", "admin", 1)
    assert relais_cm(redis_url, "role", "ivy", "root").returncode != 0


async def test_totp_gives_a_new_second_factor_or_removes_it_signs_out_and_is_audited(redis: Redis, redis_url: str):
    await Accounts(redis).add("jo", PASSWORD)
    token = await session_of(redis, "jo")
    result = relais_cm(redis_url, "totp", "jo")
    assert result.returncode == 0, result.stderr
    [uri] = [w for w in result.stdout.split() if w.startswith("otpauth://totp/")]
    secret = pyotp.parse_uri(uri).secret
    assert await Sessions(redis, 3600).load(token) is None
    assert (await Accounts(redis).verify("jo", PASSWORD, ""))[1] == "totp"
    assert (await Accounts(redis).verify("jo", PASSWORD, pyotp.TOTP(secret).now()))[0] is not None
    assert (await last_entry(redis))["action"] == "account_totp"
    off = relais_cm(redis_url, "totp", "jo", "--off")
    assert off.returncode == 0 and not (await Accounts(redis).get("jo")).has_totp
    await Accounts(redis).set_role("jo", "admin")
    relais_cm(redis_url, "totp", "jo")
    refused = relais_cm(redis_url, "totp", "jo", "--off")  # an admin keeps a second factor
    assert refused.returncode != 0 and "admin" in refused.stderr
    assert (await Accounts(redis).get("jo")).has_totp


async def test_disable_and_enable(redis: Redis, redis_url: str):
    await Accounts(redis).add("kim", PASSWORD)
    token = await session_of(redis, "kim")
    assert relais_cm(redis_url, "disable", "kim").returncode == 0
    assert await Sessions(redis, 3600).load(token) is None
    assert (await Accounts(redis).verify("kim", PASSWORD))[1] == "disabled"
    assert relais_cm(redis_url, "enable", "kim").returncode == 0
    assert (await Accounts(redis).verify("kim", PASSWORD))[0] is not None
    assert [e["action"] for e in await AuditLog(redis).recent(2)] == ["account_enable", "account_disable"]
    assert relais_cm(redis_url, "enable", "nobody").returncode == 1
