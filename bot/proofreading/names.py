"""The articles and prepositions around a name or a title: French gives a name the article its number wants.

A name or a title (a run of capitalised words: « Hollywood Bowl », « Top 100
Alternative Tracks », « The Comedian ») is read as a whole; its last word says
whether it is plural:

* **« aux » or « des » before one name of several words** — « Monty Python
  Live aux Hollywood Bowl », « l’horaire des Cheers Bar »: « au », « de » (a
  plural name, « aux États-Unis », « des Beatles », « des Hauts-de-France »,
  acronyms and words in capitals, « des RTT », and a family's name, « chez
  les Dupont », « la conférence des Nobel », keep them);
* **« au » before an English plural** — « au Top 100 Alternative Tracks »: « aux »;
* **a contracted article before an English title's article** — « l’horaire
  du The Comedian »: « de The Comedian », « à The Bar »;
* **« de » before places and the name they bear** — « l’horaire de cinémas
  Star »: the named ones, « des cinémas Star »;
* **a work « à » a person** — « un microalbum à Mike Harding »: a song, an
  album or a book is « de » its author;
* **« pas » between a noun and a name** — « cette piste pas Paul McGuigan »:
  « par »;
* **« la livre » before a title** — « chercher la livre Deux têtes folles »:
  the book, « le livre »;
* **an adjective after a plural name** — « les Îles Vierges américaine »: it
  takes the name's plural (« américaines »).

Word classes come from Grammalecte's lexicon (its ``getMorph`` morphologies);
whether a word is English comes from the English dictionary the French
spelling backend keeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.messages import explained
from bot.proofreading.ngrams import tokens
from bot.proofreading.sequences import PHRASE_OPENERS, QUANTITY_WORDS, word_classes

# A name or a title: capitalised words, with numbers inside (« Top 100 Alternative Tracks »).
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w&’'-]*(?:\.[\w&’'-]+)*"  # « Hollywood », « Last.fm »
NAME_RUN = rf"{_NAME_WORD}(?:[\s\u00a0]+(?:{_NAME_WORD}|\d+))*"
_ARTICLE_BEFORE_NAME = re.compile(r"(?<![\w’'-])(aux|des|au)[\s\u00a0]+(?=[A-ZÀ-ÖØ-Þ])")
_TITLE_ARTICLE = re.compile(r"(?<![\w’'-])(du|au|des|aux)[\s\u00a0]+(?=(?:The|An)[\s\u00a0]+[A-Z])")
_UNCONTRACTED = {"du": "de", "des": "de", "au": "à", "aux": "à"}
# « chercher la livre Deux têtes folles »: before a title, « livre » is the book (« le »), not the pound.
_BOOK_TITLE = re.compile(r"(?<![\w’'-])(la)[\s\u00a0]+livre[\s\u00a0]+(?=[A-ZÀ-ÖØ-Þ])(?!Sterling)")
_PLURAL_NAME_ADJECTIVE = re.compile(r"(?<![\w’'-])les[\s\u00a0]+[A-ZÀ-ÖØ-Þ][^\W\d_]*s[\s\u00a0]+"
                                    r"[A-ZÀ-ÖØ-Þ][^\W\d_]*s[\s\u00a0]+([a-zàâéèêëîïôûùüç][^\W\d_]+)\b")
# Words naming a work (a song, an album, a book): « de » its author, never « à ».
WORKS = frozenset({"chanson", "musique", "mouvement", "morceau", "album", "microalbum", "piste", "mélodie", "film",
                   "livre", "roman", "œuvre", "émission", "série", "tableau", "photographie", "disque", "concerto",
                   "symphonie", "chant", "titre", "single"})
# Places that bear a name (« les cinémas Star », « les boutiques Brindille »).
_PLACES = frozenset({"cinémas", "boutiques", "magasins", "restaurants", "hôtels", "salles", "théâtres", "musées",
                     "cafés", "bars", "librairies", "parcs", "jardins", "gares", "galeries", "ateliers", "cliniques"})


class NameRules:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, morph: Callable[[str], list[str]], english: Callable[[str], bool] | None = None) -> None:
        self._morph = morph  # Grammalecte's spell checker getMorph: ">Mike/:M1:m:i/*", ...
        self._english = english or (lambda word: False)  # True for a word of the English dictionary

    def _tags(self, word: str) -> list[str]:
        return word_classes(self._morph, word)

    def _first_name(self, word: str) -> bool:
        return any(":M1" in t for t in self._tags(word))

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        issues = self._articles(text) + self._words(text)
        for match in _PLURAL_NAME_ADJECTIVE.finditer(text):
            adjective = match.group(1)
            tags = self._tags(adjective)
            if tags and all(":A" in t and ":s" in t for t in tags) and not adjective.endswith(("s", "x")):
                issues.append(explained(match.start(1), match.end(1), adjective, "plural_name", (adjective + "s",),
                                          word=adjective))
        if skip is not None:
            issues = [i for i in issues if not skip(i.start, i.end, i.word)]
        return sorted(issues, key=lambda i: i.start)

    def _articles(self, text: str) -> list[Issue]:
        issues = []
        for match in _ARTICLE_BEFORE_NAME.finditer(text):
            article = match.group(1)
            name = re.match(NAME_RUN, text[match.end():]).group(0).split()
            plural = any(part[-1:] in ("s", "x") for w in name for part in re.split(r"[-’']", w))
            if all(w.isupper() for w in name):
                continue  # an acronym (« des RTT ») or words in capitals (« des FOURNITURES »): no number written
            if article in ("aux", "des") and not plural and len(name) > 1 and \
                    not _TITLE_ARTICLE.match(text, match.start()):
                fix = "au" if article == "aux" else "de"
            elif article == "au" and len(name) > 1 and self._english_plural(name[-1]):
                fix = "aux"
            else:
                continue
            issues.append(explained(match.start(1), match.end(1), article, "name_number", (fix,), fix=fix,
                                      name=" ".join(name)))
        for match in _BOOK_TITLE.finditer(text):
            issues.append(explained(match.start(1), match.end(1), "la", "book_title", ("le",)))
        for match in _TITLE_ARTICLE.finditer(text):
            article = match.group(1)
            fix = _UNCONTRACTED[article]
            issues.append(explained(match.start(1), match.end(1), article, "title_article", (fix,), fix=fix))
        return issues

    def _english_plural(self, word: str) -> bool:
        """« Tracks »: an English plural the French lexicon does not know (« Texas », « Kansas » it does)."""
        return word.endswith("s") and not self._morph(word) and self._english(word) and self._english(word[:-1])

    def _words(self, text: str) -> list[Issue]:
        words = list(tokens(text))
        issues = []
        for index, (start, end, token) in enumerate(words[1:-1], start=1):
            previous, after = words[index - 1][2], words[index + 1][2]
            before = words[index - 2][2] if index > 1 else ""
            then = words[index + 2][2] if index + 2 < len(words) else ""
            if token == "de" and after in _PLACES and then[:1].isupper() and previous.lower() not in QUANTITY_WORDS:
                issues.append(explained(start, end, token, "named_plural", ("des",), noun=f"{after} {then}"))
            elif token == "à" and previous.lower() in WORKS and self._first_name(after) and then[:1].isupper():
                issues.append(explained(start, end, token, "work_of", ("de",), work=previous))
            elif token == "pas" and previous.islower() and any(":N" in t for t in self._tags(previous)) and \
                    before.lower() in PHRASE_OPENERS and after[:1].isupper():
                issues.append(explained(start, end, token, "pas_for_par", ("par",), name=after))
        return issues

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
