"""The proofreader Relais uses: safe fixes, then the right checker per language, the brand's words accepted.

Without ``LANGUAGETOOL_URL``, the embedded checkers are used: for French
Hunspell's spelling and Grammalecte's grammar; for English Harper. With it,
LanguageTool checks both languages; when it is unavailable (timeout, circuit
open) the embedded checker of that language takes over, so a draft is never
sent unchecked. Each problem is blocking or advice
(:attr:`bot.proofreading.base.Issue.blocking`); :attr:`Checked.blocking`
lists the ones that hold a draft.

A misspelt word one or two letters from one of the brand's words gets that
word as its first suggestion, whichever checker flagged it. Whatever the
checker, nothing protected is flagged: URLs, e-mail addresses, order
numbers, hashtags, @handles and emoji, the fan's first name, and the brand's
own words (``brand.yml``: name, vocabulary, signature). The brand is read
through :func:`bot.brand.current_brand` at each check, so a product
added to ``brand.yml`` is accepted from the next message on, without a
restart.

All the checking of one text runs in one worker thread (``asyncio.to_thread``):
the event loop only awaits it. The checkers are not thread-safe, so each
language's checker serves one text at a time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.brand import Brand, current_brand
from bot.errors import ConfigError
from bot.proofreading.base import Backend, Checked, Issue, ProofreadingUnavailable
from bot.proofreading.protected import Vocabulary, brand_words, protected_spans
from bot.proofreading.suggestions import close_words
from bot.proofreading.typography import apply_safe_fixes

log = logging.getLogger("relais.proofreading")


def french_checker():
    """Hunspell's spelling and Grammalecte's grammar: the French that ships."""
    from bot.proofreading.combined import Combined
    from bot.proofreading.grammalecte import GrammalecteBackend
    from bot.proofreading.hunspell import HunspellBackend

    return Combined("fr", [HunspellBackend("fr"), GrammalecteBackend(spelling=False)])


def english_checker(dialect: str = "british"):
    """Harper, in the brand's English."""
    from bot.proofreading.combined import Combined
    from bot.proofreading.harper import HarperBackend

    return Combined("en", [HarperBackend(dialect)])


def embedded_backends(english_dialect: str = "british") -> dict[str, Backend]:
    return {"fr": french_checker(), "en": english_checker(english_dialect)}


class Proofreader:
    """``await proofreader.check(text, language, first_name=...)`` → the fixed text and what is left."""

    def __init__(self, embedded: dict[str, Backend], remote: Backend | None = None,
                 vocabulary: frozenset[str] = frozenset(),
                 splitter: Callable[[str, str], list[tuple[int, int]]] | None = None, *,
                 brand: Callable[[], Brand] | None = None) -> None:
        from bot.proofreading.combined import Combined

        # Every embedded checker is used through Combined: line by line, protected words skipped.
        self.embedded = {language: b if isinstance(b, Combined) else Combined(language, [b], b.name)
                         for language, b in embedded.items()}
        self.remote = remote
        self.extra = Vocabulary.of(vocabulary)  # words accepted beside the brand's
        self.splitter = splitter  # optional sentence splitter; each sentence is checked on its own
        self._brand = brand
        self._last_brand: Brand | None = None
        self._spelled: tuple[Brand | None, dict[str, str]] = (None, {})
        self._locks = {language: threading.Lock() for language in embedded}

    @classmethod
    def from_env(cls, vocabulary: frozenset[str] = frozenset(), english_dialect: str | None = None, *,
                 brand_path: str | Path | None = None) -> "Proofreader":
        """The shipped proofreader, reading the brand (``RELAIS_BRAND_FILE`` or ``brand.yml``) as it is now."""
        url = os.environ.get("LANGUAGETOOL_URL", "").strip()
        remote = None
        if url:
            from bot.proofreading.languagetool import LanguageToolBackend

            remote = LanguageToolBackend(url, timeout_s=float(os.environ.get("LANGUAGETOOL_TIMEOUT_S", "2")))

        def brand() -> Brand:
            return current_brand(brand_path)

        dialect = english_dialect or brand().english
        return cls(embedded_backends(dialect), remote, vocabulary, brand=brand)

    def vocabulary(self, first_name: str | None = None) -> Vocabulary:
        """The words accepted right now: the current brand's, the extra ones, and the fan's first name."""
        words = self.extra
        if self._brand is not None:
            try:
                self._last_brand = self._brand()
            except (ConfigError, OSError) as exc:  # brand.yml mid-edit: keep the last good version
                log.warning("brand file unreadable (%s); proofreading with its last good version", exc)
            if self._last_brand is not None:
                words = words | brand_words(self._last_brand)
        if first_name:
            words = words | Vocabulary.of([first_name])
        return words

    def _spellings(self) -> dict[str, str]:
        """The brand's words as the brand spells them (« PayPal »), by their lower-case form."""
        brand = self._last_brand
        if brand is None:
            return {}
        if self._spelled[0] is not brand:
            self._spelled = (brand, {w.casefold(): w for entry in brand.protected_words
                                     for w in re.findall(r"[^\W\d_]+", entry)})
        return self._spelled[1]

    def _checked_by(self, backend: Backend, text: str, language: str,
                    skip: Callable[[int, int, str], bool], cache_key=None) -> list[Issue]:
        spans = self.splitter(text, language) if self.splitter is not None else [(0, len(text))]
        issues = []
        for start, end in spans:
            sentence = text[start:end]
            if backend is self.remote:
                found = backend.check_sync(sentence, language)
            else:
                found = backend.check_sync(sentence, skip=lambda s, e, w, o=start: skip(s + o, e + o, w),
                                           cache_key=cache_key)
            issues += [i.moved(start) for i in found]
        return issues

    def check_sync(self, text: str, language: str, first_name: str | None = None, *,
                   safe_fixes: bool = True) -> Checked:
        """What :meth:`check` does, in the calling thread (``safe_fixes=False``: the text checked as it is)."""
        fixed = apply_safe_fixes(text, language) if safe_fixes else text
        base = self.vocabulary(None)
        words = base | Vocabulary.of([first_name]) if first_name else base
        spans = protected_spans(fixed)

        def skip(start: int, end: int, word: str) -> bool:
            if any(s < end and start < e for s, e in spans) or words.accepts(word):
                return True
            whole = _enclosing_word(fixed, start, end)  # « Notre » of « Notre-Dame », split by a checker
            return whole != fixed[start:end] and words.accepts(whole)

        issues: list[Issue] | None = None
        name = ""
        if self.remote is not None and language in self.remote.languages:
            try:
                issues, name = self._checked_by(self.remote, fixed, language, skip), self.remote.name
            except ProofreadingUnavailable as exc:
                log.warning("%s; using the embedded proofreader", exc.public)
        if issues is None:
            backend = self.embedded.get(language)
            if backend is None:
                raise ProofreadingUnavailable(f"no proofreader for language {language!r}")
            # Lines are remembered per set of accepted words (the fan's name counts only where it appears).
            with self._locks.setdefault(language, threading.Lock()):
                issues = self._checked_by(backend, fixed, language, skip, cache_key=(base, first_name or ""))
            name = backend.name
        spelled = self._spellings()
        kept = [with_brand_words(i, words, spelled) for i in issues if not _ignored(i, fixed, skip)]
        return Checked(fixed, kept, name)

    async def check(self, text: str, language: str, *, first_name: str | None = None) -> Checked:
        """Apply the safe fixes, then list what is left to fix (the fan's ``first_name`` is never flagged)."""
        return await asyncio.to_thread(self.check_sync, text, language, first_name)


def _misspelling(issue: Issue) -> bool:
    """A word the checker does not know: Hunspell's and Grammalecte's ``spelling``, Harper's ``Spelling`` and
    ``Typo``, LanguageTool's spelling rules (``MORFOLOGIK_RULE_…``, ``HUNSPELL_RULE``, ``FR_SPELLING_RULE``)."""
    rule = issue.rule.upper()
    return rule in ("SPELLING", "TYPO") or "SPELLING" in rule or rule.startswith(("MORFOLOGIK", "HUNSPELL"))


def with_brand_words(issue: Issue, words: Vocabulary, spelled: dict[str, str] | None = None) -> Issue:
    """A misspelling, with the accepted words one or two letters from it first among its suggestions: a
    misspelt product or place (« Brindile » → « Brindille ») gets the brand's spelling, which no checker's
    dictionary has. The checker's suggestions follow. Any other problem is returned as it is."""
    close = close_words(issue.word, words.words) if _misspelling(issue) else []
    if not close:
        return issue
    spelled = spelled or {}
    close = [spelled.get(c) or (c[:1].upper() + c[1:] if issue.word[:1].isupper() else c) for c in close]
    return replace(issue, suggestions=tuple(dict.fromkeys([*close, *issue.suggestions])))


def _enclosing_word(text: str, start: int, end: int) -> str:
    """The whole hyphenated or elided word that ``text[start:end]`` is part of."""
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "-’'" and start > 1 and
                         text[start - 2].isalpha()):
        start -= 1
    while end < len(text) and (text[end].isalpha() or text[end] in "-’'" and end + 1 < len(text) and
                               text[end + 1].isalpha()):
        end += 1
    return text[start:end]


def _ignored(issue: Issue, text: str, skip: Callable[[int, int, str], bool]) -> bool:
    """A problem on protected text or on accepted words only (a grammar rule tripping on a brand name)."""
    from bot.proofreading.hunspell import WORD

    if skip(issue.start, issue.end, ""):
        return True
    words = [(m.start() + issue.start, m.end() + issue.start, m.group(0))
             for m in WORD.finditer(text[issue.start:issue.end])]
    return bool(words) and all(skip(s, e, w) for s, e, w in words)
