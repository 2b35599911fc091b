"""Builds the French n-gram model (``data/fr_ngrams.tsv.gz``) from French text Debian ships.

The text is prose a French reader trusts, installed by Debian packages:

* ``stardict-xmlittre`` — the Littré dictionary (public domain): its
  definitions, examples and quotations, about 12 million words;
* ``libreoffice-help-fr`` — LibreOffice's French help, instructions in today's
  French (« Ajoutez la liste… », « Cliquez sur… »), about 0.9 million words;
* ``gimp-help-fr``, ``debian-reference-fr``, ``debian-handbook``,
  ``developers-reference-fr`` — manuals in today's French, about 0.7 million
  words together.

Whatever of them is installed is read; the model file is written with the
counts :class:`bot.proofreading.ngrams.NgramModel` needs, and nothing else:
how often each word occurs (words seen once become ``<UNK>``), and for each
target word — the grammar words that typing confuses and the words one
letter away from them — the pairs and triples it stands in, each seen at
least twice. The file ships with
Relais (``data/fr_ngrams.npz``); rebuild it, with those packages installed,
with::

    .venv/app/bin/python -m bot.proofreading.corpus
"""

from __future__ import annotations

import argparse
import glob
import gzip
import html
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.proofreading.ngrams import MODEL_FILE, TARGETS, UNK, one_letter_away, sentences

log = logging.getLogger("relais.proofreading.corpus")

LITTRE = Path("/usr/share/stardict/dic/XMLittre.dict.dz")
LIBREOFFICE_HELP = Path("/usr/share/libreoffice/help/fr")
GIMP_HELP = Path("/usr/share/gimp/2.0/help/fr")
DEBIAN_REFERENCE = Path("/usr/share/debian-reference")
DEBIAN_HANDBOOK = Path("/usr/share/doc/debian-handbook/html/fr-FR")
DEVELOPERS_REFERENCE = Path("/usr/share/developers-reference/fr")
_TAG = re.compile(r"<[^>]+>")
_CODE = re.compile(r"(?is)<(script|style|pre|code|tt)\b[^>]*>.*?</\1>")
# A quotation's reference in the Littré: « …texte ,  RACINE ,  Brit. V, 7 . »
_REFERENCE = re.compile(r"\s,\s{2}[A-ZÉÈÀÇ][^\n]*$", re.M)
MIN_COUNT = 2


def littre() -> Iterator[str]:
    if not LITTRE.exists():
        return
    text = gzip.open(LITTRE).read().decode("utf-8", "replace")  # dictzip is gzip
    for entry in text.split("\n\n"):
        yield _REFERENCE.sub(" .", html.unescape(_TAG.sub(" ", entry)))


def html_pages(pattern: str) -> Iterator[str]:
    for name in sorted(glob.glob(pattern, recursive=True)):
        page = Path(name).read_text(encoding="utf-8", errors="replace")
        yield html.unescape(_TAG.sub(" ", _CODE.sub(" . ", page)))


def texts() -> Iterator[str]:
    """Every French text installed, as plain text."""
    yield from littre()
    yield from html_pages(f"{LIBREOFFICE_HELP}/**/*.html")
    yield from html_pages(f"{GIMP_HELP}/**/*.html")
    yield from html_pages(f"{DEBIAN_REFERENCE}/*.fr.html")
    yield from html_pages(f"{DEBIAN_HANDBOOK}/*.html")
    yield from html_pages(f"{DEVELOPERS_REFERENCE}/*.html")


def targets(vocabulary: Iterable[str]) -> frozenset[str]:
    """The grammar words, and every known word one letter away from one of them."""
    known = set(vocabulary)
    near = {w for target in TARGETS for w in one_letter_away(target) if w in known}
    return frozenset(TARGETS | near)


def count(documents: Iterable[str]) -> tuple[list[str], Counter, Counter, Counter, frozenset[str]]:
    corpus = [words for document in documents for words in sentences(document)]
    raw = Counter(w for words in corpus for w in words)
    log.info("%d sentences, %d words", len(corpus), sum(raw.values()))
    known = {w for w, n in raw.items() if n >= MIN_COUNT}
    wanted = targets(w for w in known if not w.startswith("<"))
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    trigrams: Counter = Counter()
    for words in corpus:
        seq = ["<s>"] + [w if w in known else UNK for w in words] + ["</s>"]
        unigrams.update(seq)
        bigrams.update((a, b) for a, b in zip(seq, seq[1:]) if a in wanted or b in wanted)
        trigrams.update((a, b, c) for a, b, c in zip(seq, seq[1:], seq[2:]) if b in wanted)
    vocabulary = sorted(unigrams)
    return vocabulary, unigrams, bigrams, trigrams, wanted


def write(path: Path, vocabulary: list[str], unigrams: Counter, bigrams: Counter, trigrams: Counter,
          wanted: frozenset[str]) -> None:
    import numpy as np

    ids = {w: i for i, w in enumerate(vocabulary)}
    size = len(vocabulary)
    pairs = sorted((ids[a] * size + ids[b], n) for (a, b), n in bigrams.items() if n >= MIN_COUNT)
    triples = sorted(((ids[a] * size + ids[b]) * size + ids[c], n) for (a, b, c), n in trigrams.items()
                     if n >= MIN_COUNT)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        np.savez_compressed(
            out, vocabulary=np.array(vocabulary), unigrams=np.array([unigrams[w] for w in vocabulary], np.uint32),
            bigram_keys=np.array([k for k, _ in pairs], np.int64), bigram_counts=np.array([n for _, n in pairs],
                                                                                         np.uint32),
            trigram_keys=np.array([k for k, _ in triples], np.int64),
            trigram_counts=np.array([n for _, n in triples], np.uint32), targets=np.array(sorted(wanted)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not LITTRE.exists() and not LIBREOFFICE_HELP.exists():
        log.error("no French text installed (apt-get install stardict-xmlittre libreoffice-help-fr)")
        return 1
    vocabulary, unigrams, bigrams, trigrams, wanted = count(texts())
    write(args.out, vocabulary, unigrams, bigrams, trigrams, wanted)
    log.info("wrote %s (%d KiB)", args.out, args.out.stat().st_size // 1024)
    return 0


if __name__ == "__main__":
    sys.exit(main())
