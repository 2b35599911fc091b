"""The preposition a country or a region takes: « en Russie », « au Japon », « en Iran », « à Lyon ».

French goes to a town or an island with « à » (« à Lyon », « à Malte »), to a feminine
country or region with « en » (« en Belgique », « en Californie »), to a
masculine one with « au » (« au Canada », « au Texas ») — « en » again before
a vowel (« en Iran », « en Ouzbékistan »):

* « à Russie », « a Belgique » → « en »; « à Japon » → « au »;
* « au France » → « en »;
* « en Japon », « en Portugal » → « au ».

Grammalecte's lexicon says which names are countries or regions (``#P``)
and their gender; a name that is also a town (``#C``: « Oklahoma », « Paris »)
or a first name, or one followed by another capitalised word or a number
(« à France Télévisions », « à France 2 »), is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.messages import say, translations

_PLACE = re.compile(r"(?<![\w’'-])(à|a|au|en)[\s\u00a0]+([A-ZÀ-ÖØ-Þ][^\W\d_]+(?:-[A-ZÀ-ÖØ-Þ][^\W\d_]*)*)"
                    r"(?![\w’'-]|[\s\u00a0]+(?:[A-ZÀ-ÖØ-Þ]|\d))")
# Islands and city-states go with « à », whatever their gender (« à Malte », « à Monaco »).
ISLANDS = frozenset({"Malte", "Chypre", "Samoa", "Tonga", "Fidji", "Maurice", "Bahreïn", "Singapour", "Madagascar",
                     "Haïti", "Taïwan", "Jersey", "Guernesey", "Monaco", "Tahiti", "Cuba", "Bali", "Java",
                     "Sumatra", "Majorque", "Minorque", "Nauru", "Tuvalu", "Kiribati", "Palaos",
                     "Vanuatu", "Grenade", "Sainte-Lucie", "Dominique", "Andorre", "Mayotte", "Wallis"})
_VOWEL = re.compile(r"(?i)^[aeiouyàâäéèêëîïôöùûüœ]")


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
                continue
            due = "en" if gender == "f" or _VOWEL.match(name) else "au"
            if preposition == due or name in ISLANDS and preposition in ("à", "a"):
                continue
            fields = {"word": preposition, "fix": due, "place": name}
            issues.append(Issue(match.start(1), match.end(1), preposition, say("place", "fr", **fields), (due,),
                                "place_preposition", self.name, translations("place", **fields)))
        return issues

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
