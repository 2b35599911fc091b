"""Where order statuses come from: a demo store on a JSON file, behind an interface a brand replaces.

A brand plugs in its own order API by implementing ``OrderStore.get`` and
pointing ``RELAIS_ORDER_STORE`` at it (``package.module:ClassName``); the
default reads ``data/demo_orders.json`` (or ``RELAIS_ORDERS_FILE``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "demo_orders.json"
_NUMBER = re.compile(r"(?i)\b(?:br[- ]?)?(\d{6})\b")

_FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]
_FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@dataclass(frozen=True, slots=True)
class Order:
    number: str
    status: str  # processing | shipped | delivered | cancelled
    dates: dict[str, dt.date]
    carrier: str = ""
    tracking_url: str = ""


class OrderStore(Protocol):
    def get(self, number: str) -> Order | None: ...


def normalise_order_number(text: str) -> str | None:
    """``br 204518``, ``BR204518`` or ``204518`` → ``BR-204518``; None when there is no order number."""
    match = _NUMBER.search(text or "")
    return f"BR-{match.group(1)}" if match else None


def format_date(day: dt.date, language: str) -> str:
    if language == "fr":
        first = "1er" if day.day == 1 else str(day.day)
        return f"{_FR_DAYS[day.weekday()]} {first} {_FR_MONTHS[day.month - 1]}"
    return day.strftime("%A %-d %B")


class DemoOrderStore:
    """Orders from a JSON file whose dates are offsets from today."""

    def __init__(self, path: Path = DEMO_FILE, today: dt.date | None = None) -> None:
        self.path = path
        self.today = today

    def get(self, number: str) -> Order | None:
        today = self.today or dt.date.today()
        for raw in json.loads(self.path.read_text(encoding="utf-8"))["orders"]:
            if raw["number"] != number:
                continue
            dates: dict[str, dt.date] = {}
            for key, value in raw.items():
                if key.endswith("_days_ago"):
                    dates[key.removesuffix("_days_ago")] = today - dt.timedelta(days=value)
                elif key.endswith("_in_days"):
                    dates[key.removesuffix("_in_days")] = today + dt.timedelta(days=value)
            tracking = f"https://www.maison-brindille.example/suivi/{number}" if raw["status"] == "shipped" else ""
            return Order(number, raw["status"], dates, raw.get("carrier", ""), tracking)
        return None


def load_adapter(class_variable: str, file_variable: str, demo, demo_file: Path):
    """The brand's adapter named by ``class_variable`` (``module:Class``), else ``demo`` reading
    ``file_variable``'s file (default ``demo_file``): how the order store and the catalogue are plugged in."""
    spec = os.environ.get(class_variable, "").strip()
    if spec:
        module, _, cls = spec.partition(":")
        return getattr(importlib.import_module(module), cls)()
    path = os.environ.get(file_variable, "").strip()
    return demo(Path(path) if path else demo_file)


def load_store() -> OrderStore:
    """The store named by ``RELAIS_ORDER_STORE`` (``module:Class``), else the demo store."""
    return load_adapter("RELAIS_ORDER_STORE", "RELAIS_ORDERS_FILE", DemoOrderStore, DEMO_FILE)
