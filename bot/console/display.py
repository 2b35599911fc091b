"""How items read to a CM: the thread of a conversation, wait badges, and what the list masks.

The list of an inbox masks the names and order numbers a fan wrote (the
CM queue itself never holds e-mails, phone or card numbers); the
conversation page, behind the same sign-in, shows the text as filed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from bot.console.inbox import Item
from bot.nlp import ORDER_NUMBER

MASK = "•••"


def masked(text: str, mentions: dict[str, list[str]] | None) -> str:
    """A fan's text for the list: names and order numbers replaced by •••."""
    out = ORDER_NUMBER.sub(MASK, text)
    for name in sorted((mentions or {}).get("names") or [], key=len, reverse=True):
        if name.strip():
            out = re.sub(rf"\b{re.escape(name)}\b", MASK, out)
    return out


def duration(seconds: float, language: str) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"
    return f"{seconds // 86400} {'j' if language == 'fr' else 'd'} {seconds % 86400 // 3600} h"


@dataclass(frozen=True, slots=True)
class Badge:
    waited: str  # how long the fan has waited ("" once answered)
    window_left: str  # what is left of the platform's reply window ("" when it has none)
    window_closed: bool
    urgency: str  # calm | soon | late: the badge's colour


def badge(item: Item, reply_window_s: int | None, language: str, now: float | None = None) -> Badge:
    now = time.time() if now is None else now
    waited = duration(now - item.waiting_since, language) if item.waiting_since else ""
    if not reply_window_s or not item.last_at:
        return Badge(waited, "", False, "calm")
    left = item.last_at + reply_window_s - now
    urgency = "late" if left < 3 * 3600 else "soon" if left < reply_window_s / 2 else "calm"
    return Badge(waited, duration(left, language) if left > 0 else "", left <= 0, urgency)


@dataclass(frozen=True, slots=True)
class Entry:
    who: str  # fan | bot | cm | note | action
    at: float
    text: str = ""
    by: str = ""
    label: str = ""  # holding message, draft (not sent), the action's name
    diff: str = ""


def thread(log: list[dict[str, Any]], cases: dict[str, dict[str, Any]], ledger: dict[str, dict]) -> list[Entry]:
    """The conversation as the CM reads it, oldest first: fan messages, Relais's messages, CM replies,
    private notes and CM actions. ``ledger`` maps a fan message id to its state (what the bot sent)."""
    out: list[Entry] = []
    for entry in log:
        kind = entry.get("type")
        if kind == "fan":
            case = cases.get(entry.get("case", ""))
            if not case:
                continue
            out.append(Entry("fan", float(case["at"]), str(case.get("text", ""))))
            if case.get("holding_message"):
                out.append(Entry("bot", float(case["at"]), case["holding_message"], label="holding"))
            sent = (ledger.get(case.get("message_id", "")) or {}).get("plan") or {}
            if sent.get("sent_ids") and sent.get("kind") == "reply":
                out.append(Entry("bot", float(case["at"]), "\n\n".join(sent.get("parts") or []), label="sent"))
        elif kind == "cm":
            out.append(Entry("cm", float(entry["at"]), entry.get("text", ""), entry.get("by", ""),
                             entry.get("status", "")))
        elif kind == "note":
            out.append(Entry("note", float(entry["at"]), entry.get("text", ""), entry.get("by", "")))
        elif kind == "action":
            out.append(Entry("action", float(entry["at"]), entry.get("text", ""), entry.get("by", ""),
                             entry.get("action", ""), entry.get("diff", "")))
    out.sort(key=lambda e: e.at)
    return out


def clock(ts: float) -> str:
    return time.strftime("%d/%m %H:%M", time.localtime(ts)) if ts else ""
