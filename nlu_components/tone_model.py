"""The tone model: angry / negative / neutral / positive, for French and English chat messages.

A message is first stripped of the platform's furniture (@handles, links,
hashtag signs, emoji runs: :func:`nlu_components.normalise.platform_noise`),
then character n-grams (typos, SMS spelling, elongations) and word n-grams feed
a logistic regression, together with cues a bag of words cannot see: shouting
(share of capitals), "!!!", angry, happy and sarcastic emoji, the insult,
threat, profanity and anger flags of the lexicon, and VADER's valence scores
(a lexicon of English words, emoticons, emoji and slang, with negation and
intensifiers; ``vaderSentiment``). Probabilities are calibrated by
cross-validation (sigmoid), so a threshold of 0.30 means about what it says.
Trained on ``nlu_data/tone/*.yml``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu_components.flags import FlagLexicon
from nlu_components.normalise import ANGRY_EMOJI, SARCASTIC_EMOJI, caps_ratio, fold, platform_noise, soften

LABELS = ("angry", "negative", "neutral", "positive")
HAPPY_EMOJI = frozenset("😍🥰❤💕😊🙂😀😃😄😁🤩👍🙏✨💖💛💙🌸🎉👌☺😘💯🥳😂🤣💪🔥😻💗🧡💚💜")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
CUE_WEIGHT = 2.0
VADER_WEIGHT = 2.0


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
    """Signals a bag of n-grams misses, computed on the message without platform noise."""
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
    ]


class Valence:
    """VADER's negative, neutral, positive and compound scores of a text."""

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()

    def __call__(self, text: str) -> list[float]:
        s = self._analyzer.polarity_scores(text)
        return [s["neg"], s["pos"], s["compound"], float(s["compound"] <= -0.5), float(s["compound"] >= 0.5)]

    def __getstate__(self) -> dict:  # the lexicon ships with the package: rebuilt on load, not pickled
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()


class ToneModel:
    def __init__(self, lexicon: FlagLexicon, *, valence: bool = True, c: float = 0.4, calibrate: bool = True) -> None:
        self.lexicon = lexicon
        self.valence = Valence() if valence else None
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=soften,
                                    min_df=2)
        self.word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, preprocessor=soften,
                                    token_pattern=r"(?u)\b\w+\b|[^\w\s]")
        base = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        self.clf = CalibratedClassifierCV(base, cv=5, method="sigmoid", ensemble=False) if calibrate else base

    def _matrix(self, texts: list[str], flags: list[dict[str, list[str]]], fit: bool = False):
        char = self.char.fit_transform(texts) if fit else self.char.transform(texts)
        word = self.word.fit_transform(texts) if fit else self.word.transform(texts)
        dense = [np.array([cues(t, f) for t, f in zip(texts, flags)]) * CUE_WEIGHT]
        if self.valence is not None:
            dense.append(np.array([self.valence(t) for t in texts]) * VADER_WEIGHT)
        return hstack([char, word, csr_matrix(np.hstack(dense))]).tocsr()

    def fit(self, texts: list[str], labels: list[str]) -> "ToneModel":
        clean = [platform_noise(t) for t in texts]
        flags = [self.lexicon.match(t) for t in clean]
        self.clf.fit(self._matrix(clean, flags, fit=True), np.asarray(labels))
        return self

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        """Calibrated probability of each label, for many texts at once."""
        clean = [platform_noise(t) for t in texts]
        probs = self.clf.predict_proba(self._matrix(clean, [self.lexicon.match(t) for t in clean]))
        return [{label: round(float(p), 4) for label, p in zip(self.clf.classes_, row)} for row in probs]

    def analyse(self, text: str) -> dict:
        """The ``tone`` block of a parse result."""
        clean = platform_noise(text)
        flags = self.lexicon.match(clean)
        probs = self.clf.predict_proba(self._matrix([clean], [flags]))[0]
        scores = {label: round(float(p), 4) for label, p in zip(self.clf.classes_, probs)}
        label = max(scores, key=scores.get)
        tone = {
            "label": label,
            "confidence": scores[label],
            "scores": scores,
            "flags": {flag: bool(words) for flag, words in flags.items()},
            "evidence": {flag: words for flag, words in flags.items() if words},
            "shouting": caps_ratio(clean) > 0.6,
        }
        if flags.get("profanity") or flags.get("anger"):
            tone["delight"] = self.delight(clean, flags["profanity"] + flags["anger"])
        return tone

    def delight(self, clean: str, words: list[str]) -> float:
        """How positive the message is once its swear and anger words are taken out (0–1).

        "Holy shit these plates are gorgeous" → "holy these plates are gorgeous", clearly
        positive; "help me find my damn invoice" → "help me find my invoice", not.
        """
        text = fold(clean)
        for word in sorted(words, key=len, reverse=True):
            text = text.replace(word, " ")
        text = " ".join(text.split())
        return self.scores([text])[0].get("positive", 0.0) if text else 0.0
