"""The second factor: time-based one-time codes (RFC 6238, ``pyotp``), each accepted once.

A code is valid for its 30-second time step and the steps either side (a
phone's clock may be a little off). Redis remembers the last step accepted
for each account (``relais:console:totp:<name>``, 2 minutes, past the last
moment any of those codes is valid), and a code of that step or an earlier
one is refused: a code seen over a shoulder or in a proxy's log cannot be
used again, and two sign-ins racing with the same code get one session.
"""

from __future__ import annotations

import hmac
import time

import pyotp
from redis.asyncio import Redis

from bot import redis_keys as keys

STEP_S = 30
VALID_WINDOW = 1  # steps accepted either side of the current one

# KEYS[1]: the account's last accepted step; ARGV: the step, its TTL. 1 when the step is newer (and kept).
_ACCEPT = """
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(name: str, secret: str, issuer: str = "Relais") -> str:
    """What an authenticator app scans (as a QR code or typed in) to produce the codes."""
    return pyotp.TOTP(secret, interval=STEP_S).provisioning_uri(name=name, issuer_name=issuer)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to, within the valid window; None when it matches none."""
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_S)
    current = int((time.time() if now is None else now) // STEP_S)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


class OneTimeCodes:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._accept = redis.register_script(_ACCEPT)

    async def accept(self, name: str, secret: str, code: str) -> bool:
        """Whether ``code`` is valid now and newer than any code ``name`` used before (it is then used up)."""
        step = matching_step(secret, code)
        if step is None:
            return False
        return bool(await self._accept(keys=[keys.console_totp_step(name)],
                                       args=[step, keys.CONSOLE_TOTP_STEP_TTL_S]))

    async def forget(self, name: str) -> None:
        """Drop the last accepted step (the account's secret changed)."""
        await self.redis.delete(keys.console_totp_step(name))
