"""How close a fan's message is to anything the brand's bot was taught: an out-of-domain score.

DIET always names one of the brand's intents, often with high confidence, even
for a tweet about politics or a line of hate speech; its confidence alone
cannot tell "not about us". This score does not depend on it: the cosine
similarity (character 3–5-grams, TF-IDF) between the message, stripped of
platform noise, and its nearest training example of an in-scope intent
(every intent but ``out_of_scope``), with that example's intent. Fitted by
``rasa train`` from the NLU data, in both languages.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu_components.normalise import platform_noise, soften

OUT_OF_SCOPE = "out_of_scope"


class ScopeModel:
    def __init__(self) -> None:
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                          preprocessor=soften)
        self.matrix = None
        self.intents: list[str] = []

    def fit(self, texts: list[str], intents: list[str]) -> "ScopeModel":
        kept = [(t, i) for t, i in zip(texts, intents) if i != OUT_OF_SCOPE and t.strip()]
        if not kept:
            raise ValueError("no in-scope training examples")
        self.matrix = self.vectorizer.fit_transform([platform_noise(t) for t, _ in kept]).tocsr()  # examples × n-grams
        self.intents = [i for _, i in kept]
        return self

    def score(self, text: str) -> dict:
        """The ``scope`` block of a parse result: similarity to the nearest in-scope example (0–1) and its intent."""
        row = self.vectorizer.transform([platform_noise(text)]).toarray().ravel()
        sims = self.matrix.dot(row)  # rows are L2-normalised: cosine similarities
        best = int(np.argmax(sims)) if sims.size else 0
        return {"similarity": round(float(sims[best]) if sims.size else 0.0, 4),
                "nearest_intent": self.intents[best] if self.intents else ""}
