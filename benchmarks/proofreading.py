"""Proofreader figures, per language and per checker: typos detected, clean sentences flagged, speed.

* French: ``snips_fr_en_typos`` (691 sentences, each in a clean and a typo
  form, 858 typos marked ``<typo|k>``). A typo is detected when a problem
  covers it; a clean sentence is flagged when any problem is found in it —
  overall, and counting only problems on lower-case words (SNIPS sentences
  are full of song, artist and place names no dictionary has).
* French as people type it: ``wikit_nlu_fr`` (913 native French questions to
  an HR assistant, test split): messages flagged by each French checker. The
  set is not proofread — some flags are real mistakes (« une personne a
  risque ») — so this is a ceiling on false flags, read beside SNIPS's.
* French the rules were not written from: French tweets
  (``umsab_sentiment_fr_en``, test and validation), French subtitles
  (``xed_emotion_fr_en``, the first 3,000 lines) and travel questions
  (``fr_travel_intent_oos``), and the fans' messages of ``nlu_data/fr``
  (brand register, typed as fans type): messages flagged by the checkers that
  question correct words — a ceiling on their false flags (these texts are
  not proofread either: « que on », « sa veut dire » are real mistakes).
* English: ``spelling_en_mitton/aspell.dat`` (531 misspellings), each in a
  short sentence; the same sentence with the correct word is the clean one.
* Speed: median milliseconds of a 20-word check, for each checker alone and
  for the shipped proofreader (safe fixes, protected words and all), with
  its memory of lines already checked emptied before each run.
* Halves: the SNIPS rows are split in two by a hash of the clean sentence
  (``tuning`` and ``reporting``); the shipped proofreader's French figures
  are given on each half, so a threshold chosen on one is judged on the other.

Each checker is measured alone, then the combination that ships
(:class:`bot.proofreading.service.Proofreader`). The data is read from
``../shared/datasets`` (public sets, see its INDEX.md) and nothing of it is
kept; a set that is absent is skipped.

    .venv/app/bin/python -m benchmarks.proofreading
"""

from __future__ import annotations

import hashlib
import re
import statistics
import time
from collections.abc import Callable

import yaml

from bot.brand import load_brand
from bot.proofreading.agreement import Agreement
from bot.proofreading.base import Issue
from bot.proofreading.combined import Combined
from bot.proofreading.confusion import ContextChecker
from bot.proofreading.french import FrenchRules
from bot.proofreading.grammalecte import GrammalecteBackend
from bot.proofreading.harper import HarperBackend
from bot.proofreading.hunspell import WORD, HunspellBackend
from bot.proofreading.names import NameRules
from bot.proofreading.sequences import SequenceRules
from bot.proofreading.service import Proofreader
from bot.proofreading.titles import TitleRules
from bot.tools.training import ROOT

DATASETS = ROOT.parent / "shared" / "datasets"
FR_20 = "Bonjour, nous avons bien reçu votre commande et elle sera expédiée demain matin depuis notre atelier de Lyon."
EN_20 = "Hello, we have received your order and it will be shipped tomorrow morning from our workshop in Lyon, France."
Check = Callable[[str], list[Issue]]


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


def wikit_fr() -> list[str]:
    import csv

    with (DATASETS / "wikit_nlu_fr" / "test_dataset.csv").open(encoding="utf-8") as rows:
        return [row["utterance"].strip() for row in csv.DictReader(rows) if row["utterance"].strip()]


def other_french() -> list[str]:
    """French the proofreading rules were not written from: public sets when present, and the fans' messages
    of the project's own training data."""
    import csv

    texts: list[str] = []
    tweets = DATASETS / "umsab_sentiment_fr_en"
    for name in ("data_sentiment_french_test_text.txt", "data_sentiment_french_val_text.txt"):
        if (tweets / name).exists():
            texts += (tweets / name).read_text(encoding="utf-8").splitlines()
    subtitles = DATASETS / "xed_emotion_fr_en" / "Projections_fr-projections.tsv"
    if subtitles.exists():
        texts += [line.split("\t")[0] for line in subtitles.read_text(encoding="utf-8").splitlines()[:3000]]
    travel = DATASETS / "fr_travel_intent_oos" / "data_intent-detection-train.csv"
    if travel.exists():
        with travel.open(encoding="utf-8") as rows:
            texts += [row[0] for row in list(csv.reader(rows))[1:] if row]
    for path in sorted((ROOT / "nlu_data" / "fr").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):  # « [BR-204518](order_number) »: the text, not the annotation
                    texts.append(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]).strip())
    return [t for t in texts if t.strip()]


def flagged_share(check: Check, texts: list[str]) -> str:
    flagged = sum(bool([i for i in check(t) if i.rule != "sentence_start"]) for t in texts)
    return f"{flagged}/{len(texts)} {flagged / len(texts):6.1%}"


def half(clean: str) -> str:
    """``tuning`` or ``reporting``: a fixed split of the rows, by a hash of the clean sentence."""
    return ("tuning", "reporting")[hashlib.sha256(clean.encode("utf-8")).digest()[0] % 2]


def covered(issues: list[Issue], start: int, end: int) -> bool:
    return any(i.start < end and start < i.end for i in issues)


def on_lower_case(issues: list[Issue], text: str) -> bool:
    """Some problem covers a word written in lower case."""
    return any(w[:1].islower() for i in issues for w in WORD.findall(text[i.start:i.end]))


def speed(check: Check, text: str, runs: int = 200) -> float:
    check(text)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        check(text)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def rates(check: Check, typo_rows, clean_rows) -> tuple[str, str, str]:
    typos = found = 0
    for text, spans in typo_rows:
        issues = check(text)
        typos += len(spans)
        found += sum(covered(issues, s, e) for s, e in spans)
    flagged = lower = 0
    for clean in clean_rows:
        issues = check(clean)
        flagged += bool(issues)
        lower += on_lower_case(issues, clean)
    n = len(clean_rows)
    return (f"{found}/{typos} {found / typos:6.1%}", f"{flagged}/{n} {flagged / n:6.1%}",
            f"{lower}/{n} {lower / n:6.1%}")


def table(title: str, checkers: dict[str, Check], sample: str, typo_rows, clean_rows) -> None:
    print(f"\n{title}")
    print(f"  {'checker':<34}{'typos detected':>18}{'clean flagged':>18}{'… on lower case':>18}{'ms/20 words':>13}")
    for name, check in checkers.items():
        ms = speed(check, sample)
        if typo_rows is None:
            print(f"  {name:<34}{'(no data)':>18}{'':>18}{'':>18}{ms:13.2f}")
            continue
        detected, flagged, lower = rates(check, typo_rows, clean_rows)
        print(f"  {name:<34}{detected:>18}{flagged:>18}{lower:>18}{ms:13.2f}")


def main() -> None:
    brand = load_brand()
    shipped = Proofreader.from_env()
    grammalecte_all = GrammalecteBackend(spelling=True)
    grammalecte = GrammalecteBackend(spelling=False)
    hunspell_fr = HunspellBackend("fr")
    rules_fr = FrenchRules(grammalecte.morph)
    agreement_fr = Agreement(grammalecte.morph)
    context_fr = ContextChecker(morph=grammalecte.morph)
    titles_fr = TitleRules(hunspell_fr.english, hunspell_fr.known)
    sequences_fr = SequenceRules(grammalecte.morph, hunspell_fr.suggest)
    names_fr = NameRules(grammalecte.morph, hunspell_fr.english)
    harper = HarperBackend(brand.english)
    hunspell_en = HunspellBackend("en", brand.english)
    harper_hunspell = Combined("en", [harper, hunspell_en])

    def ship(language: str) -> Check:
        def check(text: str) -> list[Issue]:
            shipped.embedded[language].forget()  # measured as a new line, not one remembered
            return shipped.check_sync(text, language, safe_fixes=False).issues
        return check

    def shipped_speed(language: str) -> Check:
        def check(text: str) -> list[Issue]:
            shipped.embedded[language].forget()  # measured as a new line, not one remembered
            return shipped.check_sync(text, language).issues
        return check

    fr_rows = en_rows = None
    fr_clean = en_clean = None
    if (DATASETS / "snips_fr_en_typos").exists():
        rows = snips_fr()
        fr_rows, fr_clean = [(t, s) for t, s, _ in rows], [c for _, _, c in rows]
    if (DATASETS / "spelling_en_mitton").exists():
        pairs = aspell_pairs()
        en_rows = [(f"I wrote {wrong} in my note.", [(8, 8 + len(wrong))]) for wrong, _ in pairs]
        en_clean = sorted({f"I wrote {correct} in my note." for _, correct in pairs})
    if fr_rows is None or en_rows is None:
        print(f"{DATASETS}: a data set is missing; its detection rates are skipped")

    table("French — snips_fr_en_typos (typo form / clean form)", {
        "grammalecte (spelling + grammar)": grammalecte_all.check_sync,
        "grammalecte (grammar only)": grammalecte.check_sync,
        "hunspell fr_FR": hunspell_fr.check_sync,
        "relais-fr capitals, a/à, ou/où, …": rules_fr.check_sync,
        "relais-fr agreement": agreement_fr.check_sync,
        "relais-fr English titles": titles_fr.check_sync,
        "relais-fr word orders": sequences_fr.check_sync,
        "relais-fr articles around names": names_fr.check_sync,
        "relais-fr n-gram context": context_fr.check_sync,
        "shipped: all of the above": ship("fr"),
    }, FR_20, fr_rows, fr_clean)
    if fr_rows is not None:
        for name in ("tuning", "reporting"):
            part = [(row, clean) for row, clean in zip(fr_rows, fr_clean) if half(clean) == name]
            table(f"French, shipped, {name} half ({len(part)} rows)", {"shipped": ship("fr")}, FR_20,
                  [r for r, _ in part], [c for _, c in part])
    if (DATASETS / "wikit_nlu_fr").exists():
        texts = wikit_fr()
        print("\nFrench as people type it — wikit_nlu_fr test questions, messages flagged "
              "(a lower-case sentence start not counted)")
        for name, check in {"hunspell fr_FR": hunspell_fr.check_sync, "grammalecte (grammar only)":
                            grammalecte.check_sync, "relais-fr n-gram context": context_fr.check_sync,
                            "shipped: all of the above": ship("fr")}.items():
            print(f"  {name:<34}{flagged_share(check, texts):>18}")
    texts = other_french()
    print(f"\nFrench the rules were not written from — {len(texts)} tweets, subtitles, travel questions and fans' "
          "messages, messages flagged")
    for name, check in {"relais-fr word orders": sequences_fr.check_sync,
                        "relais-fr articles around names": names_fr.check_sync,
                        "relais-fr n-gram context": context_fr.check_sync}.items():
        print(f"  {name:<34}{flagged_share(check, texts):>18}")
    table("English — aspell.dat in “I wrote … in my note.” (misspelt / correct word)", {
        f"harper ({brand.english})": harper.check_sync,
        f"hunspell en ({brand.english})": hunspell_en.check_sync,
        "harper + hunspell": harper_hunspell.check_sync,
        "shipped: harper": ship("en"),
    }, EN_20, en_rows, en_clean)
    print("\nShipped proofreader, whole check (safe fixes, brand words, protected spans):")
    print(f"  fr {speed(shipped_speed('fr'), FR_20):.2f} ms, en {speed(shipped_speed('en'), EN_20):.2f} ms "
          "per 20-word check (median of 200)")
    print("languagetool: not measured here (no LanguageTool server on this machine; the remote backend is\n"
          "  tested against a local stand-in, see tests/bot/proofreading)")


if __name__ == "__main__":
    main()
