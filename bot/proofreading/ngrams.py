"""A French word n-gram model around the small words typing turns into other words.

« de » typed « des », « sur » typed « sue », « dans » typed « ans »: every
word is in the dictionary, only its neighbours show the mistake. The model
answers one question — how likely is a word between its two neighbours —
with counts of French text (:mod:`bot.proofreading.corpus` builds
``data/fr_ngrams.npz`` from French text Debian ships; the file ships with
Relais, so nothing is built or fetched at run time).

Counts are kept only where they are needed: how often each word occurs,
and for the *target* words (the grammar words of :data:`TARGETS` and the
words one letter away from them) the pairs and the triples they stand in.
Names and titles (a capitalised word inside a sentence), numbers (in
figures or in words) and rare words are counted as the classes ``<CAP>``, ``<NUM>`` and ``<UNK>``, so a song
title or a town the text never saw still has a meaning: « du <CAP> »,
« à <NUM> ». A pronoun joined to its verb is read as the verb alone
(« fera-t-il » as « fera »).

Probabilities are smoothed towards the shorter context (Dirichlet prior), so
a pair never seen is unlikely, never impossible.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("relais.proofreading.ngrams")

MODEL_FILE = Path(__file__).with_name("data") / "fr_ngrams.npz"
START, END, CAP, NUM, UNK = "<s>", "</s>", "<CAP>", "<NUM>", "<UNK>"

# Grammar words that are forms of one another (gender, number, contraction): a slip of the finger, or of
# agreement, turns one into another, and only the neighbours tell which is meant.
FORMS = (("le", "la", "les", "l'"), ("un", "une"), ("de", "des", "du", "d'"), ("à", "au", "aux"),
         ("ce", "cet", "cette", "ces"), ("mon", "ma", "mes"), ("ton", "ta", "tes"), ("son", "sa", "ses"),
         ("notre", "nos"), ("votre", "vos"), ("leur", "leurs"), ("quel", "quelle", "quels", "quelles"),
         ("tout", "tous", "toute", "toutes"), ("ne", "n'"), ("que", "qu'"), ("se", "s'"), ("me", "m'"),
         ("te", "t'"), ("je", "j'"))
# Words that sound or look alike (a key apart) and are told apart only by their neighbours.
HOMOPHONES = (("a", "à"), ("ou", "où"), ("et", "est"), ("on", "ont"), ("son", "sont"), ("sa", "ça"),
              ("la", "là"), ("se", "ce"), ("ces", "ses"), ("peu", "peut", "peux"), ("dont", "donc", "sont"),
              ("au", "du"), ("près", "prêt"), ("non", "nom"), ("sera", "serra"), ("quand", "quant"),
              ("sur", "sûr"))
# Other grammar words a word one letter away may have been meant as (« sue » for « sur », « ans » for « dans »).
OTHERS = ("dans", "en", "sur", "pour", "par", "sous", "avec", "chez", "vers", "sans", "je", "il", "elle", "ils",
          "elles", "nous", "vous", "qui", "y", "est", "sont", "sera", "seront", "ont", "être", "été", "avoir",
          "ai", "plus", "très", "si", "ni", "mais", "comme", "les", "des", "une", "quoi", "moi", "toi", "lui",
          "eux", "ça", "cela", "ceci", "rien", "fut", "était", "entre", "depuis", "pendant", "contre", "selon",
          "après", "avant", "près")
# Prepositions stand in one another's place: typing or hurrying puts one for another (« frais en port »,
# « numéro à commande », « guide que tailles »), every one of them a word, where another is due.
PREPOSITIONS = ("de", "à", "en", "dans", "sur", "pour", "par", "sous", "avec", "chez", "vers", "que")
PLACE_WORDS: tuple[tuple[str, ...], ...] = (PREPOSITIONS,)
GROUPS: tuple[tuple[str, ...], ...] = FORMS + HOMOPHONES
TARGETS = (frozenset(w for group in GROUPS for w in group) | frozenset(OTHERS)
           | frozenset(w for words in PLACE_WORDS for w in words))

ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})
# A word (letters, inner hyphens and apostrophes, an elided head split off), a number, or a sentence mark.
TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*['’]?|\d+(?:[.,:/h]\d+)*|[.!?;…]+|[,:()«»\"“”]")
_BOUNDARY = re.compile(r"[.!?;…]+")
# A pronoun joined to its verb (« fera-t-il », « dites-le-nous »): the verb alone is what its neighbours see.
_JOINED_PRONOUN = re.compile(r"(?<=\w)(?:-t)?(?:-(?:je|tu|il|elle|on|nous|vous|ils|elles|ce|moi|toi|le|la|les|"
                             r"lui|leur|en|y))+$")


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, token)`` of ``text``, an elided head (« l’ », « qu’ ») a token of its own."""
    for match in TOKEN.finditer(text):
        token, start = match.group(0).replace("’", "'"), match.start()
        head, apostrophe, rest = token.partition("'")
        if apostrophe and head.lower() in ELISIONS:
            yield start, start + len(head) + 1, head + "'"
            if rest:
                yield from ((s + start + len(head) + 1, e + start + len(head) + 1, t)
                            for s, e, t in tokens(rest))
            continue
        yield start, match.end(), token


LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœ'"


def one_letter_away(word: str) -> set[str]:
    """Every string one deletion, insertion, substitution or swap away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    out |= {a + c + b for a, b in splits for c in LETTERS}
    out.discard(word)
    return out


# Numbers in words (« dans dix-neuf heures », « pour quatre ») are numbers: « un » and « une » are not, they
# are articles more often than counts.
NUMBER_WORDS = frozenset({"deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
                          "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante",
                          "cinquante", "soixante", "cent", "cents", "mille"})
_NUMBER_PARTS = NUMBER_WORDS | {"et", "un", "une"}


def number_word(lower: str) -> bool:
    """``lower`` is a number written in words: « deux », « dix-neuf », « vingt-et-un »."""
    parts = lower.split("-")
    return lower in NUMBER_WORDS or len(parts) > 1 and all(p in _NUMBER_PARTS for p in parts) and \
        any(p in NUMBER_WORDS for p in parts)


def normalise(token: str, first: bool) -> str:
    """The model's word for ``token``: lower-cased, or its class (a number, a name or title, a mark)."""
    if token[0].isdigit() or number_word(token.lower()):
        return NUM
    if _BOUNDARY.fullmatch(token):
        return END
    lower = _JOINED_PRONOUN.sub("", token.lower())
    if token[0].isupper() and not first:
        return CAP
    if token.isupper() and len(token) > 1:
        return CAP
    return lower


def sentences(text: str) -> Iterator[list[str]]:
    """The model's words of each sentence of ``text``, as the corpus is counted."""
    words: list[str] = []
    for _, _, token in tokens(text):
        word = normalise(token, not words)
        if word == END:
            if words:
                yield words
            words = []
        elif word not in (",", ":", "(", ")", "«", "»", '"', "“", "”"):
            words.append(word)
    if words:
        yield words


class NgramModel:
    """Counts of words, and of the pairs and triples around target words; the smoothed probabilities
    drawn from them. Pairs and triples are kept as sorted integer keys (``numpy``), so the
    model takes tens of megabytes in memory, not hundreds."""

    def __init__(self, vocabulary: list[str], unigrams, bigram_keys, bigram_counts, trigram_keys,
                 trigram_counts, targets: frozenset[str], mu2: float = 100.0, mu3: float = 5.0) -> None:
        import numpy as np

        self.ids = {word: index for index, word in enumerate(vocabulary)}
        self.size = len(vocabulary)
        self._uni = np.asarray(unigrams, dtype=np.int64)
        self._bi_keys, self._bi_counts = np.asarray(bigram_keys, dtype=np.int64), np.asarray(bigram_counts)
        self._tri_keys, self._tri_counts = np.asarray(trigram_keys, dtype=np.int64), np.asarray(trigram_counts)
        # How often each pair starts a counted triple (the triple's context count).
        pairs, first = np.unique(self._tri_keys // self.size, return_index=True)
        sums = np.add.reduceat(self._tri_counts.astype(np.int64), first) if len(first) else first
        self._pair_keys, self._pair_counts = pairs, sums
        self.targets = targets  # the words whose triples are counted
        self.total = int(self._uni.sum())
        self.mu2, self.mu3 = mu2, mu3
        self._searchsorted = np.searchsorted

    def _find(self, keys, counts, key: int) -> int:
        at = int(self._searchsorted(keys, key))
        return int(counts[at]) if at < len(keys) and keys[at] == key else 0

    def count(self, word: str) -> int:
        index = self.ids.get(word)
        return 0 if index is None else int(self._uni[index])

    def pair(self, first: str, second: str) -> int:
        a, b = self.ids.get(first), self.ids.get(second)
        return 0 if a is None or b is None else self._find(self._bi_keys, self._bi_counts, a * self.size + b)

    def triple(self, first: str, second: str, third: str) -> int:
        a, b, c = self.ids.get(first), self.ids.get(second), self.ids.get(third)
        if a is None or b is None or c is None:
            return 0
        return self._find(self._tri_keys, self._tri_counts, (a * self.size + b) * self.size + c)

    def word(self, token: str, first: bool) -> str:
        """``token`` as the model knows it (rare words become ``<UNK>``)."""
        word = normalise(token, first)
        return word if word in self.ids or word.startswith("<") else UNK

    def p1(self, word: str) -> float:
        return (self.count(word) + 0.5) / (self.total + 0.5 * self.size)

    def p2(self, word: str, before: str) -> float:
        """P(``word`` | ``before``)."""
        return (self.pair(before, word) + self.mu2 * self.p1(word)) / (self.count(before) + self.mu2)

    def p3(self, word: str, first: str, second: str) -> float:
        """P(``word`` | ``first`` ``second``), the triple counted when ``second`` is a target word."""
        a, b = self.ids.get(first), self.ids.get(second)
        context = 0 if a is None or b is None else self._find(self._pair_keys, self._pair_counts, a * self.size + b)
        return (self.triple(first, second, word) + self.mu3 * self.p2(word, second)) / (context + self.mu3)

    def score(self, before: str, word: str, after: str) -> float:
        """log P(``word`` and ``after`` | ``before``): how well the target ``word`` fits between its
        neighbours."""
        return math.log(self.p2(word, before)) + math.log(self.p3(after, before, word))

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "NgramModel":
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            vocabulary = [str(w) for w in data["vocabulary"]]
            model = cls(vocabulary, data["unigrams"], data["bigram_keys"], data["bigram_counts"],
                        data["trigram_keys"], data["trigram_counts"], frozenset(str(w) for w in data["targets"]))
        log.info("French n-gram model: %d words, %d pairs, %d triples", model.size, len(model._bi_keys),
                 len(model._tri_keys))
        return model


_MODEL: NgramModel | None = None
_LOCK = threading.Lock()


def french_model() -> NgramModel:
    """The shipped model, loaded once per process."""
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            _MODEL = NgramModel.load()
        return _MODEL
