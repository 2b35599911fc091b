"""French words of count, score and degree that are words, but not where they stand.

* **« ans » without a count** — « réserver ans 2 jours », « livré ans 1
  semaine »: « ans » follows a number (« 18 ans »), a determiner (« les
  ans ») or a quantity (« quelques ans »); before a number with none of
  those, it is « dans » typed short;
* **a score out of a scale** — « Attribuer à ce livre un 4 par 6 », « donner
  cinq points pour 6 », « deux sue 6 »: between a score and its scale French
  writes « sur » (« 4 sur 5 »); judged only when the sentence gives a score (a
  verb of rating, or « étoile », « point », « note »), the first number no
  larger than the second, so « 3 pour 2 » in an offer is not questioned;
* **a score's article** — « Donner une note des 1 sur 6 »: « de 1 sur 6 »;
* **a score is given to the work** — « Donner du livre en cours 4 étoiles »,
  « attribuer des albums 3 points »: before the score, « au », « aux »,
  « à la »;
* **a number is masculine** — « attribuer une 1 », « je mets une 4 »: a
  number standing alone (the score, no noun after it) takes « un »;
* **« plus » before an adjective** — « le cinéma le près proche », « la
  mélodie la près récente », « la plu proche »: after an article and before
  an adjective, the superlative's « plus »; and after its noun the
  superlative takes the article (« le cinéma ce plus proche », « au cinéma de
  plus proche » → « le »), the noun's (« au cinéma la plus proche » → « le »).

Word classes come from Grammalecte's lexicon, as for :mod:`bot.proofreading.french`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.messages import say, translations
from bot.proofreading.ngrams import number_word

_SPACE = r"[\s\u00a0\u202f]+"
_NUMBER = r"(?:\d+|zéro|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|cent)"
# Words after which « ans » is the noun (« les ans », « quelques ans », « des ans »).
_COUNTS = frozenset({"les", "des", "mes", "tes", "ses", "nos", "vos", "leurs", "ces", "aux", "quelques",
                     "plusieurs", "nombreux", "certains", "tous", "deux", "cent", "mille", "nouveaux", "bons"})
_ANS = re.compile(rf"(?i)(?<![\w’'-])(ans)(?={_SPACE}(?:\d|{_NUMBER}\b|une?\b|quelques\b|le\b|la\b|les\b))")
_WORD_BEFORE = re.compile(r"([^\W_]+)[\s\u00a0\u202f]*$")
# A score and its scale joined by the wrong word: « 4 par 6 », « cinq points pour 6 », « deux sue 6 ».
_SCORE = re.compile(rf"(?i)(?<![\w’'-])({_NUMBER}){_SPACE}(?:(?:points?|étoiles?){_SPACE})?"
                    rf"(par|pour|sous|sue|sus|sut|su|dur|sir|de){_SPACE}(\d+|cinq|six|dix|vingt)\b"
                    rf"(?!{_SPACE}?(?:%|pour{_SPACE}cent|cents?\b|€|euros?\b|[hH]\b|heures?\b|jours?\b|ans?\b|"
                    rf"mois\b|semaines?\b|minutes?\b|personnes?\b|articles?\b|commandes?\b|produits?\b))")
_RATING = re.compile(r"(?i)\b(?:attribu\w*|donn\w*|not(?:e[rsz]?|ée?s?|ons|ation)|mett\w*|mets|mis|évalu\w*|"
                     r"étoiles?|points?)\b")
_VALUES = {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "cent": 100}
# « une 1 . », « une 4 sur 5 »: a number alone (no noun after it) after « une ».
_FEMININE_NUMBER = re.compile(rf"(?i)(?<![\w’'-])(une){_SPACE}(?=\d+(?:{_SPACE}?(?:[.!?,;]|$)|{_SPACE}sur\b))")
# « Donner du livre en cours 4 étoiles »: a score is given to the work, « au livre ».
_GIVEN_TO = re.compile(rf"(?i)\b(?:attribuer|attribue[zs]?|donner|donne[zs]?|mettre|mets|mettez){_SPACE}"
                       rf"(du|des|de{_SPACE}la){_SPACE}([^\W\d_]+)")
_SCORE_GIVEN = re.compile(rf"(?i)(?:\b{_NUMBER}|\d){_SPACE}(?:étoiles?|points?|sur{_SPACE}\d+)\b")
_TO = {"du": "au", "des": "aux", "de la": "à la"}
# « le près proche », « la plu proche »: an article, then « près » or « plu » where « plus » is due.
_DEGREE = re.compile(rf"(?i)(?<![\w’'-])(?:le|la|les){_SPACE}(près|plu){_SPACE}([^\W\d_]+)")
# « une note des 1 sur 6 »: a score's article is « de » (« une note de 1 sur 6 »).
_SCORE_ARTICLE = re.compile(rf"(?i)(?<![\w’'-])(des){_SPACE}(?=\d+{_SPACE}?(?:sur|/){_SPACE}?\d+\b)")
# « au cinéma de plus proche »: after its noun and its article, the superlative's article, not « de ».
_OF_MORE = re.compile(rf"(?i)(?<![\w’'-])(?:le|la|les|l[’']|au|aux|du|un|une){_SPACE}?([^\W\d_]+){_SPACE}(de)"
                      rf"{_SPACE}plus{_SPACE}([^\W\d_]+)")
# « au cinéma la plus proche »: a superlative after its noun takes the noun's article (« le plus proche »); a
# noun that completes another (« la salle de cinéma la plus proche ») is not judged.
_SUPERLATIVE_ARTICLE = re.compile(rf"(?i)(?<![\w’'-])(\w+){_SPACE}([^\W\d_]+){_SPACE}(le|la|les){_SPACE}"
                                  rf"(?:plus|plu|moins){_SPACE}([^\W\d_]+)")
# « le cinéma ce plus proche »: after its noun, a superlative takes the article, not « ce ».
_DEMONSTRATIVE = re.compile(rf"(?i)(?<![\w’'-])([^\W\d_]+){_SPACE}(ce|cet|cette|ces){_SPACE}(?:plus|moins)"
                            rf"{_SPACE}([^\W\d_]+)(?:{_SPACE}([^\W\d_]+))?")


def _value(number: str) -> int | None:
    number = number.lower()
    return int(number) if number.isdigit() else _VALUES.get(number)


class QuantityRules:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, morph: Callable[[str], list[str]]) -> None:
        self._morph = morph  # Grammalecte's spell checker getMorph: ">proche/:A:e:s/*", ...

    def _tags(self, word: str) -> list[str]:
        return [m.split("/", 2)[1] for m in self._morph(word.lower()) if m.count("/") >= 2]

    def _adjective(self, word: str) -> bool:
        tags = self._tags(word)
        return any(":A" in t for t in tags) and not any(t.startswith((":G", ":V")) for t in tags)

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        found: list[tuple[int, int, str, str, dict[str, str]]] = []
        for match in _ANS.finditer(text):
            before = _WORD_BEFORE.search(text[:match.start(1)])
            previous = before.group(1).lower() if before else ""
            if previous.isdigit() or number_word(previous) or previous in _COUNTS or previous in ("un", "et"):
                continue  # « 18 ans », « vingt et un ans », « les ans »: the noun
            found.append((match.start(1), match.end(1), "dans", "ans_for_dans", {"word": match.group(1)}))
        if _RATING.search(text):
            for match in _SCORE.finditer(text):
                score, scale = _value(match.group(1)), _value(match.group(3))
                if score is None or scale is None or not 2 <= scale <= 100 or score > scale:
                    continue
                found.append((match.start(2), match.end(2), "sur", "score_scale",
                              {"word": match.group(2), "score": match.group(1), "scale": match.group(3)}))
            for match in _SCORE_ARTICLE.finditer(text):
                found.append((match.start(1), match.end(1), "de", "score_article", {"word": match.group(1)}))
        if _SCORE_GIVEN.search(text):
            for match in _GIVEN_TO.finditer(text):
                score = _SCORE_GIVEN.search(text, match.end())
                if score is None or not any(t.startswith(":N") for t in self._tags(match.group(2))):
                    continue
                if re.search(r"[,;.!?:]|(?<![\w’'-])(?:à|au|aux)(?![\w’'-])", text[match.end():score.start()]):
                    continue  # « donner des livres à lire, et 3 étoiles »: the work is given to someone else
                article = re.sub(_SPACE, " ", match.group(1).lower())
                found.append((match.start(1), match.end(1), _TO[article], "score_given",
                              {"word": match.group(1), "noun": match.group(2)}))
        for match in _FEMININE_NUMBER.finditer(text):
            found.append((match.start(1), match.end(1), "un", "number_gender", {"word": match.group(1)}))
        for match in _DEGREE.finditer(text):
            if not self._adjective(match.group(2)):
                continue
            found.append((match.start(1), match.end(1), "plus", "degree", {"word": match.group(1),
                                                                          "adjective": match.group(2)}))
        for match in _OF_MORE.finditer(text):
            nouns = self._tags(match.group(1))
            if not nouns or not all(t.startswith((":N", ":A")) for t in nouns) or \
                    not self._adjective(match.group(3)) or match.group(1).lower() in ("rien", "chose", "personne"):
                continue  # « rien de plus proche »: « de » after a pronoun
            fix = "les" if any(":p" in t for t in nouns) else "la" if all(":f" in t for t in nouns) else "le"
            found.append((match.start(2), match.end(2), fix, "superlative",
                          {"word": match.group(2), "adjective": match.group(3)}))
        for match in _SUPERLATIVE_ARTICLE.finditer(text):
            opener, noun, article, adjective = (match.group(i) for i in range(1, 5))
            nouns = self._tags(noun)
            if opener.lower() in ("de", "d", "des", "du") or not nouns or \
                    not all(t.startswith(":N") for t in nouns) or not self._adjective(adjective):
                continue
            fix = "les" if all(":p" in t for t in nouns) else "la" if all(":f" in t for t in nouns) else \
                "le" if all(":m" in t for t in nouns) else None
            if fix is None or fix == article.lower() or ":i" in "".join(nouns) or ":e" in "".join(nouns):
                continue
            found.append((match.start(3), match.end(3), fix, "superlative", {"word": article, "adjective": adjective}))
        for match in _DEMONSTRATIVE.finditer(text):
            noun, word, adjective = match.group(1), match.group(2), match.group(3)
            nouns = self._tags(noun)
            if not nouns or not all(t.startswith((":N", ":A")) for t in nouns) or not self._adjective(adjective):
                continue
            following = match.group(4)
            if following and any(t.startswith(":N") for t in self._tags(following)):
                continue  # « ce plus grand bol »: the demonstrative of the next noun
            fix = {"ce": "le", "cet": "le", "cette": "la", "ces": "les"}[word.lower()]
            found.append((match.start(2), match.end(2), fix, "superlative",
                          {"word": word, "adjective": adjective}))
        issues = []
        for start, end, fix, kind, fields in found:
            if skip is not None and skip(start, end, text[start:end]):
                continue
            fix = fix if text[start].islower() else fix[:1].upper() + fix[1:]  # in the case of the word it mends
            issues.append(Issue(start, end, text[start:end], say(kind, "fr", fix=fix, **fields), (fix,), kind,
                                self.name, translations(kind, fix=fix, **fields)))
        return sorted(issues, key=lambda i: i.start)

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
