"""The tone model, fitted and run in the Rasa virtualenv where the Rasa server runs it."""

import json
import subprocess

import pytest

from bot.tools.training import ROOT

RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"


@pytest.fixture(scope="module")
def probe() -> dict:
    result = subprocess.run([str(RASA_PYTHON), "-m", "tests.nlu_components.tone_probe"], cwd=ROOT,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_held_out_sentences_are_mostly_right_in_both_languages(probe):
    assert probe["held_out_accuracy"]["fr"] >= 0.80
    assert probe["held_out_accuracy"]["en"] >= 0.80


def test_scores_are_probabilities_of_the_four_labels(probe):
    assert probe["labels"] == sorted(probe["known_labels"])
    assert all(abs(total - 1.0) < 0.01 for total in probe["sums"])


def test_a_pickled_model_scores_the_same(probe):
    assert probe["pickle_round_trip"]  # what rasa train stores is what the server runs


def test_thanks_and_insults_land_where_they_should(probe):
    assert probe["probe"]["👍"]["label"] == "positive"
    assert probe["probe"]["Thanks, all sorted now!"]["label"] == "positive"
    insult = probe["probe"]["Vous êtes des incompétents !!!"]
    assert insult["label"] == "angry" and insult["flags"]["insult"]
