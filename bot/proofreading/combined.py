"""Several checkers on one text, as one backend: the shipped French and English proofreaders.

French: Hunspell (spelling, Debian's French dictionary in all its accepted
spellings) and Grammalecte (grammar, agreement, set phrases). English:
Harper (spelling and grammar, British or American), which on the measures of
``benchmarks/proofreading.py`` needs no second dictionary beside it.

A text is checked line by line (each checker splits its lines into sentences
itself); problems two checkers find on the same words are merged into one,
with the suggestions of both, the first checker's first; it blocks when
either does.

Drafts are made of the brand's own sentences, so the same lines come back
message after message: what a line gave is remembered (``cache_key`` names
the accepted words it was checked with) and not checked again.
"""

from __future__ import annotations

import inspect
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace

from bot.proofreading.base import Issue

_LINES = re.compile(r"[^\n]+")
CACHED_LINES = 8192


class Combined:
    def __init__(self, language: str, parts: Sequence[object], name: str | None = None) -> None:
        self.language = language
        self.languages = frozenset({language})
        self.parts = list(parts)
        self.name = name or "+".join(dict.fromkeys(p.name for p in self.parts))
        self._takes_skip = [("skip" in inspect.signature(p.check_sync).parameters) for p in self.parts]
        self._lines: OrderedDict[Hashable, list[Issue]] = OrderedDict()

    def _check_line(self, line: str, skip: Callable[[int, int, str], bool] | None) -> list[Issue]:
        found: list[Issue] = []
        for part, takes_skip in zip(self.parts, self._takes_skip):
            found += part.check_sync(line, skip=skip) if takes_skip else part.check_sync(line)
        return found

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None,
                   cache_key: Hashable | None = None) -> list[Issue]:
        """Every problem of ``text``. With ``cache_key`` — (accepted words, fan's first name), what ``skip``
        stands for — a line already checked with the same words is not checked again; the caller holds
        this backend's lock."""
        issues: list[Issue] = []
        for line in _LINES.finditer(text):
            sentence = line.group(0)
            if not sentence.strip():
                continue
            offset = line.start()
            line_skip = None if skip is None else (lambda s, e, w, o=offset: skip(s + o, e + o, w))
            if cache_key is None:
                found = self._check_line(sentence, line_skip)
            else:
                vocabulary, name = cache_key  # the brand's words, and the fan's name (it matters where it appears)
                key = (sentence, vocabulary, name if name and name.lower() in sentence.lower() else "")
                found = self._lines.get(key)
                if found is None:
                    found = self._check_line(sentence, line_skip)
                    self._lines[key] = found
                    if len(self._lines) > CACHED_LINES:
                        self._lines.popitem(last=False)
                else:
                    self._lines.move_to_end(key)
            issues += [i.moved(offset) for i in found]
        return merge(issues)

    def forget(self) -> None:
        """Drop the remembered lines (every line is checked again)."""
        self._lines.clear()

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)


def merge(issues: list[Issue]) -> list[Issue]:
    """One issue per span: same-span issues of several checkers become one, suggestions pooled."""
    by_span: dict[tuple[int, int], Issue] = {}
    for issue in issues:
        key = (issue.start, issue.end)
        first = by_span.get(key)
        if first is None:
            by_span[key] = issue
            continue
        pooled = tuple(dict.fromkeys(first.suggestions + issue.suggestions))
        backend = first.backend if issue.backend in first.backend else f"{first.backend}+{issue.backend}"
        by_span[key] = replace(first, suggestions=pooled, backend=backend, blocking=first.blocking or issue.blocking)
    return sorted(by_span.values(), key=lambda i: (i.start, i.end))
