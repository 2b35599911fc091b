"""Buttons, likes and files sent alone: answered from the brand file, never read as typed text.

The brand file's ``postbacks`` section is checked on load (a mistake names its key); what each tap
gets is decided without Redis; and the whole path runs through the real gateway, worker, Rasa and
action servers, with the fake Graph API answering the sends and echoing them back, as Meta does.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
import yaml

from bot import redis_keys as keys
from bot.brand import load_brand, postback_texts, validate
from bot.errors import ConfigError
from bot.messages import LIKE, STICKER, InboundMessage
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.dialogue import Slots
from bot.pipeline.handoff import Handoff
from bot.pipeline.postbacks import DRAFT, PERSON, REPLY, decide
from bot.proofreading.typography import apply_safe_fixes
from tests.helpers import conversation, fan, messenger_event, outcome, post_signed, shared_proofreader
from webhooks.messenger import simulate

ROOT = Path(__file__).resolve().parents[3]
BRAND = load_brand(ROOT / "brand.yml")
DATA = yaml.safe_load((ROOT / "brand.yml").read_text(encoding="utf-8"))
DISCLOSURE = {"fr": "Vous échangez avec l’assistant automatique de Maison Brindille.",
              "en": "You are chatting with Maison Brindille’s automated assistant."}
GET_STARTED = BRAND.postbacks.get_started
LIKE_STICKER = 369239263222822  # Messenger's small thumbs-up


# -- the brand file -------------------------------------------------------------------------------------


def with_postbacks(change) -> dict:
    data = copy.deepcopy(DATA)
    change(data["postbacks"])
    return data


@pytest.mark.parametrize("change, message", [
    (lambda pb: pb.pop("get_started"), "postbacks.get_started missing"),
    (lambda pb: pb.update(get_started=""), "postbacks.get_started missing"),
    (lambda pb: pb["welcome"].pop("en"), "postbacks.welcome.en missing"),
    (lambda pb: pb.update(welcome="Bienvenue"), "postbacks.welcome must be a dict"),
    (lambda pb: pb["like"].pop("fr"), "postbacks.like.fr missing"),
    (lambda pb: pb.update(welcom={}), "postbacks.welcom is not a known key"),
    (lambda pb: pb.update(payloads=["DELIVERY"]), "postbacks.payloads must be a dict"),
    (lambda pb: pb["payloads"].update(SHIPPING={"intent": "shipping"}),
     "postbacks.payloads.SHIPPING.intent: no answer for 'shipping' in answers"),
    (lambda pb: pb["payloads"].update(BOTH={"intent": "delivery", "answer": {"fr": "a", "en": "b"}}),
     "postbacks.payloads.BOTH must have exactly one of intent or answer"),
    (lambda pb: pb["payloads"].update(NONE={}), "postbacks.payloads.NONE must have exactly one of intent or answer"),
    (lambda pb: pb["payloads"].update({42: {"intent": "delivery"}}), "postbacks.payloads.42: a payload must be a string"),
    (lambda pb: pb["payloads"].update({GET_STARTED: {"intent": "delivery"}}),
     f"postbacks.payloads.{GET_STARTED} is the get_started payload already"),
    (lambda pb: pb["payloads"]["CONTACT"]["answer"].pop("en"), "postbacks.payloads.CONTACT.answer.en missing"),
    (lambda pb: pb["payloads"]["CONTACT"]["answer"].update(fr="Écrivez à {mail}."),
     r"postbacks.payloads.CONTACT.answer.fr uses unknown variable \{mail\}"),
    (lambda pb: pb["welcome"].update(fr="Bienvenue ! Pose-nous tes questions."),
     "postbacks.welcome.fr: addresses the fan as « tu »"),
    (lambda pb: pb["like"].update(en="Thank you! 👍"), "postbacks.like.en: emoji not allowed"),
])
def test_a_mistake_in_the_postbacks_section_fails_the_load_and_names_its_key(change, message):
    with pytest.raises(ConfigError, match=message):
        validate(with_postbacks(change), "brand.yml")


def test_the_shipped_brand_file_names_its_get_started_payload_and_welcomes_in_every_language():
    assert GET_STARTED == "__GET_STARTED__"
    assert set(BRAND.postbacks.welcome) == set(BRAND.languages) == {"fr", "en"}
    assert all(BRAND.postbacks.like[language].strip() for language in BRAND.languages)
    empty = validate(with_postbacks(lambda pb: pb.pop("like")), "brand.yml")
    assert empty.postbacks.like == {"fr": "", "en": ""}  # no thank-you: nothing is sent


def test_a_brand_file_without_postbacks_still_loads():
    data = copy.deepcopy(DATA)
    del data["postbacks"]
    assert validate(data, "brand.yml").postbacks is None


@pytest.mark.parametrize("key, language, text", postback_texts(BRAND), ids=lambda v: v if "." in str(v) else None)
async def test_what_buttons_and_likes_send_passes_the_proofreader(key, language, text):
    checked = await shared_proofreader().check(apply_safe_fixes(BRAND.fill(text, language), language), language)
    assert checked.issues == [], (key, [i.as_dict(checked.text) for i in checked.issues])


# -- what each tap gets ----------------------------------------------------------------------------------


def msg(kind="postback", payload=None, text="", attachments=(), platform="messenger") -> InboundMessage:
    return InboundMessage(platform, "m1", "100", "200", text, 1, kind=kind, payload=payload, attachments=attachments)


def test_get_started_gets_the_welcome_and_no_reason_for_a_person():
    tap = decide(msg(payload=GET_STARTED, text="Get Started"), BRAND, "en", with_human=False)
    assert (tap.action, tap.reasons, tap.text) == (REPLY, ("postback:get_started",), BRAND.postbacks.welcome["en"])


def test_a_named_payload_gets_its_intent_or_its_answer():
    tap = decide(msg(payload="DELIVERY", text="Livraison"), BRAND, "fr", with_human=False)
    assert (tap.action, tap.intent) == (DRAFT, "delivery")
    tap = decide(msg(payload="CONTACT"), BRAND, "en", with_human=False)
    assert tap.action == REPLY and "bonjour@maison-brindille.example" in tap.text and "{" not in tap.text
    tap = decide(msg(payload="/opening_hours", text="Horaires"), BRAND, "fr", with_human=False)
    assert (tap.action, tap.intent) == (DRAFT, "opening_hours")  # an intent the brand answers needs no entry


@pytest.mark.parametrize("payload, reason", [("PROMO_NOEL", "unknown_postback:PROMO_NOEL"),
                                             ("/order_tracking", "unknown_postback:/order_tracking"),
                                             (None, "unknown_postback")])
def test_a_payload_the_brand_file_does_not_name_goes_to_a_person(payload, reason):
    tap = decide(msg(payload=payload, text="Promo de Noël"), BRAND, "fr", with_human=False)
    assert (tap.action, tap.reasons) == (PERSON, (reason,))


def test_a_quick_reply_is_read_as_text_unless_the_brand_file_names_its_payload():
    assert decide(msg("quick_reply", "/yes", "Oui"), BRAND, "fr", with_human=False) is None
    tap = decide(msg("quick_reply", "RETURNS", "Returns", platform="x"), BRAND, "en", with_human=False)
    assert (tap.action, tap.intent) == (DRAFT, "returns_refunds")  # X's quick-reply metadata too


def test_likes_and_stickers_are_thanked_and_files_alone_go_to_a_person():
    like = decide(msg(LIKE, "369239263222822", "👍"), BRAND, "en", with_human=False)
    assert (like.action, like.text) == (REPLY, "Thank you!")
    sticker = decide(msg(STICKER, "126361874215276", attachments=("sticker",)), BRAND, "fr", with_human=False)
    assert (sticker.action, sticker.text) == (REPLY, "Merci à vous !")
    photo = decide(msg("text", attachments=("image",)), BRAND, "en", with_human=False)
    assert (photo.action, photo.reasons) == (PERSON, ("attachment:image",))
    assert decide(msg("text", attachments=("image",)), BRAND, "en", with_human=False,
                  attachments_to_person=False) is None  # policy.yml: attachments are not escalated
    assert decide(msg("text", text="voici la photo", attachments=("image",)), BRAND, "fr", with_human=False) is None
    assert decide(msg("text", attachments=("answered_in_x_app",)), BRAND, "fr", with_human=False) is None
    assert decide(msg("text", text="Bonjour"), BRAND, "fr", with_human=False) is None


def test_while_a_person_owns_the_conversation_everything_is_theirs():
    for message in (msg(payload=GET_STARTED), msg(LIKE, "369239263222822", "👍"),
                    msg("text", attachments=("image",))):
        tap = decide(message, BRAND, "fr", with_human=True)
        assert tap.action == PERSON and tap.reasons[0] == "conversation_with_human"


# -- through the whole stack -------------------------------------------------------------------------------


def postback(name: str, payload: str, title: str, mid: str | None = None) -> dict:
    body = {"sender": {"id": fan(name)}, "recipient": {"id": simulate.DEMO_PAGE_ID},
            "timestamp": int(time.time() * 1000), "postback": {"title": title, "payload": payload}}
    if mid:
        body["postback"]["mid"] = mid
    return simulate.delivery(body)


def attachment(name: str, mid: str, item: dict, **message) -> dict:
    event = messenger_event("", name, mid=mid)
    event["entry"][0]["messaging"][0]["message"] = {"mid": mid, "attachments": [item], **message}
    return event


def like(name: str, mid: str) -> dict:
    return attachment(name, mid, {"type": "image", "payload": {"url": "https://scontent.example/369.png",
                                                               "sticker_id": LIKE_STICKER}},
                      sticker_id=LIKE_STICKER)


async def assert_answered_normally(redis, mid: str, expected: str) -> None:
    """The message was read and drafted by the bot (sent, or held for a CM by the usual checks), not handed
    to a person."""
    state = await outcome(redis, mid)
    assert state["status"] in ("sent", "held"), state["reasons"]
    assert not any(r.startswith(("conversation_with_human", "unknown_postback")) for r in state["reasons"])
    assert expected in "\n".join(state["texts"])


async def remembered(redis, name: str, **slots) -> None:
    """The conversation as it is after earlier turns: its language, when the bot last replied, and the fan
    told it is a bot."""
    await Slots(redis).update(conversation(name), {"replied_at": round(time.time() - 60, 3), **slots})
    await redis.set(keys.conversation(conversation(name), "disclosed"), "1")


async def assert_with_the_bot(redis, name: str, mid: str) -> None:
    """Not handed to a person, no CM case, and the message ``mid`` never scored for tone."""
    assert await Handoff(redis, CMQueue(redis)).state(conversation(name)) is None
    assert await CMQueue(redis).cases(conversation=conversation(name)) == []
    scored = await redis.lrange(keys.conversation(conversation(name), "tone"), 0, -1)
    assert not any(f'"{mid}"'.encode() in mark for mark in scored), scored


@pytest.mark.stack
async def test_get_started_gets_the_welcome_after_the_disclosure_and_the_next_message_is_answered(
        gateway, graph, redis):
    name = "fan-get-started"
    await post_signed(gateway, postback(name, GET_STARTED, "Démarrer", mid="m_gs"))
    state = await outcome(redis, "m_gs")
    assert state["status"] == "sent" and "postback:get_started" in state["reasons"], state["reasons"]
    [welcome] = graph.to(name)
    disclosure, greeting, text, signature = welcome.text.split("\n\n")
    assert disclosure.startswith(DISCLOSURE["fr"]) and greeting in ("Bonjour,", "Bonsoir,")
    assert text == apply_safe_fixes(BRAND.postbacks.welcome["fr"], "fr")
    assert signature == apply_safe_fixes(BRAND.voice["fr"]["signature"], "fr")  # small talk: no closing
    await assert_with_the_bot(redis, name, "m_gs")

    await post_signed(gateway, messenger_event("Bonjour, vous avez une boutique à Lyon ?", name, mid="m_gs_next"))
    await assert_answered_normally(redis, "m_gs_next", "Lyon")
    assert all(DISCLOSURE["fr"] not in m.text for m in graph.to(name)[1:])  # told once


@pytest.mark.stack
async def test_get_started_in_english_gets_the_english_welcome(gateway, graph, redis):
    await post_signed(gateway, postback("fan-gs-en", GET_STARTED, "Get Started", mid="m_gs_en"))
    assert (await outcome(redis, "m_gs_en"))["status"] == "sent"
    [welcome] = graph.to("fan-gs-en")
    assert welcome.text.startswith(DISCLOSURE["en"]) and BRAND.postbacks.welcome["en"] in welcome.text


@pytest.mark.stack
async def test_a_redelivered_get_started_without_mid_is_welcomed_once(gateway, graph, redis):
    body = postback("fan-gs-twice", GET_STARTED, "Démarrer")
    for _ in range(3):
        assert (await post_signed(gateway, body)).status == 200
    [queued] = {m async for m in _message_ids(redis)}
    assert (await outcome(redis, queued))["status"] == "sent"
    await graph.wait_for("fan-gs-twice", 1)
    assert len(graph.to("fan-gs-twice")) == 1


async def _message_ids(redis):
    async for key in redis.scan_iter(match="relais:msg:*"):
        yield key.decode().rpartition("}:")[2]


@pytest.mark.stack
async def test_a_named_button_gets_the_brand_answer_without_nlu(gateway, graph, redis):
    await post_signed(gateway, postback("fan-pb-delivery", "DELIVERY", "Livraison", mid="m_pb_delivery"))
    state = await outcome(redis, "m_pb_delivery")
    assert state["status"] == "sent", state["reasons"]
    assert "intent:delivery" in state["reasons"]
    [sent] = graph.to("fan-pb-delivery")
    assert "3 à 5 jours ouvrés" in sent.text  # the brand's delivery answer, in French
    assert state["meta"]["tone"]["scores"] == {}  # not scored: the tone model never read it
    await assert_with_the_bot(redis, "fan-pb-delivery", "m_pb_delivery")


@pytest.mark.stack
async def test_a_like_is_thanked_in_the_conversations_language_and_the_bot_keeps_answering(gateway, graph, redis):
    name = "fan-like"
    await remembered(redis, name, language="en")  # an English conversation the bot already replied in
    await post_signed(gateway, like(name, "m_like"))
    state = await outcome(redis, "m_like")
    assert state["status"] == "sent" and "like" in state["reasons"], state["reasons"]
    [thanks] = graph.to(name)
    assert thanks.text == "Thank you!\n\nThe Maison Brindille team"  # in English, not greeted again
    await assert_with_the_bot(redis, name, "m_like")
    await post_signed(gateway, messenger_event("Vous avez une boutique à Lyon ?", name, mid="m_like_next"))
    await assert_answered_normally(redis, "m_like_next", "Lyon")


@pytest.mark.stack
async def test_a_like_as_first_message_says_the_bot_is_a_bot_first(gateway, graph, redis):
    await post_signed(gateway, like("fan-like-first", "m_like_first"))
    assert (await outcome(redis, "m_like_first"))["status"] == "sent"
    [sent] = graph.to("fan-like-first")
    assert sent.text.startswith(DISCLOSURE["fr"]) and f"\n\n{apply_safe_fixes('Merci à vous !', 'fr')}\n\n" in sent.text


@pytest.mark.stack
async def test_an_unknown_postback_goes_to_a_person_with_its_payload_as_the_reason(gateway, graph, redis):
    name = "fan-pb-unknown"
    await post_signed(gateway, postback(name, "PROMO_NOEL", "Promo de Noël", mid="m_pb_unknown"))
    state = await outcome(redis, "m_pb_unknown")
    assert state["status"] == "escalated"
    assert "unknown_postback:PROMO_NOEL" in state["reasons"]
    assert not any(r.startswith(("tone", "low_confidence", "intent:")) for r in state["reasons"])
    [case] = await CMQueue(redis).cases(conversation=conversation(name))
    assert case["kind"] == "escalated" and case["text"] == "Promo de Noël"
    [holding] = graph.to(name)
    assert apply_safe_fixes(BRAND.holding_text("person", "fr"), "fr") in holding.text
    assert case["holding_message"] == holding.text


@pytest.mark.stack
async def test_a_photo_in_an_english_conversation_gets_the_english_notice(gateway, graph, redis):
    name = "fan-photo-en"
    await remembered(redis, name, language="en")  # an English conversation the bot already replied in
    await post_signed(gateway, attachment(name, "m_photo_en", {"type": "image",
                                                               "payload": {"url": "https://x/cup.jpg"}}))
    state = await outcome(redis, "m_photo_en")
    assert state["status"] == "escalated" and "attachment:image" in state["reasons"]
    [notice] = [m.text for m in graph.to(name)]
    assert notice.startswith(apply_safe_fixes(BRAND.holding_text("attachment", "en"), "en")), notice
    assert notice.endswith(BRAND.voice["en"]["signature"])  # in the brand's shape, not greeted a second time


@pytest.mark.stack
async def test_a_like_while_a_person_owns_the_conversation_stays_with_that_person(gateway, graph, redis):
    name = "fan-like-human"
    await post_signed(gateway, messenger_event("je veux parler à un humain tout de suite", name, mid="m_lh1"))
    assert (await outcome(redis, "m_lh1"))["status"] == "escalated"
    await post_signed(gateway, like(name, "m_lh2"))
    state = await outcome(redis, "m_lh2")
    assert state["status"] == "escalated" and "conversation_with_human" in state["reasons"]
    assert len(graph.to(name)) == 1  # the holding message only: the bot says nothing more
    kinds = [c["kind"] for c in await CMQueue(redis).cases(conversation=conversation(name))]
    assert kinds == ["follow_up", "escalated"]


@pytest.mark.stack
async def test_a_button_answer_drafted_before_a_crash_is_sent_as_drafted_not_drafted_again(gateway, graph, redis):
    from bot.pipeline.ledger import Ledger

    name, mid = "fan-pb-crash", "m_pb_crash"
    message = InboundMessage("messenger", mid, simulate.DEMO_PAGE_ID, fan(name), "Livraison", 1, kind="postback",
                             payload="DELIVERY")
    drafted = "La réponse rédigée avant l’arrêt du worker."
    await Ledger(redis).set_state(message, status="drafted", texts=[drafted], language="fr",
                                  meta={"intent": "delivery", "confidence": 1.0, "language": "fr"})
    await post_signed(gateway, postback(name, "DELIVERY", "Livraison", mid=mid))
    state = await outcome(redis, mid)
    assert state["status"] == "sent", state["reasons"]
    [sent] = graph.to(name)
    assert sent.text.endswith(drafted)


@pytest.mark.parametrize("text, answered_as_a_like", [
    ("👍", True), ("❤️", True), ("🙏😊", True), ("👍👍 !", True), ("😡", False), ("🙄", False), ("?", False),
    ("👍 ?", False), ("ok", False), ("merci 👍", False),
])
def test_a_text_of_kind_emoji_only_is_answered_like_a_like(text, answered_as_a_like):
    from bot.pipeline.postbacks import emoji_acknowledgement

    message = InboundMessage("messenger", "m_emoji", "page", "fan-emoji", text, 1)
    assert emoji_acknowledgement(message) is answered_as_a_like
