"""Language detection on public French and English messages: all of them, and the short ones.

Reads ``../shared/datasets`` (measurement only; skips a set that is absent):
UMSAB tweets (French and English test sets), Wikit NLU questions (French),
airline tweets (English), XED sentences (English annotated, French
projections). Prints, per set, the share ``bot.language.detect_language``
gets right, overall and on messages of five words or fewer, and the share
``bot.language.detect`` gets right on those short ones when the conversation's
language is known (what a fan's "ok cool" after two English messages gets).

    .venv/app/bin/python -m benchmarks.language
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

from bot.language import detect, detect_language

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
SHORT_WORDS = 5
LIMIT = 3000


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sets() -> list[tuple[str, str, list[str]]]:
    found: list[tuple[str, str, list[str]]] = []
    loaders = [
        ("UMSAB tweets, French", "fr", lambda: _lines(DATASETS / "umsab_sentiment_fr_en" / "data_sentiment_french_test_text.txt")),
        ("UMSAB tweets, English", "en", lambda: _lines(DATASETS / "umsab_sentiment_fr_en" / "data_sentiment_english_test_text.txt")),
        ("Wikit NLU questions", "fr", lambda: [r["utterance"] for r in csv.DictReader(
            (DATASETS / "wikit_nlu_fr" / "test_dataset.csv").open(encoding="utf-8"))]),
        ("Airline tweets", "en", lambda: [r["text"] for r in csv.DictReader(
            (DATASETS / "airline_tweets_sentiment_en" / "Tweets.csv").open(encoding="utf-8"))]),
        ("XED, English", "en", lambda: [l.split("\t")[0] for l in _lines(DATASETS / "xed_emotion_fr_en" / "AnnotatedData_en-annotated.tsv")]),
        ("XED, French", "fr", lambda: [l.split("\t")[0] for l in _lines(DATASETS / "xed_emotion_fr_en" / "Projections_fr-projections.tsv")]),
    ]
    for name, language, load in loaders:
        try:
            found.append((name, language, load()[:LIMIT]))
        except (OSError, KeyError) as exc:
            print(f"skipping {name}: {exc}")
    return found


def main() -> None:
    if not DATASETS.exists():
        print(f"{DATASETS} not found: nothing to measure")
        return
    print(f"{'set':<24}{'lang':<6}{'n':>6}{'right':>8}{'short n':>9}{'short':>8}{'in conv.':>10}")
    total = right = short_total = short_right = conv_right = 0
    started = time.perf_counter()
    for name, language, texts in sets():
        ok = sum(detect_language(t) == language for t in texts)
        short = [t for t in texts if len(re.findall(r"[^\W\d_]+", t)) <= SHORT_WORDS]
        short_ok = sum(detect_language(t) == language for t in short)
        in_conv = sum(detect(t, language)[0] == language for t in short)
        print(f"{name:<24}{language:<6}{len(texts):>6}{ok / len(texts):>8.1%}{len(short):>9}"
              f"{short_ok / max(1, len(short)):>8.1%}{in_conv / max(1, len(short)):>10.1%}")
        total, right = total + len(texts), right + ok
        short_total, short_right, conv_right = short_total + len(short), short_right + short_ok, conv_right + in_conv
    elapsed = time.perf_counter() - started
    print(f"{'all':<30}{total:>6}{right / max(1, total):>8.1%}{short_total:>9}{short_right / max(1, short_total):>8.1%}"
          f"{conv_right / max(1, short_total):>10.1%}")
    print(f"{elapsed / max(1, total + 2 * short_total) * 1000:.3f} ms per detection")


if __name__ == "__main__":
    main()
