"""Which of the brand's languages a fan writes in (French or English), from the text alone.

Messenger does not tell the fan's locale in webhooks, and chat messages are
short, misspelt and mixed; a scored list of function words and chat
abbreviations works better here than a general-purpose detector trained on
prose.
"""

from __future__ import annotations

import re
import unicodedata

_FR = set("""
le la les un une des du de d l au aux et ou où est sont suis es êtes ai as avez avons a ont je j tu il elle
nous vous ils elles on ce cet cette ces mon ma mes ton ta tes son sa ses notre votre vos leur leurs qui que
quoi quand comment pourquoi combien quel quelle quels quelles pas ne n plus très bien merci bonjour bonsoir
salut svp stp oui non avec pour sans sur dans chez mais donc car si y en c qu s m t
commande livraison magasin boutique remboursement retour ouvert ouverte fermé horaires heure heures
slt bjr cc jsp pk pcq mdr tkt dsl bcp vrmt jveux jvoudrais voudrais veux peux pouvez faire fait été
toujours encore déjà aujourd hui demain hier depuis jours semaine
""".split())

_EN = set("""
the a an and or is are am was were be been do does did have has had i you he she we they it my your his her
our their me us them this that these those what when where why how which who not no yes very thanks thank
please pls plz thx hi hello hey with without for on in at to from of can could would should will want
order delivery store shop refund return open closed hours today tomorrow yesterday still already since
days week u ur im dont cant wanna gonna got get my any there here just
""".split())

_TOKEN = re.compile(r"[a-zà-öø-ÿœæ]+", re.IGNORECASE)
_FR_CHARS = re.compile(r"[éèêàùçôîûœ]")


def _tokens(text: str) -> list[str]:
    lowered = unicodedata.normalize("NFC", text.lower()).replace("’", "'")
    return _TOKEN.findall(lowered)


def language_scores(text: str) -> dict[str, float]:
    """Share of tokens that look French or English (0–1 each)."""
    tokens = _tokens(text)
    if not tokens:
        return {"fr": 0.0, "en": 0.0}
    fr = sum(t in _FR for t in tokens) + 0.5 * len(_FR_CHARS.findall(text.lower()))
    en = sum(t in _EN for t in tokens)
    return {"fr": fr / len(tokens), "en": en / len(tokens)}


def detect_language(text: str, default: str = "fr") -> str:
    """``fr`` or ``en``; ``default`` (the brand's first language) when the text gives no sign."""
    scores = language_scores(text)
    if scores["fr"] == scores["en"]:
        return default
    return "fr" if scores["fr"] > scores["en"] else "en"
