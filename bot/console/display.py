"""How items read to a CM: the thread of a conversation, wait badges, and what the list masks.

The list of an inbox masks the names and order numbers a fan wrote (the
CM queue itself never holds e-mails, phone or card numbers). The
conversation page, behind the same sign-in, shows the whole thread as the
pipeline recorded it (``bot.pipeline.thread``): every fan message as
written, personal data included, and every reply that reached the fan;
a case older than that record shows its text as filed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from bot.console.inbox import Item
from bot.console.windows import WindowLeft
from bot.nlp import ORDER_NUMBER
from bot.pipeline.thread import CM, FAN, ThreadEntry

MASK = "•••"

# Characters that reorder or hide text without being seen (a file "‮fdp.exe" reads "exe.pdf"): each is shown
# to the CM by its name, so what a fan wrote reads as it is.
INVISIBLE = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
             "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI", "\u200e": "LRM",
             "\u200f": "RLM", "\u061c": "ALM", "\u200b": "ZWSP", "\u2060": "WJ", "\ufeff": "BOM"}
_INVISIBLE = re.compile("[" + "".join(INVISIBLE) + "]")


def revealed(text: str) -> str:
    """``text`` with every direction override and invisible character shown as ⟨its name⟩."""
    return _INVISIBLE.sub(lambda m: f"⟨{INVISIBLE[m.group()]}⟩", text)


def masked(text: str, mentions: dict[str, list[str]] | None) -> str:
    """A fan's text for the list: names and order numbers replaced by •••."""
    out = revealed(ORDER_NUMBER.sub(MASK, text))
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
    window_left: str  # what is left of the platform's reply window, for the bot ("" when closed or none)
    window_closed: bool
    urgency: str  # calm | soon | late: the badge's colour
    person_left: str = ""  # what is left of the window for a person's reply ("" when closed or none)
    person_closed: bool = False  # nobody may write to the fan any more (until they write again)


def badge(item: Item, left: WindowLeft, language: str, now: float | None = None) -> Badge:
    """How long the fan has waited and what is left of the platform's windows (``bot.console.windows``)."""
    now = time.time() if now is None else now
    waited = duration(now - item.waiting_since, language) if item.waiting_since else ""
    if not left.has_window:
        return Badge(waited, "", False, "calm")
    automated, person = left.automated_s or 0.0, left.human_s or 0.0
    urgency = "late" if person < 3 * 3600 or left.urgent else "soon" if automated <= 0 else "calm"
    return Badge(waited, duration(automated, language) if automated > 0 else "", automated <= 0, urgency,
                 duration(person, language) if person > 0 else "", person <= 0)


@dataclass(frozen=True, slots=True)
class Entry:
    who: str  # fan | bot | cm | note | action
    at: float
    text: str = ""
    by: str = ""
    label: str = ""  # holding message, sent reply, the CM reply's status, the action's name
    diff: str = ""
    message_id: str = ""
    attachments: tuple[str, ...] = ()  # what the fan sent besides text: image, video, audio, file, sticker…


BOT_LABELS = {"holding": "holding", "reply": "sent"}


def thread(log: list[dict[str, Any]], cases: dict[str, dict[str, Any]], ledger: dict[str, dict],
           recorded: list[ThreadEntry] | tuple[ThreadEntry, ...] = ()) -> list[Entry]:
    """The conversation as the CM reads it, oldest first: fan messages, Relais's messages, CM replies,
    private notes and CM actions, each once.

    ``recorded`` is the pipeline's thread: it holds every fan message as written and every reply that
    reached the fan, so a fan message found there is shown from it. ``log`` is what the console
    recorded (the cases it indexed, CM replies with who sent them, notes, actions); a case the
    thread does not hold is shown from the CM queue, with what ``ledger`` (fan message id → state)
    says the bot sent for it."""
    recorded_fans = {e.message_id for e in recorded if e.who == FAN}
    cm_log = [e for e in log if e.get("type") == "cm"]
    cm_ids = {str(e.get("message_id") or "") for e in cm_log} - {""}
    cm_texts = {str(e.get("text") or "") for e in cm_log if not e.get("message_id")}
    delivered = {e.message_id for e in recorded if e.who == CM}
    replied = {(e.message_id, e.route) for e in recorded if e.who not in (FAN, CM)}
    out: list[Entry] = []
    shown: set[str] = set()
    sent_with = {str(c.get("message_id", "")): tuple(str(a) for a in c.get("attachments") or ())
                 for c in cases.values()}
    for e in recorded:
        if e.who == FAN:
            out.append(Entry(FAN, e.at, revealed(e.text), label=e.route, message_id=e.message_id,
                             attachments=sent_with.get(e.message_id, ())))
        elif e.who == CM:
            if e.message_id not in cm_ids and e.text not in cm_texts:  # else the console's entry says who
                out.append(Entry(CM, e.at, e.text, label="sent", message_id=e.message_id))
        else:
            out.append(Entry(e.who, e.at, e.text, label=BOT_LABELS.get(e.route, e.route), message_id=e.message_id))
    for entry in log:
        kind = entry.get("type")
        if kind == "fan":
            case = cases.get(entry.get("case", ""))
            mid = str((case or {}).get("message_id", ""))
            if not case or mid in recorded_fans or mid in shown:  # a message filed twice is shown once
                continue
            shown.add(mid)
            out.append(Entry("fan", float(case["at"]), revealed(str(case.get("text", ""))), message_id=mid,
                             attachments=sent_with.get(mid, ())))
            if case.get("holding_message") and (mid, "holding") not in replied:
                out.append(Entry("bot", float(case["at"]), case["holding_message"], label="holding", message_id=mid))
            sent = (ledger.get(mid) or {}).get("plan") or {}
            if sent.get("sent_ids") and sent.get("kind") == "reply" and (mid, "reply") not in replied:
                out.append(Entry("bot", float(case["at"]), "\n\n".join(sent.get("parts") or []), label="sent",
                                 message_id=mid))
        elif kind == "cm":
            mid = str(entry.get("message_id") or "")
            status = "sent" if mid and mid in delivered else entry.get("status", "")  # a pending send went out
            out.append(Entry("cm", float(entry["at"]), entry.get("text", ""), entry.get("by", ""), status,
                             message_id=mid))
        elif kind == "note":
            out.append(Entry("note", float(entry["at"]), entry.get("text", ""), entry.get("by", "")))
        elif kind == "action":
            out.append(Entry("action", float(entry["at"]), entry.get("text", ""), entry.get("by", ""),
                             entry.get("action", ""), entry.get("diff", "")))
    out.sort(key=lambda e: e.at)
    return out


def clock(ts: float) -> str:
    return time.strftime("%d/%m %H:%M", time.localtime(ts)) if ts else ""


def reason_label(reason: str, language: str) -> str:
    """A reason the bot held or escalated, in words: ``tone:angry:0.94`` reads « Ton du message : en colère
    (94 %) », ``attachment:image`` « Pièce jointe : photo »; an unknown code reads as its words."""
    from bot.console.i18n import STRINGS, translator

    t = translator(language)
    code, _, rest = reason.partition(":")
    key = f"reason_{code}"
    label = t(key) if key in STRINGS else code.replace("_", " ").capitalize()
    details = []
    for part in [p for p in rest.split(":") if p]:
        try:
            value = float(part)
        except ValueError:
            words = [t(f"word_{w}") if f"word_{w}" in STRINGS else t(f"attachment_{w}")
                     if f"attachment_{w}" in STRINGS else w.replace("_", " ") for w in part.split(",")]
            details.append(", ".join(words))
        else:
            percent = f"{value:.0%}".replace("%", "\u202f%") if language == "fr" else f"{value:.0%}"
            details.append(percent if "." in part and 0 <= value <= 1 else part)
    if not details:
        return label
    sep = " : " if language == "fr" else ": "
    return label + sep + " ".join(f"({d})" if d.endswith("%") else d for d in details)


def intent_label(intent: str, language: str) -> str:
    """A topic (an intent of ``brand.yml``) in words: ``returns_refunds`` reads « Retours et remboursements »."""
    from bot.console.i18n import STRINGS, translator

    key = f"intent_{intent}"
    return translator(language)(key) if key in STRINGS else intent.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Target:
    """Where a waiting fan stands against the team's reply target: ``left`` or ``over`` it (a duration)."""

    left: str = ""
    over: str = ""


def target(item: Item, target_s: float, language: str, now: float | None = None) -> Target | None:
    """The reply target for an open item whose fan waits (None once answered or handled)."""
    if item.status != "open" or not item.waiting_since or target_s <= 0:
        return None
    now = time.time() if now is None else now
    remaining = item.waiting_since + target_s - now
    return Target(left=duration(remaining, language)) if remaining > 0 else Target(over=duration(-remaining, language))
