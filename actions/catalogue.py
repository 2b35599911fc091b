"""Where product stock comes from: a demo catalogue on a JSON file, behind an interface a brand replaces.

A brand plugs in its own stock API by implementing ``Catalogue.find`` and
``Catalogue.stock`` and pointing ``RELAIS_CATALOGUE`` at it
(``package.module:ClassName``); the default reads ``data/demo_catalogue.json``
(or ``RELAIS_CATALOGUE_FILE``), like the demo order store beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from actions.order_store import load_adapter
from bot.knowledge.mentions import fold

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "demo_catalogue.json"


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    names: dict[str, str]  # language → "la tasse Brume" / "the Brume cup"
    online: int
    boutiques: dict[str, int]  # boutique name (brand.yml) → pieces in stock
    gender: str = "m"  # of the French name: m | f


class Catalogue(Protocol):
    def find(self, text: str) -> Product | None: ...  # the product a message names

    def get(self, product_id: str) -> Product | None: ...


class DemoCatalogue:
    """Products from a JSON file; a product is named in a message by one of its keywords."""

    def __init__(self, path: Path = DEMO_FILE) -> None:
        self.path = path

    def _products(self) -> list[tuple[Product, tuple[str, ...]]]:
        out = []
        for raw in json.loads(self.path.read_text(encoding="utf-8"))["products"]:
            product = Product(raw["id"], dict(raw["names"]), int(raw.get("online", 0)),
                              {str(k): int(v) for k, v in (raw.get("boutiques") or {}).items()},
                              "f" if raw.get("gender") == "f" else "m")
            out.append((product, tuple(fold(k).strip() for k in raw.get("keywords") or ())))
        return out

    def get(self, product_id: str) -> Product | None:
        return next((p for p, _ in self._products() if p.id == product_id), None)

    def find(self, text: str) -> Product | None:
        folded = fold(text)
        return next((p for p, words in self._products() if any(f" {w} " in folded for w in words)), None)


def load_catalogue() -> Catalogue:
    """The catalogue named by ``RELAIS_CATALOGUE`` (``module:Class``), else the demo catalogue."""
    return load_adapter("RELAIS_CATALOGUE", "RELAIS_CATALOGUE_FILE", DemoCatalogue, DEMO_FILE)


def availability(product: Product, boutique: str | None, language: str, where) -> str:
    """"Oui, la tasse Brume est disponible dans notre boutique de Lyon (3 en stock)." — the boutique named,
    else online; with where else it is when not there. ``where(names)`` writes a list of boutiques."""
    name = product.names.get(language) or next(iter(product.names.values()))
    cap = name[0].upper() + name[1:]
    f = product.gender == "f"
    it, pronoun, sold_out = ("elle", "la", "épuisée") if f else ("il", "le", "épuisé")
    elsewhere = [b for b, n in product.boutiques.items() if n > 0 and b != boutique]
    if boutique:  # "disponible" agrees with both genders
        count = product.boutiques.get(boutique, 0)
        if count > 0:
            return (f"Oui, {name} est disponible dans {where([boutique])} ({count} en stock)." if language == "fr"
                    else f"Yes, {name} is in stock in {where([boutique])} ({count} left).")
        others = where(elsewhere[:3]) if elsewhere else ""
        if language == "fr":
            text = f"{cap} n'est pas disponible en ce moment dans {where([boutique])}."
            if others:
                text += f" Vous {pronoun} trouverez dans {others}."
            return text + (f" {it.capitalize()} est aussi disponible en ligne." if product.online else "")
        text = f"{cap} is not in stock in {where([boutique])} at the moment."
        if others:
            text += f" You will find it in {others}."
        return text + (" It is also available online." if product.online else "")
    if product.online:
        return (f"Oui, {name} est disponible en ligne ({product.online} en stock)." if language == "fr"
                else f"Yes, {name} is available online ({product.online} in stock).")
    if elsewhere:
        others = where(elsewhere[:3])
        return (f"{cap} est {sold_out} en ligne, mais vous {pronoun} trouverez dans {others}." if language == "fr"
                else f"{cap} is sold out online, but you will find it in {others}.")
    return (f"{cap} est {sold_out} pour le moment. Cliquez sur « Me prévenir » sur sa fiche et nous vous écrirons dès son retour."
            if language == "fr" else
            f"{cap} is sold out at the moment. Click on \"Let me know\" on its page and we will e-mail you as soon as it is back.")
