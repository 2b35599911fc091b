"""``relais lint``: every text Relais can send, in every language and variant, proofread.

Checks each answer of the brand file (with and without the fan's first
name, inside the brand's greeting and closing) and each response of
``domain.yml`` (its variables filled with sample values). A problem is
reported as ``file: key [language]: word: message (suggestions)``.
"""

from __future__ import annotations

import string
from pathlib import Path

import yaml

from bot.brand import DEFAULT_BRAND_FILE, load_brand
from bot.errors import ConfigError
from bot.proofreading.service import Proofreader

DEFAULT_DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
SAMPLE_NAMES = {"fr": "Julie", "en": "Tom"}
SAMPLE_VALUES = {
    "fr": {"order_number": "BR-204518", "ship_date": "lundi 23 novembre", "eta": "mercredi 25 novembre",
           "delivered_date": "mardi 17 novembre", "cancelled_date": "dimanche 15 novembre", "carrier": "Colissimo",
           "tracking_url": "https://www.maison-brindille.example/suivi/BR-204518"},
    "en": {"order_number": "BR-204518", "ship_date": "Monday 23 November", "eta": "Wednesday 25 November",
           "delivered_date": "Tuesday 17 November", "cancelled_date": "Sunday 15 November", "carrier": "Colissimo",
           "tracking_url": "https://www.maison-brindille.example/suivi/BR-204518"},
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
    try:
        texts += [(str(domain_path), key, language, text)
                  for key, language, text in domain_texts(domain_path, brand.languages[0])]
    except ConfigError as exc:
        return len(texts), [exc.public]
    problems = []
    for source, key, language, text in texts:
        checked = await proofreader.check(text, language)
        for issue in checked.issues:
            hint = f" ({', '.join(issue.suggestions[:3])})" if issue.suggestions else ""
            problems.append(f"{source}: {key} [{language}]: {issue.word!r}: {issue.message}{hint}")
    return len(texts), problems
