"""The preposition a country or a region takes: « en Russie », « au Japon », « en Iran », « à Lyon ».

French goes to a town or an island with « à » (« à Lyon », « à Malte »), to a feminine
country or region with « en » (« en Belgique », « en Californie »), to a
masculine one with « au » (« au Canada », « au Texas ») — « en » again before
a vowel (« en Iran », « en Ouzbékistan »):

* « à Russie », « a Belgique » → « en »; « à Japon » → « au »;
* « au France » → « en »;
* « en Japon », « en Portugal » → « au »;
* « en Weedsport » → « à »: a name the lexicon does not know, and that does
  not end as a feminine country or region does, is a town;
* « an Afghanistan » → « en »: « an » with no count before it is « en »
  mistyped; « ès » goes before a plural noun (« docteur ès lettres »), not a
  place (« ès Caroline du Nord »);
* a state's name takes its capital: « de république centrafricaine » →
  « République »;
* the article of a country or a region takes its gender: « dans la Wyoming »
  → « le », « le Californie » → « la »;
* a country joined without its article: « dans deux heures et Ouzbékistan »
  → « en », « en Serbie est Monténégro » → « et »;
* « la Forêt Nationale d’Ouachita », « au Parc National des Îles Vierges »:
  the adjective after a place's generic word keeps its lower case.

Grammalecte's lexicon says which names are countries or regions (``#P``)
and their gender; a name that is also a town (``#C``: « Oklahoma », « Paris »)
or a first name, or one followed by another capitalised word or a number
(« à France Télévisions », « à France 2 »), is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.messages import explained

_PLACE = re.compile(r"(?<![\w’'-])(à|a|au|en)[\s\u00a0]+([A-ZÀ-ÖØ-Þ][^\W\d_]+(?:-[A-ZÀ-ÖØ-Þ][^\W\d_]*)*)"
                    r"(?![\w’'-]|[\s\u00a0]+(?:[A-ZÀ-ÖØ-Þ]|\d))")
# Islands and city-states go with « à », whatever their gender (« à Malte », « à Monaco »).
ISLANDS = frozenset({"Malte", "Chypre", "Samoa", "Tonga", "Fidji", "Maurice", "Bahreïn", "Singapour", "Madagascar",
                     "Haïti", "Taïwan", "Jersey", "Guernesey", "Monaco", "Tahiti", "Cuba", "Bali", "Java",
                     "Sumatra", "Majorque", "Minorque", "Nauru", "Tuvalu", "Kiribati", "Palaos",
                     "Vanuatu", "Grenade", "Sainte-Lucie", "Dominique", "Andorre", "Mayotte", "Wallis"})
_VOWEL = re.compile(r"(?i)^[aeiouyàâäéèêëîïôöùûüœ]")
# « an Afghanistan », « ès Caroline du Nord »: « en » typed wrong before a place's name. « an » (a year) is
# counted where it stands (« un an », « par an »); « ès » goes before a plural noun (« docteur ès lettres »).
_EN_MISTYPED = re.compile(r"(?<![\w’'-])(an|ès)[\s\u00a0]+(?=[A-ZÀ-ÖØ-Þ])")
_COUNTED = re.compile(r"(?i)(?:\d|\b(?:un|l[’']|par|nouvel|cet|chaque|dernier|prochain|premier|bel|demi|mon|ton|son|"
                      r"notre|votre|leur|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|cent|mille))"
                      r"[\s\u00a0]*$")
# « dans deux heures et Ouzbékistan », « en Serbie est Monténégro »: a country after « et » or « est » without
# its article.
_BARE_COUNTRY = re.compile(r"(?<![\w’'-])([^\W\d_]+)[\s\u00a0]+(et|est)[\s\u00a0]+([A-ZÀ-ÖØ-Þ][^\W\d_]+)\b"
                           r"(?![\s\u00a0]+[A-ZÀ-ÖØ-Þ\d])")
# « dans la Wyoming », « du Californie »: the article of a country or a region takes its gender.
_PLACE_ARTICLE = re.compile(r"(?<![\w’'-])(le|la|du)[\s\u00a0]+([A-ZÀ-ÖØ-Þ][^\W\d_]+)\b"
                            r"(?![\s\u00a0]+[A-ZÀ-ÖØ-Þ\d]|-)")
# « un restaurant de république centrafricaine »: a state's name takes its capital (« République tchèque »).
_REPUBLIC = re.compile(r"(?<![\w’'-])(république)[\s\u00a0]+(?=(?:centrafricaine|tchèque|dominicaine|"
                       r"démocratique[\s\u00a0]+du[\s\u00a0]+Congo|du[\s\u00a0]+Congo|de[\s\u00a0]+Corée|"
                       r"de[\s\u00a0]+Guinée|de[\s\u00a0]+Moldavie|de[\s\u00a0]+Macédoine)\b)")
# « la Forêt Nationale d’Ouachita », « le Parc National des Écrins »: French capitalises the name's generic
# word, not the adjective after it (« la forêt nationale d’Ouachita », « le parc national des Écrins »).
_GENERIC_ADJECTIVE = re.compile(r"\b(?:Parc|Forêt|Réserve|Monument|Site|Musée|Zone|Route|Bibliothèque)[\s\u00a0]+"
                                r"(National|Nationale|Nationaux|Nationales|Régional|Régionale|Naturel|Naturelle|"
                                r"Historique|Marin|Marine|Départemental|Départementale|Municipal|Municipale)\b"
                                r"(?![\s\u00a0]+[A-Z][a-z]+[\s\u00a0]+(?:Refuge|Park|Forest|Monument|Site))")


class PlaceRules:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, morph: Callable[[str], list[str]]) -> None:
        self._morph = morph  # Grammalecte's spell checker getMorph: ">Russie/:N:f:s#P/*", ...

    def _country(self, name: str) -> str | None:
        """``"f"`` or ``"m"`` for a country or a region (« Russie », « Japon », also a common word « japon »),
        None for a town, a first name or a word."""
        tags = [m.split("/", 2)[1] for m in self._morph(name) if m.count("/") >= 2 and m.lstrip(">")[:1].isupper()]
        if not tags or any("#C" in t or ":M1" in t for t in tags) or not all("#P" in t for t in tags):
            return None
        genders = {g for t in tags for g in ("m", "f") if f":{g}:" in t}
        return genders.pop() if len(genders) == 1 else None

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        issues = []
        for match in _PLACE.finditer(text):
            preposition, name = match.group(1), match.group(2)
            if skip is not None and (skip(match.start(1), match.end(1), preposition) or
                                     skip(match.start(2), match.end(2), name)):
                continue
            gender = self._country(name)
            if gender is None:
                if preposition == "en" and self._town(name):
                    issues.append(_place(match.start(1), match.end(1), preposition, "à", name))
                continue
            due = "en" if gender == "f" or _VOWEL.match(name) else "au"
            if preposition == due or name in ISLANDS and preposition in ("à", "a"):
                continue
            issues.append(_place(match.start(1), match.end(1), preposition, due, name))
        return issues + self._others(text, skip)

    def _town(self, name: str) -> bool:
        """A name the lexicon does not know, in title case, that opens with no vowel (« en Utah ») and does
        not end as a feminine country or region does (« Gambie », « Floride »): a town (« Weedsport »,
        « Custer »), which takes « à », never « en »; an acronym (« en CB ») is not judged."""
        return "-" not in name and name[1:].islower() and not _VOWEL.match(name) and \
            not re.search(r"(?:e|a|es|as)$", name) and not self._morph(name) and not self._morph(name.lower())

    def _others(self, text: str, skip) -> list[Issue]:
        """« an Afghanistan », « ès Caroline du Nord », « deux heures et Ouzbékistan » → « en »; « Serbie est
        Monténégro » → « et »; « la Wyoming » → « le »; « république centrafricaine » → « République »; « la Forêt
        Nationale » → « nationale »."""
        issues = []
        for match in _EN_MISTYPED.finditer(text):
            start, end, word = match.start(1), match.end(1), match.group(1)
            if word == "an" and _COUNTED.search(text[:start]) or skip is not None and skip(start, end, word):
                continue
            place = re.match(r"[^\s\u00a0,.;:!?]+", text[match.end():]).group(0)
            issues.append(_place(start, end, word, "en", place))
        for match in _BARE_COUNTRY.finditer(text):
            before, word, place = match.group(1), match.group(2), match.group(3)
            if self._country(place) is None or skip is not None and skip(match.start(2), match.end(2), word):
                continue
            if word == "et" and before.islower() and before not in ("en", "de", "d"):
                fix = "en"  # « dans deux heures et Ouzbékistan »: a lower-case word, then the country alone
            elif word == "est" and before[:1].isupper() and self._country(before) is not None:
                fix = "et"  # « en Serbie est Monténégro »: two countries joined
            else:
                continue
            issues.append(_place(match.start(2), match.end(2), word, fix, place))
        for match in _PLACE_ARTICLE.finditer(text):
            article, place = match.group(1), match.group(2)
            gender = None if _VOWEL.match(place) else self._country(place)
            if gender is None or (article == "la") == (gender == "f") or \
                    skip is not None and skip(match.start(1), match.end(1), article):
                continue
            fix = ("la" if article == "le" else "de la") if gender == "f" else "le"
            issues.append(_place(match.start(1), match.end(1), article, fix, place, rule="place_article"))
        for match in _REPUBLIC.finditer(text):
            if skip is None or not skip(match.start(1), match.end(1), "république"):
                issues.append(explained(match.start(1), match.end(1), "république", "name_capital", ("République",),
                                        rule="capital", word="République"))
        for match in _GENERIC_ADJECTIVE.finditer(text):
            start, end, word = match.start(1), match.end(1), match.group(1)
            if skip is not None and skip(start, end, word):
                continue
            issues.append(explained(start, end, word, "capital", (word.lower(),), word=word))
        return issues

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)


def _place(start: int, end: int, word: str, fix: str, place: str, *, rule: str = "place_preposition") -> Issue:
    """« {fix} {place} » for ``word``: the preposition or the article a place takes."""
    return explained(start, end, word, "place", (fix,), rule=rule, word=word, fix=fix, place=place)
