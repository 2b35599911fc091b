"""Spelling with Hunspell and the dictionaries LibreOffice and Firefox use, through ``pyenchant``.

French is Debian's ``hunspell-fr-comprehensive`` (Dicollecte's dictionary
in its « toutes variantes » form): it accepts both the classical spellings
and those of the 1990 rectifications approved by the Académie française
(« événement » and « évènement », « connaître » and « connaitre »), so correct
French is never held for the spelling it chose. English — and the English a
French text quotes — is ``hunspell-en-gb``.

Each word of the text is looked up as it is written, then — for the forms
chat text is full of — as its parts: an elided French word (``d’Annecy``,
``qu’il``) is accepted when the word after the apostrophe is, a hyphenated
one (``dites-le-nous``) when every part is. A French text may quote English
(a song, a product, "click and collect"): an English word is accepted there
when it stands in an English phrase — next to another word only the English
dictionary knows, or inside a capitalised title (« Tea and Biscuits ») — so a
lone "sue" for "sur" is still caught, and so is a French word typed without
its accents after a French one (« la gamme de decoration Cosy Home »). A
product's spelling (« iTunes », « eBay ») and a known word behind a French
prefix (« microcoffret ») are words.

Words the caller protects (the brand's, the fan's first name) and protected
spans are skipped before any lookup. Suggestions are ranked by
:mod:`bot.proofreading.suggestions`: accents restored first.

An ``enchant.Dict`` is not thread-safe: the proofreader calls a backend from
one thread at a time (see :class:`bot.proofreading.service.Proofreader`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue, ProofreadingUnavailable
from bot.proofreading.messages import say, translations
from bot.proofreading.suggestions import accent_variants, rank

DICTIONARIES = {"fr": "fr_FR", "en": {"british": "en_GB", "american": "en_US"}}
# Letters, with inner apostrophes and hyphens: "aujourd’hui", "peut-être", "l’équipe".
# A letter run glued to digits (« 1er », « 3e », « A4 », a code) is not a word to look up.
WORD = re.compile(r"(?<![\w])[^\W\d_]+(?:[’'\-][^\W\d_]+)*(?![\w])")
_ELISION = re.compile(r"(?i)^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)[’']")
# A brand's spelling: a lower-case head and a capital inside (« iTunes », « eBay », « iPhone »).
_CAMEL_CASE = re.compile(r"^[a-z]{1,2}[A-Z][a-z]+(?:[A-Z][a-z]*)*$")
# French grammar words after which a word is French, not quoted English (« la gamme de decoration »).
_FRENCH_GRAMMAR_WORDS = frozenset({"de", "du", "des", "le", "la", "les", "un", "une", "au", "aux", "en", "à", "pour",
                                   "sur", "dans", "par", "et", "mon", "ma", "mes", "ton", "ta", "son", "sa", "ses",
                                   "notre", "votre", "nos", "vos", "ce", "cet", "cette", "ces", "très", "plus"})
# French prefixes that make new words of known ones (« microcoffret », « multiprise »).
PREFIXES = ("micro", "mini", "maxi", "méga", "multi", "super", "hyper", "ultra", "anti", "auto", "néo", "semi")


def _dictionary(tag: str):
    try:
        import enchant
    except ImportError as exc:  # pragma: no cover - the lock file installs pyenchant
        raise ProofreadingUnavailable("pyenchant is not installed") from exc
    try:
        return enchant.Dict(tag)
    except enchant.errors.Error as exc:
        raise ProofreadingUnavailable(
            f"no Hunspell dictionary {tag} (apt-get install hunspell-fr-comprehensive hunspell-en-gb)") from exc


class HunspellBackend:
    """Unknown words, with ranked suggestions, for ``fr`` or ``en``."""

    name = "hunspell"

    def __init__(self, language: str, dialect: str = "british", *, accept_english: bool | None = None) -> None:
        tag = DICTIONARIES[language] if language == "fr" else DICTIONARIES["en"][dialect]
        self.language = language
        self.languages = frozenset({language})
        self._dict = _dictionary(tag)
        # French text quoting English words is common; English text quoting French is rarer (and the
        # brand's French words are in its vocabulary).
        if accept_english is None:
            accept_english = language == "fr"
        self._english = _dictionary(DICTIONARIES["en"][dialect]) if accept_english else None
        self._suggested: dict[str, list[str]] = {}

    def known(self, word: str) -> bool:
        """True when the dictionary accepts ``word`` as written, or each of its parts."""
        word = word.replace("’", "'")
        if self._dict.check(word):
            return True
        bare = _ELISION.sub("", word)
        if bare != word:
            return self.known(bare) or (bare[:1].isupper() and self._proper(bare))
        if "-" in word:
            return all(self._dict.check(part) or (self._english and self._english.check(part))
                       for part in word.split("-") if part)
        if word[1:].islower() and word[:1].isupper() and self._dict.check(word.lower()):
            return True
        if _CAMEL_CASE.match(word):
            return True  # a product's name
        lower = word.lower()
        return self.language == "fr" and any(lower.startswith(p) and len(lower) - len(p) >= 3 and
                                             self._dict.check(lower[len(p):]) for p in PREFIXES)

    def _proper(self, word: str) -> bool:
        # "d’Ouachita": an elided capitalised word is a name; it is judged like any capitalised word.
        return self._english is not None and self._english.check(word)

    def english(self, word: str) -> bool:
        """True when the word is English (a French text quoting an English title or phrase)."""
        return self._english is not None and self._english.check(word.replace("’", "'"))

    def suggest(self, word: str) -> list[str]:
        """Ranked replacements: the word with its accents restored when the dictionary knows it (fast),
        else Hunspell's suggestions (tens of milliseconds: remembered for the words seen lately)."""
        restored = [w for w in accent_variants(word) if self._dict.check(w)]
        if restored:
            return restored
        cached = self._suggested.get(word)
        if cached is None:
            try:
                cached = self._dict.suggest(word.replace("’", "'"))
            except Exception:  # enchant raises on some inputs (very long or odd words): no suggestion
                cached = []
            if len(self._suggested) >= 4096:
                self._suggested.clear()
            self._suggested[word] = cached
        return cached

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        tokens = []  # (start, end, word, known in this language, English only)
        for match in WORD.finditer(text):
            word, start, end = match.group(0), match.start(), match.end()
            if skip is not None and skip(start, end, word):
                # Accepted (a brand word); it still tells whether its neighbours are quoted English.
                tokens.append((start, end, word, True, self.english(word) and not self.known(word)))
                continue
            known = self.known(word)
            tokens.append((start, end, word, known, not known and self.english(word)))
        issues = []
        for index, (start, end, word, known, english) in enumerate(tokens):
            if known or (english and self._in_english_phrase(tokens, index, text) and
                         not self._unaccented(tokens, index)):
                continue
            suggestions = rank(word, self.suggest(word))
            issues.append(Issue(start, end, word, say("spelling", self.language, word=word), tuple(suggestions),
                                "spelling", self.name, messages=translations("spelling", word=word)))
        return issues

    def _unaccented(self, tokens: list, index: int) -> bool:
        """« la gamme de decoration Cosy Home »: a lower-case word that is French once its accents are
        restored, after a French grammar word, is French typed without them, not quoted English."""
        word = tokens[index][2]
        if not word.islower() or index == 0:
            return False
        previous = tokens[index - 1]
        return previous[2].lower() in _FRENCH_GRAMMAR_WORDS and \
            any(self._dict.check(w) for w in accent_variants(word) if w != word)

    @staticmethod
    def _in_english_phrase(tokens: list, index: int, text: str = "") -> bool:
        """An English word inside French is quoted English when a neighbour is English too, or a capitalised
        word inside the sentence — a title's (« Tea and Biscuits »)."""
        for j in (index - 1, index + 1):
            if not 0 <= j < len(tokens):
                continue
            if tokens[j][4]:
                return True
            start, _, word = tokens[j][:3]
            if word[:1].isupper() and j > 0 and not re.search(r"[.!?…:]\s*$", text[:start]):
                return True
        return False

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
