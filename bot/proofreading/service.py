"""The proofreader Relais uses: safe fixes, then the right backend per language, brand words accepted.

With ``LANGUAGETOOL_URL`` set, LanguageTool checks both languages; when it is
unavailable (timeout, circuit open) the embedded backend of that language
takes over, so a draft is never sent unchecked. Without it, the embedded
backends are used: Grammalecte for French, Harper for English.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable

from bot.proofreading.base import Backend, Checked, Issue, ProofreadingUnavailable
from bot.proofreading.typography import PROTECTED, apply_safe_fixes

log = logging.getLogger("relais.proofreading")


def embedded_backends(english_dialect: str = "british") -> dict[str, Backend]:
    from bot.proofreading.grammalecte import GrammalecteBackend
    from bot.proofreading.harper import HarperBackend

    return {"fr": GrammalecteBackend(), "en": HarperBackend(english_dialect)}


class Proofreader:
    def __init__(self, embedded: dict[str, Backend], remote: Backend | None = None,
                 vocabulary: frozenset[str] = frozenset(),
                 splitter: Callable[[str, str], list[tuple[int, int]]] | None = None) -> None:
        self.embedded = embedded
        self.remote = remote
        self.vocabulary = {w.lower() for w in vocabulary}
        self.splitter = splitter  # spaCy sentences: each is checked on its own, offsets kept

    @classmethod
    def from_env(cls, vocabulary: frozenset[str] = frozenset(), english_dialect: str = "british") -> "Proofreader":
        url = os.environ.get("LANGUAGETOOL_URL", "").strip()
        remote = None
        if url:
            from bot.proofreading.languagetool import LanguageToolBackend

            remote = LanguageToolBackend(url, timeout_s=float(os.environ.get("LANGUAGETOOL_TIMEOUT_S", "2")))
        from bot.nlp import sentences

        return cls(embedded_backends(english_dialect), remote, vocabulary, splitter=sentences)

    async def _run(self, backend: Backend, text: str, language: str) -> list[Issue]:
        if self.splitter is None:
            return await backend.check(text, language)
        issues = []
        for start, end in self.splitter(text, language):
            for issue in await backend.check(text[start:end], language):
                issues.append(Issue(issue.start + start, issue.end + start, issue.word, issue.message,
                                    issue.suggestions, issue.rule, issue.backend))
        return issues

    def _ignored(self, issue: Issue, text: str) -> bool:
        if any(m.start() < issue.end and issue.start < m.end() for m in PROTECTED.finditer(text)):
            return True
        words = [re.sub(r"['’]s$", "", w) for w in re.findall(r"[\w'’-]+", issue.word.lower())]
        return bool(words) and all(w in self.vocabulary for w in words)

    async def check(self, text: str, language: str) -> Checked:
        """Apply the safe fixes, then list what is left to fix."""
        fixed = apply_safe_fixes(text, language)
        backend: Backend | None = None
        issues: list[Issue] = []
        if self.remote is not None and language in self.remote.languages:
            try:
                issues, backend = await self._run(self.remote, fixed, language), self.remote
            except ProofreadingUnavailable as exc:
                log.warning("%s; using the embedded proofreader", exc.public)
        if backend is None:
            backend = self.embedded.get(language)
            if backend is None:
                raise ProofreadingUnavailable(f"no proofreader for language {language!r}")
            issues = await self._run(backend, fixed, language)
        return Checked(fixed, [i for i in issues if not self._ignored(i, fixed)], backend.name)
