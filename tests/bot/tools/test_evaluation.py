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


def test_rows_file_says_why_each_row_got_its_route(tmp_path):
    rows = [{"text": "putain de service", "route": "escalate"}, {"text": "merci"}]
    preds = [{"intent": "complaint", "confidence": 0.91234, "tone": "angry", "route": "escalate",
              "reasons": ["intent:complaint", "flag:profanity"], "language": "fr",
              "tone_scores": {"angry": 0.8, "negative": 0.1, "neutral": 0.05, "positive": 0.05},
              "flags": {"profanity": ["putain"]}, "scope": {"similarity": 0.41, "nearest_intent": "complaint"}},
             {"intent": "thank", "confidence": 0.97, "tone": "positive", "route": "send", "reasons": ["intent:thank"],
              "language": "fr", "tone_scores": {"positive": 0.9}, "flags": {}}]
    out = tmp_path / "rows.jsonl"
    from bot.tools.evaluation import write_rows
    assert write_rows(out, rows, preds) == 2
    first, second = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert first == {"text": "putain de service", "route": "escalate",
                     "reasons": ["intent:complaint", "flag:profanity"],
                     "intent": {"name": "complaint", "confidence": 0.9123},
                     "tone": {"label": "angry", "scores": preds[0]["tone_scores"]},
                     "flags": {"profanity": ["putain"]}, "language": "fr",
                     "scope": {"similarity": 0.41, "nearest_intent": "complaint"}, "expected": {"route": "escalate"}}
    assert second["route"] == "send" and "expected" not in second and "scope" not in second


@pytest.mark.stack
def test_eval_command_writes_one_line_per_row(rasa_stack, tmp_path):
    rows = [{"text": "Vous êtes des incompétents, c'est une honte !!!"}, {"text": "Do you deliver to Germany?"},
            {"text": "👍"}]
    path, out = tmp_path / "sample.csv", tmp_path / "why.jsonl"
    path.write_text("text\n" + "\n".join(f'"{r["text"]}"' for r in rows) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot.tools.cli", "eval", str(path), "--rows", str(out),
                             "--rasa-url", rasa_stack.rasa_url], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "RASA_TOKEN": rasa_stack.token})
    assert result.returncode == 0, result.stderr
    angry, delivery, thumbs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [angry["text"], delivery["text"], thumbs["text"]] == [r["text"] for r in rows]
    assert angry["route"] == "escalate" and "flag:insult" in angry["reasons"]
    assert angry["flags"]["insult"] and angry["language"] == "fr"
    assert set(angry["tone"]["scores"]) == {"angry", "negative", "neutral", "positive"}
    assert delivery["intent"]["name"] == "delivery" and 0 < delivery["intent"]["confidence"] <= 1
    assert delivery["language"] == "en" and 0 <= delivery["scope"]["similarity"] <= 1
    assert thumbs["route"] != "escalate"
