"""What the proofreader never flags: the brand's own words and the things a chat message is full of.

Two kinds of protection, shared by every backend:

* **spans** found by pattern in the text itself — URLs, e-mail addresses,
  order numbers, ``#hashtags``, ``@handles``, emoji and ``{variables}`` — are
  skipped whole;
* **words** — the brand's name, its ``vocabulary`` list (products, places,
  partners), the words of its signature, and the fan's first name — are
  accepted however they are capitalised, alone or inside a hyphenated or
  elided form (``Brindille``, ``l’équipe Maison Brindille``). The grammar
  words inside a name (« rue *de la* Monnaie ») are not names: they are
  still read, so « des » for « de » or « the » for « The » is still caught.

:func:`brand_words` is built once per version of ``brand.yml``: the Brand
object :func:`bot.brand.current_brand` returns changes only when the file
does, so the list is rebuilt exactly when the brand edits it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from bot.brand import Brand

# Ordered from the most specific; each match is protected whole.
PROTECTED_SPANS = re.compile(
    r"(?:https?://|www\.)\S+?(?=[.,;:!?)»”]*(?:\s|$))"  # a URL, without the punctuation after it
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail, before @handle
    r"|(?<![\w@])@\w+"  # @handle
    r"|(?<![\w&#])#\w+"  # #hashtag
    r"|\b[A-Z]{2,4}-\d{3,}\b|\bBR[- ]?\d{6}\b"  # order numbers (BR-204518 and alike)
    r"|\{\w+\}"  # a template variable left unfilled
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+"  # emoji
)
_SPLIT = re.compile(r"[^\w]+")
# Grammar words of both languages: a part of a name (« rue de la Monnaie », « The Maison Brindille team »)
# but never a name of their own, and words the checkers must still read (« de » for « des », « the » for « The »).
GRAMMAR_WORDS = frozenset("""
le la les l un une des du de d au aux à a en et ou où sur sous dans par pour avec chez ce cet cette ces
mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs qui que qu ne n se s il elle on nous vous ils elles
the a an of and or in on at to for by with from is are our your my his her its their
""".split())


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` that are never proofread."""
    return [(m.start(), m.end()) for m in PROTECTED_SPANS.finditer(text)]


def _normalise(word: str) -> str:
    return word.casefold().replace("’", "'")


@dataclass(frozen=True)
class Vocabulary:
    """A set of accepted words, compared without case and with either apostrophe."""

    words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, words: Iterable[str]) -> "Vocabulary":
        out = set()
        for entry in words:
            entry = _normalise(str(entry).strip())
            if entry and entry not in GRAMMAR_WORDS:
                out.add(entry)
                out.update(part for part in _SPLIT.split(entry) if part and part not in GRAMMAR_WORDS)
        return cls(frozenset(out))

    def __or__(self, other: "Vocabulary") -> "Vocabulary":
        return Vocabulary(self.words | other.words)

    def accepts(self, word: str) -> bool:
        """True when ``word``, or every part of a hyphenated/elided ``word``, is in the list."""
        word = _normalise(word)
        if word in self.words:
            return True
        word = re.sub(r"^(?:[a-z]|qu|jusqu|lorsqu|puisqu)'", "", word)  # l'Brindille → brindille
        word = re.sub(r"'s$", "", word)  # Brindille's
        parts = [p for p in _SPLIT.split(word) if p]
        return bool(parts) and all(p in self.words for p in parts)


_CACHE: dict[int, tuple[Brand, Vocabulary]] = {}
_LOCK = threading.Lock()


def brand_words(brand: Brand) -> Vocabulary:
    """The brand's protected words, built once per loaded version of the brand file."""
    with _LOCK:
        cached = _CACHE.get(id(brand))
        if cached is not None and cached[0] is brand:
            return cached[1]
        vocabulary = Vocabulary.of(brand.protected_words)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[id(brand)] = (brand, vocabulary)
        return vocabulary
