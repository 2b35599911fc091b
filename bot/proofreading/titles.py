"""English titles quoted in French text: the capitals English title case gives them.

A French reply names songs, films and books in their own language (« écouter
Live at the Kings Center »). English title case capitalises the first word and
every word that carries meaning, and writes the short grammar words — articles,
coordinating conjunctions, short prepositions — in lower case:

* **a short grammar word capitalised inside a title** (« Masters Of Metal »,
  « Married to The Enemy », « Fire In the Hole ») → lower case;
* **a title opening with a lower-case « the »** after a French word (« chercher
  the Sound of One Hand Clapping ») → « The »;
* **a title's last word left in lower case** after two capitalised words (« The
  Sleep machine », « The Happy blues de Ronnie Wood ») → capitalised; a word
  French also has (« suite », « blues »; not a French grammar word: « dans », « pour ») only after two words that are English
  alone (« The Sweet suite »).

A word is judged English by the English dictionary (and not the French one),
through the callables the French spelling backend provides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.hunspell import WORD
from bot.proofreading.messages import say, translations
from bot.proofreading.ngrams import TARGETS

# The words English title case writes in lower case inside a title.
SMALL_WORDS = frozenset({"a", "an", "the", "and", "but", "or", "nor", "of", "in", "on", "at", "to", "for", "from",
                         "by", "with", "as", "into", "onto", "per", "via"})
_OPENING = re.compile(r"(?:^|[.!?…:;«\"“(\n—–-])[\s\u00a0\u202f]*$")


def _joined(text: str, end: int, start: int) -> bool:
    return not text[end:start].strip()


class TitleRules:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, english: Callable[[str], bool], french: Callable[[str], bool]) -> None:
        self._english = english  # True for an English word
        self._french = french  # True for a French word

    def _english_only(self, word: str) -> bool:
        return self._english(word) and not self._french(word)

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        words = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
        issues: list[Issue] = []
        for index, (start, end, word) in enumerate(words):
            if skip is not None and skip(start, end, word) or _OPENING.search(text[:start]):
                continue
            previous = words[index - 1] if index > 0 and _joined(text, words[index - 1][1], start) else None
            following = words[index + 1] if index + 1 < len(words) and \
                _joined(text, end, words[index + 1][0]) else None
            before = words[index - 2] if previous is not None and index > 1 and \
                _joined(text, words[index - 2][1], previous[0]) else None
            fix = self._fix(word, previous, before, following, text)
            if fix is None:
                continue
            kind = "title_small" if fix.islower() else "title_start" if word.lower() == "the" else "title_word"
            issues.append(Issue(start, end, word, say(kind, "fr", word=fix), (fix,), kind, self.name,
                                translations(kind, word=fix)))
        return issues

    def _fix(self, word: str, previous, before, following, text: str) -> str | None:
        lower = word.lower()
        capital = word[:1].upper() + word[1:]
        if lower in SMALL_WORDS and word[:1].isupper() and word[1:].islower() and previous is not None and \
                following is not None and (following[2][:1].isupper() or following[2] in SMALL_WORDS and
                                           self._title_goes_on(text, following)):
            p_word = previous[2]
            inside = (p_word[:1].isupper() and not _OPENING.search(text[:previous[0]]) and
                      (self._english_only(p_word) or self._english_only(following[2]) or lower != "a")) or \
                (p_word in SMALL_WORDS and before is not None and before[2][:1].isupper())
            if inside:
                return lower  # « Masters Of Metal », « Married to The Enemy »
        if word == "the" and following is not None and following[2][:1].isupper() and previous is not None and \
                (previous[2][:1].islower() or _OPENING.search(text[:previous[0]])) and \
                previous[2].lower() not in SMALL_WORDS and self._french(previous[2]):
            return capital  # « chercher the Sound of One Hand Clapping »
        if word.islower() and lower not in SMALL_WORDS and len(word) > 2 and self._english(word) and \
                previous is not None and before is not None and \
                (not self._french(word) or lower not in TARGETS and
                 all(self._english_only(w[2]) for w in (previous, before))) and \
                not _OPENING.search(text[:before[0]]) and \
                all(w[2][:1].isupper() and w[2][1:].islower() or len(w[2]) == 1 and w[2].isupper()
                    for w in (previous, before)) and \
                (self._english_only(previous[2]) or self._english_only(before[2])) and \
                (following is None or following[2][:1].islower() and following[2] not in SMALL_WORDS):
            return capital  # « The Sleep machine », « The Happy blues de Ronnie Wood »
        return None

    @staticmethod
    def _title_goes_on(text: str, small) -> bool:
        """« Fire In the Hole »: after the lower-case small word, the title's next capitalised word."""
        rest = re.match(r"[\s\u00a0]+([^\W\d_])", text[small[1]:])
        return rest is not None and rest.group(1).isupper()

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
