"""Suggestions ranked for a one-click fix: accents restored first, the word's capital kept."""

from bot.proofreading.suggestions import accent_variants, close_words, edits, rank, strip_accents


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


def test_accepted_words_close_to_a_flagged_word_closest_first():
    words = frozenset({"tressalia", "tressa", "brindille", "lin"})
    assert edits("tresalia", "tressalia") == 1 and edits("lin", "lien") == 1
    assert close_words("Tresalia", words) == ["tressalia"]
    assert close_words("Brindile", words) == ["brindille"]
    assert close_words("Tressal", words) == ["tressa", "tressalia"]
    assert close_words("lien", words) == []  # « lin » is too short to be told from the words two letters away
    assert close_words("Brindille", words) == []  # an accepted word is not a typo of itself
