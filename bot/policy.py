"""Routing policy: every drafted reply is sent, held for CM review, or escalated — with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.messages import InboundMessage
from bot.rasa_client import Draft

SEND, HOLD, ESCALATE = "send", "hold", "escalate"


@dataclass(frozen=True, slots=True)
class Decision:
    route: str
    reasons: list[str] = field(default_factory=list)


def decide(message: InboundMessage, draft: Draft) -> Decision:
    """Pick the route for one drafted reply; the reasons say why, for the CM and the logs."""
    reasons: list[str] = []
    if message.attachments:
        reasons.append("attachment:" + ",".join(sorted(set(message.attachments))))
    if not draft.text.strip():
        reasons.append("no_draft")
    if draft.meta.get("route_hint") == ESCALATE:
        return Decision(ESCALATE, reasons + [f"intent:{draft.meta.get('intent', 'unknown')}"])
    if reasons:
        return Decision(HOLD, reasons)
    return Decision(SEND, [f"intent:{draft.meta.get('intent', 'unknown')}"])
