"""``relais lint``: every text Relais can send, in every language and variant, proofread and in one voice.

Checks each answer of the brand file (with and without the fan's first
name, inside the brand's greeting and closing), each holding message, the
button and sticker replies, the note sent when a held draft waits, the
answers built from the brand's facts (delivery per zone, each boutique's
hours and address, a public holiday) and each response of ``domain.yml`` (its
variables filled with sample values). The shape is checked too: a body never
greets or signs itself (the brand's shape adds both), and every text speaks
in the brand's grammatical person (``voice.person``). A problem is a mistake
that would hold a draft (advice does not: ``relais proofread`` shows it), reported
as ``file: key [language]: word: message (suggestions)``.
"""

from __future__ import annotations

import string
from pathlib import Path

import yaml

from bot.brand import DEFAULT_BRAND_FILE, Brand, load_brand
from bot.errors import ConfigError
from bot.knowledge import sentences as say
from bot.proofreading.service import Proofreader
from bot.voice import HOLDING, person_problems

DEFAULT_DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
SAMPLE_NAMES = {"fr": "Julie", "en": "Tom"}
SAMPLE_VALUES = {
    "fr": {"order_number": "BR-204518", "ship_date": "lundi 23 novembre", "eta": "mercredi 25 novembre",
           "delivered_date": "mardi 17 novembre", "cancelled_date": "dimanche 15 novembre", "carrier": "Colissimo",
           "tracking_url": "https://www.maison-brindille.example/suivi/BR-204518", "typed": "BR-20451"},
    "en": {"order_number": "BR-204518", "ship_date": "Monday 23 November", "eta": "Wednesday 25 November",
           "delivered_date": "Tuesday 17 November", "cancelled_date": "Sunday 15 November", "carrier": "Colissimo",
           "tracking_url": "https://www.maison-brindille.example/suivi/BR-204518", "typed": "BR-20451"},
}


def domain_texts(path: Path, default_language: str) -> list[tuple[str, str, str]]:
    """(key, language, text with variables filled) for every response variation of the domain."""
    responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    out = []
    for name, variations in responses.items():
        for variation in variations or []:
            language = next((c.get("value") for c in variation.get("condition") or []
                             if c.get("name") == "language"), default_language)
            text = variation.get("text") or ""
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            missing = fields - set(SAMPLE_VALUES.get(language, {}))
            if missing:
                raise ConfigError(f"{path}: responses.{name} [{language}] uses unknown variable "
                                  f"{{{sorted(missing)[0]}}}")
            out.append((f"responses.{name}", language, text.format(**SAMPLE_VALUES.get(language, {}))))
    return out


async def lint(brand_path: Path = DEFAULT_BRAND_FILE, domain_path: Path = DEFAULT_DOMAIN_FILE,
               proofreader: Proofreader | None = None) -> tuple[int, list[str]]:
    """(texts checked, problems found)."""
    try:
        brand = load_brand(brand_path)
    except ConfigError as exc:
        return 0, [exc.public]
    proofreader = proofreader or Proofreader.from_env(brand.proofreading_vocabulary, brand.english)
    texts: list[tuple[str, str, str, str]] = []
    for intent in brand.answers:
        for language in brand.languages:
            for first_name in (SAMPLE_NAMES.get(language), None):
                variant = " (with first name)" if first_name else ""
                texts.append((str(brand_path), f"answers.{intent}{variant}", language,
                              brand.compose(intent, language, first_name) or ""))
    texts += [(str(brand_path), key, language, text) for key, language, text in fact_texts(brand)]
    try:
        domain = domain_texts(domain_path, brand.languages[0])
    except ConfigError as exc:
        return len(texts), [exc.public]
    texts += [(str(domain_path), key, language, brand.shape(text, language) if language in brand.languages else text)
              for key, language, text in domain]
    problems = shape_problems(brand, str(brand_path), str(domain_path), domain)
    for source, key, language, text in texts:
        checked = await proofreader.check(text, language)
        for issue in checked.blocking:  # advice (wording a careful writer avoids) holds no draft: not a problem
            hint = f" ({', '.join(issue.suggestions[:3])})" if issue.suggestions else ""
            problems.append(f"{source}: {key} [{language}]: {issue.word!r}: {issue.message}{hint}")
    return len(texts), problems


def fact_texts(brand: Brand) -> list[tuple[str, str, str]]:
    """(key, language, text) of the holding messages and of the answers built from the brand's facts."""
    import datetime as dt

    k = brand.knowledge
    out = []
    for language in brand.languages:
        for reason in brand.holding.get(language, {}):
            out.append((f"holding.{language}.{reason}", language,
                        brand.shape(brand.holding_text(reason, language, order_number=" BR-204518"), language,
                                    kind=HOLDING)))
        for n, zone in enumerate(k.zones):
            out.append((f"knowledge.delivery[{n}]", language, say.delivery(k, zone.countries[0], language)))
        if k.zones:
            out.append(("knowledge.delivery (not delivered)", language, say.delivery(k, "JP", language)))
        for b in k.boutiques:
            out.append((f"knowledge.boutiques.{b.name}", language,
                        f"{say.boutique_address(b, language)} {say.boutique_week(b, language)}"))
        for day in ("saturday", "sunday"):
            out.append((f"knowledge.weekly_hours.{day}", language, say.opening_on(k, day, language)))
        for date in (dt.date(2027, 5, 1), dt.date(2027, 7, 14)):
            out.append((f"knowledge.holidays {date:%m-%d}", language, say.opening_on(k, date, language)))
    from bot.brand import postback_texts

    for key, language, text in postback_texts(brand):
        if language in brand.languages:
            out.append((f"postbacks.{key}", language, text))
    if brand.hold_acknowledgement is not None:
        for language, forms in brand.hold_acknowledgement.texts.items():
            if language in brand.languages:
                out += [(f"hold_acknowledgement.{language}.{form}", language, text) for form, text in forms.items()]
    return out


def shape_problems(brand: Brand, brand_source: str, domain_source: str,
                   domain: list[tuple[str, str, str]]) -> list[str]:
    """Bodies that greet or sign themselves, and domain texts in the wrong grammatical person."""
    problems = []
    for language in brand.languages:
        voice = brand.voice[language]
        greeting_word = brand.fill(voice["greeting"], language).split()[0].strip(",").casefold()
        signature = brand.fill(voice["signature"], language).casefold()
        bodies = [(brand_source, f"answers.{i}", t.get(language, "")) for i, t in brand.answers.items()]
        bodies += [(domain_source, key, text) for key, lang, text in domain if lang == language]
        for source, key, text in bodies:
            words = text.split()
            if words and words[0].strip(",!").casefold() == greeting_word:
                problems.append(f"{source}: {key} [{language}]: starts with a greeting: the reply's shape adds it")
            if signature and signature in text.casefold():
                problems.append(f"{source}: {key} [{language}]: signs itself: the reply's shape adds the signature")
    for key, language, text in domain:
        wrong = person_problems(text, language, brand.person.get(language, ""))
        if wrong:
            problems.append(f"{domain_source}: {key} [{language}]: speaks as {', '.join(wrong)} "
                            f"but voice.person.{language} is {brand.person.get(language)}")
    return problems
