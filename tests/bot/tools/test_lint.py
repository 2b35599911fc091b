"""``relais lint`` passes on the shipped brand and fails, naming file, key and word, on a planted typo."""

import subprocess
import sys

import yaml

from bot.brand import DEFAULT_BRAND_FILE
from bot.tools.lint import DEFAULT_DOMAIN_FILE
from bot.tools.training import ROOT


def run_lint(*args):
    return subprocess.run([sys.executable, "-m", "bot.tools.cli", "lint", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_shipped_brand_and_domain_pass():
    result = run_lint()
    assert result.returncode == 0, result.stdout
    assert ", 0 problem(s)" in result.stderr


def test_planted_typo_fails_naming_file_key_and_word(tmp_path):
    doc = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))
    doc["answers"]["delivery"]["fr"] = doc["answers"]["delivery"]["fr"].replace("livraison standard", "livraizon standard")
    doc["answers"]["contact"]["en"] = doc["answers"]["contact"]["en"].replace("answers", "answrs")
    planted = tmp_path / "brand.yml"
    planted.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = run_lint("--brand", str(planted))
    assert result.returncode == 1
    assert f"{planted}: answers.delivery [fr]: 'livraizon'" in result.stdout
    assert f"{planted}: answers.contact [en]: 'answrs'" in result.stdout


def test_planted_typo_in_domain_response_fails(tmp_path):
    text = DEFAULT_DOMAIN_FILE.read_text(encoding="utf-8").replace("est en cours de préparation dans notre atelier",
                                                                 "est en cours de préparation dans notre ateleir")
    planted = tmp_path / "domain.yml"
    planted.write_text(text, encoding="utf-8")
    result = run_lint("--domain", str(planted))
    assert result.returncode == 1
    assert f"{planted}: responses.utter_order_processing [fr]: 'ateleir'" in result.stdout


def test_a_domain_response_in_the_wrong_person_fails(tmp_path):
    text = DEFAULT_DOMAIN_FILE.read_text(encoding="utf-8").replace("Nous pouvons vérifier cela pour vous",
                                                                 "Je peux vérifier cela pour vous")
    planted = tmp_path / "domain.yml"
    planted.write_text(text, encoding="utf-8")
    result = run_lint("--domain", str(planted))
    assert result.returncode == 1
    assert f"{planted}: responses.utter_ask_order_number [fr]: speaks as Je but voice.person.fr is nous" in result.stdout


def test_a_body_that_greets_or_signs_itself_fails(tmp_path):
    doc = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))
    doc["answers"]["contact"]["en"] = "Hello! " + doc["answers"]["contact"]["en"]
    planted = tmp_path / "brand.yml"
    planted.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = run_lint("--brand", str(planted))
    assert result.returncode == 1
    assert f"{planted}: answers.contact [en]: starts with a greeting" in result.stdout
