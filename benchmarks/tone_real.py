"""Tone on real fans' messages: calm ones answered, angry ones caught, per public set and language.

Reads the public sets of ``../shared/datasets`` at run time (measurement only:
nothing from them is copied into the project or trained on) and skips a set
cleanly when it is absent. Each set is split into a *tuning* half and a
*reporting* half by a fixed hash of its text; thresholds are chosen on the
tuning half, and the table shows the reporting half unless ``--half`` says
otherwise. Per set and language it prints:

* ``tone/flag esc`` — share escalated because of tone or a flag (the policy's
  ``tone:``, ``flag:`` and ``tone_history:`` reasons);
* ``held`` — share held for CM review;
* ``escalated`` (``--stack`` only) — share escalated for any reason;
* ``tone acc`` — tone accuracy where the set has labels (four-way where it
  has angry and negative apart, otherwise angry and negative count as one).

Two ways to measure:

    .venv/app/bin/python -m benchmarks.tone_real              # the tone component alone, fitted in-process
    .venv/app/bin/python -m benchmarks.tone_real --stack      # the real Rasa server's /model/parse + policy

The first fits ``nlu_components.tone_model.ToneModel`` on ``nlu_data/tone``
in a few seconds (or loads it from a trained model with ``--model``) and
routes with ``bot.pipeline.policy`` as for an FAQ question answered with
certainty, so only tone and flags can escalate or hold; it runs in the Rasa
virtualenv, where the component lives (re-executing itself there). The second
routes every text exactly as ``relais eval`` does.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"
TONE_REASONS = ("tone:", "flag:", "tone_history:")
CALM, ANGRY, LABELLED = "calm", "angry", "labelled"


@dataclass
class PublicSet:
    name: str
    language: str
    kind: str  # calm: should not be escalated for tone; angry: should be escalated; labelled: accuracy only
    texts: list[str]
    gold: list[str] = field(default_factory=list)  # tone labels, or empty
    four_way: bool = False
    escalation_set: bool = False  # one of benchmarks/escalation.py's angry / abusive sets


def half(text: str) -> str:
    """``tuning`` or ``reporting``: a fixed hash of the text, so a text is always in the same half."""
    digest = hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).digest()
    return "tuning" if digest[0] % 2 == 0 else "reporting"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# -- loaders -------------------------------------------------------------------------------------
def airline() -> list[PublicSet]:
    with (DATASETS / "airline_tweets_sentiment_en" / "Tweets.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    calm = [r for r in rows if r["airline_sentiment"] in ("neutral", "positive")]
    # Angry: sure negatives whose reason is the service or the flight (a sample of them was read by hand:
    # rude agents, hours on hold, "worst customer service ever").
    angry = [r["text"] for r in rows if r["airline_sentiment"] == "negative"
             and r["negativereason"] in ("Customer Service Issue", "Bad Flight")
             and float(r["airline_sentiment_confidence"] or 0) == 1.0
             and float(r["negativereason_confidence"] or 0) >= 0.6]
    return [
        PublicSet("airline tweets neutral+positive", "en", CALM, [r["text"] for r in calm],
                  [r["airline_sentiment"] for r in calm]),
        PublicSet("airline tweets service/flight negative", "en", ANGRY, angry),
        PublicSet("airline tweets, all labels", "en", LABELLED, [r["text"] for r in rows],
                  [r["airline_sentiment"] for r in rows]),
    ]


def tweeteval_sentiment() -> list[PublicSet]:
    folder = DATASETS / "tweeteval_en"
    names = {"0": "negative", "1": "neutral", "2": "positive"}
    pairs = [(t, names[l.strip()]) for t, l in zip(_lines(folder / "datasets_sentiment_test_text.txt"),
                                                    _lines(folder / "datasets_sentiment_test_labels.txt"))]
    calm = [(t, g) for t, g in pairs if g != "negative"]
    return [PublicSet("TweetEval sentiment neutral+positive", "en", CALM, [t for t, _ in calm], [g for _, g in calm]),
            PublicSet("TweetEval sentiment, all labels", "en", LABELLED, [t for t, _ in pairs], [g for _, g in pairs])]


def goemotions() -> list[PublicSet]:
    folder = DATASETS / "goemotions"
    names = _lines(folder / "data_original_labels.txt")
    negative = {"disappointment", "disapproval", "disgust", "embarrassment", "fear", "grief", "nervousness",
                "remorse", "sadness"}
    positive = {"admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude", "joy", "love",
                "optimism", "pride", "relief"}
    calm_names = {"neutral", "gratitude", "admiration", "joy"}
    calm, labelled = [], []
    with (folder / "data_original_test.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            ids = row[1].split(",")
            if len(ids) != 1:  # one emotion only: a clear label
                continue
            emotion = names[int(ids[0])]
            if emotion in calm_names:
                calm.append((row[0], "neutral" if emotion == "neutral" else "positive"))
            gold = ("angry" if emotion in ("anger", "annoyance") else "negative" if emotion in negative
                    else "positive" if emotion in positive else "neutral" if emotion == "neutral" else "")
            if gold:
                labelled.append((row[0], gold))
    return [PublicSet("GoEmotions neutral/gratitude/admiration/joy", "en", CALM, [t for t, _ in calm],
                      [g for _, g in calm], four_way=True),
            PublicSet("GoEmotions, four-way labels", "en", LABELLED, [t for t, _ in labelled],
                      [g for _, g in labelled], four_way=True)]


def umsab() -> list[PublicSet]:
    folder = DATASETS / "umsab_sentiment_fr_en"
    names = {"0": "negative", "1": "neutral", "2": "positive"}
    found = []
    for language, stem, splits in (("fr", "french", ("test", "val", "train")), ("en", "english", ("test",))):
        pairs = []
        for split in splits:
            texts = _lines(folder / f"data_sentiment_{stem}_{split}_text.txt")
            labels = _lines(folder / f"data_sentiment_{stem}_{split}_labels.txt")
            pairs += [(t, names[l.strip()]) for t, l in zip(texts, labels)]
        calm = [(t, g) for t, g in pairs if g != "negative"]
        found += [PublicSet(f"UMSAB {stem} neutral+positive", language, CALM, [t for t, _ in calm],
                            [g for _, g in calm]),
                  PublicSet(f"UMSAB {stem}, all labels", language, LABELLED, [t for t, _ in pairs],
                            [g for _, g in pairs])]
    return found


def bitext_calm() -> list[PublicSet]:
    texts = set()
    for path in sorted((DATASETS / "bitext_customer_support").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            texts |= {row["instruction"] for row in csv.DictReader(f) if "W" not in (row.get("tags") or "")
                      and row["intent"] not in ("complaint", "contact_human_agent")}
    return [PublicSet("Bitext requests, not W/complaint/agent", "en", CALM, sorted(texts))]


def escalation_sets() -> list[PublicSet]:
    """The angry / abusive sets of ``benchmarks/escalation.py``."""
    from benchmarks import escalation

    found = []
    for name, language, loader in [
        ("TweetEval emotion anger (test)", "en", escalation.tweeteval_anger),
        ("SemEval-2018 E-c anger (dev)", "en", escalation.semeval_anger),
        ("Bitext customer support, tag W", "en", escalation.bitext_offensive),
        ("MLMA French hostile tweets", "fr", escalation.mlma_fr_hostile),
        ("HateCheck French hateful", "fr", escalation.hatecheck_fr_hateful),
    ]:
        try:
            found.append(PublicSet(name, language, ANGRY, loader(), escalation_set=True))
        except (OSError, KeyError) as exc:
            print(f"skipping {name}: {exc}")
    return found


def public_sets() -> list[PublicSet]:
    if not DATASETS.exists():
        return []
    found = []
    for loader in (airline, tweeteval_sentiment, goemotions, umsab, bitext_calm):
        try:
            found += loader()
        except (OSError, KeyError, IndexError, ValueError) as exc:
            print(f"skipping {loader.__name__}: {exc}")
    return found + escalation_sets()


def split(s: PublicSet, which: str, limit: int, seed: int = 7) -> PublicSet:
    keep = [i for i, t in enumerate(s.texts) if which == "all" or half(t) == which]
    if limit and len(keep) > limit:
        keep = sorted(random.Random(seed).sample(keep, limit))
    return PublicSet(s.name, s.language, s.kind, [s.texts[i] for i in keep],
                     [s.gold[i] for i in keep] if s.gold else [], s.four_way, s.escalation_set)


# -- scoring -------------------------------------------------------------------------------------
def tone_correct(gold: str, predicted: str, four_way: bool) -> bool:
    if not four_way and gold == "negative":
        return predicted in ("angry", "negative")
    return gold == predicted


def score(s: PublicSet, predictions: list[dict]) -> dict:
    n = len(predictions)
    tone_esc = sum(p["route"] == "escalate" and any(r.startswith(TONE_REASONS) for r in p["reasons"])
                   for p in predictions)
    reasons = Counter(r if r.startswith("flag:") else ":".join(r.split(":")[:2])
                      for p in predictions if p["route"] == "escalate" for r in p["reasons"])
    row = {"set": s.name, "language": s.language, "kind": s.kind, "n": n, "escalation_set": s.escalation_set,
           "tone_escalated": tone_esc / n if n else 0.0,
           "held": sum(p["route"] == "hold" for p in predictions) / n if n else 0.0,
           "escalated": sum(p["route"] == "escalate" for p in predictions) / n if n else 0.0,
           "top_reasons": reasons.most_common(3), "tone_accuracy": None}
    if s.gold:
        row["tone_accuracy"] = sum(tone_correct(g, p["tone"], s.four_way)
                                   for g, p in zip(s.gold, predictions)) / n if n else 0.0
    return row


def standalone_predict(texts: list[str], model) -> list[dict]:
    """Route each text on tone and flags alone: an FAQ question understood with certainty."""
    from bot.language import detect_language
    from bot.pipeline.analysis import Analysis
    from bot.pipeline.policy import Context, PolicyConfig, decide

    policy = PolicyConfig.load()
    out = []
    for text in texts:
        tone = model.analyse(text)
        language = detect_language(text)
        decision = decide(Analysis(text, "opening_hours", 1.0, language, tone=tone), Context(), policy)
        out.append({"route": decision.route, "reasons": decision.reasons, "tone": tone["label"],
                    "scores": tone["scores"]})
    return out


def load_tone_model(model_archive: Path | None):
    import pickle
    import tarfile

    from nlu_components.flags import FlagLexicon
    from nlu_components.tone_model import ToneModel, load_tone_data

    if model_archive is None:
        texts, labels = load_tone_data(ROOT / "nlu_data" / "tone")
        return ToneModel(FlagLexicon.load(ROOT / "nlu_data" / "tone" / "lexicon.yml")).fit(texts, labels)
    with tarfile.open(model_archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/tone.pkl"))
        return pickle.loads(tar.extractfile(member).read())


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (Linux /proc)."""
    total, pids = 0, [pid]
    while pids:
        p = pids.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        pids += [int(c) for c in children]
    return total / 1024


async def parse_latency(rasa_url: str, token: str, texts: list[str]) -> dict:
    """``/model/parse`` latency, one request at a time, in ms."""
    import time

    import aiohttp

    from bot.pipeline.rasa_client import RasaClient

    timings = []
    async with aiohttp.ClientSession() as session:
        rasa = RasaClient(session, rasa_url, token)
        for text in texts[:20]:  # warm-up
            await rasa.parse(text)
        for text in texts:
            start = time.perf_counter()
            await rasa.parse(text)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {"n": len(timings), "p50_ms": timings[len(timings) // 2], "p95_ms": timings[int(len(timings) * 0.95)]}


def stack_predict(all_texts: list[str], model_archive: Path | None, latency_texts: list[str],
                  ) -> tuple[list[dict], dict]:
    import asyncio
    import tempfile

    from benchmarks.stack import start_backends
    from bot.pipeline.policy import PolicyConfig
    from bot.tools.evaluation import predict

    with tempfile.TemporaryDirectory() as tmp:
        backends = start_backends(Path(tmp), model_archive)
        try:
            pid = backends.stack.pids()["rasa"]
            figures = {"rss_loaded_mib": rss_mib(pid)}
            if latency_texts:
                figures.update(asyncio.run(parse_latency(backends.rasa_url, backends.rasa_token, latency_texts)))
            predictions = asyncio.run(predict(all_texts, backends.rasa_url, PolicyConfig.load(),
                                              token=backends.rasa_token)) if all_texts else []
            figures["rss_after_mib"] = rss_mib(pid)
            return predictions, figures
        finally:
            backends.stack.stop()


# -- output --------------------------------------------------------------------------------------
def print_table(rows: list[dict], stack: bool) -> None:
    head = f"{'set':<44}{'lang':<5}{'kind':<9}{'n':>6}{'tone/flag esc':>14}{'held':>7}"
    head += f"{'escalated':>10}" if stack else ""
    print(head + f"{'tone acc':>10}   top escalation reasons")
    for r in rows:
        acc = f"{r['tone_accuracy']:.1%}" if r["tone_accuracy"] is not None else "—"
        line = f"{r['set']:<44}{r['language']:<5}{r['kind']:<9}{r['n']:>6}{r['tone_escalated']:>14.1%}{r['held']:>7.1%}"
        line += f"{r['escalated']:>10.1%}" if stack else ""
        reasons = ", ".join(f"{k} {v}" for k, v in r["top_reasons"])
        print(line + f"{acc:>10}   {reasons}")
    print()
    for language in ("en", "fr"):
        for kind, what in ((CALM, "calm → escalated for tone/flags"),
                           (ANGRY, "angry/abusive of benchmarks.escalation → escalated" + ("" if stack else
                                                                                           " for tone/flags"))):
            chosen = [r for r in rows if r["language"] == language and r["kind"] == kind
                      and (kind == CALM or r["escalation_set"])]
            total = sum(r["n"] for r in chosen)
            if not total:
                continue
            key = "tone_escalated" if kind == CALM or not stack else "escalated"
            share = sum(r[key] * r["n"] for r in chosen) / total
            print(f"{language}: {what}: {share:.1%} of {total}")
        labelled = [r for r in rows if r["language"] == language and r["kind"] == LABELLED]
        total = sum(r["n"] for r in labelled)
        if total:
            print(f"{language}: tone accuracy on labelled sets: "
                  f"{sum(r['tone_accuracy'] * r['n'] for r in labelled) / total:.1%} of {total}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", action="store_true", help="through the real Rasa server and the policy")
    parser.add_argument("--model", type=Path, help="a trained Rasa model (default: fit on nlu_data/tone, or, "
                                                   "with --stack, the current data's model)")
    parser.add_argument("--half", choices=("reporting", "tuning", "all"), default="reporting")
    parser.add_argument("--limit", type=int, default=0, help="at most this many texts per set (seeded sample)")
    parser.add_argument("--latency", type=int, default=300, help="with --stack: time this many single parses")
    parser.add_argument("--latency-only", action="store_true", help="with --stack: only time parses and read RSS")
    parser.add_argument("--json", type=Path, help="also write the table as JSON to this file")
    parser.add_argument("--rows", type=Path, help="also write one JSON line per text (set, text, route, reasons, tone)")
    args = parser.parse_args(argv)
    if not args.stack:
        try:
            import sklearn  # noqa: F401  (the tone component's own environment)
        except ImportError:
            if RASA_PYTHON.exists() and Path(sys.prefix).resolve() != RASA_PYTHON.parents[1].resolve():
                os.execv(str(RASA_PYTHON), [str(RASA_PYTHON), "-m", "benchmarks.tone_real", *sys.argv[1:]])
            raise SystemExit("the standalone mode needs the Rasa virtualenv (.venv/rasa)")
    sets = public_sets()
    if not sets:
        print(f"{DATASETS} not found or empty: nothing to measure")
        return
    chosen = [split(s, args.half, args.limit) for s in sets]
    texts = [t for s in chosen for t in s.texts]
    print(f"{len(texts)} texts from {len(chosen)} sets ({args.half} half)", flush=True)
    figures: dict = {}
    if args.stack:
        calm = [t for s in chosen if s.kind == CALM for t in s.texts]
        latency_texts = random.Random(3).sample(calm, min(args.latency, len(calm)))
        predictions, figures = stack_predict([] if args.latency_only else texts, args.model, latency_texts)
        if args.latency_only:
            print(f"/model/parse, one at a time: p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms "
                  f"({figures['n']} real messages); Rasa server RSS {figures['rss_loaded_mib']:.0f} MiB")
            return
    else:
        predictions = standalone_predict(texts, load_tone_model(args.model))
    rows, start = [], 0
    for s in chosen:
        rows.append(score(s, predictions[start:start + len(s.texts)]))
        start += len(s.texts)
    if args.rows:
        with args.rows.open("w", encoding="utf-8") as out:
            names = [s.name for s in chosen for _ in s.texts]
            for name, text, p in zip(names, texts, predictions):
                out.write(json.dumps({"set": name, "text": text, **p}, ensure_ascii=False) + "\n")
    print_table(rows, args.stack)
    if figures:
        print(f"/model/parse, one at a time: p50 {figures.get('p50_ms', 0):.1f} ms, "
              f"p95 {figures.get('p95_ms', 0):.1f} ms "
              f"({figures.get('n', 0)} real messages); Rasa server RSS {figures['rss_loaded_mib']:.0f} MiB loaded, "
              f"{figures['rss_after_mib']:.0f} MiB after the run")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "server": figures}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
