"""Proofreading with a LanguageTool server, through language-tool-python's ``remote_server=``.

Only the remote mode is ever used: language-tool-python's local mode would
download LanguageTool at run time. Each call has a short timeout, and a
circuit breaker stops calling a server that keeps failing, so an unresponsive
server costs one timeout per ``reset_after_s`` instead of one per message.
A rule of the style or register kind gives advice; every other one blocks.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from bot.proofreading.base import Issue, ProofreadingUnavailable

log = logging.getLogger("relais.proofreading.languagetool")

LT_LANGUAGES = {"fr": "fr", "en": "en-US"}
# LanguageTool's issue types (its rules' ``issueType``, from the ITS 2.0 localization-quality types) that are
# about wording, not mistakes: advice, no reason to hold a draft.
ADVICE_TYPES = frozenset({"style", "register", "locale-violation", "inconsistency", "terminology"})


class CircuitBreaker:
    """Closed → open after ``threshold`` consecutive failures; one trial call after ``reset_after_s``."""

    def __init__(self, threshold: int = 3, reset_after_s: float = 30.0, clock=time.monotonic) -> None:
        self.threshold = threshold
        self.reset_after_s = reset_after_s
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.reset_after_s else "open"

    def allow(self) -> bool:
        return self.state != "open"

    def success(self) -> None:
        with self._lock:
            self.failures, self.opened_at = 0, None

    def failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self.threshold or self.opened_at is not None:
                self.opened_at = self.clock()


class LanguageToolBackend:
    name = "languagetool"
    languages = frozenset(LT_LANGUAGES)

    def __init__(self, url: str, *, timeout_s: float = 2.0, breaker: CircuitBreaker | None = None) -> None:
        import language_tool_python

        class _Remote(language_tool_python.LanguageTool):
            _TIMEOUT = timeout_s  # the library's default is 300 s

        self._cls = _Remote
        self.url = url
        self.breaker = breaker or CircuitBreaker()
        self._tools: dict[str, object] = {}
        self._lock = threading.Lock()

    def _tool(self, language: str):
        with self._lock:
            if language not in self._tools:
                self._tools[language] = self._cls(LT_LANGUAGES[language], remote_server=self.url)
            return self._tools[language]

    def check_sync(self, text: str, language: str) -> list[Issue]:
        if not self.breaker.allow():
            raise ProofreadingUnavailable("LanguageTool circuit open")
        try:
            matches = self._tool(language).check(text)
        except Exception as exc:  # requests errors, LanguageToolError, bad JSON: all mean "not now"
            self.breaker.failure()
            log.warning("LanguageTool failed (%s); breaker %s", type(exc).__name__, self.breaker.state)
            raise ProofreadingUnavailable(f"LanguageTool failed: {type(exc).__name__}") from exc
        self.breaker.success()
        return [Issue(m.offset, m.offset + m.error_length, text[m.offset:m.offset + m.error_length], m.message,
                      tuple(m.replacements), m.rule_id, self.name,
                      blocking=getattr(m, "rule_issue_type", "") not in ADVICE_TYPES) for m in matches]

    async def check(self, text: str, language: str) -> list[Issue]:
        return await asyncio.to_thread(self.check_sync, text, language)
