"""One sign-in attempt, from the form to a session: a throttle slot, the password, the second factor.

In that order: a slot is reserved before the password is hashed (429 with
``Retry-After`` when there is none, see ``bot/console/throttle.py``); the
password is checked off the event loop, a few at a time (503 with
``Retry-After`` when too many wait, see ``bot/console/passwords.py``); then
the TOTP code, used up once accepted (``bot/console/totp.py``). A wrong
name, password or code, or a disabled account, all get the same 401. Only
after the right password is an account without a required second factor
told so (403): an admin always needs one, every account does with
``RELAIS_CONSOLE_TOTP_REQUIRED``; the message names the command that sets
it up (``relais cm totp NAME``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.console.accounts import Account
from bot.console.passwords import Busy


@dataclass(frozen=True, slots=True)
class Attempt:
    status: int  # 303 signed in; 401, 403, 429 or 503 refused
    error: str = ""  # the message's key (bot/console/i18n.py)
    values: dict[str, Any] = field(default_factory=dict)
    retry_after_s: int = 0
    account: Account | None = None
    device: str = ""  # the browser's device cookie, when signed in


def missing_second_factor(account: Account, required_for_all: bool) -> str:
    """Why ``account`` may not sign in without a second factor (a message key), or ""."""
    if account.has_totp:
        return ""
    if account.is_admin:
        return "totp_admin"
    return "totp_required" if required_for_all else ""


async def attempt(console, *, name: str, password: str, code: str, address: str, device: str) -> Attempt:
    """Try to sign in ``name`` from ``address`` (the browser's device cookie ``device``, if any)."""
    slot = await console.throttle.reserve(name, address, device)
    if not slot.granted:
        return Attempt(429, "throttled", {"seconds": slot.retry_after_s}, slot.retry_after_s)
    try:
        account, _ = await console.accounts.verify(name, password, code)
    except Busy as busy:
        await console.throttle.give_back(slot)
        return Attempt(503, "signin_busy", {"seconds": busy.retry_after_s}, busy.retry_after_s)
    if account is None:
        await console.throttle.failed(name, address)
        return Attempt(401, "wrong_login")
    await console.throttle.give_back(slot)  # only failures use slots up
    missing = missing_second_factor(account, console.settings.console_totp_required)
    if missing:
        return Attempt(403, missing, {"name": account.name})
    return Attempt(303, account=account, device=await console.throttle.remember_device(account.name, device))
