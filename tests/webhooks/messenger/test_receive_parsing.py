import pytest

from bot.errors import PayloadError
from webhooks.messenger import parse_messenger_payload

PAGE = "111"


def event(**kwargs):
    base = {"sender": {"id": "fan1"}, "recipient": {"id": PAGE}, "timestamp": 1700000000000}
    base.update(kwargs)
    return base


def body(*entries):
    return {"object": "page", "entry": list(entries)}


def entry(*events, page=PAGE):
    return {"id": page, "time": 1700000000000, "messaging": list(events)}


def test_text_message_becomes_inbound_message():
    [msg] = parse_messenger_payload(body(entry(event(message={"mid": "m1", "text": "Bonjour"}))))
    assert (msg.platform, msg.message_id, msg.page_id, msg.sender_id, msg.text, msg.kind) == (
        "messenger", "m1", PAGE, "fan1", "Bonjour", "text")
    assert msg.conversation_id == f"messenger:{PAGE}:fan1"
    assert msg.timestamp_ms == 1700000000000


def test_every_entry_and_every_event_is_handled_in_order():
    payload = body(
        entry(event(message={"mid": "m1", "text": "un"}), event(message={"mid": "m2", "text": "deux"})),
        entry(event(message={"mid": "m3", "text": "trois"}, sender={"id": "fan2"}), page="222"),
    )
    msgs = parse_messenger_payload(payload)
    assert [m.message_id for m in msgs] == ["m1", "m2", "m3"]
    assert msgs[2].sender_id == "fan2"


def test_echoes_deliveries_and_reads_are_ignored():
    payload = body(entry(
        event(message={"mid": "m1", "text": "page reply", "is_echo": True}),
        event(delivery={"mids": ["m0"], "watermark": 1}),
        event(read={"watermark": 1}),
        event(message={"mid": "m2", "text": "real one"}),
    ))
    assert [m.message_id for m in parse_messenger_payload(payload)] == ["m2"]


def test_quick_reply_keeps_text_and_payload():
    [msg] = parse_messenger_payload(body(entry(event(
        message={"mid": "m1", "text": "Livraison", "quick_reply": {"payload": "/delivery"}}))))
    assert (msg.kind, msg.text, msg.payload) == ("quick_reply", "Livraison", "/delivery")


def test_postback_uses_title_and_payload():
    [msg] = parse_messenger_payload(body(entry(event(
        postback={"mid": "m9", "title": "Horaires", "payload": "/opening_hours"}))))
    assert (msg.kind, msg.message_id, msg.text, msg.payload) == ("postback", "m9", "Horaires", "/opening_hours")


def test_postback_without_mid_gets_a_stable_id():
    ev = event(postback={"title": "Démarrer", "payload": "GET_STARTED"})
    first = parse_messenger_payload(body(entry(ev)))[0].message_id
    again = parse_messenger_payload(body(entry(ev)))[0].message_id
    assert first == again and first.startswith("pb-")


def test_attachment_only_message_is_kept_with_its_types():
    [msg] = parse_messenger_payload(body(entry(event(message={
        "mid": "m1", "attachments": [{"type": "image", "payload": {"url": "https://x"}}]}))))
    assert msg.text == "" and msg.attachments == ("image",)


def test_empty_entry_list_gives_no_message():
    assert parse_messenger_payload(body()) == []


@pytest.mark.parametrize("payload", [
    [],
    "page",
    {"object": "instagram", "entry": []},
    {"object": "page"},
    {"object": "page", "entry": {}},
    {"object": "page", "entry": ["x"]},
    {"object": "page", "entry": [{"messaging": {}}]},
    body(entry("not an event")),
    body(entry({"recipient": {"id": PAGE}, "message": {"mid": "m", "text": "t"}})),
    body(entry(event(message={"text": "no mid"}))),
    body(entry(event(message={"mid": "m", "text": 42}))),
    body(entry(event(message="hello"))),
    body(entry(event(timestamp="yesterday", message={"mid": "m", "text": "t"}))),
    body(entry(event(postback={"payload": 3}))),
])
def test_malformed_payloads_raise_payload_error(payload):
    with pytest.raises(PayloadError):
        parse_messenger_payload(payload)
