import datetime as dt
import json

import pytest

from actions.order_store import DemoOrderStore, format_date, load_store, normalise_order_number
from actions.orders import order_reply

TODAY = dt.date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize("text,number", [
    ("ma commande BR-204518 svp", "BR-204518"),
    ("br 204518", "BR-204518"),
    ("BR204518", "BR-204518"),
    ("order 204518?", "BR-204518"),
    ("where is my order", None),
    ("call 0199001234", None),
])
def test_order_numbers_are_normalised(text, number):
    assert normalise_order_number(text) == number


def test_dates_in_both_languages():
    assert format_date(dt.date(2026, 12, 1), "fr") == "mardi 1er décembre"
    assert format_date(dt.date(2026, 11, 23), "en") == "Monday 23 November"


def test_demo_store_resolves_relative_dates():
    order = DemoOrderStore(today=TODAY).get("BR-204518")
    assert order.status == "shipped" and order.carrier == "Colissimo"
    assert order.dates["shipped"] == dt.date(2026, 11, 19)
    assert order.dates["eta"] == dt.date(2026, 11, 22)
    assert DemoOrderStore(today=TODAY).get("BR-999999") is None


def test_reply_for_each_status_names_a_domain_response_with_its_variables():
    import yaml
    from bot.tools.training import ROOT

    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    store = DemoOrderStore(today=TODAY)
    for number in ["BR-204518", "BR-771203", "BR-350912", "BR-118842", "BR-000001"]:
        for language in ("fr", "en"):
            name, values = order_reply(store.get(number), number, language)
            assert name in responses
            for variation in responses[name]:
                variation["text"].format(**values)  # every placeholder is filled


def test_store_file_can_be_replaced(tmp_path, monkeypatch):
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": [{"number": "BR-123123", "status": "delivered", "delivered_days_ago": 1}]}))
    monkeypatch.setenv("RELAIS_ORDERS_FILE", str(path))
    assert load_store().get("BR-123123").status == "delivered"
