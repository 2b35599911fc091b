"""The out-of-domain score, fitted on the project's NLU data in the Rasa virtualenv, read against policy.yml."""

import json
import subprocess

import pytest

from bot.pipeline.policy import PolicyConfig
from bot.tools.training import ROOT

RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"

# Questions a fan of a home-goods brand asks, none of them a training example.
IN_DOMAIN = [
    "Vous livrez jusqu'en Belgique ou seulement en France ?",
    "je voudrais savoir ou en est mon colis stp, commandé lundi",
    "Bonjour, la boutique de Nantes ferme à quelle heure samedi ? Merci, Odile",
    "vous acceptez les cartes cadeaux en boutique ?",
    "is the mustard throw coming back in stock soon?",
    "hiya, how long have I got to send back a duvet cover? cheers, Rob",
    "what's your customer service phone number please",
    "do you have a shop anywhere near Grenoble?",
]
# Requests with nothing to do with the brand, none of them a training example either.
OFF_DOMAIN = [
    "how many tablespoons of yeast for two loaves of bread",
    "which graphics card should I buy for gaming",
    "explique moi la photosynthèse en deux phrases",
    "quel est le code postal de Besançon",
    "my cat keeps throwing up after eating grass",
    "who scored the winning goal in the 1998 world cup final",
    "peux-tu résumer la révolution française",
    "comment on soigne une entorse à la cheville",
    "what is the capital of Mongolia",
    "combien de temps pour cuire des pâtes al dente",
]
TOY = {
    "texts": ["where is my parcel", "do you deliver to Belgium", "reset my password please"],
    "intents": ["order_tracking", "delivery", "out_of_scope"],
    "probes": ["deliver parcels to Belgium", "password reset", "parcel password", "ok", "how tall is everest",
               "where is my parcel please"],
}


@pytest.fixture(scope="module")
def probe() -> dict:
    request = json.dumps({"probes": IN_DOMAIN + OFF_DOMAIN, "toy": TOY})
    result = subprocess.run([str(RASA_PYTHON), "-m", "tests.nlu_components.scope_probe"], cwd=ROOT, input=request,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def policy() -> PolicyConfig:
    return PolicyConfig.load()


@pytest.mark.parametrize("text", IN_DOMAIN)
def test_a_fans_question_in_either_language_is_in_domain_whatever_diet_thinks(probe, policy, text):
    # at or above scope_doubt_min: never out of domain, even when DIET is unsure
    assert probe["scores"][text]["similarity"] >= policy.scope_doubt_min, probe["scores"][text]


@pytest.mark.parametrize("text", OFF_DOMAIN)
def test_a_request_unrelated_to_the_brand_is_out_of_domain_unless_diet_is_sure(probe, policy, text):
    assert probe["scores"][text]["similarity"] < policy.scope_doubt_min, probe["scores"][text]


def test_most_unrelated_requests_are_out_of_domain_even_when_diet_is_sure(probe, policy):
    far = [t for t in OFF_DOMAIN if probe["scores"][t]["similarity"] < policy.scope_min]
    assert len(far) >= 7, {t: probe["scores"][t]["similarity"] for t in OFF_DOMAIN}


def test_vocabulary_coverage_pushes_unrelated_requests_further_than_fans_questions(probe):
    def drop(text: str) -> float:  # how much coverage lowered the nearest-example similarity
        return probe["scores"][text]["nearest"] - probe["scores"][text]["similarity"]

    assert sum(map(drop, OFF_DOMAIN)) / len(OFF_DOMAIN) > 3 * sum(map(drop, IN_DOMAIN)) / len(IN_DOMAIN)


def test_the_score_weighs_the_nearest_example_by_vocabulary_coverage(probe):
    for block in probe["scores"].values():
        assert 0.0 <= block["coverage"] <= 1.0 and block["similarity"] <= block["nearest"] + 1e-4
    toy = probe["toy"]
    assert toy["deliver parcels to Belgium"]["coverage"] == 1.0  # every word taught ("parcels" finds "parcel")
    assert toy["deliver parcels to Belgium"]["nearest_intent"] == "delivery"
    assert toy["password reset"]["coverage"] == 0.0  # words only out_of_scope examples use
    assert toy["parcel password"]["coverage"] == 0.0  # one known word, one off-topic word against it
    assert toy["ok"]["coverage"] == 1.0  # nothing topical to judge
    assert toy["how tall is everest"]["similarity"] < toy["deliver parcels to Belgium"]["similarity"]
    paraphrase = toy["where is my parcel please"]  # "please" is only in an out_of_scope example
    assert paraphrase["coverage"] < 1.0 and paraphrase["nearest"] >= 0.7
    assert paraphrase["similarity"] == paraphrase["nearest"]  # a near copy of a taught example stays in domain


def test_a_stored_model_scores_the_same_and_an_older_one_still_scores(probe):
    assert probe["round_trip"]
    for text, block in probe["legacy"].items():
        assert block["coverage"] == 1.0 and block["nearest"] == probe["scores"][text]["nearest"]


def test_scoring_is_cheap_enough_for_every_parse(probe):
    assert probe["per_score_ms"] < 5.0
