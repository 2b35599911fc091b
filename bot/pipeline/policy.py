"""Routing policy: every drafted reply is sent, held for CM review, or escalated — with its reasons.

The one place where Relais decides. Thresholds come from ``policy.yml``,
validated at start-up (a bad or missing key is named). A message is read with
the conversation's recent tone (``bot.pipeline.tone_history``): a curt message
after friendly ones is held rather than escalated, a run of negative ones is
escalated even when each is mild. Very short messages ("ok", "merci", "👍",
"?") are answered or acknowledged, never escalated for their tone or for
what NLU could not make of them. A message far from everything the bot was
taught (``nlu_components.scope``) goes to a person even when DIET is sure
of an intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.knowledge.problems import reported
from bot.pipeline.analysis import ACKNOWLEDGEMENT, Analysis
from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.pipeline.tone_history import ToneMark

SEND, HOLD, ESCALATE = "send", "hold", "escalate"
DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[2] / "policy.yml"
_LINK = re.compile(r"(?i)\bhttps?://|\bwww\.|\b[\w-]+\.(?:com|fr|net|org|io|ly|be|co)(?:/\S*)?\b")
# Intents whose drafted answer suits a fan who only acknowledges or thanks.
ACKNOWLEDGED_INTENTS = frozenset({"thank", "compliment", "greet", "goodbye"})
# Flags that words of delight raise too: alone, they do not escalate a clearly positive message.
DELIGHT_FLAGS = frozenset({"profanity", "anger"})


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    languages: tuple[str, ...] = ("fr", "en")
    angry_min: float = 0.40
    negative_escalate_min: float = 0.75
    confidence_escalate_min: float = 0.50
    escalate_intents: frozenset[str] = frozenset({"insult", "complaint", "order_problem", "ask_human", "out_of_scope",
                                                 "nlu_fallback"})
    escalate_flags: frozenset[str] = frozenset({"insult", "threat", "crisis", "press", "profanity", "anger"})
    max_chars: int = 600
    links: bool = True
    attachments: bool = True
    repeat_window_s: int = 600
    negative_hold_min: float = 0.45
    confidence_hold_min: float = 0.70
    # Swearing out of delight ("holy shit these plates are gorgeous"): the profanity and anger flags
    # alone do not escalate a message this positive once its swear words are taken out ("delight").
    delight_positive_min: float = 0.70
    # Conversation tone (bot.pipeline.tone_history): this many negative messages in a row escalate;
    # a message escalated for its tone alone, with an angry score below curt_angry_max, after
    # friendly_run friendly messages (and nothing negative before), is held instead.
    negative_run: int = 3
    friendly_run: int = 2
    curt_angry_max: float = 0.70
    # Out of domain (nlu_components.scope): a message this far from every in-scope training example
    # goes to a person, whatever DIET's confidence; a little closer, only when DIET is not sure either.
    scope_min: float = 0.25
    scope_doubt_min: float = 0.36
    scope_doubt_confidence: float = 0.95  # chosen on CLINC150 oos_val+oos_train and Bitext's tuning half
    # A message at least this positive is not a risk: off-domain, it is held for a CM rather than
    # escalated; a thank-you or a compliment DIET is only fairly sure of is answered.
    positive_min: float = 0.80

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

        def optional() -> dict[str, Any]:
            """The ``tone`` section, all of whose keys have defaults."""
            if "tone" not in data:
                return {}
            section = data["tone"]
            keys = {"delight_positive_min": float, "negative_run": int, "friendly_run": int, "curt_angry_max": float,
                    "scope_min": float, "scope_doubt_min": float, "scope_doubt_confidence": float,
                    "positive_min": float}
            if not isinstance(section, dict) or set(section) - set(keys):
                raise ConfigError(f"{source}: tone may only set {', '.join(keys)}")
            return {key: get("tone", key, kind) for key, kind in keys.items() if key in section}

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
            **optional(),
        )


@dataclass(frozen=True, slots=True)
class Context:
    """What the conversation so far adds to one message."""

    with_human: bool = False  # an escalation is pending: a person owns the conversation
    # … for a problem the bot escalated (not a person chatting live from the platform's inbox): a routine
    # question the bot is sure of is still answered beside them, and the person sees it
    answers_beside_person: bool = False
    repeated: bool = False  # the fan sent the same text moments ago
    tone_history: tuple["ToneMark", ...] = ()  # the tones of the fan's earlier messages, newest first
    review_sends: bool = False  # the CM team is in and the brand approves every draft first (bot.schedule)


@dataclass(frozen=True, slots=True)
class Decision:
    route: str
    reasons: list[str] = field(default_factory=list)


def tone_reasons(a: Analysis, cfg: PolicyConfig) -> list[str]:
    """Why this message's own tone and flags call for a person (empty: they do not)."""
    reasons = []
    if a.tone_score("angry") >= cfg.angry_min:
        reasons.append(f"tone:angry:{a.tone_score('angry'):.2f}")
    if a.tone_score("negative") >= cfg.negative_escalate_min:
        reasons.append(f"tone:negative:{a.tone_score('negative'):.2f}")
    flags = [name for name in sorted(cfg.escalate_flags) if a.flag(name)]
    if flags and set(flags) <= DELIGHT_FLAGS and float(a.tone.get("delight") or 0.0) >= cfg.delight_positive_min:
        flags = []  # "holy shit, gorgeous", "insanely good": delight, not anger
    return reasons + [f"flag:{name}" for name in flags]


def negative_run(a: Analysis, ctx: Context, cfg: PolicyConfig) -> int:
    """How many negative messages in a row this one ends (0 when it is not negative itself)."""
    if a.tone_label not in ("angry", "negative") and a.tone_score("negative") < cfg.negative_hold_min:
        return 0
    run = 1
    for mark in ctx.tone_history:
        if not mark.negative_tone:
            break
        run += 1
    return run


def curt_after_friendly(a: Analysis, ctx: Context, cfg: PolicyConfig, own: list[str]) -> bool:
    """A message escalated for its tone alone, not very angry, after friendly messages only."""
    earlier = ctx.tone_history
    return (bool(own) and all(r.startswith("tone:") for r in own) and a.tone_score("angry") < cfg.curt_angry_max
            and len(earlier) >= cfg.friendly_run and all(mark.friendly for mark in earlier))


def thanks_confirmed(a: Analysis, cfg: PolicyConfig) -> bool:
    """A thank-you or compliment DIET is fairly sure of, whose tone is clearly positive."""
    return (a.intent in ACKNOWLEDGED_INTENTS and a.confidence >= cfg.confidence_escalate_min
            and a.tone_score("positive") >= cfg.positive_min)


# Intents a clearly kind message can be given by mistake: "wow not bad :) Thanks, if I face any difficulties
# I will contact you" reads as a complaint to DIET, or as out of scope; a CM approves the reply instead of a
# person taking over. Out of scope, the message must also thank the brand: many hostile messages read as
# positive ("great job, really") and are out of scope too.
KIND_MISREAD_INTENTS = frozenset({"complaint", "nlu_fallback"})
_THANKING = re.compile(r"(?i)\b(?:merci|thanks?|thank you|thx|cheers)\b")


def kind_but_unplaced(a: Analysis, cfg: PolicyConfig) -> bool:
    """A clearly positive message, with no flag and no tone reason, that NLU put with complaints or could not
    place (or, when it thanks the brand, put out of scope): held for a CM rather than escalated."""
    misread = a.intent in KIND_MISREAD_INTENTS or (a.intent == "out_of_scope" and bool(_THANKING.search(a.text)))
    return (misread and a.tone_score("positive") >= cfg.positive_min
            and not any((a.tone.get("flags") or {}).values()) and not tone_reasons(a, cfg))


def out_of_domain(a: Analysis, cfg: PolicyConfig) -> bool:
    """Far from everything the bot was taught (a button payload, a very short message or a thank-you DIET is
    sure of — "Thank you! My friend spotted this." — never is)."""
    similarity = a.scope_similarity
    if similarity is None or a.short_kind or a.intent in cfg.escalate_intents or a.text.startswith("/") \
            or thanks_confirmed(a, cfg):
        return False
    return similarity < cfg.scope_min or (similarity < cfg.scope_doubt_min
                                          and a.confidence < cfg.scope_doubt_confidence)


def escalation_reasons(a: Analysis, ctx: Context, cfg: PolicyConfig) -> list[str]:
    reasons = []
    if ctx.with_human and not ctx.answers_beside_person:
        reasons.append("conversation_with_human")
    if a.language not in cfg.languages and not a.short_kind:
        reasons.append(f"language:{a.language}")
    if a.intent in cfg.escalate_intents and not (a.short_kind and a.intent == "nlu_fallback") \
            and not kind_but_unplaced(a, cfg):
        reasons.append(f"intent:{a.intent}")
    elif a.confidence < cfg.confidence_escalate_min and not a.short_kind:
        reasons.append(f"low_confidence:{a.confidence:.2f}")
    if out_of_domain(a, cfg) and a.tone_score("positive") < cfg.positive_min:
        reasons.append(f"out_of_domain:{a.scope_similarity:.2f}")
    own = [] if a.short_kind else tone_reasons(a, cfg)  # "?", "ok", "👍": no tone worth a person
    if not curt_after_friendly(a, ctx, cfg, own):
        reasons += own
    run = 0 if a.short_kind else negative_run(a, ctx, cfg)
    if run >= cfg.negative_run:
        reasons.append(f"tone_history:negative_run:{run}")
    if cfg.attachments and a.attachments:
        reasons.append("attachment:" + ",".join(sorted(set(a.attachments))))
    if cfg.links and _LINK.search(a.text):
        reasons.append("link")
    if len(a.text) > cfg.max_chars:
        reasons.append(f"long_message:{len(a.text)}")
    if ctx.repeated and not a.short_kind:  # "ok", "merci" twice is not a fan stuck in a loop
        reasons.append("repeated")
    if not a.short_kind:  # money taken wrongly, an order gone wrong: a person, whatever intent NLU chose
        reasons += reported(a.text)
    return reasons


# Reasons that say the fan reports a problem or is upset (not merely that a person should answer): what they
# are told then opens with no apology it does not need and ends with no cheerful closing.
_TROUBLE_PREFIXES = ("tone:angry", "tone:negative", "flag:", "tone_history:negative_run", "payment_problem:",
                     "order_problem_reported:", "intent:complaint", "intent:insult", "intent:order_problem")


def reports_trouble(reasons: list[str]) -> bool:
    """True when the reasons for escalating say the fan reports a problem, is angry, or insulted the brand."""
    return any(r.startswith(_TROUBLE_PREFIXES) for r in reasons)


def decide(a: Analysis, ctx: Context, cfg: PolicyConfig) -> Decision:
    """Escalate on any escalation reason; else hold on any doubt; else send.

    While a person owns the conversation for a problem the bot escalated, only a routine answer the bot is
    sure of goes out (``answered_beside_person``); anything else joins the person's case as a follow-up."""
    decision = _decide(a, ctx, cfg)
    if ctx.with_human and ctx.answers_beside_person:
        if decision.route != SEND:
            return Decision(ESCALATE, ["conversation_with_human", *decision.reasons])
        return Decision(SEND, ["answered_beside_person", *decision.reasons])
    return decision


def _decide(a: Analysis, ctx: Context, cfg: PolicyConfig) -> Decision:
    reasons = escalation_reasons(a, ctx, cfg)
    if reasons:
        return Decision(ESCALATE, reasons)
    hold = []
    if not a.has_draft:
        hold.append("no_draft")
    hold += [f"proofreading:{word}" for word in a.draft_issues]  # nothing unproofread goes out
    if a.short_kind:
        # "👍", "merci": the bot's thank-you or goodbye acknowledges it; "?" or an "ok" NLU cannot place
        # waits for a CM, and the fan is not told to wait for a person.
        if a.short_kind != ACKNOWLEDGEMENT or a.intent not in ACKNOWLEDGED_INTENTS:
            hold.append(f"short_message:{a.short_kind}")
    elif a.confidence < cfg.confidence_hold_min and not thanks_confirmed(a, cfg):
        hold.append(f"unsure_intent:{a.confidence:.2f}")
    if kind_but_unplaced(a, cfg):
        hold.append(f"kind_but_unplaced:{a.intent}")
    if out_of_domain(a, cfg):  # positive, or it would have been escalated
        hold.append(f"out_of_domain:{a.scope_similarity:.2f}")
    own = [] if a.short_kind else tone_reasons(a, cfg)
    if own and curt_after_friendly(a, ctx, cfg, own):
        hold.append(f"tone_history:after_friendly:{len(ctx.tone_history)}")
        hold += own
    if a.tone_score("negative") >= cfg.negative_hold_min and not a.short_kind:
        hold.append(f"tone:negative:{a.tone_score('negative'):.2f}")
    if hold:
        return Decision(HOLD, list(dict.fromkeys(hold)))
    reasons = [f"intent:{a.intent}", f"confidence:{a.confidence:.2f}", f"tone:{a.tone_label}"]
    if a.short_kind:
        reasons.append(f"short_message:{a.short_kind}")
    if a.flag("profanity") and not tone_reasons(a, cfg):
        reasons.append("profanity_of_delight")
    if a.confidence < cfg.confidence_hold_min and thanks_confirmed(a, cfg):
        reasons.append(f"positive_thanks:{a.tone_score('positive'):.2f}")
    if ctx.review_sends:  # a reply that could go out alone waits for a CM's approval
        return Decision(HOLD, ["staffed:approve_first", *reasons])
    if not a.answers:
        # The draft is the holding sentence ("a member of our team … will reply to you here"): sent by the bot
        # alone it would be a promise nobody keeps. It goes out only as an escalation's holding message, once
        # the case that keeps it is filed (held, a CM reads it first, which keeps it too).
        return Decision(ESCALATE, ["no_answer", *reasons])
    return Decision(SEND, reasons)
