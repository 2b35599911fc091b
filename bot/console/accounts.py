"""CM accounts: who may sign in to the console, with which role, and how they prove it.

Accounts are created and disabled from the command line (``relais cm add
NAME``, ``relais cm disable NAME``), never from the web. Passwords are
hashed with Argon2id (``argon2-cffi``, its RFC 9106 low-memory profile); an
account may also have a TOTP second factor (``pyotp``), which an admin can
make mandatory for everyone with ``RELAIS_CONSOLE_TOTP_REQUIRED``. Disabling
an account ends its open sessions at once.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.errors import RelaisError

ROLES = ("cm", "admin")
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{1,31}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this when the account does not exist costs the same time as a real check,
    so the answer's timing does not tell which names exist."""
    return _HASHER.hash("relais-console-no-such-account")


class AccountError(RelaisError):
    """An account that cannot be created or changed as asked (the message says why)."""

    status = 400


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    role: str
    disabled: bool
    has_totp: bool
    language: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _s(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


class Accounts:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def add(self, name: str, password: str, *, role: str = "cm", totp: bool = False) -> str | None:
        """Create (or re-enable with a new password) an account; the TOTP secret when ``totp``."""
        if not NAME.match(name):
            raise AccountError("a name is 2–32 letters, digits, '.', '_' or '-', starting with a letter")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
        secret = pyotp.random_base32() if totp else ""
        hashed = await asyncio.to_thread(_HASHER.hash, password)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_account(name), mapping={
                "role": role, "hash": hashed, "totp": secret, "disabled": "0", "created_at": f"{time.time():.0f}"})
            pipe.sadd(keys.CONSOLE_ACCOUNTS, name)
            await pipe.execute()
        return secret or None

    async def disable(self, name: str) -> bool:
        """Disable an account and end its sessions; False when there is no such account."""
        if not await self.redis.exists(keys.console_account(name)):
            return False
        sessions = [_s(k) for k in await self.redis.smembers(keys.console_sessions_of(name))]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_account(name), "disabled", "1")
            if sessions:
                pipe.delete(*sessions)
            pipe.delete(keys.console_sessions_of(name))
            await pipe.execute()
        return True

    async def get(self, name: str) -> Account | None:
        raw = await self.redis.hgetall(keys.console_account(name))
        if not raw:
            return None
        data = {_s(k): _s(v) for k, v in raw.items()}
        return Account(name, data.get("role", "cm"), data.get("disabled") == "1", bool(data.get("totp")),
                       data.get("language", ""))

    async def names(self) -> list[str]:
        return sorted(_s(n) for n in await self.redis.smembers(keys.CONSOLE_ACCOUNTS))

    async def active(self) -> list[Account]:
        out = []
        for name in await self.names():
            account = await self.get(name)
            if account and not account.disabled:
                out.append(account)
        return out

    async def count_active(self) -> int:
        return len(await self.active())

    async def set_language(self, name: str, language: str) -> None:
        await self.redis.hset(keys.console_account(name), "language", language)

    async def verify(self, name: str, password: str, code: str = "") -> tuple[Account | None, str]:
        """Check a sign-in → (account, "") or (None, why): ``password``, ``totp`` or ``disabled``.

        The same Argon2 work is done whether or not the name exists."""
        raw = await self.redis.hgetall(keys.console_account(name)) if NAME.match(name) else {}
        data = {_s(k): _s(v) for k, v in raw.items()}
        hashed = data.get("hash") or await asyncio.to_thread(_dummy_hash)
        ok = await asyncio.to_thread(_verify, hashed, password)
        if not ok or not data:
            return None, "password"
        if data.get("disabled") == "1":
            return None, "disabled"
        secret = data.get("totp", "")
        if secret and not pyotp.TOTP(secret).verify(code.strip(), valid_window=1):
            return None, "totp"
        if _HASHER.check_needs_rehash(hashed):
            await self.redis.hset(keys.console_account(name), "hash", await asyncio.to_thread(_HASHER.hash, password))
        return Account(name, data.get("role", "cm"), False, bool(secret), data.get("language", "")), ""


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def provisioning_uri(name: str, secret: str, issuer: str = "Relais") -> str:
    """What an authenticator app scans (as a QR code or typed in) to produce the codes."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=issuer)
