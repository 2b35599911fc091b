"""How close a fan's message is to anything the brand's bot was taught: an out-of-domain score.

DIET always names one of the brand's intents, often with high confidence, even
for a tweet about politics or a question about a bank card; its confidence
alone cannot tell "not about us". This score does not depend on it. It joins
two readings of the message, stripped of platform noise:

* **nearest example** — the cosine similarity (character 3–5-grams, TF-IDF)
  between the message and its nearest training example of an in-scope intent
  (every intent but ``out_of_scope``), with that example's intent: close to
  something the bot answers, typos and SMS spelling included;
* **vocabulary coverage** — the share of the message's content words that the
  in-scope examples use at all (words folded to their first letters, so
  "livraisons" and "delivered" find "livraison" and "deliver"). A question
  about a mortgage or a pivot table shares letters with "order" and "return",
  but few of its words were ever taught; those the ``out_of_scope`` examples
  alone use ("password", "facture") count against it.

``similarity`` in the parse result is the nearest-example cosine weighed by
coverage (0–1, lower is farther), except for a message almost identical to a
training example, whose cosine stands alone; the policy compares it with its
thresholds (``scope_min`` and ``scope_doubt_min`` of ``bot.pipeline.policy``,
which the ``tone`` section of ``policy.yml`` may override). Fitted by
``rasa train`` from the NLU data, in both languages.

Why hand-written: the nearest-neighbour search is one sparse matrix product
(scikit-learn's vectoriser, already in the pipeline's environment) and the
coverage is a set look-up; a library of sentence embeddings would add weights
to download and tens of milliseconds per parse.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu_components.normalise import platform_noise, soften, strip_accents

OUT_OF_SCOPE = "out_of_scope"
_WORD = re.compile(r"[a-z]+")


def stems(text: str, length: int = 5, shortest: int = 3) -> list[str]:
    """The message's words, lower-case and without accents, cut to their first ``length`` letters."""
    return [w[:length] for w in _WORD.findall(strip_accents(text).lower()) if len(w) >= shortest]


class ScopeModel:
    """Nearest in-scope example and vocabulary coverage; see the module docstring.

    The fitted state (vectoriser, example matrix, word counts) is what a
    trained model stores; how the two readings are weighed is read from the
    class, so it can be tuned without training again.
    """

    # Weight of vocabulary coverage: similarity × ((1 − w) + w × coverage).
    coverage_weight = 0.7
    # A word the in-scope examples never use and the out_of_scope ones do counts this much against coverage.
    off_topic_penalty = 1.0
    # A message this close to a training example is a paraphrase of it: coverage does not lower its score.
    close_enough = 0.70
    # Words used by at least this share of the in-scope examples and of the out_of_scope ones alike say
    # nothing of the topic ("you", "the", "vous", "est").
    common_share = 0.02

    def __init__(self) -> None:
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                          preprocessor=soften)
        self.matrix = None
        self.intents: list[str] = []
        self.in_scope_words: Counter = Counter()  # stem → in-scope examples using it
        self.off_topic_words: Counter = Counter()  # stem → out_of_scope examples using it
        self.in_scope_examples = 0
        self.off_topic_examples = 0

    def fit(self, texts: list[str], intents: list[str]) -> "ScopeModel":
        pairs = [(t, i) for t, i in zip(texts, intents) if t and t.strip()]
        kept = [(t, i) for t, i in pairs if i != OUT_OF_SCOPE]
        if not kept:
            raise ValueError("no in-scope training examples")
        self.matrix = self.vectorizer.fit_transform([platform_noise(t) for t, _ in kept]).tocsr()  # examples × n-grams
        self.intents = [i for _, i in kept]
        self.in_scope_words = Counter(s for t, _ in kept for s in set(stems(t)))
        self.off_topic_words = Counter(s for t, i in pairs if i == OUT_OF_SCOPE for s in set(stems(t)))
        self.in_scope_examples = len(kept)
        self.off_topic_examples = len(pairs) - len(kept)
        return self

    def common(self, stem: str) -> bool:
        """A word both kinds of examples use often: a function word of either language."""
        return (self.in_scope_words[stem] >= self.common_share * max(self.in_scope_examples, 1)
                and self.off_topic_words[stem] >= self.common_share * max(self.off_topic_examples, 1))

    def coverage(self, text: str) -> float:
        """Share of the message's topical words that in-scope examples use (1.0 when it has none)."""
        if not getattr(self, "in_scope_words", None):  # a model fitted before coverage existed
            return 1.0
        words = [s for s in stems(text) if not self.common(s)]
        if not words:
            return 1.0
        known = sum(s in self.in_scope_words for s in words)
        off_topic = sum(s not in self.in_scope_words and s in self.off_topic_words for s in words)
        return max(0.0, (known - self.off_topic_penalty * off_topic) / len(words))

    def score(self, text: str) -> dict:
        """The ``scope`` block of a parse result: the in-domain score (0–1), its two parts, the nearest intent."""
        row = self.vectorizer.transform([platform_noise(text)]).toarray().ravel()
        sims = self.matrix.dot(row)  # rows are L2-normalised: cosine similarities
        best = int(np.argmax(sims)) if sims.size else 0
        nearest = float(sims[best]) if sims.size else 0.0
        coverage = self.coverage(text)
        weight = 0.0 if nearest >= self.close_enough else self.coverage_weight
        return {"similarity": round(nearest * ((1.0 - weight) + weight * coverage), 4),
                "nearest": round(nearest, 4), "coverage": round(coverage, 4),
                "nearest_intent": self.intents[best] if self.intents else ""}
