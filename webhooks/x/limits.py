"""X's send limits, kept in Redis for every worker: a reply beyond them waits, it is never dropped.

X allows 15 DMs per 15 minutes and 1,440 per 24 hours per user, and 1,440
per 24 hours per app. Each limit is a bucket of ``limit`` tokens where a
spent token comes back a full window after it was spent — a sliding window,
so no 15-minute span ever holds a 16th send. (A bucket refilled steadily,
one token every minute, would let a 16th DM out one minute after a burst of
15: inside X's window, and refused with a 429.)

``reserve`` is one Lua call over every bucket of the account and of the
app: when a token is free the send may go now; otherwise the earliest time
every bucket allows is reserved for this send (its tokens are taken at that
time) and the caller is told how long to wait. The same send coming back
finds its reservation, so waiting replies are served in the order they
asked and none is refused twice. A 429 from X pauses the account until
``x-rate-limit-reset``; no send for it is tried before then.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.errors import ConfigError
from bot import redis_keys as keys

DEFAULT_ACCOUNT_LIMITS = "15/900,1440/86400"
DEFAULT_APP_LIMITS = "1440/86400"

_RESERVE = """
local now = tonumber(ARGV[1])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then
  return string.format('%.3f', pause - now)
end
local slot = redis.call('GET', KEYS[1])
if slot then
  return string.format('%.3f', tonumber(slot) - now)
end
local at = now
local longest = 0
for i = 3, #KEYS do
  local limit = tonumber(ARGV[2 * i - 3])
  local window = tonumber(ARGV[2 * i - 2])
  if window > longest then longest = window end
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[i])
  if n >= limit then
    local entry = redis.call('ZRANGE', KEYS[i], n - limit, n - limit, 'WITHSCORES')
    local free = tonumber(entry[2]) + window
    if free > at then at = free end
  end
end
for i = 3, #KEYS do
  redis.call('ZADD', KEYS[i], at, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil((at - now + longest) * 1000) + 1000)
end
redis.call('SET', KEYS[1], string.format('%.3f', at), 'PX', math.ceil((at - now + 3600) * 1000))
return string.format('%.3f', at - now)
"""


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    window_s: float

    def __str__(self) -> str:
        return f"{self.count}/{self.window_s:g}s"


def parse_limits(raw: str, key: str) -> tuple[Limit, ...]:
    """``"15/900,1440/86400"`` → limits; ConfigError naming ``key`` when it is not that shape."""
    out = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        count, _, window = part.partition("/")
        try:
            limit = Limit(int(count), float(window))
        except ValueError:
            raise ConfigError(f"setting {key} must be COUNT/SECONDS[,COUNT/SECONDS], got {raw!r}") from None
        if limit.count < 1 or not (0 < limit.window_s < math.inf):
            raise ConfigError(f"setting {key}: {part!r} needs a count >= 1 and a window > 0 seconds")
        out.append(limit)
    if not out:
        raise ConfigError(f"setting {key} must name at least one COUNT/SECONDS limit")
    return tuple(out)


def limits_from_env(env: Mapping[str, str]) -> tuple[tuple[Limit, ...], tuple[Limit, ...]]:
    return (parse_limits(env.get("X_SEND_LIMITS", "").strip() or DEFAULT_ACCOUNT_LIMITS, "X_SEND_LIMITS"),
            parse_limits(env.get("X_APP_SEND_LIMITS", "").strip() or DEFAULT_APP_LIMITS, "X_APP_SEND_LIMITS"))


class SendLimiter:
    def __init__(self, redis: Redis, account_limits: tuple[Limit, ...], app_limits: tuple[Limit, ...]) -> None:
        self.redis = redis
        self.account_limits = account_limits
        self.app_limits = app_limits
        self._reserve = redis.register_script(_RESERVE)

    async def reserve(self, account_id: str, send_tag: str) -> float:
        """Seconds to wait before this send may go to X (0 or less: now, and its tokens are taken)."""
        keys_ = [keys.x_rate(f"slot:{send_tag}"), keys.x_rate(f"pause:{account_id}")]
        args: list[str | float | int] = [time.time(), f"{send_tag}|{uuid.uuid4().hex[:8]}"]
        for limit in self.account_limits:
            keys_.append(keys.x_rate(f"account:{account_id}:{limit.window_s:g}"))
            args += [limit.count, limit.window_s]
        for limit in self.app_limits:
            keys_.append(keys.x_rate(f"app:{limit.window_s:g}"))
            args += [limit.count, limit.window_s]
        return float(await self._reserve(keys=keys_, args=args))

    async def spent(self, send_tag: str) -> None:
        """X answered this send: its reservation is used (a retry of it takes new tokens)."""
        await self.redis.delete(keys.x_rate(f"slot:{send_tag}"))

    async def pause(self, account_id: str, until: float) -> None:
        """X answered 429: nothing is sent for this account before ``until`` (Unix seconds)."""
        ttl_ms = max(1000, int((until - time.time()) * 1000) + 1000)
        await self.redis.set(keys.x_rate(f"pause:{account_id}"), f"{until:.3f}", px=ttl_ms)
