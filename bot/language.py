"""Which of the brand's languages a fan writes in (French or English), from the text alone.

Platforms do not tell the fan's locale in webhooks, and chat messages are
short, misspelt and mixed. Two steps: a scored list of function words and
chat abbreviations decides when it sees words of exactly one of French and
English (or clear words of another language); when it sees both or neither
("Thanks @Brand. Have done so now.", "trop beau 😍"), the character n-gram
models of ``lingua-language-detector`` (French and English, low-accuracy
mode: 7 MiB, about 0.1 ms) decide, unless one language's words clearly
dominate (three hits and three times the other's). ``benchmarks/language.py``
measures it on public FR/EN messages (``../shared/datasets``, 11,653 texts):
98.1 % right (97.9 % before the dominance rule), 94.6 % on messages of five
words or fewer, and 97.7 % on those when the conversation's language is known
(:func:`detect` keeps it for messages too short to tell).
"""

from __future__ import annotations

import re
import threading
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
days week u ur im dont cant wanna gonna got get my any there here just bye cheers cool great awesome nice
lol yeah yep sure cya ship shipping deliver
""".split())

# Languages the brand does not serve, recognised so that their speakers reach a person
# instead of getting a reply Rasa guessed from French or English look-alikes.
_OTHERS = {
    "es": set("el los las una por para con está estoy donde dónde qué cuándo hola gracias pedido quiero tengo "
              "mi tu su es muy pero también hasta cuánto cuesta envío tienda".split()),
    "de": set("der die das und ist nicht ich sie wir ihr mein meine wo wann warum wie bitte danke hallo "
              "bestellung lieferung habe haben kann können noch schon".split()),
    "it": set("il lo gli della sono non per con che come dove quando grazie ciao ordine vorrei ho buongiorno "
              "negozio spedizione perché anche".split()),
    "pt": set("não obrigado obrigada olá onde quando meu minha pedido encomenda loja você vocês está tenho "
              "quero porque também entrega".split()),
    "nl": set("het een niet ik wij jullie waar wanneer waarom hoe alsjeblieft dank bedankt hallo bestelling "
              "winkel levering heb hebben kan mijn".split()),
}

_TOKEN = re.compile(r"[a-zà-öø-ÿœæ]+", re.IGNORECASE)
_FR_CHARS = re.compile(r"[éèêàùçôîûœ]")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _tokens(text: str) -> list[str]:
    lowered = unicodedata.normalize("NFC", text.lower()).replace("’", "'")
    return _TOKEN.findall(lowered)


def language_scores(text: str) -> dict[str, float]:
    """Share of tokens that look like each language (0–1 each)."""
    tokens = _tokens(text)
    if not tokens:
        return {"fr": 0.0, "en": 0.0}
    scores = {
        "fr": (sum(t in _FR for t in tokens) + 0.5 * len(_FR_CHARS.findall(text.lower()))) / len(tokens),
        "en": sum(t in _EN for t in tokens) / len(tokens),
    }
    for code, words in _OTHERS.items():
        scores[code] = sum(t in words for t in tokens) / len(tokens)
    return scores


def detect_language(text: str, default: str = "fr") -> str:
    """``fr``, ``en`` or the code of another language; ``default`` when the text gives no sign.

    Another language wins only on clear evidence (two of its words and more
    than French or English), since fans' French and English are full of typos.
    """
    scores = language_scores(text)
    tokens = len(_tokens(text))
    best_other = max(_OTHERS, key=lambda code: scores.get(code, 0.0))
    other_hits = scores.get(best_other, 0.0) * tokens
    if other_hits >= 2 and scores[best_other] > max(scores["fr"], scores["en"]):
        return best_other
    hits = {code: scores[code] * tokens for code in ("fr", "en")}
    dominant = max(hits, key=hits.get)
    if hits[dominant] >= 3 and hits[dominant] >= 3 * hits["en" if dominant == "fr" else "fr"]:
        return dominant  # "Hi, is the Brume cup in stock in your Lyon boutique?": one language clearly
    if (scores["fr"] > 0) == (scores["en"] > 0):  # words of both languages, or of neither
        guessed = _ngram_guess(text)
        if guessed:
            return guessed
    if scores["fr"] == scores["en"]:
        return default
    return "fr" if scores["fr"] > scores["en"] else "en"


def detect(text: str, conversation: str | None = None, default: str = "fr") -> tuple[str, bool]:
    """The language of one message in a conversation, and whether the message alone was clear enough.

    A message of one or two words ("bye!", "ok cool", "BR-204518", "👍") or one
    whose French and English scores are close says little: the language the
    conversation already has (``conversation``) is kept. Otherwise the message's
    own language wins, so a fan who switches language is followed.
    """
    words = _LETTERS.findall(text)
    guessed = detect_language(text, default=conversation or default)
    if len(words) < 3 and conversation:
        return conversation, False
    scores = language_scores(text)
    close = abs(scores["fr"] - scores["en"]) < 0.15 and guessed in ("fr", "en")
    if close and conversation and _ngram_guess(text) is None:
        return conversation, False
    return guessed, len(words) >= 3


_DETECTOR = None
_DETECTOR_LOCK = threading.Lock()


def _ngram_guess(text: str) -> str | None:
    """``fr`` or ``en`` from lingua's character n-gram models; None when it cannot tell (or is not installed:
    the Rasa virtualenv imports this module for benchmarks only)."""
    global _DETECTOR
    if _DETECTOR is None:
        with _DETECTOR_LOCK:
            if _DETECTOR is None:
                try:
                    from lingua import Language, LanguageDetectorBuilder
                except ImportError:
                    _DETECTOR = False
                else:
                    _DETECTOR = (LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH)
                                 .with_low_accuracy_mode().build(), {Language.FRENCH: "fr", Language.ENGLISH: "en"})
    if not _DETECTOR or not _LETTERS.search(text):
        return None
    detector, codes = _DETECTOR
    return codes.get(detector.detect_language_of(text))
