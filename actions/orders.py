"""Skill: tell a fan where their order is, from the order store, in their language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.drafting import fan_language, render, reply_meta
from actions.order_store import Order, OrderStore, format_date, load_store, normalise_order_number


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


class ActionOrderStatus(Action):
    def __init__(self, store: OrderStore | None = None) -> None:
        self.store = store or load_store()

    def name(self) -> str:
        return "action_order_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        entity = next(tracker.get_latest_entity_values("order_number"), None)
        number = normalise_order_number(entity or tracker.latest_message.get("text") or "")
        language = fan_language(tracker)
        if number is None:
            dispatcher.utter_message(text=render(domain, "utter_ask_order_number", language),
                                     json_message={"relais": reply_meta(tracker, domain, "utter_ask_order_number")})
            return []
        response, values = order_reply(self.store.get(number), number, language)
        dispatcher.utter_message(text=render(domain, response, language, **values),
                                 json_message={"relais": reply_meta(tracker, domain, response, order_number=number)})
        return [SlotSet("order_number", number)]
