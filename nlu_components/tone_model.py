"""The tone model: angry / negative / neutral / positive, for French and English chat messages.

Character n-grams (typos, SMS spelling, elongations) and word n-grams feed a
logistic regression, together with cues a bag of words cannot see: shouting
(share of capitals), "!!!", angry, happy and sarcastic emoji, and the insult,
threat, profanity and anger flags of the lexicon. Trained on ``nlu_data/tone/*.yml``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu_components.flags import FlagLexicon
from nlu_components.normalise import caps_ratio, soften

LABELS = ("angry", "negative", "neutral", "positive")
ANGRY_EMOJI = frozenset("😡🤬💢👿😤😠🖕👎💩")
HAPPY_EMOJI = frozenset("😍🥰❤💕😊🙂😀😃😄😁🤩👍🙏✨💖💛💙🌸🎉👌☺😘💯🥳")
SARCASTIC_EMOJI = frozenset("🙄🙃👏🤡😒🤦")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
CUE_WEIGHT = 2.0


def load_tone_data(folder: str | Path) -> tuple[list[str], list[str]]:
    """Texts and labels of every ``tone:`` file in ``folder``."""
    texts, labels = [], []
    for path in sorted(Path(folder).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("tone") or []:
            label = block["label"]
            if label not in LABELS:
                raise ValueError(f"{path}: unknown tone label {label!r}")
            for line in str(block["examples"]).splitlines():
                line = line.strip()
                if line.startswith("- ") and line[2:].strip():
                    texts.append(line[2:].strip())
                    labels.append(label)
    if not texts:
        raise ValueError(f"no tone examples found in {folder}")
    return texts, labels


def cues(text: str, flags: dict[str, list[str]]) -> list[float]:
    caps = caps_ratio(text)
    bangs = text.count("!")
    return [
        caps,
        float(caps > 0.6),
        min(bangs, 6) / 6,
        float(bool(re.search(r"!{2,}|\?!|!\?", text))),
        float("?" in text),
        min(sum(ch in ANGRY_EMOJI for ch in text), 3) / 3,
        min(sum(ch in HAPPY_EMOJI for ch in text), 3) / 3,
        min(sum(ch in SARCASTIC_EMOJI for ch in text), 3) / 3,
        float(bool(_ELONGATED.search(text))),
        float(bool(flags.get("insult"))),
        float(bool(flags.get("threat"))),
        float(bool(flags.get("profanity"))),
        float(bool(flags.get("anger"))),
        min(len(text), 400) / 400,
    ]


class ToneModel:
    def __init__(self, lexicon: FlagLexicon) -> None:
        self.lexicon = lexicon
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=soften)
        self.word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, preprocessor=soften,
                                    token_pattern=r"(?u)\b\w+\b|[^\w\s]")
        self.clf = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")

    def _matrix(self, texts: list[str], flags: list[dict[str, list[str]]], fit: bool = False):
        char = self.char.fit_transform(texts) if fit else self.char.transform(texts)
        word = self.word.fit_transform(texts) if fit else self.word.transform(texts)
        dense = csr_matrix(np.array([cues(t, f) for t, f in zip(texts, flags)]) * CUE_WEIGHT)
        return hstack([char, word, dense]).tocsr()

    def fit(self, texts: list[str], labels: list[str]) -> "ToneModel":
        flags = [self.lexicon.match(t) for t in texts]
        self.clf.fit(self._matrix(texts, flags, fit=True), labels)
        return self

    def analyse(self, text: str) -> dict:
        """The ``tone`` block of a parse result."""
        flags = self.lexicon.match(text)
        probs = self.clf.predict_proba(self._matrix([text], [flags]))[0]
        scores = {label: round(float(p), 4) for label, p in zip(self.clf.classes_, probs)}
        label = max(scores, key=scores.get)
        return {
            "label": label,
            "confidence": scores[label],
            "scores": scores,
            "flags": {flag: bool(words) for flag, words in flags.items()},
            "evidence": {flag: words for flag, words in flags.items() if words},
            "shouting": caps_ratio(text) > 0.6,
        }
