"""French checks a spelling dictionary cannot make and Grammalecte leaves to the writer.

Each word is a correct word; it is wrong where it stands:

* **a capital in the middle of a sentence** on a common word (« ajouter à ma
  Liste ») — French capitalises names, not nouns. A run of capitalised words
  is a name or a title (« Maison Brindille », « Flow Espagnol ») and is left
  alone, as are words capitalised by convention (Madame, Monsieur, l’État);
* **a sentence starting in lower case** (the safe fixes capitalise drafts,
  this reports it in text a person typed);
* **« ou » for « où »** before « est », « sont », « se trouve »… (« ou est ma
  commande ? »);
* **« a » for « à »**: the verb *avoir* needs a subject; it cannot follow an
  infinitive (« ajouter a »), a preposition, or stand before an infinitive, a
  name or a number (« a faire », « a Lyon », « a 10 h »), nor before a
  determiner in an instruction (« Ajouter cette piste a ma liste »).

Word classes come from Grammalecte's lexicon (its spell checker's
morphologies), loaded once with the Grammalecte backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.hunspell import WORD
from bot.proofreading.messages import say, translations

# Nouns French writes with a capital by convention: forms of address, institutions, compass regions.
CONVENTIONAL_CAPITALS = frozenset({
    "monsieur", "madame", "mademoiselle", "messieurs", "mesdames", "mesdemoiselles", "maître", "docteur",
    "état", "église", "république", "saint", "sainte", "nord", "sud", "est", "ouest", "internet",
})
# Words after which « a » is the verb avoir (its subject), and words opening a clause that may have one.
SUBJECTS = frozenset({"il", "elle", "on", "y", "qui", "ça", "cela", "ce", "tout", "chacun", "chacune", "personne",
                      "rien", "quelqu’un", "quelqu'un", "ne", "n", "lui", "nous", "vous", "leur", "en", "où"})
CLAUSE_OPENERS = frozenset({"qui", "que", "qu", "dont", "où", "si", "quand", "lorsque", "parce", "comme", "car",
                            "mais", "il", "elle", "on", "ils", "elles"})
# « ou est… », « ou se trouve… »: after "or", these verbs ask "where".
_WHERE_VERBS = frozenset({"est", "sont", "était", "étaient", "sera", "seront", "se", "s", "habitez", "trouve"})
# What may open a sentence or a quotation, after which a capital is expected.
_OPENERS = re.compile(r"(?:^|[.!?…][\s\u00a0\u202f]+|[:;\n«“\"(\[—–•*-][\s\u00a0\u202f]*|^\s*)$")
# Where a sentence starts (and so a capital is due): the text's start, a line's, after . ! ? …
_SENTENCE_START = re.compile(r"(?:^|[.!?…][\s\u00a0\u202f]+|\n[\s\u00a0\u202f]*)$|^\s*$")


class FrenchRules:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, morph: Callable[[str], list[str]]) -> None:
        self._morph = morph  # Grammalecte's spell checker getMorph: ">liste/:N:f:s/*", ...

    def _tags(self, word: str) -> list[str]:
        return [m.split("/", 2)[1] if m.count("/") >= 2 else m for m in self._morph(word)]

    def _is(self, word: str, *tags: str) -> bool:
        return any(tag in t for t in self._tags(word) for tag in tags)

    def _only(self, word: str, tag: str) -> bool:
        tags = self._tags(word)
        return bool(tags) and all(tag in t for t in tags)

    def _common(self, word: str) -> bool:
        """A common word (noun, verb, adjective, grammar word), not a name."""
        tags = self._tags(word)
        return bool(tags) and not any(t.startswith(":M") for t in tags)

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        tokens = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
        issues: list[Issue] = []
        for index, (start, end, word) in enumerate(tokens):
            if skip is not None and skip(start, end, word):
                continue
            starts_sentence = bool(_SENTENCE_START.search(text[:start]))
            may_be_capital = starts_sentence or bool(_OPENERS.search(text[:start]))
            previous = tokens[index - 1] if index > 0 else None
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if starts_sentence and word[0].islower() and word.isalpha():
                fix = word[0].upper() + word[1:]
                issues.append(Issue(start, end, word, say("sentence_start", "fr", word=fix), (fix,),
                                    "sentence_start", self.name, translations("sentence_start", word=fix)))
            elif not may_be_capital and self._stray_capital(word, previous, following, text):
                fix = word.lower()
                issues.append(Issue(start, end, word, say("capital", "fr", word=word), (fix,), "capital",
                                    self.name, translations("capital", word=word)))
            if word.lower() == "a" and self._preposition_wanted(previous, following, starts_sentence, text, end):
                fix = "À" if word == "A" else "à"
                issues.append(Issue(start, end, word, say("a_for_à", "fr"), (fix,), "a_for_à", self.name,
                                    translations("a_for_à")))
            elif word.lower() == "ou" and following is not None and \
                    re.split(r"[-’']", following[2].lower())[0] in _WHERE_VERBS:
                fix = "Où" if word[0].isupper() else "où"
                issues.append(Issue(start, end, word, say("ou_for_où", "fr"), (fix,), "ou_for_où", self.name,
                                    translations("ou_for_où")))
        return issues

    def _stray_capital(self, word: str, previous, following, text: str) -> bool:
        if len(word) < 2 or not (word[0].isupper() and word[1:].islower()) or "-" in word or "’" in word:
            return False
        lower = word.lower()
        if lower in CONVENTIONAL_CAPITALS or not self._common(lower) or self._is(word, ":M"):
            return False
        for neighbour in (previous, following):
            if neighbour is None or not neighbour[2][:1].isupper():
                continue
            if neighbour is previous and _OPENERS.search(text[:neighbour[0]]):
                continue  # the sentence's first word: its capital says nothing
            return False  # part of a capitalised run: a name or a title
        return True

    def _preposition_wanted(self, previous, following, starts_sentence: bool, text: str, end: int) -> bool:
        if re.match(r"[\s\u00a0]+\d", text[end:]):
            return True  # "a 10 h"
        if following is None:
            return False
        f_start, _, f_word = following
        if text[f_start - 1:f_start] == "-":
            return False  # "a-t-il"
        if self._only(f_word.lower(), ":Y"):
            return True  # "a faire"
        p_word = previous[2].lower() if previous is not None else ""
        if p_word in SUBJECTS or p_word.endswith(("’", "'")):
            return False  # « il a », « qui a », « n’a »: the verb
        if f_word[:1].isupper() and not self._common(f_word.lower()):
            return True  # « a Lyon », « a Weldona »: a place or a name after the preposition
        if previous is None or starts_sentence:
            return starts_sentence and self._is(f_word.lower(), ":D")  # « A ma liste » opening a sentence
        if self._only(p_word, ":Y") or self._only(p_word, ":R"):
            return True  # « ajouter a », « jusque a »
        return self._is(f_word.lower(), ":D") and self._in_order(text[:previous[0]])

    def _in_order(self, before: str) -> bool:
        """The sentence so far is an instruction (« Ajouter cette piste … »): no subject for « a »."""
        sentence = re.split(r"[.!?…\n]", before)[-1]
        words = WORD.findall(sentence)
        if not words or any(w.lower() in CLAUSE_OPENERS or w.lower() in SUBJECTS for w in words):
            return False
        return self._is(words[0].lower(), ":Y") or self._only(words[0].lower(), ":E")
