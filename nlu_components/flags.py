"""Flags a CM must see whatever the tone: insult, threat, press/influencer, crisis, profanity, anger.

Patterns live in ``nlu_data/tone/lexicon.yml`` (one list per flag and
language) and are matched against :func:`nlu_components.normalise.fold` of the
text, so shouting, elongation, accents and leetspeak do not hide a word.
Both languages' patterns are always applied: fans mix them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlu_components.normalise import fold

FLAGS = ("insult", "threat", "press", "crisis", "profanity", "anger")


@dataclass(frozen=True)
class FlagLexicon:
    patterns: dict[str, list[re.Pattern]]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FlagLexicon":
        flags = data.get("flags") or {}
        missing = [f for f in FLAGS if f not in flags]
        if missing:
            raise ValueError(f"lexicon misses flags: {', '.join(missing)}")
        compiled: dict[str, list[re.Pattern]] = {}
        for flag in FLAGS:
            sources = [p for lang in ("fr", "en") for p in flags[flag].get(lang) or []]
            try:
                compiled[flag] = [re.compile(p) for p in sources]
            except re.error as exc:
                raise ValueError(f"lexicon flag {flag}: bad pattern {exc.pattern!r}: {exc}") from None
        return cls(compiled)

    @classmethod
    def load(cls, path: str | Path) -> "FlagLexicon":
        return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    def sources(self) -> dict[str, list[str]]:
        return {flag: [p.pattern for p in pats] for flag, pats in self.patterns.items()}

    def match(self, text: str) -> dict[str, list[str]]:
        """Each flag with the words that raised it (empty list: not raised)."""
        folded = fold(text)
        hits: dict[str, list[str]] = {}
        for flag, patterns in self.patterns.items():
            found = []
            for pattern in patterns:
                m = pattern.search(folded)
                if m:
                    found.append(m.group(0).strip())
            hits[flag] = sorted(set(found))
        return hits
