"""The sign-in throttle: how many passwords are checked, per account and per address, before any is.

Every sign-in first reserves a slot — atomically, in one Redis script, before
the password is hashed — so any number of attempts sent at once cannot get
more checks than the slots allow. A slot refused is answered 429 with
``Retry-After`` (the seconds until the next slot), without checking anything.

The policy (each bucket a generic cell rate limiter: a burst, then one slot
per interval; a bucket refills at that rate while unused):

- per account (the name as typed, case folded): a burst of 5, then one slot
  every ``RELAIS_CONSOLE_SIGNIN_ACCOUNT_SLOT_S`` seconds (default 10);
- per client address (read through ``RELAIS_TRUSTED_PROXIES``, see
  ``bot/forwarded.py``; an IPv6 client counts by its /64, which one
  subscriber usually holds whole): a burst of 20, then one slot every
  ``RELAIS_CONSOLE_SIGNIN_ADDRESS_SLOT_S`` seconds (default 2);
- an attempt needs a slot in both; so, with the default intervals, over any
  ``t`` seconds one account's password is checked at most ``5 + t / 10``
  times, and one address gets at most ``20 + t / 2`` checks, whatever names
  it tries;
- a sign-in that succeeds gives its slots back: only failures use them up;
  a sign-in turned away because the process is busy hashing (503) gives
  them back too;
- a browser that signed in to an account before carries a device cookie
  (``relais_device``, 30 days, renewed on each sign-in); its attempts on
  that account use a lane of their own (a burst of 5, then one slot per
  account interval) instead of the account's and the address's buckets.

Nothing here ever locks an account: the right password (and code) is
accepted at the next free slot — at most one account interval after a flood
stops — and from a browser that signed in before, at once, even while the
flood goes on. A flood from a new browser against an account that is
attacked without pause competes for the same slots; the device lane is what
keeps a CM's own browsers out of that race.

Failed checks are also counted, per account and per address, for 15 minutes
(``relais:console:fails:*``): a record for operators, not a gate.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

from bot import redis_keys as keys

ACCOUNT_BURST = 5
ADDRESS_BURST = 20
DEVICE_BURST = 5
DEVICE_COOKIE = "relais_device"

# KEYS: the buckets; ARGV: per bucket its interval (ms) then its burst. Either every bucket has a slot and
# each takes one, or none is touched: → {1, 0}, or {0, milliseconds until the slot}.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local after = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  after[i] = tat + interval
  local w = after[i] - burst * interval - now
  if w > wait then wait = w end
end
if wait > 0 then return {0, wait} end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, after[i], 'PX', after[i] - now)
end
return {1, 0}
"""

# KEYS: the buckets; ARGV: each one's interval (ms). Gives one slot back to each.
_REFUND = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  local raw = redis.call('GET', key)
  if raw then
    local tat = tonumber(raw) - tonumber(ARGV[i])
    if tat <= now then redis.call('DEL', key) else redis.call('SET', key, tat, 'PX', tat - now) end
  end
end
return 1
"""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def address_key(address: str) -> str:
    """What one client's attempts are counted under: its IPv4 address, or its IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True, slots=True)
class Reservation:
    granted: bool
    retry_after_s: int  # when not granted: seconds until a slot frees
    buckets: tuple[tuple[str, int], ...] = ()  # (key, interval ms) of the slots taken


class Throttle:
    def __init__(self, redis: Redis, account_slot_s: float = 10.0, address_slot_s: float = 2.0) -> None:
        self.redis = redis
        self.account_ms = max(1, round(account_slot_s * 1000))
        self.address_ms = max(1, round(address_slot_s * 1000))
        self._reserve = redis.register_script(_RESERVE)
        self._refund = redis.register_script(_REFUND)

    async def _device_of(self, device: str) -> str:
        if not device or len(device) > 100:
            return ""
        raw = await self.redis.get(keys.console_device(_hash(device)))
        return raw.decode() if raw else ""

    async def reserve(self, name: str, address: str, device: str = "") -> Reservation:
        """Take a slot for one password check of ``name`` from ``address`` (and the browser's device cookie)."""
        if device and await self._device_of(device) == name:
            buckets = ((keys.console_signin_slots("device", _hash(device)), self.account_ms, DEVICE_BURST),)
        else:
            buckets = ((keys.console_signin_slots("account", name.lower()), self.account_ms, ACCOUNT_BURST),
                       (keys.console_signin_slots("ip", address_key(address)), self.address_ms, ADDRESS_BURST))
        args = [n for _, interval, burst in buckets for n in (interval, burst)]
        granted, wait_ms = await self._reserve(keys=[k for k, _, _ in buckets], args=args)
        if not granted:
            return Reservation(False, max(1, math.ceil(int(wait_ms) / 1000)))
        return Reservation(True, 0, tuple((k, interval) for k, interval, _ in buckets))

    async def give_back(self, reservation: Reservation) -> None:
        """Return the slots of an attempt that did not use them up (it succeeded, or was never checked)."""
        if reservation.buckets:
            await self._refund(keys=[k for k, _ in reservation.buckets], args=[i for _, i in reservation.buckets])

    async def failed(self, name: str, address: str) -> None:
        """Count a failed check (a record for operators; the slots are the gate)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (keys.console_fails("account", name.lower()), keys.console_fails("ip", address_key(address))):
                pipe.incr(key)
                pipe.expire(key, keys.CONSOLE_LOGIN_WINDOW_S, nx=True)
            await pipe.execute()

    async def remember_device(self, name: str, device: str = "") -> str:
        """The device cookie of a browser that just signed in as ``name``: the one it had, renewed, or a new one."""
        if not device or await self._device_of(device) != name:
            device = secrets.token_urlsafe(32)
        await self.redis.set(keys.console_device(_hash(device)), name, ex=keys.CONSOLE_DEVICE_TTL_S)
        return device
