"""Run in the Rasa virtualenv (where the tone component lives): fit the tone model and report on it as JSON.

    .venv/rasa/bin/python -m tests.nlu_components.tone_probe
"""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path

import yaml

from nlu_components.flags import FlagLexicon
from nlu_components.tone_model import LABELS, ToneModel, load_tone_data

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = ROOT / "tests" / "tone" / "tone_test.yml"


def held_out() -> list[tuple[str, str, str]]:
    doc = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))
    return [(line.strip()[2:], block["label"], block["language"]) for block in doc["tone_test"]
            for line in block["examples"].splitlines() if line.strip().startswith("- ")]


def main() -> None:
    texts, labels = load_tone_data(ROOT / "nlu_data" / "tone")
    start = time.perf_counter()
    model = ToneModel(FlagLexicon.load(ROOT / "nlu_data" / "tone" / "lexicon.yml")).fit(texts, labels)
    fit_s = time.perf_counter() - start
    rows = held_out()
    start = time.perf_counter()
    results = [model.analyse(text) for text, _, _ in rows]
    analyse_ms = (time.perf_counter() - start) * 1000 / len(rows)
    reloaded = pickle.loads(pickle.dumps(model))
    same = all(reloaded.analyse(text)["scores"] == r["scores"] for (text, _, _), r in zip(rows[:20], results))
    accuracy = {lang: sum(r["label"] == gold for (_, gold, lg), r in zip(rows, results) if lg == lang)
                / sum(lg == lang for _, _, lg in rows) for lang in ("fr", "en")}
    print(json.dumps({
        "examples": len(texts), "fit_s": fit_s, "analyse_ms": analyse_ms, "pickle_round_trip": same,
        "labels": sorted(results[0]["scores"]), "held_out_accuracy": accuracy,
        "sums": [round(sum(r["scores"].values()), 3) for r in results[:50]],
        "probe": {t: model.analyse(t) for t in ("👍", "Thanks, all sorted now!", "Vous êtes des incompétents !!!")},
        "known_labels": list(LABELS),
    }))


if __name__ == "__main__":
    main()
