"""What every proofreading backend returns, and the interface it implements."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from bot.errors import RelaisError


class ProofreadingUnavailable(RelaisError):
    """The backend cannot check text right now (server down, circuit open, package missing)."""

    status = 503


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a text: where (``start``–``end``), what, and how to fix it.

    ``message`` is in the text's language; ``messages`` has it in every
    language of the CM console (``fr``, ``en``). ``suggestions`` are ranked,
    the likeliest first, each a full replacement of the span.

    ``blocking``: a mistake, which keeps the draft from leaving until it is
    fixed (spelling, agreement, conjugation, a confused word…). Otherwise the
    problem is **advice**: wording a careful writer avoids (a pleonasm, a
    dropped « ne », a missing comma), shown to the CM and no reason on its
    own to hold a draft.
    """

    start: int
    end: int
    word: str
    message: str
    suggestions: tuple[str, ...] = ()
    rule: str = ""
    backend: str = ""
    messages: tuple[tuple[str, str], ...] = ()
    blocking: bool = True

    def moved(self, offset: int) -> "Issue":
        """The same issue in a text ``offset`` characters longer before it."""
        return replace(self, start=self.start + offset, end=self.end + offset)

    def message_in(self, language: str) -> str:
        return dict(self.messages).get(language, self.message)

    def marked(self, text: str) -> str:
        """The sentence context with the problem between ⟦ ⟧, for the CM."""
        left = max(0, text.rfind(" ", 0, max(0, self.start - 30)) + 1)
        right = text.find(" ", min(len(text), self.end + 30))
        right = len(text) if right == -1 else right
        return f"{text[left:self.start]}⟦{text[self.start:self.end]}⟧{text[self.end:right]}"

    def as_dict(self, text: str) -> dict:
        """What the CM queue stores: the span, the word, the messages, the ranked suggestions, the context,
        and whether the problem holds the draft (``severity``: ``blocking`` or ``advice``)."""
        messages = {"fr": self.message_in("fr"), "en": self.message_in("en")}
        return {"word": self.word, "start": self.start, "end": self.end, "message": self.message,
                "messages": messages, "suggestions": list(self.suggestions[:5]), "rule": self.rule,
                "backend": self.backend, "context": self.marked(text), "blocking": self.blocking,
                "severity": "blocking" if self.blocking else "advice"}


class Backend(Protocol):
    name: str
    languages: frozenset[str]

    async def check(self, text: str, language: str) -> list[Issue]:
        """Problems found in ``text`` (``language``: ``fr`` or ``en``)."""
        ...


@dataclass
class Checked:
    """A proofread text: after safe fixes, and the problems left."""

    text: str
    issues: list[Issue] = field(default_factory=list)
    backend: str = ""

    @property
    def clean(self) -> bool:
        """Nothing found, not even advice."""
        return not self.issues

    @property
    def blocking(self) -> list[Issue]:
        """The mistakes: what keeps the text from leaving as it is."""
        return [i for i in self.issues if i.blocking]

    @property
    def advice(self) -> list[Issue]:
        """What the CM may want to reword; no reason on its own to hold a text."""
        return [i for i in self.issues if not i.blocking]
