"""French proofreading with Grammalecte (Debian's ``python3-grammalecte``), offline.

A virtualenv does not see Debian's dist-packages, so the package is loaded
explicitly from its Debian location (``GRAMMALECTE_PATH`` overrides it).
Typography rules are switched off: chat text is not print, and the safe
typographic fixes are Relais's own (``typography.py``). In the shipped
proofreader Grammalecte checks grammar only: spelling is Hunspell's
(``hunspell.py``), whose dictionary knows more words and more names.

A grammar problem found on a name or a title (a capital inside the
sentence: « à Les Aventures du Joker »), on a word French does not know, or
next to one (« We have a theme song ») is not reported: French grammar does
not bind a quoted title or English phrase.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

from bot.proofreading.base import Issue, ProofreadingUnavailable
from bot.proofreading.messages import grammalecte_translations, say, translations

DEBIAN_PATH = Path("/usr/lib/python3/dist-packages/grammalecte")
_WORD = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*")
_TITLE_ARTICLES = frozenset({"Le", "La", "Les", "L’", "Au", "Aux", "Du", "Des", "Un", "Une"})
_ELIDED = re.compile(r"(?i)^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)’")
_OPENING = re.compile(r"(?:^|[.!?…:;«\"(\n—–-])[\s\u00a0\u202f]*$")
_OFF = {"typo": False, "apos": False, "esp": False, "nbsp": False, "eepi": False, "tu": False, "num": False,
        "unit": False, "latex": False, "md": False, "date": False}


def _load_module():
    if "grammalecte" in sys.modules:
        return sys.modules["grammalecte"]
    path = Path(os.environ.get("GRAMMALECTE_PATH") or DEBIAN_PATH)
    init = path / "__init__.py"
    if not init.exists():
        raise ProofreadingUnavailable(f"grammalecte not found at {path} (apt-get install python3-grammalecte)")
    spec = importlib.util.spec_from_file_location("grammalecte", init, submodule_search_locations=[str(path)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["grammalecte"] = module
    spec.loader.exec_module(module)
    return module


class GrammalecteBackend:
    """French grammar (agreement, conjugation, confusions) and, when asked, Grammalecte's own spelling."""

    name = "grammalecte"
    languages = frozenset({"fr"})

    def __init__(self, *, spelling: bool = True) -> None:
        self._checker = _load_module().GrammarChecker("fr")
        engine = self._checker.getGCEngine()
        engine.setOptions(_OFF)
        self.spelling = spelling
        self._speller = self._checker.getSpellChecker()

    def morph(self, word: str) -> list[str]:
        """Grammalecte's morphologies of ``word`` (``[">liste/:N:f:s/*", …]``), empty when unknown."""
        return self._speller.getMorph(word)

    def _foreign(self, word: str) -> bool:
        """A word French does not know (« have », « astronauts »); elided and hyphenated forms by their parts."""
        word = _ELIDED.sub("", word.replace("'", "’"))
        parts = [p for p in word.split("-") if p and p.lower() != "t"]
        return any(not self._speller.isValid(p) and not self._speller.isValid(p.lower()) for p in parts)

    def _quoted(self, text: str, start: int, end: int) -> bool:
        """The problem lies on a name, a title or quoted English: « à Les Aventures du Joker », « We have a
        theme song »: French grammar does not apply to them."""
        words = list(_WORD.finditer(text[start:end]))
        if any(self._foreign(w.group(0)) for w in words):
            return True
        if any(w.group(0)[:1].isupper() and (start + w.start() > 0 and not _OPENING.search(text[:start + w.start()]))
               for w in words):
            return True
        before = _WORD.findall(text[:start])[-1:]
        after = _WORD.findall(text[end:])[:1]
        if after and after[0] in _TITLE_ARTICLES and text[end:].lstrip()[:1] not in ".!?…:;":
            return True  # « à Au cœur de ce pays »: the title's own article
        return any(w[:1].islower() and self._foreign(w) for w in before + after)

    def check_sync(self, text: str) -> list[Issue]:
        grammar, spelling = self._checker.getParagraphErrors(text, bSpellSugg=self.spelling)
        issues = [Issue(e["nStart"], e["nEnd"], text[e["nStart"]:e["nEnd"]], e["sMessage"],
                        tuple(e.get("aSuggestions") or ()), e.get("sRuleId", ""), self.name,
                        grammalecte_translations(e["sMessage"], e.get("sType", ""))) for e in grammar
                  if not self._quoted(text, e["nStart"], e["nEnd"])]
        if self.spelling:
            issues += [Issue(e["nStart"], e["nEnd"], e["sValue"], say("spelling", "fr", word=e["sValue"]),
                             tuple(e.get("aSuggestions") or ()), "spelling", self.name,
                             translations("spelling", word=e["sValue"])) for e in spelling]
        return sorted(issues, key=lambda i: i.start)

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
