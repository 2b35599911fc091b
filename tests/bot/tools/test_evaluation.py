"""``relais eval``: metrics are right, and the command runs the live pipeline on a file."""

import json
import os
import subprocess
import sys

import pytest

from bot.tools.evaluation import evaluate, format_text, read_rows, report
from bot.errors import ConfigError
from bot.tools.training import ROOT


def test_report_computes_precision_recall_f1_and_confusion():
    gold = ["a", "a", "a", "b", "b", "c"]
    pred = ["a", "a", "b", "b", "c", "c"]
    r = report(gold, pred)
    assert r["accuracy"] == round(4 / 6, 4)
    assert r["labels"]["a"] == {"precision": 1.0, "recall": round(2 / 3, 4), "f1": 0.8, "support": 3}
    assert r["labels"]["b"]["precision"] == 0.5 and r["labels"]["b"]["recall"] == 0.5
    assert r["labels"]["c"] == {"precision": 0.5, "recall": 1.0, "f1": round(2 / 3, 4), "support": 1}
    assert r["confusion"] == {"labels": ["a", "b", "c"], "matrix": [[2, 1, 0], [0, 1, 1], [0, 0, 1]]}


def test_only_given_columns_are_scored():
    rows = [{"text": "x", "route": "send"}, {"text": "y", "intent": "greet", "route": "escalate"}]
    preds = [{"intent": "greet", "tone": "neutral", "route": "send"},
             {"intent": "greet", "tone": "angry", "route": "send"}]
    result = evaluate(rows, preds)
    assert set(result) == {"rows", "intent", "route"}
    assert result["intent"]["accuracy"] == 1.0
    assert result["route"]["labels"]["escalate"]["recall"] == 0.0
    assert "confusion (rows: expected" in format_text(result)


def test_rows_need_text(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,intent\n,greet\n")
    with pytest.raises(ConfigError, match="row 1 has no text"):
        read_rows(path)


@pytest.mark.stack
def test_eval_command_scores_a_jsonl_file_against_the_running_model(rasa_stack, tmp_path):
    rows = [
        {"text": "Bonjour, vous ouvrez à quelle heure samedi ?", "intent": "opening_hours", "tone": "neutral",
         "route": "send"},
        {"text": "Do you deliver to Germany?", "intent": "delivery", "route": "send"},
        {"text": "VOUS ÊTES DES VOLEURS, rendez-moi mon argent !!!", "tone": "angry", "route": "escalate"},
        {"text": "I want to talk to a real person", "intent": "ask_human", "route": "escalate"},
    ]
    path = tmp_path / "sample.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    result = subprocess.run([sys.executable, "-m", "bot.tools.cli", "eval", str(path), "--json",
                             "--rasa-url", rasa_stack.rasa_url], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "RASA_TOKEN": rasa_stack.token})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["rows"] == 4
    assert out["route"]["labels"]["escalate"]["recall"] == 1.0
    assert out["route"]["labels"]["send"]["recall"] == 1.0
    assert out["intent"]["labels"]["opening_hours"]["recall"] == 1.0
    assert out["tone"]["labels"]["angry"]["support"] == 1
