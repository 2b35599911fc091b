"""Intent accuracy on customer-support requests Relais never saw: Bitext's intents mapped to the brand's.

Reads ``../shared/datasets/bitext_customer_support`` at run time (measurement
only: nothing from it is copied into the project or trained on) and skips
cleanly when it is absent. Rows tagged ``W`` (offensive) are left out — they
belong to ``benchmarks/escalation.py`` — and the two stored versions of the
set are merged, one row per distinct text.

Each Bitext intent is mapped to the intent Maison Brindille's bot answers it
with (:data:`MAPPING`); every other one (accounts, passwords, invoices,
cancelling or changing an order, newsletter, reviews…) is a request this bot
does not handle, and is right only when it is routed to a person as not ours:
intent ``out_of_scope`` or ``nlu_fallback``, or the policy's ``out_of_domain``
reason. An in-scope row is right when the predicted intent is the mapped one.
Every text goes through the real Rasa server and the routing policy, as
``relais eval`` does (:func:`bot.tools.evaluation.predict`).

The rows are split into a *tuning* and a *reporting* half by the same fixed
hash of the text as ``benchmarks/tone_real.py``; the table shows the reporting
half unless ``--half`` says otherwise, on a seeded sample of ``--limit`` rows.

    .venv/app/bin/python -m benchmarks.intents_bitext [--model PATH] [--limit 2000] [--half reporting]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.tone_real import half

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
BITEXT = DATASETS / "bitext_customer_support"
OUT_OF_SCOPE = "out_of_scope"
# Bitext intent → the brand's intent; any Bitext intent not listed is out of scope for this bot.
MAPPING = {
    "track_order": "order_tracking",
    "get_refund": "returns_refunds",
    "track_refund": "returns_refunds",
    "check_refund_policy": "returns_refunds",
    "delivery_options": "delivery",
    "delivery_period": "delivery",
    "check_payment_methods": "payment_methods",
    "contact_customer_service": "contact",
    "contact_human_agent": "ask_human",
    "complaint": "complaint",
}
# What counts as "routed to a person as not ours".
NOT_OURS_INTENTS = frozenset({OUT_OF_SCOPE, "nlu_fallback"})
NOT_OURS_REASON = "out_of_domain"


def load_rows() -> list[tuple[str, str]]:
    """(text, Bitext intent) for every distinct non-offensive row of the stored versions, sorted."""
    rows: dict[str, str] = {}
    for path in sorted(BITEXT.glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                text = (row.get("instruction") or "").strip()
                if text and "W" not in (row.get("tags") or ""):
                    rows.setdefault(text, row["intent"])
    return sorted(rows.items())


def expected(bitext_intent: str) -> str:
    return MAPPING.get(bitext_intent, OUT_OF_SCOPE)


def routed_not_ours(prediction: dict) -> bool:
    return (prediction["intent"] in NOT_OURS_INTENTS
            or any(r.startswith(NOT_OURS_REASON) for r in prediction["reasons"]))


def is_right(bitext_intent: str, prediction: dict) -> bool:
    target = expected(bitext_intent)
    if target == OUT_OF_SCOPE:
        return routed_not_ours(prediction)
    return prediction["intent"] == target


def outcome(bitext_intent: str, prediction: dict) -> str:
    """What the row got, in the brand's terms: ``not ours`` for an out-of-scope route, else the intent."""
    if expected(bitext_intent) == OUT_OF_SCOPE and routed_not_ours(prediction):
        return "not ours"
    return prediction["intent"]


def choose(rows: list[tuple[str, str]], which: str, limit: int, seed: int = 7) -> list[tuple[str, str]]:
    kept = [r for r in rows if which == "all" or half(r[0]) == which]
    if limit and len(kept) > limit:
        kept = sorted(random.Random(seed).sample(kept, limit))
    return kept


def score(rows: list[tuple[str, str]], predictions: list[dict]) -> dict:
    per: dict[str, list[bool]] = defaultdict(list)
    got: dict[str, Counter] = defaultdict(Counter)
    errors: Counter = Counter()
    in_scope_out_of_domain = 0
    for (_, intent), p in zip(rows, predictions):
        right = is_right(intent, p)
        per[intent].append(right)
        got[intent][outcome(intent, p)] += 1
        if not right:
            errors[(intent, expected(intent), outcome(intent, p))] += 1
        if expected(intent) != OUT_OF_SCOPE and any(r.startswith(NOT_OURS_REASON) for r in p["reasons"]):
            in_scope_out_of_domain += 1
    in_scope = [ok for i, oks in per.items() if expected(i) != OUT_OF_SCOPE for ok in oks]
    out_scope = [ok for i, oks in per.items() if expected(i) == OUT_OF_SCOPE for ok in oks]
    everything = in_scope + out_scope
    return {
        "n": len(everything),
        "accuracy": sum(everything) / len(everything) if everything else 0.0,
        "in_scope": {"n": len(in_scope), "accuracy": sum(in_scope) / len(in_scope) if in_scope else 0.0,
                     "out_of_domain_reason": in_scope_out_of_domain},
        "out_of_scope": {"n": len(out_scope), "accuracy": sum(out_scope) / len(out_scope) if out_scope else 0.0},
        "intents": {i: {"expected": expected(i), "n": len(oks), "accuracy": sum(oks) / len(oks),
                        "got": got[i].most_common(3)} for i, oks in sorted(per.items())},
        "errors": [{"bitext": b, "expected": e, "got": g, "n": n} for (b, e, g), n in errors.most_common(15)],
    }


def print_table(result: dict, which: str) -> None:
    print(f"\n{'Bitext intent':<26}{'expected':<17}{'n':>5}{'right':>8}   most frequent outcomes")
    ordered = sorted(result["intents"].items(), key=lambda kv: (kv[1]["expected"] == OUT_OF_SCOPE, kv[0]))
    for name, r in ordered:
        outcomes = ", ".join(f"{label} {n}" for label, n in r["got"])
        print(f"{name:<26}{r['expected']:<17}{r['n']:>5}{r['accuracy']:>8.1%}   {outcomes}")
    print()
    ins, oos = result["in_scope"], result["out_of_scope"]
    print(f"in scope (mapped intent):         {ins['accuracy']:.1%} of {ins['n']}"
          f"   ({ins['out_of_domain_reason']} of them also given the out_of_domain reason)")
    print(f"out of scope (routed as not ours): {oos['accuracy']:.1%} of {oos['n']}")
    print(f"overall, English, {which} half:     {result['accuracy']:.1%} of {result['n']}")
    if result["errors"]:
        print(f"\ntop errors (Bitext intent → expected, got: rows)")
        for e in result["errors"]:
            print(f"  {e['bitext']:<26}{e['expected']:<17}→ {e['got']:<22}{e['n']:>4}")


async def predict_all(texts: list[str], rasa_url: str, token: str) -> list[dict]:
    from bot.pipeline.policy import PolicyConfig
    from bot.tools.evaluation import predict

    return await predict(texts, rasa_url, PolicyConfig.load(), token=token)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a trained model (default: train or reuse the current data's)")
    parser.add_argument("--half", choices=("reporting", "tuning", "all"), default="reporting")
    parser.add_argument("--limit", type=int, default=2000, help="at most this many rows (seeded sample; 0: all)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    if not BITEXT.exists():
        print(f"{BITEXT} not found: nothing to measure")
        return
    rows = choose(load_rows(), args.half, args.limit)
    if not rows:
        print(f"{BITEXT}: no rows")
        return
    print(f"{len(rows)} Bitext rows ({args.half} half)", flush=True)
    from benchmarks.stack import start_backends

    with tempfile.TemporaryDirectory() as tmp:
        backends = start_backends(Path(tmp), args.model)
        try:
            predictions = asyncio.run(predict_all([t for t, _ in rows], backends.rasa_url, backends.rasa_token))
        finally:
            backends.stack.stop()
    result = score(rows, predictions)
    print_table(result, args.half)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
