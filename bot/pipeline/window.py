"""The messaging window: how long after a fan's last message the brand may still write to them.

Platforms allow replies for a while after the fan's last message
(``ChannelLimits.reply_window_s``: 24 hours on Messenger) and a person's
reply for longer (``human_window_s``: 7 days on Messenger, sent with the
tag the platform asks for — the channel adds it). So:

* an automated reply (``reply``, ``holding``) goes out only inside the reply window;
* a CM's reply (``human``) goes out inside the reply window as usual, and
  after it, until the human window closes, marked ``after_reply_window`` for
  the channel;
* anything later is refused before it reaches the platform, with a reason a
  CM can read and the moment the window closed.

The worker notes each fan message's time (the platform's timestamp) as the
conversation's last, and only ever raises it. A conversation with no note
(written before Relais kept them, or its note expired) is judged by the
message being answered; the platform's own refusal still stops a late send.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.channels import ChannelLimits
from bot.messages import InboundMessage

HUMAN = "human"

# Raise the conversation's last fan message time, never lower it (a redelivered old message).
_NOTE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
"""


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    late: bool = False  # a person's reply after the reply window: the channel marks it
    reason: str = ""  # why it is refused, for the CM
    closes_at: float | None = None  # when the window that applies closes (None: no window)


def utc_text(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def judge(last_fan_s: float | None, kind: str, limits: ChannelLimits, now: float) -> Verdict:
    """Whether a reply of ``kind`` may go out now (pure, so every case is tested on its own)."""
    if limits.reply_window_s is None or last_fan_s is None:
        return Verdict(True)
    reply_closes = last_fan_s + limits.reply_window_s
    if now < reply_closes:
        return Verdict(True, closes_at=reply_closes)
    if kind == HUMAN and limits.human_window_s:
        human_closes = last_fan_s + limits.human_window_s
        if now < human_closes:
            return Verdict(True, late=True, closes_at=human_closes)
        return Verdict(False, reason=f"outside_reply_window: the fan last wrote {_ago(now - last_fan_s)} ago and a "
                                     f"person may reply for {_ago(limits.human_window_s)}; the window closed at "
                                     f"{utc_text(human_closes)}", closes_at=human_closes)
    return Verdict(False, reason=f"outside_reply_window: automated replies are allowed for "
                                 f"{_ago(limits.reply_window_s)} after the fan's last message; the window closed at "
                                 f"{utc_text(reply_closes)} (a CM can still reply)"
                   if limits.human_window_s and now < last_fan_s + limits.human_window_s else
                   f"outside_reply_window: the window closed at {utc_text(reply_closes)}", closes_at=reply_closes)


def _ago(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours / 24:.0f} days" if hours >= 48 else f"{hours:.0f} hours"


class ReplyWindow:
    def __init__(self, redis: Redis, clock: Callable[[], float] = time.time) -> None:
        self.redis = redis
        self.clock = clock

    async def note(self, message: InboundMessage) -> None:
        """The fan wrote ``message``: it is the conversation's last message if nothing later is known."""
        at_ms = message.timestamp_ms or int(self.clock() * 1000)
        await self.redis.eval(_NOTE, 1, keys.conversation(message.conversation_id, "last_fan"), at_ms,
                              keys.LAST_FAN_TTL_S)

    async def last_fan_s(self, conversation_id: str) -> float | None:
        raw = await self.redis.get(keys.conversation(conversation_id, "last_fan"))
        return int(raw) / 1000 if raw else None

    async def check(self, message: InboundMessage, kind: str, limits: ChannelLimits) -> Verdict:
        """May a reply of ``kind`` to ``message``'s conversation go out now?"""
        last = await self.last_fan_s(message.conversation_id)
        if last is None and kind != HUMAN and message.timestamp_ms:
            last = message.timestamp_ms / 1000
        return judge(last, kind, limits, self.clock())

    async def time_left(self, conversation_id: str, limits: ChannelLimits) -> dict[str, float | None]:
        """For the console: seconds left for an automated reply and for a person's reply (0 when closed;
        None when the channel has no window or the fan's last message is not known)."""
        last = await self.last_fan_s(conversation_id)
        now = self.clock()
        if last is None or limits.reply_window_s is None:
            return {"last_fan_at": last, "automated_s": None, "human_s": None}
        human = limits.human_window_s or limits.reply_window_s
        return {"last_fan_at": last, "automated_s": max(0.0, last + limits.reply_window_s - now),
                "human_s": max(0.0, last + human - now)}
