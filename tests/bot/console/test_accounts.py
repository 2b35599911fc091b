"""CM accounts: Argon2id hashes, an optional TOTP second factor, disabling, and the `relais cm` command."""

from __future__ import annotations

import os
import subprocess
import sys

import pyotp
import pytest
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.console.accounts import AccountError, Accounts
from bot.console.auth import Sessions
from tests.bot.console.conftest import PASSWORD


async def test_passwords_are_stored_as_argon2id_hashes_only(redis: Redis):
    await Accounts(redis).add("claire", PASSWORD)
    stored = await redis.hget(keys.console_account("claire"), "hash")
    assert stored.startswith(b"$argon2id$") and PASSWORD.encode() not in stored
    account, why = await Accounts(redis).verify("claire", PASSWORD)
    assert account is not None and account.role == "cm" and why == ""
    assert await Accounts(redis).verify("claire", PASSWORD + "!") == (None, "password")
    assert await Accounts(redis).verify("nobody", PASSWORD) == (None, "password")


async def test_a_second_factor_is_required_once_enabled(redis: Redis):
    secret = await Accounts(redis).add("dan", PASSWORD, role="admin", totp=True)
    assert await Accounts(redis).verify("dan", PASSWORD, "") == (None, "totp")
    assert await Accounts(redis).verify("dan", PASSWORD, "000000" if pyotp.TOTP(secret).now() != "000000"
                                        else "111111") == (None, "totp")
    account, _ = await Accounts(redis).verify("dan", PASSWORD, pyotp.TOTP(secret).now())
    assert account is not None and account.is_admin and account.has_totp


async def test_disabling_an_account_ends_its_sessions(redis: Redis):
    accounts, sessions = Accounts(redis), Sessions(redis, 3600)
    await accounts.add("eve", PASSWORD)
    token = await sessions.create("eve", "cm")
    assert (await sessions.load(token)).name == "eve"
    assert await accounts.disable("eve")
    assert await sessions.load(token) is None
    assert await accounts.verify("eve", PASSWORD) == (None, "disabled")
    assert not await accounts.disable("nobody")


async def test_weak_or_odd_accounts_are_refused(redis: Redis):
    with pytest.raises(AccountError, match="at least 10"):
        await Accounts(redis).add("fred", "short")
    with pytest.raises(AccountError, match="role"):
        await Accounts(redis).add("fred", PASSWORD, role="root")
    with pytest.raises(AccountError, match="name"):
        await Accounts(redis).add("<script>", PASSWORD)


def _relais(redis_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "REDIS_URL": redis_url}
    return subprocess.run([sys.executable, "-m", "bot.tools.cli", "cm", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=60)


async def test_relais_cm_add_and_disable(redis: Redis, redis_url: str):
    added = _relais(redis_url, "add", "gina", "--role", "admin", "--totp", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "admin account ready" in added.stdout and "otpauth://totp/" in added.stdout
    assert PASSWORD not in added.stdout + added.stderr
    account = await Accounts(redis).get("gina")
    assert account is not None and account.is_admin and account.has_totp
    listed = _relais(redis_url, "list")
    assert "gina\tadmin\tactive\ttotp" in listed.stdout
    disabled = _relais(redis_url, "disable", "gina")
    assert disabled.returncode == 0 and (await Accounts(redis).get("gina")).disabled
    assert _relais(redis_url, "disable", "nobody").returncode == 1
    weak = _relais(redis_url, "add", "hugo", stdin="short\n")
    assert weak.returncode == 2 and "at least 10" in weak.stderr
