"""What Relais knows about one fan message once Rasa has parsed it: the routing policy's input.

Built the same way from a live draft (the ``relais`` block the custom actions
attach) and from a bare ``/model/parse`` result (``relais eval``), so
evaluation measures exactly what live traffic gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    @property
    def tone_label(self) -> str:
        return self.tone.get("label", "neutral")

    def tone_score(self, label: str) -> float:
        return float((self.tone.get("scores") or {}).get(label, 0.0))

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
        }


def meta_from_parse(parse: dict[str, Any], language: str) -> dict[str, Any]:
    """The routing part of a parse result, as the actions attach it to drafts."""
    intent = parse.get("intent") or {}
    return {
        "intent": intent.get("name") or "",
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "language": language,
        "tone": parse.get("tone") or dict(NEUTRAL_TONE),
        "ranking": [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
                    for r in (parse.get("intent_ranking") or [])[:3]],
    }


def analysis_from_meta(text: str, meta: dict[str, Any], *, language: str, attachments: tuple[str, ...] = (),
                       has_draft: bool = True, draft_issues: tuple[str, ...] = ()) -> Analysis:
    return Analysis(
        text=text,
        intent=str(meta.get("intent") or ""),
        confidence=float(meta.get("confidence") or 0.0),
        language=language,
        tone=meta.get("tone") or dict(NEUTRAL_TONE),
        attachments=attachments,
        has_draft=has_draft,
        draft_issues=draft_issues,
    )
