"""Proofreading of every text Relais sends or proposes: one interface, several checkers.

* ``hunspell`` — spelling with the dictionaries LibreOffice and Firefox use
  (Debian's ``hunspell-fr-comprehensive``: classical and 1990 spellings;
  ``hunspell-en-gb``), through ``pyenchant``;
* ``grammalecte`` — French grammar, agreement, set phrases, hyphens and dates,
  offline (Debian's ``python3-grammalecte``), typography rules off for chat
  text; its wording rules (popular usage, pleonasms, a dropped « ne ») are
  advice;
* ``harper`` — English spelling and grammar, offline (``harper-py``);
* ``languagetool`` — a LanguageTool server (``LANGUAGETOOL_URL``) through
  language-tool-python's ``remote_server=``; short timeout and a circuit
  breaker. Never the local mode, which would download LanguageTool.

Every problem is **blocking** (a mistake: the draft is held) or **advice**
(shown to the CM, no reason on its own to hold a draft):
:attr:`bot.proofreading.base.Issue.blocking`.
``command`` is ``relais proofread``.

:class:`bot.proofreading.service.Proofreader` applies the safe typographic
fixes, picks the checker per language, and never flags what
:mod:`bot.proofreading.protected` protects (the current brand's words, the
fan's first name, URLs, e-mails, order numbers, hashtags, @handles, emoji),
and offers the brand's spelling for a word one or two letters from a brand word.
``benchmarks/proofreading.py`` measures the shipped proofreader on public data.
"""

from bot.proofreading.base import Backend, Checked, Issue, ProofreadingUnavailable

__all__ = ["Backend", "Checked", "Issue", "ProofreadingUnavailable"]
