"""English proofreading with Harper (``harper-py``), offline and fast (well under a millisecond per sentence)."""

from __future__ import annotations

from bot.proofreading.base import Issue, ProofreadingUnavailable
from bot.proofreading.messages import harper_translations

# Harper lint kinds that are about style, not mistakes: a brand's voice may use them on purpose.
_STYLE = {"Style", "Readability", "Enhancement", "WordChoice", "Repetition"}
# Lint kinds where careful writers differ (a regional word, layout): advice, no reason to hold a draft. Every
# other kind reported is a mistake: spelling, grammar, agreement, capitals, confused words, an article
# (“a apple”, Miscellaneous) or an apostrophe (“Its a nice day”, Punctuation).
ADVICE_KINDS = frozenset({"Regionalism", "Formatting"})


class HarperBackend:
    name = "harper"
    languages = frozenset({"en"})

    def __init__(self, dialect: str = "british") -> None:
        try:
            import harper
        except ImportError as exc:  # pragma: no cover - the lock file installs it
            raise ProofreadingUnavailable("harper-py is not installed") from exc
        # Building the dictionary is the slow part: one Linter, reused (it is not thread-safe).
        self._linter = harper.Linter(dialect=getattr(harper.Dialect, dialect.upper()))

    def check_sync(self, text: str) -> list[Issue]:
        issues = []
        for lint in self._linter.lint(text):
            kind = str(lint.lint_kind)
            if kind in _STYLE:
                continue
            span = lint.span
            suggestions = tuple(s.replacement_text for s in lint.suggestions if s.replacement_text)
            issues.append(Issue(span.start, span.end, text[span.start:span.end], lint.message, suggestions,
                                kind, self.name, harper_translations(lint.message, kind),
                                blocking=kind not in ADVICE_KINDS))
        return issues

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)
