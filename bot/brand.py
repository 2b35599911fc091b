"""The brand file (``brand.yml``): voice, facts and FAQ answers, validated on load.

Drafts greet the fan by first name when the platform gives it, thank them,
answer from the brand's own words only, and close with the brand's habits.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.errors import ConfigError
from bot.knowledge.facts import Knowledge, load_knowledge
from bot.voice import ANSWER, SMALL_TALK, Moment, person_problems, shape

if TYPE_CHECKING:
    from bot.schedule.hours import StaffedHours

DEFAULT_BRAND_FILE = Path(__file__).resolve().parents[1] / "brand.yml"
VOICE_KEYS = ("greeting", "thanks", "closing", "signature")
VOICE_OPTIONAL = ("greeting_anonymous", "greeting_evening", "closing_evening")
VOICE_SETTINGS = ("time_zone", "evening_from", "new_conversation_after_hours", "person")
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
    postbacks: "Postbacks | None" = None  # the brand's buttons and what they answer (``postbacks``)
    # The reply shape (``voice``, see bot.voice): time zone, evening greeting, when a conversation starts again,
    # the grammatical person per language.
    time_zone: str = "Europe/Paris"
    evening_from: dt.time = dt.time(18, 0)
    new_conversation_after_hours: float = 6.0
    person: dict[str, str] = field(default_factory=lambda: {"fr": "nous", "en": "we"})
    # What a fan handed to a person is told, per language and reason (``holding``), and in languages the
    # brand does not answer in (``other_languages``); the structured facts answers are built from.
    holding: dict[str, dict[str, str]] = field(default_factory=dict)
    other_languages: dict[str, str] = field(default_factory=dict)
    knowledge: Knowledge = field(default_factory=Knowledge)
    # The short note a fan gets when a held draft waits too long for a CM (``hold_acknowledgement``; None: none).
    hold_acknowledgement: "HoldAcknowledgement | None" = None

    @property
    def proofreading_vocabulary(self) -> frozenset[str]:
        """Words the proofreader accepts as they are: the brand's name and its vocabulary list."""
        return self.vocabulary | frozenset(self.name.split()) | self.protected_words

    @cached_property
    def protected_words(self) -> frozenset[str]:
        """What the proofreader never flags, in any language: the brand's name, its ``vocabulary`` list
        (products, places, partners) and the names in its signatures. Built once per loaded brand file."""
        words = {self.name, *self.vocabulary}
        for b in self.knowledge.boutiques:  # the boutiques' names, cities and street addresses, a hyphenated
            # name whole (« Notre-Dame »: its « Notre » alone is the French possessive, not a name)
            words.update(re.findall(r"[^\W\d_]{2,}(?:-[^\W\d_]+)*", f"{b.name} {b.city} {b.address}"))
        for voice in self.voice.values():
            words.update(w for w in re.findall(r"[^\W\d_]{2,}", voice.get("signature") or "") if w[0].isupper())
        return frozenset(words)

    def fill(self, template: str, language: str, first_name: str | None = None) -> str:
        if not first_name:  # "Bonjour {first_name}," without a name → "Bonjour,"
            template = re.sub(r"\s*\{first_name\}", "", template)
        return template.format(**self.facts.get(language, {}), first_name=first_name or "").strip()

    def compose(self, intent: str, language: str, first_name: str | None = None,
                at: "Moment | None" = None) -> str | None:
        """The reply for an intent in the brand's shape (bot.voice; the first reply of a conversation, by
        day, unless ``at`` says otherwise). None if the brand file has no answer for it."""
        template = self.answers.get(intent, {}).get(language)
        if template is None:
            return None
        return self.shape(self.fill(template, language, first_name), language,
                          kind=SMALL_TALK if intent in self.short_answers else ANSWER, first_name=first_name, at=at)

    def shape(self, body: str, language: str, *, kind: str = ANSWER, first_name: str | None = None,
              at: "Moment | None" = None) -> str:
        """Any reply's body in the brand's shape: greeting, thanks, body, closing, signature (bot.voice)."""
        return shape(self, body, language, kind=kind, first_name=first_name, at=at or Moment())

    def holding_text(self, reason: str, language: str, **values: str) -> str:
        """What a fan handed to a person is told: the text for ``reason``, else the general one."""
        texts = self.holding.get(language) or {}
        template = texts.get(reason) or texts.get("person") or ""
        return template.format_map({k: v for k, v in values.items()} | {"order_number": values.get("order_number", "")})


@dataclass(frozen=True)
class Postbacks:
    """What the brand's buttons answer, without NLU or tone (``postbacks`` in the brand file).

    ``get_started`` is the payload of the page's Get Started button, answered
    with ``welcome``; ``like`` is the short thank-you for a like or a sticker
    ("" in a language: nothing is sent); ``payloads`` maps each other payload
    to ``{"intent": name}`` (that intent's brand answer) or ``{"answer": {language: text}}``.
    """

    get_started: str
    welcome: dict[str, str]
    like: dict[str, str]
    payloads: dict[str, dict[str, Any]]


_POSTBACK_KEYS = ("get_started", "welcome", "like", "payloads")


def _texts(value: Any, key: str, languages: tuple[str, ...], source: str, *, empty: bool = False,
           facts: dict | None = None) -> dict[str, str]:
    """One text per brand language under ``key``; its {variables} must be facts of that language."""
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key} must be a dict of one text per language")
    for language in languages:
        text = value.get(language)
        if not isinstance(text, str) or (not empty and not text.strip()):
            raise ConfigError(f"{source}: {key}.{language} missing")
        for _, field, _, _ in string.Formatter().parse(text):
            if field and field not in (facts or {}).get(language, {}):
                raise ConfigError(f"{source}: {key}.{language} uses unknown variable {{{field}}}")
    return {language: value[language] for language in languages}


def postbacks_config(data: Any, source: str, languages: tuple[str, ...], answers: dict,
                     facts: dict) -> Postbacks:
    """The ``postbacks`` section, checked: a mistake fails the load and names its key."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: postbacks must be a dict")
    for key in data:
        if key not in _POSTBACK_KEYS:
            raise ConfigError(f"{source}: postbacks.{key} is not a known key ({', '.join(_POSTBACK_KEYS)})")
    get_started = data.get("get_started")
    if not isinstance(get_started, str) or not get_started.strip():
        raise ConfigError(f"{source}: postbacks.get_started missing (the Get Started button's payload)")
    welcome = _texts(data.get("welcome"), "postbacks.welcome", languages, source, facts=facts)
    like = _texts(data.get("like") or {language: "" for language in languages}, "postbacks.like", languages,
                  source, empty=True, facts=facts)
    raw = data.get("payloads") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: postbacks.payloads must be a dict of payload: {{intent | answer}}")
    payloads: dict[str, dict[str, Any]] = {}
    for payload, target in raw.items():
        key = f"postbacks.payloads.{payload}"
        if not isinstance(payload, str) or not payload.strip():
            raise ConfigError(f"{source}: {key}: a payload must be a string (quote it)")
        if payload == get_started:
            raise ConfigError(f"{source}: {key} is the get_started payload already")
        if not isinstance(target, dict) or len(target) != 1 or next(iter(target)) not in ("intent", "answer"):
            raise ConfigError(f"{source}: {key} must have exactly one of intent or answer")
        if "intent" in target:
            if not isinstance(target["intent"], str) or target["intent"] not in answers:
                raise ConfigError(f"{source}: {key}.intent: no answer for {target['intent']!r} in answers")
            payloads[payload] = {"intent": target["intent"]}
        else:
            payloads[payload] = {"answer": _texts(target["answer"], f"{key}.answer", languages, source, facts=facts)}
    return Postbacks(get_started=get_started, welcome=welcome, like=like, payloads=payloads)


@dataclass(frozen=True)
class HoldAcknowledgement:
    """One short note to a fan whose held draft has waited ``after_s`` seconds for a CM (0: never).

    ``texts`` gives, per language, the ``staffed`` text (the team is there) and the ``away`` one (it is
    not; the ``staffing`` section's away sentence, saying when it is next there, follows it).
    """

    after_s: float
    texts: dict[str, dict[str, str]]

    def text(self, language: str, staffed: bool) -> tuple[str, str]:
        """(language, text) for a fan writing in ``language``: English, then the first language given, when
        the section has no text in theirs."""
        lang = next(l for l in (language, "en", *self.texts) if l in self.texts)
        forms = self.texts[lang]
        return lang, forms["staffed"] if staffed or not forms.get("away") else forms["away"]


HOLD_ACK_DEFAULT_MINUTES = 10
HOLD_ACK_FORMS = ("staffed", "away")


def hold_acknowledgement_config(data: Any, source: str, languages: tuple[str, ...],
                                has_staffing: bool) -> HoldAcknowledgement | None:
    """The ``hold_acknowledgement`` section, checked (None when absent): ``after_minutes`` (10 when left
    out, 0 turns it off, at most a day) and a ``staffed`` text per language — and an ``away`` one when the
    brand has staffed hours. A mistake fails the load and names its key."""
    if data is None:
        return None
    where = f"{source}: hold_acknowledgement"
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a dict (after_minutes and a text per language)")
    minutes = data.get("after_minutes", HOLD_ACK_DEFAULT_MINUTES)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 0 <= minutes <= 24 * 60:
        raise ConfigError(f"{where}.after_minutes must be a number of minutes from 0 (off) to 1440")
    texts: dict[str, dict[str, str]] = {}
    for key, forms in data.items():
        if key == "after_minutes":
            continue
        if not isinstance(key, str) or not re.fullmatch(r"[a-z]{2}", key):
            raise ConfigError(f"{where}.{key} is not a known key (after_minutes, or a language code)")
        if not isinstance(forms, dict):
            raise ConfigError(f"{where}.{key} must be a dict of {' and '.join(HOLD_ACK_FORMS)} texts")
        for form, text in forms.items():
            if form not in HOLD_ACK_FORMS:
                raise ConfigError(f"{where}.{key}.{form} is not a known key ({', '.join(HOLD_ACK_FORMS)})")
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(f"{where}.{key}.{form} must be a text")
        if "staffed" not in forms:
            raise ConfigError(f"{where}.{key}.staffed missing")
        texts[key] = {form: text.strip() for form, text in forms.items()}
    if minutes:
        for language in languages:
            for form in HOLD_ACK_FORMS if has_staffing else ("staffed",):
                if form not in texts.get(language, {}):
                    raise ConfigError(f"{where}.{language}.{form} missing")
    return HoldAcknowledgement(after_s=float(minutes) * 60, texts=texts)


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
    voice = dict(_require(data, "voice", dict, source))
    settings = {key: voice.pop(key) for key in VOICE_SETTINGS if key in voice}
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
    shape_settings = _voice_settings(settings, source, languages)
    holding = _holding(data.get("holding"), source, languages)
    other_languages = data.get("other_languages") or {}
    if not isinstance(other_languages, dict) or not all(isinstance(t, str) and t.strip()
                                                         for t in other_languages.values()):
        raise ConfigError(f"{source}: other_languages must map language codes to texts")
    knowledge = load_knowledge(data.get("knowledge"), source)
    postbacks = None
    if data.get("postbacks") is not None:
        postbacks = postbacks_config(data["postbacks"], source, languages, answers, facts)
    hold_acknowledgement = hold_acknowledgement_config(data.get("hold_acknowledgement"), source, languages,
                                                       staffing is not None)
    result = Brand(
        name=_require(brand, "name", str, f"{source}: brand"), languages=languages, address=address, emoji=emoji, english=english,
        voice=voice, vocabulary=frozenset(data.get("vocabulary") or ()),
        short_answers=frozenset(data.get("short_answers") or ()), facts=facts, answers=answers,
        staffing=staffing, staffing_messages=staffing_messages, disclosure=disclosure, postbacks=postbacks,
        holding=holding, other_languages=other_languages, knowledge=knowledge,
        hold_acknowledgement=hold_acknowledgement, **shape_settings)
    for problem in voice_problems(result):
        raise ConfigError(f"{source}: {problem}")
    return result


def _voice_settings(settings: dict[str, Any], source: str, languages: tuple[str, ...]) -> dict[str, Any]:
    """``voice.time_zone``, ``evening_from``, ``new_conversation_after_hours`` and ``person``, checked."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    out: dict[str, Any] = {}
    if "time_zone" in settings:
        try:
            ZoneInfo(str(settings["time_zone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{source}: voice.time_zone {settings['time_zone']!r} is not a time zone") from None
        out["time_zone"] = str(settings["time_zone"])
    if "evening_from" in settings:
        try:
            out["evening_from"] = dt.time.fromisoformat(str(settings["evening_from"]))
        except ValueError:
            raise ConfigError(f"{source}: voice.evening_from must be HH:MM") from None
    if "new_conversation_after_hours" in settings:
        hours = settings["new_conversation_after_hours"]
        if not isinstance(hours, (int, float)) or isinstance(hours, bool) or hours <= 0:
            raise ConfigError(f"{source}: voice.new_conversation_after_hours must be a positive number")
        out["new_conversation_after_hours"] = float(hours)
    if "person" in settings:
        person = settings["person"]
        allowed = {"fr": ("nous", "je"), "en": ("we", "i")}
        if not isinstance(person, dict) or any(str(person.get(l, "")).lower() not in allowed.get(l, ("nous", "we"))
                                               for l in languages if l in allowed):
            raise ConfigError(f"{source}: voice.person must give nous|je for fr and we|i for en")
        out["person"] = {l: str(v).lower() for l, v in person.items()}
    return out


HOLDING_REASONS = ("complaint", "order_problem", "insult", "ask_human", "attachment", "person")


def _holding(data: Any, source: str, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``holding``: per language, a text per reason; ``person`` (any other reason) is required."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: holding must be a dict of languages")
    for language in languages:
        texts = data.get(language)
        if not isinstance(texts, dict) or not str(texts.get("person") or "").strip():
            raise ConfigError(f"{source}: holding.{language}.person missing")
        for reason, text in texts.items():
            if reason not in HOLDING_REASONS:
                raise ConfigError(f"{source}: holding.{language}.{reason} is not a reason ({', '.join(HOLDING_REASONS)})")
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(f"{source}: holding.{language}.{reason} must be a text")
    return {language: dict(data[language]) for language in languages}


def voice_problems(brand: Brand) -> list[str]:
    """Texts that break the brand's own rules (address, emoji)."""
    problems = []
    texts = [(f"answers.{i}.{l}", t) for i, by_lang in brand.answers.items() for l, t in by_lang.items()]
    texts += [(f"voice.{l}.{k}", t) for l, v in brand.voice.items() for k, t in v.items()]
    texts += [(f"disclosure.{l}", t) for l, t in (brand.disclosure or {}).items()]
    texts += [(f"holding.{l}.{k}", t) for l, v in brand.holding.items() for k, t in v.items()]
    texts += [(f"postbacks.{k}.{l}", t) for k, l, t in postback_texts(brand)]
    texts += [(f"staffing.{l}.{k}", t) for l, v in (brand.staffing_messages or {}).items() for k, t in v.items()]
    texts += [(f"hold_acknowledgement.{l}.{k}", t) for l, v in
              (brand.hold_acknowledgement.texts if brand.hold_acknowledgement else {}).items() for k, t in v.items()]
    for key, text in texts:
        language = key.split(".")[2] if key.startswith("answers") else key.rsplit(".", 1)[1] \
            if key.startswith("postbacks") else key.split(".")[1]
        if brand.emoji == "none" and _EMOJI.search(text):
            problems.append(f"{key}: emoji not allowed by brand.emoji")
        if language == "fr" and brand.address.get("fr") == "vous" and _TU.search(text):
            problems.append(f"{key}: addresses the fan as « tu » but brand.address.fr is vous")
        if language == "fr" and brand.address.get("fr") == "tu" and _VOUS.search(text):
            problems.append(f"{key}: addresses the fan as « vous » but brand.address.fr is tu")
        wrong = person_problems(text, language, brand.person.get(language, ""))
        if wrong:
            problems.append(f"{key}: speaks as {', '.join(wrong)} but voice.person.{language} is "
                            f"{brand.person.get(language)}")
    return problems


def postback_texts(brand: Brand) -> list[tuple[str, str, str]]:
    """(key, language, text) of every text the brand's buttons and stickers can send."""
    pb = brand.postbacks
    if pb is None:
        return []
    out = [("welcome", l, t) for l, t in pb.welcome.items()] + [("like", l, t) for l, t in pb.like.items() if t]
    out += [(f"payloads.{p}.answer", l, t) for p, target in pb.payloads.items()
            for l, t in (target.get("answer") or {}).items()]
    return out


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
