"""Several checkers on one text, as one backend: the shipped French and English proofreaders.

French: Hunspell (spelling, ``hunspell-fr``), Grammalecte (grammar and
agreement), Relais's own French rules (capitals, « a »/« à »). English:
Harper (spelling and grammar, British or American), which on the measures of
``benchmarks/proofreading.py`` needs no second dictionary beside it.

A text is checked line by line (each checker splits its lines into sentences
itself); problems two checkers find on the same words are merged into one,
with the suggestions of both, the first checker's first.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.proofreading.base import Issue

_LINES = re.compile(r"[^\n]+")


class Combined:
    def __init__(self, language: str, parts: Sequence[object], name: str | None = None) -> None:
        self.language = language
        self.languages = frozenset({language})
        self.parts = list(parts)
        self.name = name or "+".join(dict.fromkeys(p.name for p in self.parts))
        self._takes_skip = [("skip" in inspect.signature(p.check_sync).parameters) for p in self.parts]

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        issues: list[Issue] = []
        for line in _LINES.finditer(text):
            if not line.group(0).strip():
                continue
            offset = line.start()
            line_skip = None if skip is None else (lambda s, e, w, o=offset: skip(s + o, e + o, w))
            for part, takes_skip in zip(self.parts, self._takes_skip):
                sentence = line.group(0)
                found = part.check_sync(sentence, skip=line_skip) if takes_skip else part.check_sync(sentence)
                issues += [i.moved(offset) for i in found]
        return merge(issues)

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
        by_span[key] = replace(first, suggestions=pooled, backend=backend)
    return sorted(by_span.values(), key=lambda i: (i.start, i.end))
