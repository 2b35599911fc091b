"""Suggestions ranked for a one-click fix: accents restored first, the word's capital kept."""

from bot.proofreading.suggestions import accent_variants, rank, strip_accents


def test_accent_restoration_ranks_first():
    assert rank("tres", ["tes", "tris", "très"])[0] == "très"
    assert rank("deja", ["délai", "deal", "déjà"])[0] == "déjà"


def test_capital_and_duplicates():
    assert rank("Merchi", ["merci", "Merci", "marché"]) == ["Merci", "Marché"]
    assert rank("mesage", ["message", "mesage", "message"]) == ["message"]


def test_accent_variants():
    assert "déjà" in accent_variants("deja") and "deja" not in accent_variants("deja")
    assert accent_variants("ou")[0] == "où"
    assert accent_variants("brr") == [] and accent_variants("a" * 12) == []  # nothing to try / too many
    assert strip_accents("Où Noël œuvre") == "Ou Noel oeuvre"
