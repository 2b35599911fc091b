"""Skill: tell a fan where their order is, from the order store, in their language and the brand's voice."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.drafting import fan_language, holding_message, reply_language, reply_meta, reply_moment, sent_at
from actions.order_store import Order, OrderStore, format_date, load_store, normalise_order_number
from bot.brand import current_brand

# Something that looks like an order number but is not "BR-" and six digits: "BR-12345", "br 1234567", "12345".
_MALFORMED = re.compile(r"(?i)\bbr[- ]?\d{1,12}\b|(?<![\d-])\d{4,5}(?!\d)|(?<![\d-])\d{7,9}(?!\d)")


def order_reply(order: Order | None, number: str, language: str) -> tuple[str, dict[str, str]]:
    """The response name and its variables for one looked-up order."""
    if order is None:
        return "utter_order_not_found", {"order_number": number}
    values = {"order_number": order.number, "carrier": order.carrier, "tracking_url": order.tracking_url}
    for name, day in order.dates.items():
        values[f"{name}_date"] = format_date(day, language)
    values["ship_date"] = values.get("shipped_date") or values.get("ship_date", "")
    values["eta"] = values.pop("eta_date", "")
    return f"utter_order_{order.status}", values


def malformed_number(text: str) -> str | None:
    """An order number of the wrong format the fan typed, if any (a well-formed one wins)."""
    if normalise_order_number(text):
        return None
    match = _MALFORMED.search(text or "")
    return match.group(0) if match else None


def render(domain: dict[str, Any], response: str, language: str, **values: Any) -> str:
    """The text of a domain response in ``language`` (its variation without condition as fallback)."""
    text = ""
    for variation in (domain.get("responses") or {}).get(response) or []:
        conditions = variation.get("condition") or []
        if not conditions:
            text = text or variation.get("text", "")
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            text = variation.get("text", "")
            break
    return text.format_map({k: "" if v is None else v for k, v in values.items()} | {"_": ""})


class ActionOrderStatus(Action):
    def __init__(self, store: OrderStore | None = None) -> None:
        self.store = store or load_store()

    def name(self) -> str:
        return "action_order_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        brand = current_brand()
        text = tracker.latest_message.get("text") or ""
        entity = next(tracker.get_latest_entity_values("order_number"), None)
        number = normalise_order_number(entity or text)
        fan = fan_language(tracker, brand)
        language = reply_language(brand, fan)
        at = reply_moment(tracker, brand)
        first_name = (tracker.latest_message.get("metadata") or {}).get("first_name")
        holding = holding_message(brand, tracker, "order_tracking", fan, at, first_name)
        events: list[dict] = [SlotSet("replied_at", sent_at(tracker)), SlotSet("topic", "order_tracking")]
        if number is None:
            wrong = malformed_number(text)
            response = "utter_order_number_format" if wrong else "utter_ask_order_number"
            body = render(domain, response, language, typed=wrong or "")
            dispatcher.utter_message(text=brand.shape(body, language, first_name=first_name, at=at),
                                     json_message={"relais": reply_meta(tracker, fan, response, holding)})
            return events
        response, values = order_reply(self.store.get(number), number, language)
        body = render(domain, response, language, **values)
        dispatcher.utter_message(text=brand.shape(body, language, first_name=first_name, at=at),
                                 json_message={"relais": reply_meta(tracker, fan, response, holding,
                                                                    order_number=number)})
        return events + [SlotSet("order_number", number)]
