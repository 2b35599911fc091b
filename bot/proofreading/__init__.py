"""Proofreading of every text Relais sends or proposes: one interface, several checkers.

* ``hunspell`` — spelling with the dictionaries LibreOffice and Firefox use
  (Debian's ``hunspell-fr``, ``hunspell-en-gb``), through ``pyenchant``;
* ``grammalecte`` — French grammar and agreement, offline (Debian's
  ``python3-grammalecte``), typography rules off for chat text;
* ``french``, ``agreement`` and ``titles`` — Relais's own French rules: stray
  capitals, « a »/« à », « ou »/« où », determiner and number agreement, the
  capitals of English titles quoted in French;
* ``confusion`` — real words out of place (« sue » for « sur », « son » for
  « sont »), weighed with a French n-gram model (``ngrams``, built by
  ``corpus`` from French text Debian ships, shipped in ``data/``);
* ``harper`` — English spelling and grammar, offline (``harper-py``);
* ``languagetool`` — a LanguageTool server (``LANGUAGETOOL_URL``) through
  language-tool-python's ``remote_server=``; short timeout and a circuit
  breaker. Never the local mode, which would download LanguageTool.

:class:`bot.proofreading.service.Proofreader` applies the safe typographic
fixes, picks the checker per language, and never flags what
:mod:`bot.proofreading.protected` protects (the current brand's words, the
fan's first name, URLs, e-mails, order numbers, hashtags, @handles, emoji).
``benchmarks/proofreading.py`` measures each checker and the combination.
"""

from bot.proofreading.base import Backend, Checked, Issue, ProofreadingUnavailable

__all__ = ["Backend", "Checked", "Issue", "ProofreadingUnavailable"]
