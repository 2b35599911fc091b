"""What is never proofread: protected spans and the brand's words, rebuilt when brand.yml changes."""

import os

import yaml

from bot.brand import DEFAULT_BRAND_FILE, current_brand, load_brand
from bot.proofreading.protected import Vocabulary, brand_words, protected_spans


def spans_text(text):
    return [text[s:e] for s, e in protected_spans(text)]


def test_protected_spans():
    text = ("Suivez https://www.maison-brindille.example/suivi?c=BR-204518, "
            "écrivez à bonjour@maison-brindille.example, #NoëlBrindille @maisonbrindille 🎁✨ "
            "commande BR-204518 {first_name}")
    assert spans_text(text) == ["https://www.maison-brindille.example/suivi?c=BR-204518",
                                "bonjour@maison-brindille.example", "#NoëlBrindille", "@maisonbrindille", "🎁✨",
                                "BR-204518", "{first_name}"]


def test_vocabulary_matches_case_elision_and_parts():
    words = Vocabulary.of(["Maison Brindille", "Batignolles"])
    assert words.accepts("BRINDILLE") and words.accepts("d’Batignolles") and words.accepts("Brindille's")
    assert words.accepts("Maison-Brindille") and not words.accepts("Brindile")


def test_brand_words_cover_name_vocabulary_and_signature():
    words = brand_words(load_brand())
    assert all(words.accepts(w) for w in ("Maison", "Brindille", "Colissimo", "Chronopost", "PayPal"))
    assert not words.accepts("équipe")  # only the signature's names, not its common words


def test_brand_words_follow_the_brand_file(tmp_path):
    path = tmp_path / "brand.yml"
    doc = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    first = current_brand(path)
    assert brand_words(first) is brand_words(current_brand(path))  # built once per version
    assert not brand_words(first).accepts("Tressalia")
    doc["vocabulary"].append("Tressalia")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    later = path.stat().st_mtime_ns + 1_000_000  # a later edit, even on a coarse-grained clock
    os.utime(path, ns=(later, later))
    assert brand_words(current_brand(path)).accepts("Tressalia")


def test_grammar_words_of_names_are_not_protected():
    words = Vocabulary.of(["rue de la Monnaie", "The Maison Brindille team", "de"])
    assert words.accepts("Monnaie") and words.accepts("rue de la Monnaie")
    assert not any(words.accepts(w) for w in ("de", "la", "the", "The"))
    shipped = brand_words(load_brand())
    assert not any(shipped.accepts(w) for w in ("de", "des", "la", "the", "notre", "Notre"))
    assert shipped.accepts("Notre-Dame")  # « rue Notre-Dame »: an English reply names the street as it is
