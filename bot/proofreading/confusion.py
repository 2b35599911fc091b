"""French words that exist but do not fit where they stand: « ajouter sue la liste », « quelles son les… ».

A spelling dictionary accepts every word of « réserver une table ans 2 jours »;
the mistake shows only between neighbours. Two kinds of words are weighed,
with the French n-gram model of :mod:`bot.proofreading.ngrams`, against
their replacements between the same two neighbours:

* a grammar word against its other forms and its look-alikes (« son » /
  « sa » / « ses » / « sont », « a » / « à », « et » / « est »), reported
  when a replacement is ``margin`` (natural log) likelier — e^3, twenty times;
* a preposition against the others (« notre guide que tailles », « les frais
  en port », « votre numéro à commande »), when one is ``margin_place`` likelier
  — e^9, 8,000 times — and neither neighbour is a name, a number (in
  figures or in words: « dans dix-neuf heures ») or a word the corpus does not
  know: « au Koweït », « en Russie », « dans 2 jours » are all French, and
  those classes do not say which preposition a place or a count takes;
* a rarer word one letter from a grammar word (« sue », « ans », « pou »)
  against those grammar words, when they are at least ten times more common
  and ``margin_near`` likelier.

The replacement must itself have been seen beside one of the neighbours,
and a grammar word after a word the corpus does not know is not judged. What the
n-grams cannot judge is left to the rules that can: a determiner whose
gender and number fit the next word (per Grammalecte's lexicon) is not
questioned for another of its forms — « réception du colis » is the lexicon's
call, not the corpus's (whether a preposition was meant still is) —
nor is a word after an article (a noun is due there), a number (« 10 h »), or
between two names or foreign words (a title: « Cena con Amigos », « Kojak sur
iTunes ») — but a rare word one letter from a grammar word, between a name
and a count, still is (« à proximité de Penn pou trois personnes ») —, an
article before a number (« le 19 octobre »: the date rules' call), nor a
pronoun (« tu » is no slip for « ou »). Two articles in a row (« le jour le la
Saint-Patrick ») are always reported, the first a mistyped preposition; « est » is never
questioned for « et », nor « peux » for « peut », nor « à » for « au »
(« le délai est de 3 jours », « une personne à risque »: the lexicon and
Grammalecte's conjugation rules judge those), nor « a » after its subject or
before « t’il » (« le vaccin a t’il… »), « ça » and « sont » before a verb or a
pronoun (« comment ça se passe », « sont-ils »), « de » after a quantity
(« combien de doses ») or a verb after its subject (« je fais »). Names, titles and numbers are read
as their classes (« du <CAP> », « sur <NUM> »; a word with a capital inside,
« iTunes », is a name); protected words (the brand's, the fan's name) are
never reported and are read as names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from bot.proofreading.agreement import agree, gender_number, readings
from bot.proofreading.base import Issue
from bot.proofreading.messages import say, translations
from bot.proofreading.ngrams import (CAP, END, GROUPS, NUM, PLACE_WORDS, START, TARGETS, UNK, NgramModel,
                                      french_model, one_letter_away, tokens)

_TRANSPARENT = frozenset({",", ":", "(", ")", "«", "»", '"', "“", "”"})
_OPAQUE = frozenset({CAP, UNK})
# After these a noun is due, never a grammar word: « un spa » is no slip for « un sa ».
_ARTICLES = frozenset({"le", "la", "les", "l'", "un", "une", "des", "du", "au", "aux", "ce", "cet", "cette", "ces",
                       "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos",
                       "leur", "leurs"})
MARGIN = 3.0  # a grammar word replaced by another of its forms: e^3 ≈ 20 times likelier
MARGIN_PLACE = 9.0  # a preposition replaced by another (« frais en port »): e^9 ≈ 8,000 times likelier
MARGIN_NEAR = 2.5  # a rarer word one letter from a grammar word
NEAR_RATIO = 10  # … that is at least ten times rarer than the grammar word


_PLACE = {w: frozenset(m for words in PLACE_WORDS if w in words for m in words) for words in PLACE_WORDS
          for w in words}


@lru_cache(maxsize=8192)
def candidates(word: str) -> tuple[str, ...]:
    """The grammar words ``word`` may have been meant as: its group's, the prepositions and articles if it
    is one, and those one letter away."""
    out = {member for group in GROUPS if word in group for member in group}
    out |= _PLACE.get(word, frozenset())
    if word not in TARGETS:
        # An accent is typed on purpose: « dès » is no slip for « des » (the look-alikes that are, « a » / « à »,
        # « ou » / « où », are groups of their own).
        out |= {w for w in one_letter_away(word) & TARGETS if _bare(w) != _bare(word)}
    out.discard(word)
    return tuple(sorted(out))


def _bare(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


# Replacements the n-grams do not suggest, the lexicon and the conjugation rules judging them better:
# « est » for « et » (« le délai est de 3 jours », « mon collègue est cas contact »), « peux » for « peut »
# (the subject says which: Grammalecte's), « à » for « au » (« une personne à risque », « à domicile »).
_LEFT_TO_GRAMMAR = {"est": ("et",), "peux": ("peut", "peu"), "à": ("au", "aux")}
# After these « a » is the verb avoir, and a word one letter from a grammar word is a verb (« je fais »).
_SUBJECTS = frozenset({"je", "j'", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "qu'", "que", "y",
                       "ça", "cela", "qui"})
# « de » after these is the quantity's (« combien de doses »), never another preposition.
_QUANTITIES = frozenset({"combien", "beaucoup", "trop", "peu", "plus", "moins", "assez", "autant", "tant"})
# Prepositions that carry their own meaning and are typed on purpose (« un souci avec votre commande »,
# « chez vous », « vers midi »): never questioned for another preposition, though they may be suggested.
_KEPT_PREPOSITIONS = frozenset({"avec", "chez", "vers"})
# Two articles in a row (« le jour le la Saint-Patrick », « une les tasses »): the first was another word.
_FIRST_ARTICLES = frozenset({"le", "la", "les", "un", "une"})
_SECOND_ARTICLES = frozenset({"le", "la", "les", "l'"})


@lru_cache(maxsize=8192)
def _place_swap(word: str, option: str) -> bool:
    """``option`` would stand in ``word``'s place as another preposition, not as a form or a look-alike."""
    return option in _PLACE.get(word, ()) and not any(word in group and option in group for group in GROUPS)


class ContextChecker:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, model: NgramModel | None = None, *, morph: Callable[[str], list[str]] | None = None,
                 margin: float = MARGIN, margin_near: float = MARGIN_NEAR,
                 margin_place: float = MARGIN_PLACE) -> None:
        self.model = model or french_model()
        # Grammalecte's lexicon: whether a word is French (a quoted English « of » is no typo for « ou »),
        # and the gender and number of a determiner and its noun.
        self._morph = morph
        self.margin, self.margin_near, self.margin_place = margin, margin_near, margin_place
        self.opaque = frozenset({CAP, NUM, UNK})

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
            brand_like = token[1:] != token[1:].lower() and token[:1].isalpha()  # « iTunes », « eBay »: a name
            word = CAP if protected or brand_like else self.model.word(token, first)
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
            if word in ("le", "la", "les", "l'") and after == NUM:
                continue  # « le 19 octobre », « les 3 tasses »: a date's or a count's article is the lexicon's call
            if before in _OPAQUE and after in self.opaque and (word in TARGETS or after != NUM or
                                                               not token.islower()):
                continue  # between two names: « Kojak sur iTunes », a title's own words; not « Penn pou trois »
            if word not in TARGETS and (before == NUM or len(word) < 2 or before in _ARTICLES or before in _SUBJECTS
                                        or self._pronoun(token.lower())):
                continue  # a unit or a count (« 10 h », « 2 ans »), a noun, a verb after its subject, a pronoun
            following = words[index + 1][2] if index + 1 < len(words) else None
            then = words[index + 2][3] if index + 2 < len(words) else END
            if word in _FIRST_ARTICLES and after in _SECOND_ARTICLES and before != START and then != END:
                issues.append(self._double_article(start, end, token, before, after))
                continue
            # A determiner that fits its noun keeps its form; whether a preposition was meant is still asked.
            fits = word in TARGETS and self._determiner_fits(token.lower(), following)
            place = self._place_judged(before, after)
            found = self._better(before, word, after, fits, place)
            found = tuple(f for f in found if f not in _LEFT_TO_GRAMMAR.get(word, ()))
            if word == "de" and before in _QUANTITIES:
                continue  # « combien de doses », « beaucoup de monde »
            if word in ("ça", "sont") and (following is None or self._verb_or_pronoun(following)):
                found = tuple(f for f in found if f not in ("sa", "dont", "donc"))  # « comment ça se passe »
            if word == "a" and (before in _SUBJECTS or following is not None and
                                re.match(r"(?i)t\b|t['’]", text[words[index + 1][0]:])):
                found = tuple(f for f in found if f != "à")  # « on a quoi », « le vaccin a t'il »: the verb
            if not found:
                continue
            issues.append(self._issue(start, end, token, found))
        return issues

    def _issue(self, start: int, end: int, token: str, found) -> Issue:
        """The problem on ``token``, its replacements ``found`` (likeliest first) in its case."""
        fixes = tuple(f if token[:1].islower() else f[:1].upper() + f[1:] for f in found)
        fields = {"word": token, "suggestion": " » / « ".join(fixes)}
        return Issue(start, end, token, say("context", "fr", **fields), fixes, "context_word", self.name,
                     translations("context", **fields))

    def _double_article(self, start: int, end: int, token: str, before: str, after: str) -> Issue:
        """« le jour le la Saint-Patrick »: an article before another is a preposition mistyped; the
        prepositions likeliest between the neighbours are suggested."""
        ranked = sorted(PLACE_WORDS[0], key=lambda o: -self.model.score(before, o, after))
        return self._issue(start, end, token, ranked[:3])

    def _verb_or_pronoun(self, word: str) -> bool:
        """« ça se passe », « sont ils », « sont où »: what follows the pronoun « ça » or the verb « sont »."""
        word = word.lower().replace("’", "'").split("'")[-1]
        return word in ("où", "-ils", "-elles") or self._morph is not None and any(
            m.count("/") >= 2 and (":O" in m.split("/")[1] or m.split("/")[1].startswith(":V"))
            and ":N" not in m.split("/")[1] for m in self._morph(word))

    def _pronoun(self, word: str) -> bool:
        """« tu », « lui »: a pronoun is typed as one, not as a slip for « ou » or « au »."""
        return self._morph is not None and any(m.count("/") >= 2 and ":O" in m.split("/")[1]
                                               for m in self._morph(word))

    def _margin(self, word: str, option: str) -> float:
        if word not in TARGETS:
            return self.margin_near
        return self.margin_place if _place_swap(word, option) else self.margin

    def _place_judged(self, before: str, after: str) -> bool:
        """Whether the n-grams can tell one preposition or article from another here: not before or after a
        name, a number or an unknown word — « au Koweït », « en Russie », « à Lyon », « dans 2 jours », « pour
        4 » are all French, and the classes ``<CAP>`` and ``<NUM>`` do not say which one a place or a count
        takes."""
        return not (after in self.opaque or before in self.opaque)

    def _better(self, before: str, word: str, after: str, fits: bool = False, place: bool = True
                ) -> tuple[str, ...]:
        """The replacements far likelier than ``word`` between ``before`` and ``after``, likeliest first
        (``fits``: only the prepositions and articles that are not a form or a look-alike of ``word``)."""
        model = self.model
        if word not in model.targets:
            return ()
        options = candidates(word)
        if word not in TARGETS:  # a word one letter from grammar words: only those far more common
            floor = NEAR_RATIO * model.count(word)
            options = tuple(o for o in options if model.count(o) >= floor)
        if fits:
            options = tuple(o for o in options if _place_swap(word, o))
        if not place or word in _KEPT_PREPOSITIONS:
            options = tuple(o for o in options if not _place_swap(word, o))
        if not options:
            return ()
        here = model.score(before, word, after)
        scored = sorted(((model.score(before, o, after), o) for o in options), reverse=True)
        return tuple(o for score, o in scored if score - here > self._margin(word, o) and
                     (model.pair(before, o) or model.pair(o, after)))[:3]

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
