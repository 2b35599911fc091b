"""Builds the French n-gram model (``data/fr_ngrams.npz``) from French text Debian ships.

The text is French a French reader trusts, installed by Debian packages
(sizes are words, as counted by :func:`bot.proofreading.ngrams.sentences`):

* ``stardict-xmlittre`` — the Littré dictionary (public domain): its
  definitions, examples and quotations, 19th-century prose, about 12 million
  words;
* apt's French package descriptions (``Translation-fr``, fetched with
  ``apt-get -o Acquire::Languages=fr update``) — what each Debian package is
  for, in today's French, about 1.7 million words;
* the French manual pages (``manpages-fr``, ``manpages-fr-dev``), about
  3 million words;
* the French user interfaces of programs: Firefox's and Thunderbird's
  (``firefox-esr-l10n-fr``, ``thunderbird-l10n-fr``), LibreOffice's
  (``libreoffice-l10n-fr``) and the gettext catalogues of every installed
  program (``/usr/share/locale/fr/LC_MESSAGES``) — menus, buttons and
  messages (« Ajouter à la liste », « Cliquez sur %s pour… », a placeholder
  read as a name), about 0.9 million words;
* manuals in today's French: LibreOffice's help (``libreoffice-help-fr``,
  « Ajoutez la liste… », « Cliquez sur… »), GIMP's, LilyPond's, KiCad's,
  TeXworks's and aptitude's (``gimp-help-fr``, ``lilypond-doc-html-fr``,
  ``kicad-doc-fr``, ``texworks-help-fr``, ``aptitude-doc-fr``), Debian's
  (``debian-reference-fr``, ``debian-handbook``, ``developers-reference-fr``,
  ``debian-faq-fr``, ``maint-guide-fr``, ``debian-edu-doc-fr``) and Ubuntu's
  packaging guide (``ubuntu-packaging-guide-html-fr``), about 3.5 million
  words together (LilyPond's 1.7 million, LibreOffice's 0.9 million).

A sentence with more English words than French ones (a page or a message left
untranslated) is not counted.

Whatever of them is installed is read; the model file is written with the
counts :class:`bot.proofreading.ngrams.NgramModel` needs, and nothing else:
how often each word occurs (words seen once become ``<UNK>``), and for each
target word — the grammar words that typing confuses and the words one
letter away from them — the pairs and triples it stands in, each seen at
least twice. The file ships with Relais (``data/fr_ngrams.npz``); rebuild it,
with those packages installed, with::

    apt-get -o Acquire::Languages=fr update
    apt-get install stardict-xmlittre manpages-fr manpages-fr-dev firefox-esr-l10n-fr thunderbird-l10n-fr \\
        libreoffice-l10n-fr libreoffice-help-fr gimp-help-fr lilypond-doc-html-fr kicad-doc-fr \\
        texworks-help-fr aptitude-doc-fr debian-reference-fr debian-handbook developers-reference-fr \\
        debian-faq-fr maint-guide-fr debian-edu-doc-fr ubuntu-packaging-guide-html-fr
    .venv/app/bin/python -m bot.proofreading.corpus
"""

from __future__ import annotations

import argparse
import gettext
import glob
import gzip
import html
import logging
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bot.proofreading.ngrams import CAP, MODEL_FILE, TARGETS, UNK, one_letter_away, sentences

log = logging.getLogger("relais.proofreading.corpus")

LITTRE = Path("/usr/share/stardict/dic/XMLittre.dict.dz")
LIBREOFFICE_HELP = Path("/usr/share/libreoffice/help/fr")
APT_LISTS = Path("/var/lib/apt/lists")
MANPAGES = Path("/usr/share/man/fr")
LOCALE = Path("/usr/share/locale/fr/LC_MESSAGES")
LIBREOFFICE_UI = Path("/usr/lib/libreoffice/program/resource/fr/LC_MESSAGES")
LANGPACKS = ("/usr/lib/firefox-esr/browser/extensions/langpack-fr@*.xpi",
             "/usr/lib/thunderbird/extensions/langpack-fr@*.xpi")
# Manuals in French, as HTML pages: (package, the pages' glob).
MANUALS = (
    ("libreoffice-help-fr", f"{LIBREOFFICE_HELP}/**/*.html"),
    ("gimp-help-fr", "/usr/share/gimp/2.0/help/fr/**/*.html"),
    ("lilypond-doc-html-fr", "/usr/share/doc/lilypond/html/Documentation/**/*.fr.html"),
    ("kicad-doc-fr", "/usr/share/doc/kicad/help/fr/*.html"),
    ("texworks-help-fr", "/usr/share/texworks-help/fr/**/*.html"),
    ("aptitude-doc-fr", "/usr/share/doc/aptitude/html/fr/*.html"),
    ("debian-reference-fr", "/usr/share/debian-reference/*.fr.html"),
    ("debian-handbook", "/usr/share/doc/debian-handbook/html/fr-FR/*.html"),
    ("developers-reference-fr", "/usr/share/developers-reference/fr/*.html"),
    ("debian-faq-fr", "/usr/share/doc/debian/FAQ/fr/*.html"),
    ("maint-guide-fr", "/usr/share/doc/maint-guide-fr/html/*.html"),
    ("debian-edu-doc-fr", "/usr/share/doc/debian-edu-doc-fr/*manual.html"),
    ("ubuntu-packaging-guide-html-fr", "/usr/share/doc/ubuntu-packaging-guide-html-fr/*.html"),
)
_TAG = re.compile(r"<[^>]+>")
_CODE = re.compile(r"(?is)<(script|style|pre|code|tt|kbd|samp)\b[^>]*>.*?</\1>")
# A quotation's reference in the Littré: « …texte ,  RACINE ,  Brit. V, 7 . »
_REFERENCE = re.compile(r"\s,\s{2}[A-ZÉÈÀÇ][^\n]*$", re.M)
# A placeholder of a user-interface string (« Ajouter %s à la liste », « { $name } », « {0} », « $NAME$ »)
# stands for a name or a number: it is counted as a name.
PLACEHOLDER = "Xplaceholder"
_PLACEHOLDER_WORD = PLACEHOLDER.lower()  # as the first word of a sentence
_PLACEHOLDERS = re.compile(r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t|L)?[sdiufgcxXp@]|%\([^)]*\)[sd]|"
                           r"\{\s*\$?[\w.-]*(?:\([^}]*\))?\s*\}|\$\{?\w+\}?\$?|%\d+|<[^>]+>")
# A menu's access key (« _Fichier », « &Ajouter », « ~Enregistrer »): not part of the word.
_MNEMONIC = re.compile(r"[_&~](?=\w)")
# roff: a macro line, a font or a character escape.
_ROFF_TEXT_MACROS = frozenset({"B", "I", "BR", "RB", "BI", "IB", "RI", "IR", "SM", "SB", "SH", "SS", "IP", "TP", "UR",
                               "MT", "Nm", "Nd", "Pp", "Dl"})
_ROFF_ESCAPE = re.compile(r"\\(?:f(?:\[[^]]*\]|\(..|.)|\(..|\[[^]]*\]|\*(?:\(..|\[[^]]*\]|.)|s[-+]?\d|[,/&:%|^~0 ])")
MIN_COUNT = 2


def littre() -> Iterator[str]:
    if not LITTRE.exists():
        return
    text = gzip.open(LITTRE).read().decode("utf-8", "replace")  # dictzip is gzip
    for entry in text.split("\n\n"):
        yield _REFERENCE.sub(" .", html.unescape(_TAG.sub(" ", entry)))


def html_pages(pattern: str) -> Iterator[str]:
    for name in sorted(glob.glob(pattern, recursive=True)):
        data = Path(name).read_bytes()
        try:
            page = data.decode("utf-8")
        except UnicodeDecodeError:
            page = data.decode("cp1252", "replace")  # older manuals are in Latin-1
        yield html.unescape(_TAG.sub(" ", _CODE.sub(" . ", page)))


def package_descriptions(lists: Path = APT_LISTS) -> Iterator[str]:
    """The French descriptions of Debian's packages (apt's ``Translation-fr`` index), one per package: its
    one-line summary as a sentence, then its long description."""
    for name in sorted(glob.glob(f"{lists}/*_i18n_Translation-fr*")):
        if name.endswith(".diff") or "/partial/" in name:
            continue
        text = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", name], capture_output=True,
                              check=True).stdout.decode("utf-8", "replace")
        for record in text.split("\n\n"):
            head, _, body = record.partition("Description-fr:")
            if not body:
                continue
            summary, _, long = body.partition("\n")
            paragraphs = "\n".join(".\n" if line.strip() == "." else line for line in long.splitlines())
            yield summary.strip() + " .\n" + paragraphs


def roff(text: str) -> str:
    """The prose of a manual page: macro names, font changes and examples (``.nf``/``.EX`` blocks) dropped,
    each paragraph ending a sentence (the summary after the page's name too)."""
    out: list[str] = []
    example = False
    for line in text.splitlines():
        if line.startswith((".nf", ".EX")):
            example = True
            continue
        if line.startswith((".fi", ".EE")):
            example = False
            continue
        if example or line.startswith(('.\\"', "'\\\"", '\\"')):
            continue
        if line.startswith((".", "'")):
            macro, _, rest = line[1:].partition(" ")
            out.append(" .\n")
            if macro in _ROFF_TEXT_MACROS and rest:
                out.append(rest.replace('"', " ") + " .\n")
            continue
        out.append(line + "\n")
    # « ls \\- Afficher le contenu… »: the page's name, then its summary as a sentence of its own.
    prose = _ROFF_ESCAPE.sub("", "".join(out).replace(" \\- ", " .\n"))
    return prose.replace("\\-", "-").replace("\\e", "\\").replace("\\(aq", "'").replace("\\", "")


def manual_pages(root: Path = MANPAGES) -> Iterator[str]:
    for name in sorted(glob.glob(f"{root}/man*/*.gz")):
        yield roff(gzip.open(name).read().decode("utf-8", "replace"))


def interface(message: str) -> str:
    """A user-interface string as prose: access keys dropped, placeholders read as a name."""
    return _PLACEHOLDERS.sub(f" {PLACEHOLDER} ", _MNEMONIC.sub("", html.unescape(message))).replace("\\n", "\n")


def catalogues(pattern: str) -> Iterator[str]:
    """The French messages of gettext catalogues (``.mo``), each message a document of its own."""
    for name in sorted(glob.glob(pattern)):
        try:
            with open(name, "rb") as mo:
                catalogue = gettext.GNUTranslations(mo)._catalog
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            log.warning("%s: %s", name, exc)
            continue
        for key, message in catalogue.items():
            if key and isinstance(message, str) and message.strip():
                yield interface(message)


_FTL_VALUE = re.compile(r"^\s*(?:-?[\w-]+|\.[\w-]+)\s*=\s*(.*)$")
_PROPERTY = re.compile(r"^\s*[^#!\s][^=:]*[=:]\s*(.+)$")
_DTD_ENTITY = re.compile(r'<!ENTITY\s+\S+\s+"([^"]*)"')


def langpacks(patterns: Iterable[str] = LANGPACKS) -> Iterator[str]:
    """The French strings of Mozilla's language packs (Fluent ``.ftl``, ``.properties``, ``.dtd``)."""
    for pattern in patterns:
        for name in sorted(glob.glob(pattern)):
            with zipfile.ZipFile(name) as pack:
                for member in pack.namelist():
                    if not member.endswith((".ftl", ".properties", ".dtd")):
                        continue
                    text = pack.read(member).decode("utf-8", "replace")
                    if member.endswith(".dtd"):
                        values = _DTD_ENTITY.findall(text)
                    else:
                        found = _FTL_VALUE if member.endswith(".ftl") else _PROPERTY
                        values = [m.group(1) for m in map(found.match, text.splitlines()) if m and
                                  not m.group(1).lstrip().startswith(("#", "{ $", "*["))]
                    yield from (interface(v.replace("\\u00a0", " ")) for v in values if v.strip())


# Every source: its name (the Debian package, or the kind of text) and its documents.
SOURCES: tuple[tuple[str, Callable[[], Iterable[str]]], ...] = (
    ("stardict-xmlittre", littre),
    ("Translation-fr", package_descriptions),
    ("manpages-fr", manual_pages),
    ("mozilla langpacks", langpacks),
    ("libreoffice-l10n-fr", lambda: catalogues(f"{LIBREOFFICE_UI}/*.mo")),
    ("gettext catalogues", lambda: catalogues(f"{LOCALE}/*.mo")),
) + tuple((package, lambda pattern=pattern: html_pages(pattern)) for package, pattern in MANUALS)


def texts() -> Iterator[str]:
    """Every French text installed, as plain text."""
    for _, documents in SOURCES:
        yield from documents()


def targets(vocabulary: Iterable[str]) -> frozenset[str]:
    """The grammar words, and every known word one letter away from one of them."""
    known = set(vocabulary)
    near = {w for target in TARGETS for w in one_letter_away(target) if w in known}
    return frozenset(TARGETS | near)


# Words of English and of French that are nothing else: a sentence with more of the first is English (an
# untranslated page or message), and is not counted.
_ENGLISH = frozenset({"the", "of", "and", "to", "is", "in", "for", "this", "that", "with", "be", "it", "you",
                      "by", "from", "not", "can", "which", "if", "will", "your", "all", "has", "have", "was",
                      "when", "there", "used", "should", "these", "its", "we", "they", "at"})
_FRENCH = frozenset({"le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "dans", "pour", "que", "qui",
                     "sur", "par", "au", "aux", "ce", "cette", "sont", "avec", "pas", "ne", "vous", "il", "d'",
                     "l'", "qu'", "être", "ou", "à", "en", "se", "sa", "son", "ses", "nous", "leur", "plus"})


def french(words: list[str]) -> bool:
    """The sentence is French, not English left untranslated."""
    english = sum(w in _ENGLISH for w in words)
    return english == 0 or sum(w in _FRENCH for w in words) > english


def count(documents: Iterable[str]) -> tuple[list[str], Counter, Counter, Counter, frozenset[str]]:
    corpus = [[CAP if w == _PLACEHOLDER_WORD else w for w in words] for document in documents
              for words in sentences(document) if french(words)]
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
