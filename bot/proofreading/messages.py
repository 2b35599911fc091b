"""What the CM reads next to each problem, in French and in English.

The CM may not write the language of the draft (an English-speaking CM
reviewing a French reply, or the reverse), so every problem carries its
explanation in both; :meth:`bot.proofreading.base.Issue.as_dict` gives both
and ``message`` is the one in the draft's language.

Grammalecte explains its grammar rules in French only: the English text is
the rule family's (agreement, confusion, conjugation…), with Grammalecte's own
French explanation kept in ``message``.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "spelling": {"fr": "Mot inconnu : « {word} »", "en": "Unknown word: “{word}”"},
    "grammar": {"fr": "{detail}", "en": "Grammar: {family}"},
    "english": {"fr": "{family} : {detail}", "en": "{detail}"},
}

# Harper lint kinds, named for a French-speaking CM.
HARPER_KINDS = {
    "Spelling": "Orthographe", "Typo": "Faute de frappe", "Grammar": "Grammaire", "Agreement": "Accord",
    "Capitalization": "Majuscules", "Punctuation": "Ponctuation", "Formatting": "Mise en forme",
    "Miscellaneous": "Anglais", "Usage": "Usage", "Eggcorn": "Confusion", "Malapropism": "Confusion",
    "BoundaryError": "Mots collés ou séparés", "Regionalism": "Variante régionale",
}

# Grammalecte rule families (its error's ``sType``), named for an English-speaking CM.
GRAMMALECTE_FAMILIES = {
    "gn": "agreement in gender or number", "conf": "confusion between similar words",
    "conj": "conjugation", "ppas": "past participle agreement", "infi": "infinitive or participle",
    "imp": "imperative", "inte": "question form", "neg": "negation", "vmode": "verb mood",
    "sgpl": "singular or plural", "maj": "capital letters", "mc": "compound word", "elid": "elision",
    "ocr": "likely typing error", "bs": "wording", "pleo": "redundant wording", "gr": "grammar",
    "loc": "set phrase", "tu": "hyphen", "eleu": "elision or euphony", "date": "impossible date",
    "virg": "comma", "minis": "capital letters",
}


def say(kind: str, language: str, **fields: str) -> str:
    """The message of ``kind`` in ``language`` (French for ``fr``, English otherwise)."""
    texts = MESSAGES[kind]
    return texts["fr" if language == "fr" else "en"].format(**fields)


def translations(kind: str, **fields: str) -> tuple[tuple[str, str], ...]:
    """The message of ``kind`` in every language the CM console speaks."""
    return tuple((language, text.format(**fields)) for language, text in MESSAGES[kind].items())


def harper_translations(detail: str, kind: str) -> tuple[tuple[str, str], ...]:
    return translations("english", detail=detail, family=HARPER_KINDS.get(kind, "Anglais"))


def grammalecte_translations(detail: str, family: str) -> tuple[tuple[str, str], ...]:
    return translations("grammar", detail=detail, family=GRAMMALECTE_FAMILIES.get(family, "grammar"))
