"""Text folding for chat messages: what tone features and flag patterns are computed on."""

from __future__ import annotations

import re
import unicodedata

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_RUNS = re.compile(r"(.)\1{2,}")
_SPACED = re.compile(r"(?<![\w])(?:[a-z] ){3,}[a-z](?![\w])")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lowercase, no accents, leetspeak digits as letters, runs of 3+ identical characters collapsed to one.

    ``"Vous êtes des NUUULS !!!"`` → ``"vous etes des nuls !"``. Flag patterns
    in ``nlu_data/tone/lexicon.yml`` are written against this form.
    """
    text = strip_accents(text.translate(_APOSTROPHES)).lower().translate(_LEET)
    text = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)  # "m o n g o l" → "mongol"
    return _RUNS.sub(r"\1", text)


def soften(text: str) -> str:
    """The tone model's input: lowercase, no accents, runs capped at two, digits as 0 (keeps "!!")."""
    text = strip_accents(text.translate(_APOSTROPHES)).lower()
    text = re.sub(r"\d", "0", text)
    return re.sub(r"(.)\1{2,}", r"\1\1", text)


def caps_ratio(text: str) -> float:
    """Share of upper-case letters among the letters of words of two letters or more."""
    letters = [ch for word in text.split() if len(word) > 1 for ch in word if _LETTERS.match(ch)]
    if len(letters) < 6:
        return 0.0
    return sum(ch.isupper() for ch in letters) / len(letters)
