"""``relais eval``: score the trained model and the routing policy on a labelled file.

Each row's text goes through the same steps as live traffic — Rasa's NLU
(intent and tone), language detection, the routing policy — and the
predictions are compared with whichever of ``intent``, ``tone`` and
``route`` the row gives. Output: per-label precision, recall, F1 and a
confusion matrix per column, as text or JSON; with ``--rows``, also one JSON
line per input row saying why it got its route (:func:`write_rows`).
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bot.pipeline.analysis import analysis_from_meta, meta_from_parse
from bot.errors import ConfigError
from bot.language import detect_language
from bot.pipeline.policy import Context, PolicyConfig, decide
from bot.pipeline.rasa_client import RasaClient

COLUMNS = ("intent", "tone", "route")


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV (with a header) or JSONL file; each needs ``text``."""
    path = Path(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not str(row.get("text") or "").strip():
            raise ConfigError(f"{path}: row {i} has no text")
    return [{k: str(v) for k, v in row.items() if v not in (None, "")} for row in rows]


async def predict(texts: list[str], rasa_url: str, policy: PolicyConfig, concurrency: int = 8,
                  token: str = "") -> list[dict[str, Any]]:
    """Intent, tone, route and reasons for each text, as live traffic would get them."""
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as session:
        rasa = RasaClient(session, rasa_url, token)

        async def one(text: str) -> dict[str, Any]:
            async with semaphore:
                parse = await rasa.parse(text)
            language = detect_language(text)
            analysis = analysis_from_meta(text, meta_from_parse(parse, language), language=language)
            decision = decide(analysis, Context(), policy)
            return {"intent": analysis.intent, "tone": analysis.tone_label, "route": decision.route,
                    "reasons": decision.reasons, "language": language, "confidence": analysis.confidence,
                    "tone_scores": analysis.tone.get("scores", {}),
                    "flags": {name: words for name, words in (analysis.tone.get("evidence") or {}).items()},
                    "scope": analysis.scope or {}}

        return await asyncio.gather(*(one(t) for t in texts))


def row_record(row: dict[str, str], prediction: dict[str, Any]) -> dict[str, Any]:
    """Why one row got its route: text, route, reasons, intent and confidence, tone, flags with words, language."""
    record = {
        "text": row["text"],
        "route": prediction["route"],
        "reasons": prediction["reasons"],
        "intent": {"name": prediction["intent"], "confidence": round(float(prediction["confidence"]), 4)},
        "tone": {"label": prediction["tone"], "scores": prediction.get("tone_scores", {})},
        "flags": prediction.get("flags", {}),
        "language": prediction["language"],
    }
    if prediction.get("scope"):
        record["scope"] = prediction["scope"]
    expected = {column: row[column] for column in COLUMNS if column in row}
    if expected:
        record["expected"] = expected
    return record


def write_rows(path: str | Path, rows: list[dict[str, str]], predictions: list[dict[str, Any]]) -> int:
    """One JSON line per input row, in the file's order; returns how many were written."""
    with Path(path).open("w", encoding="utf-8") as out:
        for row, prediction in zip(rows, predictions):
            out.write(json.dumps(row_record(row, prediction), ensure_ascii=False) + "\n")
    return len(rows)


def report(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    labels = sorted(set(gold) | set(predicted))
    pairs = Counter(zip(gold, predicted))
    per_label = {}
    for label in labels:
        tp = pairs[(label, label)]
        fp = sum(n for (g, p), n in pairs.items() if p == label and g != label)
        fn = sum(n for (g, p), n in pairs.items() if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                            "support": tp + fn}
    return {
        "accuracy": round(sum(pairs[(l, l)] for l in labels) / len(gold), 4) if gold else 0.0,
        "labels": per_label,
        "confusion": {"labels": labels, "matrix": [[pairs[(g, p)] for p in labels] for g in labels]},
    }


def evaluate(rows: list[dict[str, str]], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {"rows": len(rows)}
    for column in COLUMNS:
        pairs = [(row[column], pred[column]) for row, pred in zip(rows, predictions) if column in row]
        if pairs:
            result[column] = report([g for g, _ in pairs], [p for _, p in pairs])
    return result


def format_text(result: dict[str, Any]) -> str:
    lines = [f"{result['rows']} rows"]
    for column in COLUMNS:
        if column not in result:
            continue
        r = result[column]
        lines += ["", f"== {column}  (accuracy {r['accuracy']:.3f})",
                  f"{'label':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
        for label, m in r["labels"].items():
            lines.append(f"{label:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10}")
        labels = r["confusion"]["labels"]
        width = max(8, *(len(l) + 1 for l in labels))
        lines += ["", "confusion (rows: expected, columns: predicted)",
                  " " * 22 + "".join(f"{l[:width - 1]:>{width}}" for l in labels)]
        for label, row in zip(labels, r["confusion"]["matrix"]):
            lines.append(f"{label:<22}" + "".join(f"{n:>{width}}" for n in row))
    return "\n".join(lines)
