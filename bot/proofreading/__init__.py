"""Proofreading of every text Relais sends or proposes: one interface, several backends.

* ``languagetool`` — a LanguageTool server (``LANGUAGETOOL_URL``) through
  language-tool-python's ``remote_server=``; short timeout and a circuit
  breaker. Never the local mode, which would download LanguageTool.
* ``grammalecte`` — French spelling and agreement, offline (Debian's
  ``python3-grammalecte``), typography rules off for chat text.
* ``harper`` — English spelling and grammar, offline (``harper-py``).

:class:`bot.proofreading.service.Proofreader` picks the backend per language,
applies the safe typographic fixes, and ignores brand words, URLs, e-mails and
order numbers.
"""

from bot.proofreading.base import Backend, Issue, ProofreadingUnavailable

__all__ = ["Backend", "Issue", "ProofreadingUnavailable"]
