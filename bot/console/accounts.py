"""CM accounts: who may sign in to the console, with which role, and how they prove it.

Accounts are managed from the command line, never from the web, one change
at a time: ``relais cm add NAME`` creates one (and refuses a name that
exists), ``relais cm passwd NAME``, ``relais cm role NAME admin|cm`` and
``relais cm totp NAME [--off]`` each change one thing, ``relais cm disable``
/ ``enable`` switch it off and on. Every change is written to the audit log
and ends the account's open sessions at once: each change also raises the
account's ``epoch``, and a session made before it is refused even if it was
being created while the change happened.

Passwords are hashed with Argon2id (``bot/console/passwords.py``). The second
factor is a TOTP code (``bot/console/totp.py``), each code accepted once. An
admin always has one (``add`` with ``--role admin`` turns it on); with
``RELAIS_CONSOLE_TOTP_REQUIRED`` every account needs one to sign in.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot import redis_keys as keys
from bot.console.passwords import PasswordChecker
from bot.console.totp import OneTimeCodes, new_secret
from bot.errors import RelaisError

ROLES = ("cm", "admin")
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{1,31}$")
MIN_PASSWORD = 10


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
    epoch: str = "0"  # raised by every change of password, role, second factor or state

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _s(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


def name_taken(name: str) -> AccountError:
    return AccountError(f"{name} exists already; nothing changed (change it with `relais cm passwd {name}`, "
                        f"`relais cm role {name} admin|cm`, `relais cm totp {name}` or `relais cm enable {name}`)")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")


class Accounts:
    def __init__(self, redis: Redis, passwords: PasswordChecker | None = None, audit=None) -> None:
        self.redis = redis
        self.passwords = passwords or PasswordChecker()
        self.codes = OneTimeCodes(redis)
        self.audit = audit  # bot.console.audit.AuditLog: where account changes are recorded, when given

    # -- changes, one at a time ----------------------------------------------------------------
    async def add(self, name: str, password: str, *, role: str = "cm", totp: bool = False,
                  by: str = "relais cm") -> str | None:
        """Create an account; the TOTP secret when it has one (``totp``, and always for an admin).

        AccountError when the name is taken, even by a disabled account."""
        if not NAME.match(name):
            raise AccountError("a name is 2–32 letters, digits, '.', '_' or '-', starting with a letter")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        _check_password(password)
        secret = new_secret() if totp or role == "admin" else ""
        hashed = await self.passwords.hash(password)
        key = keys.console_account(name)
        async with self.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(key)
                if await pipe.exists(key):
                    raise name_taken(name)
                pipe.multi()
                pipe.hset(key, mapping={"role": role, "hash": hashed, "totp": secret, "disabled": "0", "epoch": "0",
                                        "created_at": f"{time.time():.0f}"})
                pipe.sadd(keys.CONSOLE_ACCOUNTS, name)
                await pipe.execute()
            except WatchError:
                raise AccountError(f"{name} was created meanwhile; nothing changed") from None
        await self._record(by, "account_add", name, to=role, totp="on" if secret else "off")
        return secret or None

    async def set_password(self, name: str, password: str, *, by: str = "relais cm") -> int:
        """A new password; ends the account's sessions (how many were open)."""
        _check_password(password)
        hashed = await self.passwords.hash(password)
        ended = await self._change(name, {"hash": hashed})
        await self._record(by, "account_password", name, sessions_ended=ended)
        return ended

    async def set_role(self, name: str, role: str, *, by: str = "relais cm") -> int:
        """A new role; ends the account's sessions (how many were open)."""
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        before = await self.get(name)
        if before is None:
            raise AccountError(f"no account {name}")
        ended = await self._change(name, {"role": role})
        await self._record(by, "account_role", name, to=role, sessions_ended=ended, **{"from": before.role})
        return ended

    async def set_totp(self, name: str, on: bool = True, *, by: str = "relais cm") -> tuple[str | None, int]:
        """A new TOTP secret (``on``) or none; ends the account's sessions → (secret, sessions ended).

        An admin's second factor cannot be turned off (make the account a ``cm`` first)."""
        account = await self.get(name)
        if account is None:
            raise AccountError(f"no account {name}")
        if not on and account.is_admin:
            raise AccountError(f"{name} is an admin, and an admin always has a second factor: "
                               f"`relais cm role {name} cm` first")
        secret = new_secret() if on else ""
        ended = await self._change(name, {"totp": secret})
        await self.codes.forget(name)
        await self._record(by, "account_totp", name, to="on" if on else "off", sessions_ended=ended)
        return secret or None, ended

    async def disable(self, name: str, *, by: str = "relais cm") -> bool:
        """Disable an account and end its sessions; False when there is no such account."""
        if not await self.redis.exists(keys.console_account(name)):
            return False
        ended = await self._change(name, {"disabled": "1"})
        await self._record(by, "account_disable", name, sessions_ended=ended)
        return True

    async def enable(self, name: str, *, by: str = "relais cm") -> bool:
        """Let a disabled account sign in again; False when there is no such account."""
        if not await self.redis.exists(keys.console_account(name)):
            return False
        await self._change(name, {"disabled": "0"})
        await self._record(by, "account_enable", name)
        return True

    async def _change(self, name: str, fields: dict[str, str]) -> int:
        """Set fields of an existing account, raise its epoch and end its sessions → how many were open."""
        key = keys.console_account(name)
        if not await self.redis.exists(key):
            raise AccountError(f"no account {name}")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.hincrby(key, "epoch", 1)
            await pipe.execute()
        return await self.end_sessions(name)

    async def end_sessions(self, name: str) -> int:
        """Sign the account out everywhere → how many sessions were open."""
        sessions = [_s(k) for k in await self.redis.smembers(keys.console_sessions_of(name))]
        async with self.redis.pipeline(transaction=True) as pipe:
            for session in sessions:
                pipe.delete(session)
            pipe.delete(keys.console_sessions_of(name))
            found = await pipe.execute()
        return sum(found[:-1])

    async def _record(self, by: str, action: str, name: str, **details) -> None:
        if self.audit is not None:
            await self.audit.record(by, action, "", "", account=name, **details)

    # -- reading ---------------------------------------------------------------------------------
    async def get(self, name: str) -> Account | None:
        raw = await self.redis.hgetall(keys.console_account(name)) if NAME.match(name) else {}
        if not raw:
            return None
        return self._account(name, {_s(k): _s(v) for k, v in raw.items()})

    @staticmethod
    def _account(name: str, data: dict[str, str]) -> Account:
        return Account(name, data.get("role", "cm"), data.get("disabled") == "1", bool(data.get("totp")),
                       data.get("language", ""), data.get("epoch", "0"))

    async def exists(self, name: str) -> bool:
        """Whether the name is taken (by an active or a disabled account)."""
        return bool(await self.redis.exists(keys.console_account(name)))

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

        The same Argon2 work is done whether or not the name exists; a TOTP code is used up once
        accepted. ``passwords.Busy`` when this process has too many checks queued already."""
        raw = await self.redis.hgetall(keys.console_account(name)) if NAME.match(name) else {}
        data = {_s(k): _s(v) for k, v in raw.items()}
        hashed = data.get("hash")
        if hashed:
            ok = await self.passwords.matches(hashed, password)
        else:
            ok = await self.passwords.matches_any_account(password)
        if not ok or not data:
            return None, "password"
        if data.get("disabled") == "1":
            return None, "disabled"
        secret = data.get("totp", "")
        if secret and not await self.codes.accept(name, secret, code):
            return None, "totp"
        if self.passwords.needs_rehash(hashed):
            await self.redis.hset(keys.console_account(name), "hash", await self.passwords.hash(password))
        return self._account(name, data), ""
