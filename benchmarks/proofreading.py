"""Proofreader figures: detection rate on public misspelling lists, and milliseconds per 20-word check.

* English: ``spelling_en_mitton/aspell.dat`` — each misspelling checked in a
  short sentence; detected when an issue covers it.
* French: the typo form of ``snips_fr_en_typos`` (``<typo|k>`` markers) —
  detected when an issue covers the typo; false alarms counted on the clean form.
* Speed: a 20-word French and English sentence, per backend.

Reads ``../shared/datasets`` and skips a set cleanly when it is absent.

    .venv/app/bin/python -m benchmarks.proofreading
"""

from __future__ import annotations

import re
import statistics
import time

from bot.brand import load_brand
from bot.proofreading.grammalecte import GrammalecteBackend
from bot.proofreading.harper import HarperBackend
from bot.training import ROOT

DATASETS = ROOT.parent / "shared" / "datasets"
FR_20 = "Bonjour, nous avons bien reçu votre commande et elle sera expédiée demain matin depuis notre atelier de Lyon."
EN_20 = "Hello, we have received your order and it will be shipped tomorrow morning from our workshop in Lyon, France."


def aspell_pairs() -> list[tuple[str, str]]:
    pairs, correct = [], None
    for line in (DATASETS / "spelling_en_mitton" / "aspell.dat").read_text(encoding="utf-8").splitlines():
        if line.startswith("$"):
            correct = line[1:].strip()
        elif line.strip() and correct:
            pairs.append((line.strip(), correct))
    return pairs


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


def covered(issues, start: int, end: int) -> bool:
    return any(i.start < end and start < i.end for i in issues)


def speed(check, text: str, runs: int = 200) -> float:
    check(text)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        check(text)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    brand = load_brand()
    fr, en = GrammalecteBackend(), HarperBackend(brand.english)
    print("backend       language  ms per 20-word check (median of 200)")
    print(f"grammalecte   fr        {speed(fr.check_sync, FR_20):6.2f}")
    print(f"harper        en        {speed(en.check_sync, EN_20):6.2f}")
    print("languagetool  fr, en    not measured here: no LanguageTool server on this machine (the remote\n"
          "                        backend is tested against a local stand-in, see tests/bot/proofreading)")
    if not DATASETS.exists():
        print(f"{DATASETS} not found: detection rates skipped")
        return
    pairs = aspell_pairs()
    hits = 0
    for wrong, _ in pairs:
        sentence = f"I wrote {wrong} in my note."
        hits += covered(en.check_sync(sentence), 8, 8 + len(wrong))
    print(f"\nEnglish, aspell.dat: {hits}/{len(pairs)} misspellings detected ({hits / len(pairs):.1%})")
    rows = snips_fr()
    typos = sum(len(spans) for _, spans, _ in rows)
    found = sum(covered(fr.check_sync(text), s, e) for text, spans, _ in rows for s, e in spans)
    false = sum(bool(fr.check_sync(clean)) for _, _, clean in rows)
    print(f"French, snips_fr_en_typos: {found}/{typos} typos detected ({found / typos:.1%}); "
          f"clean sentences flagged anyway: {false}/{len(rows)} ({false / len(rows):.1%})")


if __name__ == "__main__":
    main()
