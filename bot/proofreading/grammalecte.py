"""French proofreading with Grammalecte (Debian's ``python3-grammalecte``), offline.

A virtualenv does not see Debian's dist-packages, so the package is loaded
explicitly from its Debian location (``GRAMMALECTE_PATH`` overrides it).

Grammalecte's options, as its own settings name them:

* **off** — typography (typographic signs, apostrophes, spaces, non-breaking
  spaces, units, large numbers, ligatures, chemistry, LaTeX/Markdown,
  final punctuation) and its scanning-error rules: chat text is not print,
  and the safe typographic fixes are Relais's own (``typography.py``);
* **on** — every grammar option (agreement, conjugation, infinitive,
  imperative, questions, participles, verb moods, confusions, set phrases,
  elisions), hyphens (« dites le nous » → « dites-le-nous »), the validity of
  dates (« le 31 avril »), and the popular-usage, pleonasm, comma and
  capitals rules; the dropped « ne » of spoken French too, which Grammalecte
  leaves off by default.

Its rule families are split the way it labels them: grammar, set phrases,
hyphens, elisions and dates are **blocking** mistakes; popular usage,
pleonasms, negation, commas, capitals and repetitions are **advice**
(:attr:`bot.proofreading.base.Issue.blocking`). In the shipped proofreader
Grammalecte checks grammar only: spelling is Hunspell's (``hunspell.py``).

A grammar problem found on a name or a title (a capital inside the sentence:
« offert par Les Jardins de Mona »), on a word French does not know, or next
to one (« notre offre Back to School ») is not reported: French grammar does
not bind a name or quoted English, and an unknown word is the spelling
checker's to report.
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
_ELIDED = re.compile(r"(?i)^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)’")
_OPENING = re.compile(r"(?:^|[.!?…:;«\"(\n—–-])[\s\u00a0\u202f]*$")
# Typography and scanning errors off; every grammar and style option on (see the module's docstring).
OPTIONS = {"typo": False, "apos": False, "esp": False, "tab": False, "nbsp": False, "eepi": False, "num": False,
           "unit": False, "liga": False, "chim": False, "latex": False, "md": False, "html": False,
           "poncfin": False, "mapos": False, "ocr": False, "idrule": False,
           "conf": True, "loc": True, "gn": True, "infi": True, "conj": True, "ppas": True, "imp": True,
           "inte": True, "vmode": True, "eleu": True, "tu": True, "date": True,
           "bs": True, "pleo": True, "neg": True, "virg": True, "maj": True, "minis": True}
# Rule families (an error's ``sType``) that flag wording rather than a mistake.
ADVICE = frozenset({"bs", "pleo", "neg", "virg", "maj", "minis", "redon1", "redon2", "mc"})


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
    """French grammar (agreement, conjugation, confusions, set phrases) and, when asked, Grammalecte's own
    spelling."""

    name = "grammalecte"
    languages = frozenset({"fr"})

    def __init__(self, *, spelling: bool = True) -> None:
        self._checker = _load_module().GrammarChecker("fr")
        engine = self._checker.getGCEngine()
        engine.setOptions(OPTIONS)
        self.spelling = spelling
        self._speller = self._checker.getSpellChecker()

    def _foreign(self, word: str) -> bool:
        """A word French does not know (« have », « astronauts »); elided and hyphenated forms by their parts."""
        word = _ELIDED.sub("", word.replace("'", "’"))
        parts = [p for p in word.split("-") if p and p.lower() != "t"]
        return any(not self._speller.isValid(p) and not self._speller.isValid(p.lower()) for p in parts)

    def _quoted(self, text: str, start: int, end: int) -> bool:
        """The problem lies on a name, a title or quoted English (« offert par Les Jardins de Mona »,
        « notre offre Back to School »): French grammar does not apply to them."""
        words = list(_WORD.finditer(text[start:end]))
        if any(self._foreign(w.group(0)) for w in words):
            return True
        if any(w.group(0)[:1].isupper() and (start + w.start() > 0 and not _OPENING.search(text[:start + w.start()]))
               for w in words):
            return True
        before = _WORD.findall(text[:start])[-1:]
        after = _WORD.findall(text[end:])[:1]
        return any(w[:1].islower() and self._foreign(w) for w in before + after)

    def check_sync(self, text: str) -> list[Issue]:
        grammar, spelling = self._checker.getParagraphErrors(text, bSpellSugg=self.spelling)
        issues = [Issue(e["nStart"], e["nEnd"], text[e["nStart"]:e["nEnd"]], e["sMessage"],
                        tuple(e.get("aSuggestions") or ()), e.get("sRuleId", ""), self.name,
                        grammalecte_translations(e["sMessage"], e.get("sType", "")),
                        blocking=e.get("sType", "") not in ADVICE) for e in grammar
                  if not self._quoted(text, e["nStart"], e["nEnd"])]
        if self.spelling:
            issues += [Issue(e["nStart"], e["nEnd"], e["sValue"], say("spelling", "fr", word=e["sValue"]),
                             tuple(e.get("aSuggestions") or ()), "spelling", self.name,
                             translations("spelling", word=e["sValue"])) for e in spelling]
        return sorted(issues, key=lambda i: i.start)

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
