"""The platform's messaging window as a CM sees it: how long each conversation can still be answered.

A platform lets the brand write to a fan for a while after the fan's last
message (``ChannelLimits.reply_window_s``: 24 hours on Messenger) and lets a
person reply for longer (``human_window_s``: 7 days on Messenger, sent with
the ``HUMAN_AGENT`` tag). The send engine enforces both
(``bot.pipeline.window``); the console shows what is left of each, puts the
conversations about to leave the person's window first in "needs a person",
and past it offers no send action, saying why.

The fan's last message time is the one the worker notes
(``ReplyWindow.note``); a conversation without a note is judged by the
latest fan message the console indexed for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import redis_keys as keys
from bot.console.context import Console
from bot.console.inbox import Item
from bot.pipeline.window import HUMAN, Verdict, judge

URGENT_S = 24 * 3600  # a person's window closing within this: the item goes to the top of "needs a person"


@dataclass(frozen=True, slots=True)
class WindowLeft:
    """What is left of a conversation's windows at one moment (``None``: the platform has no window)."""

    last_fan_at: float
    automated_s: float | None  # seconds left for an automated reply (the 24-hour window)
    human_s: float | None  # seconds left for a person's reply (the 7-day window)
    human_closes_at: float | None

    @property
    def has_window(self) -> bool:
        return self.human_s is not None

    @property
    def closed(self) -> bool:
        """Nobody may write to the fan any more, until they write again."""
        return self.human_s is not None and self.human_s <= 0

    @property
    def tagged(self) -> bool:
        """Past the reply window but inside a person's: a CM's reply goes out marked as a person's."""
        return self.automated_s is not None and self.automated_s <= 0 and not self.closed

    @property
    def urgent(self) -> bool:
        return self.human_s is not None and 0 < self.human_s <= URGENT_S


NO_WINDOW = WindowLeft(0.0, None, None, None)


def left_at(last_fan_at: float, reply_window_s: int | None, human_window_s: int | None, now: float) -> WindowLeft:
    if not reply_window_s or not last_fan_at:
        return WindowLeft(last_fan_at, None, None, None)
    human = human_window_s or reply_window_s
    return WindowLeft(last_fan_at, max(0.0, last_fan_at + reply_window_s - now),
                      max(0.0, last_fan_at + human - now), last_fan_at + human)


async def _last_fan(console: Console, items: list[Item]) -> list[float]:
    """Each item's fan's last message time (seconds), the worker's note first."""
    if not items:
        return []
    noted = await console.redis.mget([keys.conversation(i.conversation, "last_fan") for i in items])
    return [int(raw) / 1000 if raw else i.last_at for i, raw in zip(items, noted)]


def _limits(console: Console, platform: str):
    channel = console.channels.get(platform)
    return channel.limits if channel is not None else None


async def windows_for(console: Console, items: list[Item]) -> dict[str, WindowLeft]:
    """Item id → what is left of its conversation's windows now (by the console's clock)."""
    now = console.clock()
    out = {}
    for item, last in zip(items, await _last_fan(console, items)):
        limits = _limits(console, item.platform)
        out[item.id] = (left_at(last, limits.reply_window_s, limits.human_window_s, now)
                        if limits is not None else NO_WINDOW)
    return out


async def person_verdict(console: Console, item: Item) -> Verdict:
    """May a CM's reply to ``item``'s fan go out now? The send engine's own rule, asked before sending."""
    limits = _limits(console, item.platform)
    if limits is None:
        return Verdict(True)
    [last] = await _last_fan(console, [item])
    return judge(last or None, HUMAN, limits, console.clock())


def needs_person_order(items: Iterable[Item], windows: dict[str, WindowLeft]) -> list[Item]:
    """"Needs a person" in the order a CM should take it: the conversations whose person's window closes
    within a day, soonest first; then the inbox's own order (angry first, then the longest wait); then
    those nobody can answer any more (only resolving them is left)."""
    urgent, rest, closed = [], [], []
    for item in items:
        left = windows.get(item.id, NO_WINDOW)
        (urgent if left.urgent else closed if left.closed else rest).append(item)
    urgent.sort(key=lambda i: windows[i.id].human_s or 0.0)
    return urgent + rest + closed
