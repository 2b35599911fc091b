"""Run in the Rasa virtualenv (where the scope component lives): fit the out-of-domain score and report as JSON.

    .venv/rasa/bin/python -m tests.nlu_components.scope_probe

Fits :class:`nlu_components.scope.ScopeModel` on the project's NLU data, read
the way ``rasa train`` reads it, and scores the probe sentences of
``tests/nlu_components/test_scope.py``, given on standard input as JSON:
``{"probes": [...], "toy": {"texts": [...], "intents": [...], "probes": [...]}}`` (the toy model
is fitted on those few examples alone).
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.scope import ScopeModel

ROOT = Path(__file__).resolve().parents[2]


def training_examples() -> tuple[list[str], list[str]]:
    files = sorted(p for p in (ROOT / "nlu_data").glob("*/*.yml") if p.parent.name != "tone")
    data = TrainingData().merge(*[load_data(str(p)) for p in files])
    examples = [m for m in data.intent_examples if m.get("text")]
    return [m.get("text") for m in examples], [m.get("intent") for m in examples]


def main() -> None:
    request = json.loads(sys.stdin.read() or "{}")
    probes = request.get("probes", [])
    toy_request = request.get("toy") or {"texts": ["where is my parcel"], "intents": ["order_tracking"], "probes": []}
    toy = ScopeModel().fit(toy_request["texts"], toy_request["intents"])
    texts, intents = training_examples()
    model = ScopeModel().fit(texts, intents)
    start = time.perf_counter()
    scores = {text: model.score(text) for text in probes}
    per_score_ms = (time.perf_counter() - start) * 1000 / max(len(probes), 1)
    copy = pickle.loads(pickle.dumps(model))
    legacy = pickle.loads(pickle.dumps(model))
    for name in ("in_scope_words", "off_topic_words", "in_scope_examples", "off_topic_examples"):
        legacy.__dict__.pop(name, None)  # a model stored before vocabulary coverage was part of the score
    print(json.dumps({
        "examples": len(texts),
        "scores": scores,
        "round_trip": all(copy.score(t) == scores[t] for t in probes),
        "legacy": {t: legacy.score(t) for t in probes},
        "per_score_ms": per_score_ms,
        "toy": {t: toy.score(t) for t in toy_request["probes"]},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
