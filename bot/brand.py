"""The brand file (``brand.yml``): voice, facts and FAQ answers, validated on load.

Drafts greet the fan by first name when the platform gives it, thank them,
answer from the brand's own words only, and close with the brand's habits.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.schedule.hours import StaffedHours

DEFAULT_BRAND_FILE = Path(__file__).resolve().parents[1] / "brand.yml"
VOICE_KEYS = ("greeting", "greeting_anonymous", "thanks", "closing", "signature")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764]")
_TU = re.compile(r"(?i)\b(tu|toi|ton|ta|tes|t'|t’)\b|\bt[’']")
_VOUS = re.compile(r"(?i)\b(vous|votre|vos)\b")


@dataclass(frozen=True)
class Brand:
    name: str
    languages: tuple[str, ...]
    address: dict[str, str]
    emoji: str
    english: str
    voice: dict[str, dict[str, str]]
    vocabulary: frozenset[str]
    short_answers: frozenset[str]
    facts: dict[str, dict[str, str]]
    answers: dict[str, dict[str, str]]
    # When the CM team is there (``staffing``; None: always, as if a person read every message at once),
    # what fans are told outside those hours, and how the bot introduces itself (``disclosure``).
    staffing: "StaffedHours | None" = None
    staffing_messages: dict[str, dict[str, str]] | None = None
    disclosure: dict[str, str] | None = None

    @property
    def proofreading_vocabulary(self) -> frozenset[str]:
        """Words the proofreader accepts as they are: the brand's name and its vocabulary list."""
        return self.vocabulary | frozenset(self.name.split())

    @cached_property
    def protected_words(self) -> frozenset[str]:
        """What the proofreader never flags, in any language: the brand's name, its ``vocabulary`` list
        (products, places, partners) and the names in its signatures. Built once per loaded brand file."""
        words = {self.name, *self.vocabulary}
        for voice in self.voice.values():
            words.update(w for w in re.findall(r"[^\W\d_]{2,}", voice.get("signature") or "") if w[0].isupper())
        return frozenset(words)

    def fill(self, template: str, language: str, first_name: str | None = None) -> str:
        if not first_name:  # "Bonjour {first_name}," without a name → "Bonjour,"
            template = re.sub(r"\s*\{first_name\}", "", template)
        return template.format(**self.facts.get(language, {}), first_name=first_name or "").strip()

    def compose(self, intent: str, language: str, first_name: str | None = None) -> str | None:
        """The full reply for an intent: greeting, thanks, answer, closing, signature. None if no answer."""
        template = self.answers.get(intent, {}).get(language)
        if template is None:
            return None
        answer = self.fill(template, language, first_name)
        if intent in self.short_answers:
            return answer
        voice = self.voice[language]
        greeting = self.fill(voice["greeting"] if first_name else voice["greeting_anonymous"], language, first_name)
        return (f"{greeting}\n\n{self.fill(voice['thanks'], language)} {answer}\n\n"
                f"{self.fill(voice['closing'], language)}\n{self.fill(voice['signature'], language)}")


def _require(data: dict, key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise ConfigError(f"{where}: missing {key}")
    if not isinstance(data[key], kind):
        raise ConfigError(f"{where}: {key} must be a {kind.__name__}")
    return data[key]


def validate(data: dict[str, Any], source: str) -> Brand:
    brand = _require(data, "brand", dict, source)
    languages = tuple(_require(brand, "languages", list, f"{source}: brand"))
    address = _require(brand, "address", dict, f"{source}: brand")
    emoji = brand.get("emoji", "none")
    if emoji not in ("none", "closing"):
        raise ConfigError(f"{source}: brand.emoji must be none or closing")
    english = brand.get("english", "british")
    if english not in ("british", "american"):
        raise ConfigError(f"{source}: brand.english must be british or american")
    if address.get("fr") not in (None, "vous", "tu"):
        raise ConfigError(f"{source}: brand.address.fr must be vous or tu")
    voice = _require(data, "voice", dict, source)
    facts = data.get("facts") or {}
    answers = _require(data, "answers", dict, source)
    for language in languages:
        for key in VOICE_KEYS:
            if not isinstance((voice.get(language) or {}).get(key), str):
                raise ConfigError(f"{source}: voice.{language}.{key} missing")
    allowed_fields = {"first_name"}
    for intent, texts in answers.items():
        for language in languages:
            text = (texts or {}).get(language)
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(f"{source}: answers.{intent}.{language} missing")
            for _, field, _, _ in string.Formatter().parse(text):
                if field and field not in allowed_fields and field not in facts.get(language, {}):
                    raise ConfigError(f"{source}: answers.{intent}.{language} uses unknown variable {{{field}}}")
    staffing, staffing_messages = None, None
    if data.get("staffing") is not None:
        from bot.schedule.config import staffed_hours

        staffing, staffing_messages = staffed_hours(data["staffing"], source, languages)
    disclosure = data.get("disclosure")
    if disclosure is not None:
        for language in languages:
            if not isinstance(disclosure, dict) or not str(disclosure.get(language) or "").strip():
                raise ConfigError(f"{source}: disclosure.{language} missing")
    result = Brand(
        name=_require(brand, "name", str, f"{source}: brand"), languages=languages, address=address, emoji=emoji, english=english,
        voice=voice, vocabulary=frozenset(data.get("vocabulary") or ()),
        short_answers=frozenset(data.get("short_answers") or ()), facts=facts, answers=answers,
        staffing=staffing, staffing_messages=staffing_messages, disclosure=disclosure)
    for problem in voice_problems(result):
        raise ConfigError(f"{source}: {problem}")
    return result


def voice_problems(brand: Brand) -> list[str]:
    """Texts that break the brand's own rules (address, emoji)."""
    problems = []
    texts = [(f"answers.{i}.{l}", t) for i, by_lang in brand.answers.items() for l, t in by_lang.items()]
    texts += [(f"voice.{l}.{k}", t) for l, v in brand.voice.items() for k, t in v.items()]
    texts += [(f"disclosure.{l}", t) for l, t in (brand.disclosure or {}).items()]
    texts += [(f"staffing.{l}.{k}", t) for l, v in (brand.staffing_messages or {}).items() for k, t in v.items()]
    for key, text in texts:
        language = key.split(".")[2] if key.startswith("answers") else key.split(".")[1]
        if brand.emoji == "none" and _EMOJI.search(text):
            problems.append(f"{key}: emoji not allowed by brand.emoji")
        if language == "fr" and brand.address.get("fr") == "vous" and _TU.search(text):
            problems.append(f"{key}: addresses the fan as « tu » but brand.address.fr is vous")
        if language == "fr" and brand.address.get("fr") == "tu" and _VOUS.search(text):
            problems.append(f"{key}: addresses the fan as « vous » but brand.address.fr is tu")
    return problems


def load_brand(path: str | Path | None = None) -> Brand:
    path = Path(path or os.environ.get("RELAIS_BRAND_FILE") or DEFAULT_BRAND_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"brand file {path}: {exc}") from None
    return validate(data, str(path))


_LOADED: dict[Path, tuple[int, Brand]] = {}


def current_brand(path: str | Path | None = None) -> Brand:
    """The brand file as it is now: reloaded when the file changes, so edits need no restart."""
    path = Path(path or os.environ.get("RELAIS_BRAND_FILE") or DEFAULT_BRAND_FILE)
    mtime = path.stat().st_mtime_ns
    loaded = _LOADED.get(path)
    if loaded is None or loaded[0] != mtime:
        loaded = (mtime, load_brand(path))
        _LOADED[path] = loaded
    return loaded[1]
