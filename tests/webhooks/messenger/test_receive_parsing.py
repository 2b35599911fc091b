"""What a Messenger delivery becomes: messages kept, echoes of our sends, and events skipped by reason.

One event of an unexpected shape never fails its delivery: it is skipped and
counted, and every other event of the delivery is still kept. Only an
envelope that is not a Messenger delivery at all is refused.
"""

import math

import pytest

from bot.errors import PayloadError
from bot.messages import Echo
from webhooks.messenger.receive import MAX_EVENTS, parse_delivery

PAGE = "100000000000001"
FAN = "2000000000000002"
OTHER_FAN = "3000000000000003"
TS = 1700000000000


def event(**kwargs):
    base = {"sender": {"id": FAN}, "recipient": {"id": PAGE}, "timestamp": TS}
    base.update(kwargs)
    return base


def text(mid="m_1", body="Bonjour", **kwargs):
    return event(message={"mid": mid, "text": body}, **kwargs)


def delivery(*entries, obj="page"):
    return {"object": obj, "entry": list(entries)}


def entry(*events, page=PAGE):
    return {"id": page, "time": TS, "messaging": list(events)}


def one(*events):
    return parse_delivery(delivery(entry(*events)))


# -- what is kept ---------------------------------------------------------------------------


def test_text_message_becomes_a_neutral_message():
    batch = one(text())
    [msg] = batch.messages
    assert (msg.platform, msg.message_id, msg.account_id, msg.sender_id, msg.text, msg.kind) == (
        "messenger", "m_1", PAGE, FAN, "Bonjour", "text")
    assert msg.conversation_id == f"messenger:{PAGE}:{FAN}"
    assert msg.timestamp_ms == TS
    assert (msg.payload, msg.attachments, msg.links, msg.reply_to) == (None, (), (), None)
    assert batch.echoes == [] and batch.skipped == {}


def test_every_entry_and_every_event_is_kept_in_order():
    batch = parse_delivery(delivery(
        entry(text("m1", "un"), text("m2", "deux")),
        entry(text("m3", "trois", sender={"id": OTHER_FAN}, recipient={"id": "222"}), page="222"),
    ))
    assert [m.message_id for m in batch.messages] == ["m1", "m2", "m3"]
    assert (batch.messages[2].sender_id, batch.messages[2].account_id) == (OTHER_FAN, "222")


def test_quick_reply_keeps_its_text_and_payload():
    [msg] = one(event(message={"mid": "m1", "text": "Livraison", "quick_reply": {"payload": "/delivery"}})).messages
    assert (msg.kind, msg.text, msg.payload) == ("quick_reply", "Livraison", "/delivery")


def test_postback_keeps_title_and_payload():
    [msg] = one(event(postback={"mid": "m9", "title": "Horaires", "payload": "/opening_hours"})).messages
    assert (msg.kind, msg.message_id, msg.text, msg.payload) == ("postback", "m9", "Horaires", "/opening_hours")


def test_postback_with_referral_is_kept():
    """Meta's shape for a fan who opened the thread from an m.me link with a ref."""
    [msg] = one(event(postback={"title": "Démarrer", "payload": "GET_STARTED",
                                "referral": {"ref": "promo-ete", "source": "SHORTLINK", "type": "OPEN_THREAD"}},
                      timestamp=1527459824)).messages
    assert (msg.kind, msg.text, msg.payload, msg.timestamp_ms) == ("postback", "Démarrer", "GET_STARTED", 1527459824)


def test_postback_without_mid_gets_a_stable_id():
    ev = event(postback={"title": "Démarrer", "payload": "GET_STARTED"})
    first = one(ev).messages[0].message_id
    assert first.startswith("pb-")
    assert one(ev).messages[0].message_id == first
    assert one(event(postback={"title": "Démarrer", "payload": "OTHER"})).messages[0].message_id != first


def test_reply_to_is_kept():
    [msg] = one(event(message={"mid": "m_2", "text": "et celle-ci ?", "reply_to": {"mid": "m_1"}})).messages
    assert (msg.text, msg.reply_to) == ("et celle-ci ?", "m_1")


def test_attachment_only_message_is_kept_with_its_types_and_links():
    [msg] = one(event(message={"mid": "m1", "attachments": [
        {"type": "image", "payload": {"url": "https://cdn.example/x.jpg"}},
        {"type": "fallback", "payload": {"url": "https://maison-brindille.example/p/42"}, "title": "Nappe"},
    ]})).messages
    assert msg.text == ""
    assert msg.attachments == ("image", "fallback")
    assert msg.links == ("https://maison-brindille.example/p/42",)


def sticker(sticker_id, *, top_level=True, url="https://scontent.example/sticker.png", kind="image"):
    """A sticker as Messenger sends it: an image attachment with ``sticker_id``, also on the message."""
    message = {"mid": "m_st", "attachments": [{"type": kind, "payload": {"url": url, "sticker_id": sticker_id}}]}
    if top_level:
        message["sticker_id"] = sticker_id
    return event(message=message)


@pytest.mark.parametrize("sticker_id", [369239263222822, 369239343222814, 369239383222810, "369239263222822"])
def test_the_like_thumbs_up_in_every_size_is_a_like_not_an_attachment(sticker_id):
    [msg] = one(sticker(sticker_id)).messages
    assert (msg.kind, msg.text, msg.payload, msg.attachments, msg.links) == ("like", "👍", str(sticker_id), (), ())


def test_a_like_with_its_id_on_the_attachment_only_is_a_like():
    [msg] = one(sticker(369239263222822, top_level=False)).messages
    assert (msg.kind, msg.payload) == ("like", "369239263222822")


def test_another_sticker_is_a_sticker_not_a_photo():
    [msg] = one(sticker(126361874215276)).messages
    assert (msg.kind, msg.text, msg.payload, msg.attachments) == ("sticker", "", "126361874215276", ("sticker",))


@pytest.mark.parametrize("bad_id", [True, 0, -369239263222822, "thumbs", "", None, 10**40, 3.5, [369239263222822]])
def test_a_sticker_id_that_is_not_an_id_leaves_a_photo(bad_id):
    [msg] = one(sticker(bad_id)).messages
    assert (msg.kind, msg.attachments) == ("text", ("image",))


def test_a_photo_is_still_a_photo_and_a_sticker_among_other_attachments_is_not_a_like():
    [photo] = one(event(message={"mid": "m_p", "attachments": [{"type": "image",
                                                                "payload": {"url": "https://x/y.jpg"}}]})).messages
    assert (photo.kind, photo.attachments, photo.payload) == ("text", ("image",), None)
    ev = sticker(369239263222822)
    ev["message"]["attachments"].append({"type": "file", "payload": {"url": "https://x/y.pdf"}})
    [msg] = one(ev).messages
    assert (msg.kind, msg.attachments) == ("text", ("image", "file"))
    [video] = one(sticker(369239263222822, kind="video")).messages
    assert video.kind == "text"


def test_a_sticker_with_text_is_read_as_the_text():
    ev = sticker(369239263222822)
    ev["message"]["text"] = "merci"
    [msg] = one(ev).messages
    assert (msg.kind, msg.text) == ("text", "merci")


@pytest.mark.parametrize("raw, expected", [
    (TS, TS),
    (str(TS), TS),  # a string timestamp, as some of Meta's samples show it
    (1527459824, 1527459824),  # seconds, as in Meta's referral sample: kept as sent
    (1.7e12, 1700000000000),
    ("yesterday", 0),
    (-5, 0),
    (None, 0),
    (True, 0),
    ("²", 0),  # a Unicode digit that int() refuses
    ("9" * 5000, 0),  # more digits than int() converts
    (10**400, 0),
    (math.inf, 0),
    (math.nan, 0),
    ([TS], 0),
])
def test_timestamps_are_accepted_or_unknown_never_an_error(raw, expected):
    [msg] = one(text(timestamp=raw)).messages
    assert msg.timestamp_ms == expected
    assert isinstance(msg.timestamp_ms, int)


def test_integer_ids_are_turned_into_strings():
    [msg] = one(text(sender={"id": int(FAN)}, recipient={"id": int(PAGE)})).messages
    assert (msg.sender_id, msg.account_id) == (FAN, PAGE)
    assert msg.conversation_id == f"messenger:{PAGE}:{FAN}"


def test_lone_surrogate_is_replaced_and_the_message_kept():
    [msg] = one(event(message={"mid": "m_\udc00", "text": "merci \ud83d !",
                               "quick_reply": {"payload": "P\ud800"}})).messages
    assert msg.text == "merci \ufffd !"
    assert msg.message_id == "m_\ufffd"
    assert msg.payload == "P\ufffd"
    msg.to_json().encode("utf-8")  # storable: strict UTF-8 encodes it


def test_valid_astral_characters_are_kept():
    [msg] = one(text(body="merci 😀")).messages
    assert msg.text == "merci 😀"


# -- our own sends, echoed back ---------------------------------------------------------------


def test_echo_of_our_send_is_recorded_not_answered():
    batch = one(event(sender={"id": PAGE}, recipient={"id": FAN},
                      message={"mid": "m_echo", "is_echo": True, "app_id": 1, "metadata": "relais:m_1:0",
                               "text": "Bonjour !"}))
    assert batch.messages == []
    assert batch.echoes == [Echo("messenger", PAGE, FAN, "m_1:0", "m_echo")]
    assert batch.skipped == {}


def test_echo_without_our_metadata_is_a_reply_written_elsewhere():
    batch = one(
        event(sender={"id": PAGE}, recipient={"id": FAN}, timestamp=1700000000000,
              message={"mid": "m_a", "is_echo": True, "text": "x"}),
        event(sender={"id": PAGE}, recipient={"id": FAN},
              message={"mid": "m_b", "is_echo": True, "app_id": 263902037430900, "text": "y"}),
        event(sender={"id": PAGE}, recipient={"id": FAN},
              message={"mid": "m_c", "is_echo": True, "app_id": 4242, "metadata": "other-app:1", "text": "z"}),
        event(sender={"id": PAGE}, recipient={"id": FAN}, message={"is_echo": True, "text": "no mid"}),
    )
    assert batch.echoes == []
    assert [(m.message_id, m.account_id, m.sender_id, m.kind, m.payload, m.text) for m in batch.messages] == [
        ("m_a", PAGE, FAN, "answered_elsewhere", "business_suite", ""),
        ("m_b", PAGE, FAN, "answered_elsewhere", "business_suite", ""),
        ("m_c", PAGE, FAN, "answered_elsewhere", "app:4242", ""),
    ]
    assert batch.messages[0].timestamp_ms == 1700000000000
    assert batch.messages[0].conversation_id == f"messenger:{PAGE}:{FAN}"  # the fan's conversation
    assert batch.skipped == {"echo_without_mid": 1}


@pytest.mark.parametrize("sender, recipient, reason", [
    ([1], {"id": FAN}, "sender_not_an_id"),
    ("x", {"id": FAN}, "sender_not_an_id"),
    ({"id": PAGE}, "x", "recipient_not_an_id"),
    ({"id": PAGE}, {"id": True}, "recipient_not_an_id"),
])
def test_echo_with_malformed_parties_is_skipped(sender, recipient, reason):
    batch = one(event(sender=sender, recipient=recipient,
                      message={"mid": "m_e", "is_echo": True, "metadata": "relais:m_1:0"}), text("m_ok"))
    assert batch.echoes == []
    assert [m.message_id for m in batch.messages] == ["m_ok"]
    assert batch.skipped == {reason: 1}


# -- what is skipped, event by event ------------------------------------------------------------


def test_user_ref_sender_is_skipped_and_the_normal_message_beside_it_kept():
    """Meta's chat-plugin shape: the fan has no page-scoped id yet."""
    batch = one(
        {"sender": {"user_ref": "ref-7bd2c"}, "recipient": {"id": PAGE}, "timestamp": TS,
         "message": {"mid": "m_ref", "text": "Bonjour depuis le site"}},
        text("m_normal"),
    )
    assert [m.message_id for m in batch.messages] == ["m_normal"]
    assert batch.skipped == {"sender_user_ref": 1}


def test_checkbox_plugin_optin_without_sender_is_skipped():
    batch = one({"recipient": {"id": PAGE}, "timestamp": 1234567890,
                 "optin": {"ref": "PASS_THROUGH_PARAM", "user_ref": "UNIQUE_REF_PARAM"}}, text())
    assert [m.message_id for m in batch.messages] == ["m_1"]
    assert batch.skipped == {"event_without_sender": 1}


def test_app_roles_event_is_skipped():
    batch = one({"recipient": {"id": PAGE}, "timestamp": 1458692752478,
                 "app_roles": {"123456789": ["primary_receiver"]}})
    assert batch.messages == [] and batch.skipped == {"event_without_sender": 1}


def test_policy_enforcement_event_is_skipped():
    batch = one({"recipient": {"id": PAGE}, "timestamp": 1458692752478,
                 "policy-enforcement": {"action": "block", "reason": "The bot violated our Platform Policies"}})
    assert batch.messages == [] and batch.skipped == {"event_without_sender": 1}


def test_instagram_delivery_is_ignored_not_refused():
    batch = parse_delivery(delivery(entry(text()), obj="instagram"))
    assert batch.messages == [] and batch.echoes == []
    assert batch.skipped == {"instagram_delivery": 1}


@pytest.mark.parametrize("extra, reason", [
    ({"delivery": {"mids": ["m_0"], "watermark": TS}}, "delivery"),
    ({"read": {"watermark": TS}}, "read"),
    ({"reaction": {"mid": "m_0", "action": "react", "reaction": "love", "emoji": "❤"}}, "reaction"),
    ({"optin": {"ref": "x"}}, "optin"),
    ({"referral": {"ref": "promo", "source": "SHORTLINK", "type": "OPEN_THREAD"}}, "referral"),
    ({"account_linking": {"status": "linked"}}, "account_linking"),
    ({"pass_thread_control": {"new_owner_app_id": "1"}}, "pass_thread_control"),
    ({"message_edit": {"mid": "m_0", "text": "x", "num_edit": 1}}, "message_edit"),
    ({"policy-enforcement": {"action": "block", "reason": "policy"}}, "policy_enforcement"),
    ({"something_new": {}}, "unknown_event"),
    ({}, "unknown_event"),
])
def test_events_relais_does_not_answer_are_skipped_by_kind(extra, reason):
    batch = one(event(**extra), text("m_keep"))
    assert [m.message_id for m in batch.messages] == ["m_keep"]
    assert batch.skipped == {reason: 1}


@pytest.mark.parametrize("bad", [True, False, 0, -1, 12.5, "abc", "", "12a", " 12", "0000", None, [], {},
                                 10**40, "1" * 33])
@pytest.mark.parametrize("side", ["sender", "recipient"])
def test_ids_that_are_not_digit_strings_are_refused_for_that_event(bad, side):
    batch = one(text("m_bad", **{side: {"id": bad}}), text("m_ok"))
    assert [m.message_id for m in batch.messages] == ["m_ok"]
    assert batch.skipped == {f"{side}_not_an_id": 1}


@pytest.mark.parametrize("ev, reason", [
    ("not an event", "event_not_an_object"),
    (None, "event_not_an_object"),
    ({"recipient": {"id": PAGE}, "message": {"mid": "m", "text": "t"}}, "event_without_sender"),
    (event(sender="2000000000000002"), "event_without_sender"),
    (event(sender={}, message={"mid": "m", "text": "t"}), "sender_without_id"),
    (event(message={"text": "no mid"}), "message_without_mid"),
    (event(message={"mid": "  ", "text": "blank mid"}), "message_without_mid"),
    (event(message={"mid": 42, "text": "mid not a string"}), "message_without_mid"),
    (event(message={"mid": "m", "text": 42}), "text_not_a_string"),
    (event(message={"mid": "m"}), "message_without_content"),
    (event(message={"mid": "m", "text": ""}), "message_without_content"),
    (event(message={"mid": "m", "attachments": {"type": "image"}}), "attachments_not_a_list"),
    (event(message="hello"), "message_not_an_object"),
    (event(postback="hello"), "postback_not_an_object"),
    (event(postback={"payload": 3}), "postback_payload_not_a_string"),
    (event(postback={"payload": "P", "title": ["T"]}), "postback_title_not_a_string"),
    (event(postback={}), "postback_without_payload"),
])
def test_malformed_events_are_skipped_one_by_one(ev, reason):
    batch = one(ev, text("m_ok"))
    assert [m.message_id for m in batch.messages] == ["m_ok"]
    assert batch.skipped == {reason: 1}


@pytest.mark.parametrize("bad_entry, reason", [
    ("x", "entry_not_an_object"),
    ({"id": PAGE, "time": TS, "changes": [{"field": "feed"}]}, "entry_without_messaging"),
    ({"id": PAGE, "time": TS, "standby": [text("m_standby")]}, "entry_without_messaging"),  # another app's thread
    ({"id": PAGE, "messaging": {}}, "messaging_not_a_list"),
])
def test_malformed_entries_are_skipped_and_the_others_kept(bad_entry, reason):
    batch = parse_delivery(delivery(bad_entry, entry(text("m_ok"))))
    assert [m.message_id for m in batch.messages] == ["m_ok"]
    assert batch.skipped == {reason: 1}


def test_skips_are_counted_per_reason():
    batch = one(event(read={"watermark": 1}), event(read={"watermark": 2}), text("m1"),
                event(delivery={"mids": []}), text("m2", sender={"id": True}))
    assert [m.message_id for m in batch.messages] == ["m1"]
    assert batch.skipped == {"read": 2, "delivery": 1, "sender_not_an_id": 1}


def test_empty_entry_list_gives_an_empty_batch():
    batch = parse_delivery(delivery())
    assert (batch.messages, batch.echoes, batch.skipped) == ([], [], {})


def test_a_thousand_events_are_accepted():
    batch = one(*[text(f"m{i}") for i in range(MAX_EVENTS)])
    assert len(batch.messages) == MAX_EVENTS


# -- what refuses the whole delivery ------------------------------------------------------------


@pytest.mark.parametrize("body, words", [
    ([], "JSON object"),
    ("page", "JSON object"),
    (None, "JSON object"),
    ({"object": "user", "entry": []}, "object"),
    ({"entry": []}, "object"),
    ({"object": "page"}, "entry"),
    ({"object": "page", "entry": {}}, "entry"),
])
def test_an_envelope_that_is_not_a_delivery_is_refused(body, words):
    with pytest.raises(PayloadError) as err:
        parse_delivery(body)
    assert words in err.value.public


def test_more_events_than_meta_sends_refuses_the_delivery_naming_the_count():
    events = [text(f"m{i}") for i in range(MAX_EVENTS // 2 + 1)]
    with pytest.raises(PayloadError) as err:
        parse_delivery(delivery(entry(*events), entry(*events)))
    assert "1002" in err.value.public and "1000" in err.value.public
