"""Text folding for chat messages: what tone features and flag patterns are computed on."""

from __future__ import annotations

import html
import re
import unicodedata

ANGRY_EMOJI = frozenset("😡🤬💢👿😤😠🖕👎💩")
SARCASTIC_EMOJI = frozenset("🙄🙃🤡😒🤦")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_RUNS = re.compile(r"(.)\1{2,}")
_SPACED = re.compile(r"(?<![\w])(?:[a-z] ){3,}[a-z](?![\w])")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lowercase, no accents, leetspeak digits as letters, runs of 3+ identical characters collapsed to one.

    ``"Vous êtes des NUUULS !!!"`` → ``"vous etes des nuls !"``. Flag patterns
    in ``nlu_data/tone/lexicon.yml`` are written against this form.
    """
    text = strip_accents(text.translate(_APOSTROPHES)).lower().translate(_LEET)
    text = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)  # "m o n g o l" → "mongol"
    return _RUNS.sub(r"\1", text)


def soften(text: str) -> str:
    """The tone model's input: lowercase, no accents, runs capped at two, digits as 0 (keeps "!!")."""
    text = strip_accents(text.translate(_APOSTROPHES)).lower()
    text = re.sub(r"\d", "0", text)
    return re.sub(r"(.)\1{2,}", r"\1\1", text)


def caps_ratio(text: str) -> float:
    """Share of upper-case letters among the letters of words of two letters or more."""
    letters = [ch for word in text.split() if len(word) > 1 for ch in word if _LETTERS.match(ch)]
    if len(letters) < 6:
        return 0.0
    return sum(ch.isupper() for ch in letters) / len(letters)


_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S*|\bhttps?\b(?=\s|$|…)|\b\w[\w-]*\.(?:com|fr|net|org|io|ly|co)/\S*")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z])")
_RETWEET = re.compile(r"^\s*RT\b:?\s*")
_EMOJI = "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
_EMOJI_RUN = re.compile(rf"({_EMOJI})[\uFE0F\U0001F3FB-\U0001F3FF]*(?:\s*\1[\uFE0F\U0001F3FB-\U0001F3FF]*)+")
_MODIFIERS = re.compile("[\uFE0F\U0001F3FB-\U0001F3FF\u200D]")
_SPACES = re.compile(r"\s+")


def platform_noise(text: str) -> str:
    """What the fan wrote without the platform's furniture: what tone is scored on.

    @handles, links and a leading "RT" are dropped; a hashtag keeps its words
    (``#NeverAgain`` → ``Never Again``); HTML entities are decoded; skin-tone and
    presentation modifiers are dropped and a run of one emoji is kept as two
    (``😍😍😍😍`` → ``😍😍``), so a message is read for what it says, not for who
    it tags or how long it is.
    """
    text = html.unescape(text)
    text = _RETWEET.sub("", text)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)).replace("_", " ") + " ", text)
    text = _MODIFIERS.sub("", text)
    text = _EMOJI_RUN.sub(lambda m: m.group(1) * 2, text)
    return _SPACES.sub(" ", text).strip()
