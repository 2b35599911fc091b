"""What Relais knows about one fan message once Rasa has parsed it: the routing policy's input.

Built the same way from a live draft (the ``relais`` block the custom actions
attach) and from a bare ``/model/parse`` result (``relais eval``), so
evaluation measures exactly what live traffic gets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nlu_components.normalise import ANGRY_EMOJI, SARCASTIC_EMOJI, fold, platform_noise

ACKNOWLEDGEMENT, QUESTION = "acknowledgement", "question"
# Words that, alone or by a few, only acknowledge, agree or thank (folded: lowercase, no accents).
ACKNOWLEDGING_WORDS = frozenset("""
ok oki okay okey k kk d accord dac entendu note bien recu parfait super top genial cool nickel impeccable
merci mci mrc bcp beaucoup infiniment encore oui ouais non tres ca marche c est bon bonne journee soiree a vous
toi de thanks thank you thx ty cheers great perfect nice sure yes yep yeah no nope noted got it alright right
fine good so much many lovely awesome brilliant np
""".split())
_WORD = re.compile(r"[a-z]+")
_LETTER = re.compile(r"[^\W\d_]")


def short_kind(text: str) -> str:
    """``acknowledgement`` ("ok", "merci", "👍", "❤️"), ``question`` ("?", "ok ?") or "" for anything else.

    A message of emoji and punctuation only (no angry or sarcastic emoji), or
    of at most four acknowledging words, once @handles and links are removed.
    """
    clean = platform_noise(text)
    if not clean or len(clean) > 40 or any(ch in ANGRY_EMOJI or ch in SARCASTIC_EMOJI for ch in clean):
        return ""
    if _LETTER.search(clean):
        words = _WORD.findall(fold(clean))
        if not words or len(words) > 4 or any(w not in ACKNOWLEDGING_WORDS for w in words):
            return ""
    return QUESTION if "?" in clean else ACKNOWLEDGEMENT


def emoji_only(text: str) -> bool:
    """An acknowledgement made of emoji and punctuation alone, no word (« 👍 », « ❤️ »): see :func:`short_kind`."""
    return short_kind(text) == ACKNOWLEDGEMENT and not _LETTER.search(platform_noise(text))


NEUTRAL_TONE: dict[str, Any] = {"label": "neutral", "confidence": 0.0, "scores": {}, "flags": {}, "evidence": {}}


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    intent: str
    confidence: float
    language: str
    tone: dict[str, Any] = field(default_factory=lambda: dict(NEUTRAL_TONE))
    attachments: tuple[str, ...] = ()
    has_draft: bool = True
    draft_issues: tuple[str, ...] = ()  # words the proofreader could not fix in the draft
    # False when the draft only says that a person will answer (the brand file had no answer for it): such a
    # text is a promise, and it goes out only with the case that keeps it (an escalation), never as a reply.
    answers: bool = True
    scope: dict[str, Any] | None = None  # similarity to the nearest in-scope training example (nlu_components.scope)

    @property
    def short_kind(self) -> str:
        """``acknowledgement``, ``question`` or "": see :func:`short_kind`."""
        return short_kind(self.text)

    @property
    def tone_label(self) -> str:
        return self.tone.get("label", "neutral")

    def tone_score(self, label: str) -> float:
        return float((self.tone.get("scores") or {}).get(label, 0.0))

    @property
    def scope_similarity(self) -> float | None:
        """0–1, or None when the parse had no scope block."""
        if not self.scope or "similarity" not in self.scope:
            return None
        return float(self.scope["similarity"])

    def flag(self, name: str) -> bool:
        return bool((self.tone.get("flags") or {}).get(name))

    def evidence(self) -> dict[str, Any]:
        """What a CM sees: intent, tone, scores, flags and the words that raised them."""
        return {
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "language": self.language,
            "tone": self.tone_label,
            "tone_scores": self.tone.get("scores", {}),
            "flags": sorted(k for k, v in (self.tone.get("flags") or {}).items() if v),
            "flag_words": self.tone.get("evidence", {}),
            "scope": self.scope or {},
        }


def meta_from_parse(parse: dict[str, Any], language: str) -> dict[str, Any]:
    """The routing part of a parse result, as the actions attach it to drafts."""
    intent = parse.get("intent") or {}
    return {
        "intent": intent.get("name") or "",
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "language": language,
        "tone": parse.get("tone") or dict(NEUTRAL_TONE),
        "scope": parse.get("scope") or {},
        "ranking": [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
                    for r in (parse.get("intent_ranking") or [])[:3]],
    }


def analysis_from_meta(text: str, meta: dict[str, Any], *, language: str, attachments: tuple[str, ...] = (),
                       has_draft: bool = True, draft_issues: tuple[str, ...] = ()) -> Analysis:
    """The routing facts of a drafted message; a draft whose ``response`` is ``holding:…`` answers nothing."""
    return Analysis(
        text=text,
        intent=str(meta.get("intent") or ""),
        confidence=float(meta.get("confidence") or 0.0),
        language=language,
        tone=meta.get("tone") or dict(NEUTRAL_TONE),
        attachments=attachments,
        has_draft=has_draft,
        draft_issues=draft_issues,
        scope=meta.get("scope") or None,
        answers=not str(meta.get("response") or "").startswith("holding:"),
    )
