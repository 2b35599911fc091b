"""Safe typographic fixes, applied to every draft without asking anyone.

Double spaces, French non-breaking spaces before ``? ! : ;`` and inside
guillemets, typographic apostrophes and quotes, a capital at the start of each
sentence. URLs and e-mail addresses are left exactly as they are.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"  # before ":" and inside « »
NNBSP = "\u202f"  # narrow no-break space before ; ! ?

PROTECTED = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bBR-\d{6}\b")
_SPACES = re.compile(r"[ \t]{2,}")
_SENTENCE_START = re.compile(r"(^|[.!?…]\s+)([a-zàâçéèêëîïôûùüÿœæ])")


def _fix_segment(text: str, language: str) -> str:
    text = _SPACES.sub(" ", text)
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    if language == "fr":
        text = re.sub(r'"\s*([^"]*?)\s*"', f"«{NBSP}\\1{NBSP}»", text)
        text = re.sub(r"«\s*", f"«{NBSP}", text)
        text = re.sub(r"\s*»", f"{NBSP}»", text)
        text = re.sub(r"[ \u00a0\u202f]*([;!?])", lambda m: f"{NNBSP}{m.group(1)}", text)
        text = re.sub(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)", f"{NBSP}:", text)
        text = re.sub(rf"({NNBSP}[;!?])(?:{NNBSP}([!?]))", r"\1\2", text)  # "?!" stays together
    else:
        text = re.sub(r'"([^"]*)"', "“\\1”", text)
        text = re.sub(r"\s+([;!?:])", r"\1", text)
    return text


def apply_safe_fixes(text: str, language: str) -> str:
    """The text with every safe fix applied; protected spans untouched."""
    out, last = [], 0
    for match in PROTECTED.finditer(text):
        out.append(_fix_segment(text[last:match.start()], language))
        out.append(match.group(0))
        last = match.end()
    out.append(_fix_segment(text[last:], language))
    fixed = "".join(out).strip()
    fixed = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), fixed)
    if fixed.startswith(NNBSP):
        fixed = fixed.lstrip(NNBSP)
    return fixed
