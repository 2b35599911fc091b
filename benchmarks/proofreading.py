"""Proofreader figures on public data, on a reporting half kept apart: mistakes caught, correct text held, speed.

Every set is split in two by a hash of each row's text (:func:`half`),
fixed before any figure was looked at: the ``tuning`` half is the one a
setting may ever be chosen on, the ``reporting`` half — printed by default —
is the one the figures are given on. The shipped proofreader
(:class:`bot.proofreading.service.Proofreader`) is measured as the pipeline
calls it; a problem is **blocking** (it holds the draft) or **advice** (shown,
no reason on its own to hold one), and both are counted.

* French typos: ``snips_fr_en_typos`` (each sentence in a clean and a typo
  form, typos marked ``<typo|k>``). A typo is caught when a problem covers
  it. A clean sentence is held when a blocking problem is found in it —
  overall, and counting only problems on lower-case words (the sentences are
  full of song, artist and place names no dictionary has). The false alarms
  on clean sentences are counted per checker (``Issue.backend``).
* Correct-looking French as people type it: ``wikit_nlu_fr`` questions,
  French tweets (``umsab_sentiment_fr_en``), subtitles (``xed_emotion_fr_en``,
  the first 3,000 lines) and travel questions (``fr_travel_intent_oos``):
  messages with a blocking problem. These texts are not proofread — many
  flags are real mistakes — so each share is a ceiling on false alarms.
* English: ``spelling_en_mitton/aspell.dat``, each misspelling in a short
  sentence; the same sentence with the correct word is the clean one.
* Speed: median milliseconds of a 20-word check, the memory of lines already
  checked emptied before each run.

The data is read from ``../shared/datasets`` (``RELAIS_DATASETS`` overrides
it; public sets, see its INDEX.md) and nothing of it is kept; a set that is
absent is skipped.

    .venv/app/bin/python -m benchmarks.proofreading [--half tuning|reporting]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bot.proofreading.base import Issue
from bot.proofreading.hunspell import WORD
from bot.proofreading.service import Proofreader
from bot.tools.training import ROOT

DATASETS = Path(os.environ.get("RELAIS_DATASETS") or ROOT.parent / "shared" / "datasets")
FR_20 = "Bonjour, nous avons bien reçu votre commande et elle sera expédiée demain matin depuis notre atelier de Lyon."
EN_20 = "Hello, we have received your order and it will be shipped tomorrow morning from our workshop in Lyon, France."
Check = Callable[[str], list[Issue]]


def half(text: str) -> str:
    """``tuning`` or ``reporting``: a fixed split of any set's rows, by a hash of the row's text."""
    return ("tuning", "reporting")[hashlib.sha256(text.encode("utf-8")).digest()[0] % 2]


def blocking(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if getattr(i, "blocking", True)]


def snips_fr() -> list[tuple[str, list[tuple[int, int]], str]]:
    """(typo sentence, typo spans, clean sentence)."""
    rows = []
    lines = (DATASETS / "snips_fr_en_typos" / "paper_data_snips_langs_fr_typos_0.1_test_data.tsv").read_text(
        encoding="utf-8").splitlines()[1:]
    for line in lines:
        cols = line.split("\t")
        clean, marked = cols[1], cols[2]
        text, spans, pos = "", [], 0
        for m in re.finditer(r"<([^|>]*)\|\d+>", marked):
            text += marked[pos:m.start()]
            spans.append((len(text), len(text) + len(m.group(1))))
            text += m.group(1)
            pos = m.end()
        text += marked[pos:]
        if spans:
            rows.append((text, spans, clean))
    return rows


def people_fr() -> dict[str, list[str]]:
    """French typed by people, per set: what is present of the public sets."""
    sets: dict[str, list[str]] = {}
    wikit = DATASETS / "wikit_nlu_fr" / "test_dataset.csv"
    if wikit.exists():
        with wikit.open(encoding="utf-8") as rows:
            sets["wikit_nlu_fr questions"] = [r["utterance"].strip() for r in csv.DictReader(rows)]
    tweets = DATASETS / "umsab_sentiment_fr_en"
    names = ("data_sentiment_french_test_text.txt", "data_sentiment_french_val_text.txt")
    if all((tweets / n).exists() for n in names):
        sets["umsab French tweets"] = [t for n in names for t in (tweets / n).read_text(encoding="utf-8").splitlines()]
    subtitles = DATASETS / "xed_emotion_fr_en" / "Projections_fr-projections.tsv"
    if subtitles.exists():
        sets["xed French subtitles"] = [line.split("\t")[0] for line in
                                        subtitles.read_text(encoding="utf-8").splitlines()[:3000]]
    travel = DATASETS / "fr_travel_intent_oos" / "data_intent-detection-train.csv"
    if travel.exists():
        with travel.open(encoding="utf-8") as rows:
            sets["travel questions"] = [row[0] for row in list(csv.reader(rows))[1:] if row]
    return {name: [t for t in texts if t.strip()] for name, texts in sets.items()}


def aspell_pairs() -> list[tuple[str, str]]:
    pairs, correct = [], None
    for line in (DATASETS / "spelling_en_mitton" / "aspell.dat").read_text(encoding="utf-8").splitlines():
        if line.startswith("$"):
            correct = line[1:].strip()
        elif line.strip() and correct:
            pairs.append((line.strip(), correct))
    return pairs


def covered(issues: list[Issue], start: int, end: int) -> bool:
    return any(i.start < end and start < i.end for i in issues)


def on_lower_case(issues: list[Issue], text: str) -> bool:
    """Some problem covers a word written in lower case."""
    return any(w[:1].islower() for i in issues for w in WORD.findall(text[i.start:i.end]))


def share(n: int, total: int) -> str:
    return f"{n}/{total} {n / total:6.1%}" if total else "(no rows)"


def speed(check: Check, text: str, runs: int = 200) -> float:
    check(text)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        check(text)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def typos_table(check: Check, rows, clean_rows, title: str) -> None:
    typos = caught = caught_blocking = 0
    for text, spans in rows:
        issues = check(text)
        typos += len(spans)
        caught += sum(covered(issues, s, e) for s, e in spans)
        caught_blocking += sum(covered(blocking(issues), s, e) for s, e in spans)
    held = held_lower = advised = 0
    by_checker: Counter[str] = Counter()
    for clean in clean_rows:
        issues = check(clean)
        stop = blocking(issues)
        held += bool(stop)
        held_lower += on_lower_case(stop, clean)
        advised += bool(issues) and not stop
        by_checker.update(i.backend or "?" for i in stop if on_lower_case([i], clean))
    print(f"\n{title}")
    print(f"  typos caught (any problem)           {share(caught, typos):>18}")
    print(f"  typos caught by a blocking problem   {share(caught_blocking, typos):>18}")
    print(f"  clean sentences held                 {share(held, len(clean_rows)):>18}")
    print(f"  … held on a lower-case word          {share(held_lower, len(clean_rows)):>18}")
    print(f"  clean sentences with advice only     {share(advised, len(clean_rows)):>18}")
    if by_checker:
        print("  blocking problems on lower-case words of clean sentences, per checker: " +
              ", ".join(f"{name} {n}" for name, n in by_checker.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("tuning", "reporting"), default="reporting")
    chosen = parser.parse_args().half
    shipped = Proofreader.from_env()

    def ship(language: str, safe_fixes: bool = False) -> Check:
        def check(text: str) -> list[Issue]:
            shipped.embedded[language].forget()  # measured as a new line, not one remembered
            return shipped.check_sync(text, language, safe_fixes=safe_fixes).issues
        return check

    print(f"Shipped proofreader ({shipped.embedded['fr'].name}; {shipped.embedded['en'].name}), "
          f"{chosen} half of each set")
    if (DATASETS / "snips_fr_en_typos").exists():
        rows = [(t, s, c) for t, s, c in snips_fr() if half(c) == chosen]
        typos_table(ship("fr"), [(t, s) for t, s, _ in rows], [c for _, _, c in rows],
                    f"French — snips_fr_en_typos ({len(rows)} sentences, typo form / clean form)")
    else:
        print(f"\n{DATASETS / 'snips_fr_en_typos'}: absent, French typos skipped")
    sets = people_fr()
    if sets:
        print("\nFrench as people type it (not proofread: a ceiling on false alarms)")
        print(f"  {'':<34}{'messages held':>18}{'advice only':>18}")
        check = ship("fr")
        for name, texts in sets.items():
            found = [check(t) for t in texts if half(t) == chosen]
            held = sum(bool(blocking(issues)) for issues in found)
            advised = sum(bool(issues) and not blocking(issues) for issues in found)
            print(f"  {name:<34}{share(held, len(found)):>18}{share(advised, len(found)):>18}")
    if (DATASETS / "spelling_en_mitton").exists():
        pairs = [(w, c) for w, c in aspell_pairs() if half(f"{w}\t{c}") == chosen]
        rows = [(f"I wrote {wrong} in my note.", [(8, 8 + len(wrong))]) for wrong, _ in pairs]
        clean = sorted({f"I wrote {correct} in my note." for _, correct in pairs})
        typos_table(ship("en"), rows, clean, f"English — aspell.dat ({len(pairs)} misspellings in "
                                              "“I wrote … in my note.”, misspelt / correct word)")
    print("\nWhole check (safe fixes, brand words, protected spans), median of 200:")
    print(f"  fr {speed(ship('fr', True), FR_20):.2f} ms, en {speed(ship('en', True), EN_20):.2f} ms per 20-word check")


if __name__ == "__main__":
    main()
