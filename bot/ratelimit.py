"""How often the platforms' subscription checks are answered: per client address and in all, per minute.

A platform checks that it owns the webhook with a ``GET`` the gateway answers
without any credential: X's CRC (``?crc_token=``, answered with an HMAC under
the consumer secret) and Meta's verify (``?hub.challenge=``). X asks about
once an hour and when ``relais x register`` or ``status`` re-validates the
webhook; Meta, when the subscription is set up. Beyond that, nobody needs an
answer — so each platform's checks are counted in one-minute windows, in one
Redis script shared by every gateway process:

* per client address (``RELAIS_CHECK_LIMIT_CLIENT``, default 10 a minute; an
  IPv6 client counts by its /64 network, what one host usually holds; the
  address is read through the trusted proxies, ``bot/forwarded.py``);
* in all (``RELAIS_CHECK_LIMIT_TOTAL``, default 60 a minute).

A check over either limit is answered 429 with ``Retry-After`` (the seconds
until its window ends) and is counted in neither. The total bounds what a
flood from many addresses can obtain, and is set well above what the platforms
themselves send; should a flood still crowd out one of X's hourly checks, the
webhook turns invalid until the next check passes (``relais x status``
re-validates at once). When Redis cannot be read the check is answered
anyway: the limit is a guard, the webhook's validity comes first.
"""

from __future__ import annotations

import ipaddress
import logging
import math

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.errors import RateLimitError

log = logging.getLogger("relais.ratelimit")

WINDOW_S = 60

# KEYS: the counters; ARGV: the window (ms), then each counter's limit. Either every counter is under its
# limit and each counts one more, or none is touched: → 0, or the milliseconds until the fullest one resets.
_HIT = """
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i + 1]) then
    local left = redis.call('PTTL', key)
    if left < 0 then
      redis.call('PEXPIRE', key, window)
      left = window
    end
    if left > wait then wait = left end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, window) end
end
return 0
"""


def client_bucket(address: str) -> str:
    """The counter an address is counted under: itself, or its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class CheckLimit:
    """The per-client and overall limits of one gateway's subscription checks."""

    def __init__(self, redis: Redis, per_client: int, total: int, window_s: int = WINDOW_S) -> None:
        self.redis = redis
        self.per_client = per_client
        self.total = total
        self.window_ms = window_s * 1000
        self._hit = redis.register_script(_HIT)

    async def take(self, platform: str, address: str) -> None:
        """Count one check of ``platform`` from ``address``; RateLimitError (429) when over a limit."""
        counters = [keys.check_count(platform, f"client:{client_bucket(address)}"), keys.check_count(platform, "all")]
        try:
            wait_ms = int(await self._hit(keys=counters, args=[self.window_ms, self.per_client, self.total]))
        except RedisError as exc:
            log.warning("%s check answered without its rate limit: Redis unreadable (%s)", platform,
                        type(exc).__name__)
            return
        if wait_ms > 0:
            raise RateLimitError(f"too many {platform} checks; retry later",
                                 retry_after_s=max(1, math.ceil(wait_ms / 1000)))
