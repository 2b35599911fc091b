"""The flag lexicon: every example it documents behaves as documented, and the usual traps are avoided."""

import pytest
import yaml

from bot.tools.training import ROOT
from nlu_components.flags import FLAGS, FlagLexicon

LEXICON_FILE = ROOT / "nlu_data" / "tone" / "lexicon.yml"
DOC = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
LEXICON = FlagLexicon.from_dict(DOC)

CASES = [(flag, text, True) for flag in FLAGS for text in DOC["flags"][flag].get("match", [])] + \
        [(flag, text, False) for flag in FLAGS for text in DOC["flags"][flag].get("no_match", [])]


@pytest.mark.parametrize("flag,text,expected", CASES)
def test_documented_examples(flag, text, expected):
    assert bool(LEXICON.match(text)[flag]) is expected


@pytest.mark.parametrize("text,flag", [
    ("Vous êtes des NUUULS", "insult"),
    ("bande d'escr0cs", "insult"),
    ("you useless idiots", "insult"),
    ("je vais porter plainte", "threat"),
    ("I'll post this everywhere", "threat"),
    ("Je suis journaliste au Parisien", "press"),
    ("mon fils a eu une réaction allergique", "crisis"),
])
def test_each_flag_catches_its_core_case(text, flag):
    assert LEXICON.match(text)[flag]


@pytest.mark.parametrize("text", [
    "Je voudrais contacter le service client",
    "Quelles sont les conditions de retour ?",
    "Bonjour, où est ma commande BR-204518 ?",
    "Do you have the classic linen throw in stock?",
])
def test_calm_questions_raise_no_flag(text):
    assert not any(LEXICON.match(text).values())


def test_every_flag_has_enough_patterns_and_examples():
    for flag in FLAGS:
        assert len(LEXICON.patterns[flag]) >= 12
        assert len(DOC["flags"][flag]["match"]) >= 10 and len(DOC["flags"][flag]["no_match"]) >= 10


def test_missing_flag_is_named():
    with pytest.raises(ValueError, match="crisis"):
        FlagLexicon.from_dict({"flags": {f: {"fr": [], "en": []} for f in FLAGS if f != "crisis"}})


def test_bad_pattern_is_named():
    doc = {"flags": {f: {"fr": [], "en": []} for f in FLAGS}}
    doc["flags"]["press"]["fr"] = ["(unclosed"]
    with pytest.raises(ValueError, match="press"):
        FlagLexicon.from_dict(doc)
