"""French words that exist but do not fit where they stand: « ajouter sue la liste », « quelles son les… ».

A spelling dictionary accepts every word of « réserver une table ans 2 jours »;
the mistake shows only between neighbours. Two kinds of words are weighed,
with the French n-gram model of :mod:`bot.proofreading.ngrams`, against
their replacements between the same two neighbours:

* a grammar word against its other forms and its look-alikes (« son » /
  « sa » / « ses » / « sont », « a » / « à », « et » / « est »), reported
  when a replacement is ``margin`` (natural log) likelier — e^3, twenty times;
* a rarer word one letter from a grammar word (« sue », « ans », « pou »)
  against those grammar words, when they are at least ten times more common
  and ``margin_near`` likelier.

The replacement must itself have been seen beside one of the neighbours,
and a grammar word after a word the corpus does not know is not judged. What the
n-grams cannot judge is left to the rules that can: a determiner whose
gender and number fit the next word (per Grammalecte's lexicon) is not
questioned — « réception du colis » is the lexicon's call, not the corpus's —
nor is a word after an article (a noun is due there), a number (« 10 h »), or
between two names or foreign words (a title: « Cena con Amigos »). Names,
titles and numbers are read as their classes (« du <CAP> », « sur <NUM> »);
protected words (the brand's, the fan's name) are never reported and are read
as names.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from bot.proofreading.agreement import agree, gender_number, readings
from bot.proofreading.base import Issue
from bot.proofreading.messages import say, translations
from bot.proofreading.ngrams import (CAP, END, GROUPS, NUM, START, TARGETS, UNK, NgramModel, french_model,
                                      one_letter_away, tokens)

_TRANSPARENT = frozenset({",", ":", "(", ")", "«", "»", '"', "“", "”"})
_OPAQUE = frozenset({CAP, UNK})
# After these a noun is due, never a grammar word: « un spa » is no slip for « un sa ».
_ARTICLES = frozenset({"le", "la", "les", "l'", "un", "une", "des", "du", "au", "aux", "ce", "cet", "cette", "ces",
                       "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos",
                       "leur", "leurs"})
MARGIN = 3.0  # a grammar word replaced by another of its forms: e^3 ≈ 20 times likelier
MARGIN_NEAR = 2.5  # a rarer word one letter from a grammar word
NEAR_RATIO = 10  # … that is at least ten times rarer than the grammar word


@lru_cache(maxsize=8192)
def candidates(word: str) -> tuple[str, ...]:
    """The grammar words ``word`` may have been meant as: its group's, and those one letter away."""
    out = {member for group in GROUPS if word in group for member in group}
    if word not in TARGETS:
        out |= one_letter_away(word) & TARGETS
    out.discard(word)
    return tuple(sorted(out))


class ContextChecker:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, model: NgramModel | None = None, *, morph: Callable[[str], list[str]] | None = None,
                 margin: float = MARGIN, margin_near: float = MARGIN_NEAR) -> None:
        self.model = model or french_model()
        # Grammalecte's lexicon: whether a word is French (a quoted English « of » is no typo for « ou »),
        # and the gender and number of a determiner and its noun.
        self._morph = morph
        self.margin, self.margin_near = margin, margin_near

    def _is_french(self, word: str) -> bool:
        return self._morph is None or bool(self._morph(word))

    def _determiner_fits(self, determiner: str, following: str | None) -> bool:
        """The determiner agrees with the word after it, or that word is a name or unknown: its form is
        the lexicon's to judge (:mod:`bot.proofreading.agreement`), not the n-grams'."""
        if self._morph is None:
            return False
        dets = [gender_number(r) for r in readings(self._morph(determiner), ":G:D")]
        if not dets:
            return False
        if following is None or not following[:1].islower():
            return True
        morphs = self._morph(following)
        if not morphs:
            return True  # a word the lexicon does not know: nothing to judge by
        nouns = [gender_number(r) for r in readings(morphs, ":N") + readings(morphs, ":A")]
        return bool(nouns) and any(agree(d, n) for d in dets for n in nouns)

    def _words(self, text: str, skip) -> list[tuple[int, int, str, str]]:
        """``(start, end, token, model word)``; a protected word is read as a name."""
        out: list[tuple[int, int, str, str]] = []
        first = True
        for start, end, token in tokens(text):
            if token in _TRANSPARENT:
                continue
            protected = skip is not None and skip(start, end, token) and token[0].isalnum()
            word = CAP if protected else self.model.word(token, first)
            out.append((start, end, token, word))
            first = word == END
        return out

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        words = self._words(text, skip)
        issues = []
        for index, (start, end, token, word) in enumerate(words):
            if word.startswith("<") or not self._is_french(token.lower()):
                continue
            before = words[index - 1][3] if index > 0 else START
            after = words[index + 1][3] if index + 1 < len(words) else END
            before = START if before == END else before
            if before == UNK and word in TARGETS:
                continue  # an unknown word before tells nothing of what may follow it
            if word not in TARGETS and (before in _OPAQUE and after in _OPAQUE or before == NUM or len(word) < 2
                                        or before in _ARTICLES):
                continue  # a title's word (« Cena con Amigos »), a unit or a count (« 10 h », « 2 ans »), a noun
            following = words[index + 1][2] if index + 1 < len(words) else None
            if word in TARGETS and self._determiner_fits(token.lower(), following):
                continue
            found = self._better(before, word, after)
            if not found:
                continue
            fixes = tuple(f if token[:1].islower() else f[:1].upper() + f[1:] for f in found)
            fields = {"word": token, "suggestion": " » / « ".join(fixes)}
            issues.append(Issue(start, end, token, say("context", "fr", **fields), fixes, "context_word",
                                self.name, translations("context", **fields)))
        return issues

    def _better(self, before: str, word: str, after: str) -> tuple[str, ...]:
        """The replacements far likelier than ``word`` between ``before`` and ``after``, likeliest first."""
        model = self.model
        if word in model.targets:
            options = candidates(word)
            if word not in TARGETS:  # a word one letter from grammar words: only those far more common
                floor = NEAR_RATIO * model.count(word)
                options = tuple(o for o in options if model.count(o) >= floor)
            margin = self.margin if word in TARGETS else self.margin_near
            return self._best(before, word, after, options, margin)
        return ()

    def _best(self, before: str, word: str, after: str, options, margin: float) -> tuple[str, ...]:
        """The replacements ``margin`` likelier than ``word`` and seen beside a neighbour, likeliest first."""
        model = self.model
        here = model.score(before, word, after)
        scored = sorted(((model.score(before, o, after), o) for o in options), reverse=True)
        return tuple(o for score, o in scored if score - here > margin and
                     (model.pair(before, o) or model.pair(o, after)))[:3]

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
