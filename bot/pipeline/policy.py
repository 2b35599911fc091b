"""Routing policy: every drafted reply is sent, held for CM review, or escalated — with its reasons.

The one place where Relais decides. Thresholds come from ``policy.yml``,
validated at start-up (a bad or missing key is named).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.pipeline.analysis import Analysis
from bot.errors import ConfigError

SEND, HOLD, ESCALATE = "send", "hold", "escalate"
DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[2] / "policy.yml"
_LINK = re.compile(r"(?i)\bhttps?://|\bwww\.|\b[\w-]+\.(?:com|fr|net|org|io|ly|be|co)(?:/\S*)?\b")


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    languages: tuple[str, ...] = ("fr", "en")
    angry_min: float = 0.40
    negative_escalate_min: float = 0.75
    confidence_escalate_min: float = 0.50
    escalate_intents: frozenset[str] = frozenset({"insult", "complaint", "ask_human", "out_of_scope", "nlu_fallback"})
    escalate_flags: frozenset[str] = frozenset({"insult", "threat", "crisis", "press", "profanity", "anger"})
    max_chars: int = 600
    links: bool = True
    attachments: bool = True
    repeat_window_s: int = 600
    negative_hold_min: float = 0.45
    confidence_hold_min: float = 0.70

    @classmethod
    def load(cls, path: str | Path = DEFAULT_POLICY_FILE) -> "PolicyConfig":
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"policy file {path}: {exc}") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "policy") -> "PolicyConfig":
        def get(section: str, key: str, kind: type) -> Any:
            try:
                value = data[section] if key == "" else data[section][key]
            except (KeyError, TypeError):
                raise ConfigError(f"{source}: missing {section}{'.' + key if key else ''}") from None
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ConfigError(f"{source}: {section}.{key} must be {kind.__name__}, got {value!r}")
            if kind is float and not 0.0 <= value <= 1.0:
                raise ConfigError(f"{source}: {section}.{key} must be between 0 and 1, got {value}")
            return value

        return cls(
            languages=tuple(get("languages", "", list)),
            angry_min=get("escalate", "tone_angry_min", float),
            negative_escalate_min=get("escalate", "tone_negative_min", float),
            confidence_escalate_min=get("escalate", "intent_confidence_min", float),
            escalate_intents=frozenset(get("escalate", "intents", list)),
            escalate_flags=frozenset(get("escalate", "flags", list)),
            max_chars=get("escalate", "max_chars", int),
            links=get("escalate", "links", bool),
            attachments=get("escalate", "attachments", bool),
            repeat_window_s=60 * get("escalate", "repeat_window_minutes", int),
            negative_hold_min=get("hold", "tone_negative_min", float),
            confidence_hold_min=get("hold", "intent_confidence_min", float),
        )


@dataclass(frozen=True, slots=True)
class Context:
    """What the conversation so far adds to one message."""

    with_human: bool = False  # an escalation is pending: a person owns the conversation
    repeated: bool = False  # the fan sent the same text moments ago


@dataclass(frozen=True, slots=True)
class Decision:
    route: str
    reasons: list[str] = field(default_factory=list)


def escalation_reasons(a: Analysis, ctx: Context, cfg: PolicyConfig) -> list[str]:
    reasons = []
    if ctx.with_human:
        reasons.append("conversation_with_human")
    if a.language not in cfg.languages:
        reasons.append(f"language:{a.language}")
    if a.intent in cfg.escalate_intents:
        reasons.append(f"intent:{a.intent}")
    elif a.confidence < cfg.confidence_escalate_min:
        reasons.append(f"low_confidence:{a.confidence:.2f}")
    if a.tone_score("angry") >= cfg.angry_min:
        reasons.append(f"tone:angry:{a.tone_score('angry'):.2f}")
    if a.tone_score("negative") >= cfg.negative_escalate_min:
        reasons.append(f"tone:negative:{a.tone_score('negative'):.2f}")
    reasons += [f"flag:{name}" for name in sorted(cfg.escalate_flags) if a.flag(name)]
    if cfg.attachments and a.attachments:
        reasons.append("attachment:" + ",".join(sorted(set(a.attachments))))
    if cfg.links and _LINK.search(a.text):
        reasons.append("link")
    if len(a.text) > cfg.max_chars:
        reasons.append(f"long_message:{len(a.text)}")
    if ctx.repeated:
        reasons.append("repeated")
    return reasons


def decide(a: Analysis, ctx: Context, cfg: PolicyConfig) -> Decision:
    """Escalate on any escalation reason; else hold on any doubt; else send."""
    reasons = escalation_reasons(a, ctx, cfg)
    if reasons:
        return Decision(ESCALATE, reasons)
    hold = []
    if not a.has_draft:
        hold.append("no_draft")
    hold += [f"proofreading:{word}" for word in a.draft_issues]  # nothing unproofread goes out
    if a.confidence < cfg.confidence_hold_min:
        hold.append(f"unsure_intent:{a.confidence:.2f}")
    if a.tone_score("negative") >= cfg.negative_hold_min:
        hold.append(f"tone:negative:{a.tone_score('negative'):.2f}")
    if hold:
        return Decision(HOLD, hold)
    return Decision(SEND, [f"intent:{a.intent}", f"confidence:{a.confidence:.2f}", f"tone:{a.tone_label}"])
