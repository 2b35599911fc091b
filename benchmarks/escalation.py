"""Escalation figures on public data the model never saw, plus Relais's own held-out calm questions.

Reads ``../shared/datasets`` (skips cleanly when absent). Every text goes
through the live pipeline's steps (Rasa NLU with tone, language detection,
routing policy; see ``bot/evaluation.py``) and the script prints one table:

* angry / abusive → escalated (recall), per set and per language;
* calm in-scope questions (tests/rasa/nlu_test.yml) → answered or held;
* CLINC150 ``oos_test`` → escalated.

    .venv/app/bin/python -m benchmarks.escalation [--limit 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from bot.pipeline.policy import ESCALATE, PolicyConfig

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
# Intents Relais hands to a person by design (policy.yml: escalate.intents, and press /
# influencer enquiries through the press flag): not "calm questions the bot answers".
HUMAN_INTENTS = {"complaint", "order_problem", "insult", "ask_human", "out_of_scope", "press", "partnership"}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def tweeteval_anger() -> list[str]:
    folder = DATASETS / "tweeteval_en"
    texts = _lines(folder / "datasets_emotion_test_text.txt")
    labels = _lines(folder / "datasets_emotion_test_labels.txt")
    return [t for t, l in zip(texts, labels) if l.strip() == "0"]


def semeval_anger() -> list[str]:
    with (DATASETS / "semeval2018_ec_en" / "2018-E-c-En-dev.txt").open(encoding="utf-8") as f:
        return [row["Tweet"] for row in csv.DictReader(f, delimiter="\t") if row["anger"] == "1"]


def bitext_offensive() -> list[str]:
    texts = set()
    for path in sorted((DATASETS / "bitext_customer_support").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            texts |= {row["instruction"] for row in csv.DictReader(f) if "W" in (row.get("tags") or "")}
    return sorted(texts)


def mlma_fr_hostile() -> list[str]:
    with (DATASETS / "mlma_hate_speech_fr_en" / "fr_dataset.csv").open(encoding="utf-8") as f:
        return [row["tweet"] for row in csv.DictReader(f) if row["sentiment"].strip() != "normal"]


def hatecheck_fr_hateful() -> list[str]:
    with (DATASETS / "hatecheck_fr_en" / "MHC_Final_Cases_hatecheck_cases_final_french.csv").open(encoding="utf-8") as f:
        return [row["test_case"] for row in csv.DictReader(f) if row["label_gold"] == "hateful"]


def clinc_oos() -> list[str]:
    data = json.loads((DATASETS / "clinc150" / "data_data_full.json").read_text(encoding="utf-8"))
    return [text for text, _ in data["oos_test"]]


def own_calm_held_out() -> dict[str, list[str]]:
    """Relais's own held-out set (never trained on): intents the bot answers itself, by language (8 FR then 8 EN each)."""
    doc = yaml.safe_load((ROOT / "tests" / "rasa" / "nlu_test.yml").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {"fr": [], "en": []}
    for block in doc["nlu"]:
        if block["intent"] in HUMAN_INTENTS:
            continue
        lines = [l.strip()[2:] for l in block["examples"].splitlines() if l.strip().startswith("- ")]
        out["fr"] += lines[:8]
        out["en"] += lines[8:16]
    return out


def sets() -> list[tuple[str, str, str, list[str]]]:
    """(name, language, expectation, texts) for each set that is present."""
    calm = own_calm_held_out()
    found = [("Relais held-out calm in-scope", "fr", "not escalated", calm["fr"]),
             ("Relais held-out calm in-scope", "en", "not escalated", calm["en"])]
    if not DATASETS.exists():
        return found
    for name, language, loader, expect in [
        ("TweetEval emotion anger (test)", "en", tweeteval_anger, ESCALATE),
        ("SemEval-2018 E-c anger (dev)", "en", semeval_anger, ESCALATE),
        ("Bitext customer support, tag W", "en", bitext_offensive, ESCALATE),
        ("MLMA French hostile tweets", "fr", mlma_fr_hostile, ESCALATE),
        ("HateCheck French hateful", "fr", hatecheck_fr_hateful, ESCALATE),
        ("CLINC150 oos_test", "en", clinc_oos, ESCALATE),
    ]:
        try:
            found.append((name, language, "escalated", loader()))
        except (OSError, KeyError) as exc:
            print(f"skipping {name}: {exc}")
    return found


async def run(rasa_url: str, limit: int, token: str = "") -> list[dict]:
    from bot.tools.evaluation import predict

    policy = PolicyConfig.load()
    rows = []
    rng = random.Random(7)
    for name, language, expectation, texts in sets():
        sample = texts if len(texts) <= limit else rng.sample(texts, limit)
        predictions = await predict(sample, rasa_url, policy, token=token)
        escalated = [p for p in predictions if p["route"] == ESCALATE]
        hit = len(escalated) if expectation == "escalated" else len(predictions) - len(escalated)
        reasons = Counter(r.split(":")[0] + (":" + r.split(":")[1] if r.startswith(("intent", "tone", "flag")) else "")
                          for p in escalated for r in p["reasons"])
        rows.append({"set": name, "language": language, "expect": expectation, "n": len(sample), "ok": hit,
                     "rate": hit / len(sample) if sample else 0.0, "top_reasons": reasons.most_common(4)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1000, help="at most this many texts per set (random, seeded)")
    parser.add_argument("--model", type=Path, help="a trained model (default: train or reuse the current data's)")
    args = parser.parse_args()
    if not DATASETS.exists():
        print(f"{DATASETS} not found: only Relais's own held-out set is measured")
    from benchmarks.stack import start_backends

    with tempfile.TemporaryDirectory() as tmp:
        backends = start_backends(Path(tmp), args.model)
        stack, rasa_url = backends.stack, backends.rasa_url
        try:
            rows = asyncio.run(run(rasa_url, args.limit, backends.rasa_token))
        finally:
            stack.stop()
    print(f"\n{'set':<34}{'lang':<6}{'expected':<15}{'n':>6}{'rate':>9}   top escalation reasons")
    for r in rows:
        reasons = ", ".join(f"{k} {v}" for k, v in r["top_reasons"])
        print(f"{r['set']:<34}{r['language']:<6}{r['expect']:<15}{r['n']:>6}{r['rate']:>8.1%}   {reasons}")
    for language in ("en", "fr"):
        angry = [r for r in rows if r["language"] == language and r["expect"] == "escalated"
                 and not r["set"].startswith("CLINC")]
        if angry:
            total = sum(r["n"] for r in angry)
            print(f"angry/abusive → escalated, {language}: {sum(r['ok'] for r in angry) / total:.1%} of {total}")


if __name__ == "__main__":
    main()
