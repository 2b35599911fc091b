"""Suggestions ranked so that the right one is usually the first, for a one-click fix.

Hunspell orders its suggestions by its own edit model. A CM fixing a chat
reply most often needs the same word with its accents back ("deja" →
"déjà", "tres" → "très"), then the same word with another case, then the
closest spelling. Suggestions keep the capital of the word they replace.
:func:`close_words` finds, among accepted words (the brand's), the ones a
flagged word is a letter or two from.
"""

from __future__ import annotations

import difflib
import unicodedata

MAX_SUGGESTIONS = 5
# The accented letters each plain letter may stand for, in French.
ACCENTS = {"a": "aàâ", "e": "eéèêë", "i": "iîï", "o": "oô", "u": "uùûü", "c": "cç", "y": "yÿ"}
MAX_VARIANTS = 512


def strip_accents(word: str) -> str:
    """``Déjà`` → ``Deja``; ``œ`` and ``æ`` become ``oe`` and ``ae``."""
    decomposed = unicodedata.normalize("NFD", word.replace("œ", "oe").replace("Œ", "Oe")
                                       .replace("æ", "ae").replace("Æ", "Ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def accent_variants(word: str) -> list[str]:
    """Every spelling of ``word`` with accents put on its plain letters (« deja » → « déjà », …),
    the word itself excluded; none for a word with too many plain vowels to try them all."""
    choices = [ACCENTS.get(c.lower(), c.lower()) if c.lower() in ACCENTS else c for c in word]
    total = 1
    for options in choices:
        total *= len(options)
    if total > MAX_VARIANTS or total == 1:
        return []
    variants = [""]
    for original, options in zip(word, choices):
        upper = original.isupper()
        letters = options if len(options) > 1 else original
        variants = [v + (o.upper() if upper else o) for v in variants for o in letters]
    return [v for v in variants if v != word]


def _match_case(word: str, suggestion: str) -> str:
    if word[:1].isupper() and suggestion[:1].islower() and not word.isupper():
        return suggestion[:1].upper() + suggestion[1:]
    if word.isupper() and len(word) > 1:
        return suggestion.upper()
    return suggestion


def rank(word: str, suggestions: list[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """``suggestions`` for ``word``, accent restorations first, then by closeness; no duplicates."""
    bare = strip_accents(word).casefold()

    def key(item: tuple[int, str]) -> tuple[int, float, int]:
        position, suggestion = item
        if strip_accents(suggestion).casefold() == bare:
            tier = 0  # same letters, accents or case restored
        elif " " in suggestion or "-" in suggestion and "-" not in word:
            tier = 2  # split words: seldom what a typo needs
        else:
            tier = 1
        closeness = difflib.SequenceMatcher(None, word.casefold(), suggestion.casefold()).ratio()
        return tier, -round(closeness, 1), position

    seen, out = set(), []
    for _, suggestion in sorted(enumerate(suggestions), key=key):
        suggestion = _match_case(word, suggestion)
        if suggestion != word and suggestion not in seen:
            seen.add(suggestion)
            out.append(suggestion)
    return out[:limit]


# Letters added, dropped or changed between a flagged word and an accepted word offered for it.
CLOSE_EDITS = 2


def edits(a: str, b: str) -> int:
    """Levenshtein distance: the letters to add, drop or change to turn ``a`` into ``b``."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def close_words(word: str, words: frozenset[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The ``words`` (lower case) at most :data:`CLOSE_EDITS` letters from ``word``, the closest first; none
    for a word shorter than four letters (too many words are two letters from it) or in ``words`` itself."""
    folded = word.casefold()
    if len(folded) < 4 or folded in words:
        return []
    close = sorted((edits(folded, w), w) for w in words
                   if len(w) >= 4 and abs(len(w) - len(folded)) <= CLOSE_EDITS)
    return [w for distance, w in close if distance <= CLOSE_EDITS][:limit]
