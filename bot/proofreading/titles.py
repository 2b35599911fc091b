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

* **a capitalised small word after a lower-case English word** (« The image
  Of you », « Last of The ghetto astronauts », « The children Of Niobe ») →
  lower case: a title in sentence case or in title case never capitalises it
  there;
* **a lower-case word between two capitalised English words** (« Who Will Cry
  When you Die ») → capitalised: the title is in title case;
* **a title's last word after a small word** (« The Best of White lion »,
  « What a Wonderful place ») → capitalised, as after two capitalised words;
* **an English place's generic word** after its name (« à Archer city », « près
  du Patts college ») → capitalised: « Archer City »;
* **a subtitle opening with « the »** after a colon (« Super Sweet 16 : the
  Movie ») → « The »;
* **a title announced by « intitulé »** (« un roman intitulé death March »)
  starts with a capital;
* **the noun that announces a title, capitalised with its article** after a
  lower-case word (« avec Le Titre With you », « à La Liste de lecture Chill
  Out ») → both in lower case: the title is what follows them.

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
# Nouns that announce a title (« la chanson Blue », « le titre With you », « la liste de lecture Chill »).
ANNOUNCERS = frozenset({"titre", "chanson", "album", "film", "livre", "roman", "liste", "émission", "série", "saga",
                        "piste", "morceau", "mélodie", "playlist", "essai", "tableau"})
_ARTICLES = frozenset({"le", "la", "les", "l’", "un", "une", "ma", "mon", "ta", "ton", "sa", "son", "cette", "ce"})
_NAMED = frozenset({"intitulé", "intitulée", "intitulés", "intitulées"})
_OPENING = re.compile(r"(?:^|[.!?…:;«\"“(\n—–-])[\s\u00a0\u202f]*$")
# Verbs English title case may leave in lower case in playlists' names (« This is Miles Davis »).
_VERBS = frozenset({"is", "are", "was", "were", "be"})
_SUBTITLE = re.compile(r"[^\W_\s][\s\u00a0]*:[\s\u00a0]*$")
# The generic word of an English place's name (« Archer City », « Patts College », « Conrey House »).
PLACE_HEADS = frozenset({"city", "college", "house", "street", "road", "avenue", "park", "lake", "river", "hall",
                         "center", "bridge", "hotel", "inn", "tavern", "diner", "cafe", "club",
                         "beach", "bay", "springs", "falls", "county", "island", "valley", "mountain", "school",
                         "university", "church", "garden", "gardens", "market", "theater", "theatre", "museum",
                         "airport", "stadium", "arena", "bowl", "grill", "pub", "lounge", "kitchen", "bakery",
                         "tower", "plaza", "mall", "village", "heights", "harbor", "harbour"})


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
            # « Super Sweet 16 : the Movie »: a subtitle opens with a capital, after the colon that opens it
            subtitle = word == "the" and _SUBTITLE.search(text[:start]) is not None and index + 1 < len(words) \
                and words[index + 1][2][:1].isupper()
            if skip is not None and skip(start, end, word) or not subtitle and _OPENING.search(text[:start]):
                continue
            previous = words[index - 1] if index > 0 and _joined(text, words[index - 1][1], start) else None
            following = words[index + 1] if index + 1 < len(words) and \
                _joined(text, end, words[index + 1][0]) else None
            before = words[index - 2] if previous is not None and index > 1 and \
                _joined(text, words[index - 2][1], previous[0]) else None
            further = words[index - 3] if before is not None and index > 2 and \
                _joined(text, words[index - 3][1], before[0]) else None
            announced = self._announcer(word, index, words, text)
            if announced is not None:
                issues.append(Issue(start, end, word, say("capital", "fr", word=word), (announced,), "capital",
                                    self.name, translations("capital", word=word)))
                continue
            fix = "The" if subtitle else self._fix(word, previous, before, following, text) or \
                self._fix_more(word, previous, before, further, following, text)
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
                previous[2].lower() not in SMALL_WORDS and (self._french(previous[2]) or
                                                             not self._english(previous[2])):
            return capital  # « chercher the Sound of One Hand Clapping », « à the Guilty »
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

    def _fix_more(self, word: str, previous, before, further, following, text: str) -> str | None:
        lower = word.lower()
        if lower in SMALL_WORDS and word[:1].isupper() and word[1:].islower() and self._english_only(lower) and \
                previous is not None and previous[2][:1].islower() and self._english(previous[2]) and \
                following is not None and (following[2][:1].islower() or self._english_only(previous[2]) and
                                           previous[2] not in SMALL_WORDS):
            return lower  # « The image Of you », « Last of The ghetto astronauts », « The children Of Niobe »
        if word.islower() and lower not in SMALL_WORDS | _VERBS and self._english_only(lower) and \
                previous is not None and following is not None and before is not None and \
                previous[2][:1].isupper() and self._english_only(previous[2].lower()) and \
                following[2][:1].isupper() and not _OPENING.search(text[:previous[0]]):
            return word[:1].upper() + word[1:]  # « Who Will Cry When you Die »: inside a title in title case
        if word.islower() and lower not in SMALL_WORDS and lower not in TARGETS and len(word) > 2 and \
                self._english(word) and previous is not None and before is not None and further is not None and \
                previous[2][:1].isupper() and previous[2][1:].islower() and self._english_only(previous[2]) and \
                previous[2].lower() not in SMALL_WORDS and \
                before[2] in SMALL_WORDS and further[2][:1].isupper() and \
                (following is None or following[2][:1].islower() and following[2] not in SMALL_WORDS):
            return word[:1].upper() + word[1:]  # « The Best of White lion », « What a Wonderful place »
        if lower in PLACE_HEADS and word.islower() and self._english(lower) and previous is not None and \
                previous[2][:1].isupper() and previous[2][1:].islower() and not _OPENING.search(text[:previous[0]]):
            return word[:1].upper() + word[1:]  # « une taverne à Archer city »: the place's name goes on
        if word[:1].islower() and previous is not None and previous[2].lower() in _NAMED and \
                following is not None and following[2][:1].isupper():
            return word[:1].upper() + word[1:]  # « un roman intitulé death March »
        return None

    def _announcer(self, word: str, index: int, words, text: str) -> str | None:
        """« avec Le Titre With you », « à La Liste de lecture Chill Out »: the article and the noun that
        announce a title, capitalised after a lower-case word, are the sentence's, not the title's."""
        lower = word.lower()
        if not (word[:1].isupper() and word[1:].islower()):
            return None
        if lower in _ARTICLES:
            article, noun = index, index + 1
        elif lower in ANNOUNCERS:
            article, noun = index - 1, index
        else:
            return None
        if article < 1 or noun + 1 >= len(words) or words[article][2].lower() not in _ARTICLES or \
                words[noun][2].lower() not in ANNOUNCERS:
            return None
        before, after = words[article - 1], words[noun + 1]
        if not (before[2][:1].islower() and _joined(text, before[1], words[article][0]) and
                _joined(text, words[article][1], words[noun][0]) and _joined(text, words[noun][1], after[0])):
            return None
        if not words[noun][2][:1].isupper():
            return None
        title_follows = after[2][:1].isupper() or after[2] == "de" and noun + 2 < len(words) and \
            words[noun + 2][2] in ("lecture", "télévision")
        return lower if title_follows else None

    @staticmethod
    def _title_goes_on(text: str, small) -> bool:
        """« Fire In the Hole »: after the lower-case small word, the title's next capitalised word."""
        rest = re.match(r"[\s\u00a0]+([^\W\d_])", text[small[1]:])
        return rest is not None and rest.group(1).isupper()

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
