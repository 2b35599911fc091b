"""The X webhook over real HTTP: CRC, signatures on the raw body, the XAA envelope, dedupe by event id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from bot.messages import InboundMessage
from tests.fakes.x_api import CONSUMER_SECRET
from tests.helpers import STREAM, close_client, make_settings, read_metrics, serve
from tests.webhooks.x.conftest import x_channel
from webhooks.x import simulate
from webhooks.x.receive import ANSWERED_IN_APP
from webhooks.x.xchat import ENCRYPTED

PATH = "/webhooks/x"
BRAND = simulate.DEMO_ACCOUNT_ID


async def queued(redis) -> list[InboundMessage]:
    return [InboundMessage.from_json(fields[b"msg"]) for _, fields in await redis.xrange(STREAM)]


async def post(client, body, secret=CONSUMER_SECRET, headers=None):
    raw, signed = simulate.signed(body, secret)
    return await client.post(PATH, data=raw, headers=headers if headers is not None else signed)


# -- CRC -------------------------------------------------------------------------------------------


async def test_crc_answer_is_the_documented_hmac(x_webhook):
    token = "Y2hhbGxlbmdlLTE3MzM"
    resp = await x_webhook.get(PATH, params={"crc_token": token})
    assert resp.status == 200 and resp.content_type == "application/json"
    expected = hmac.new(CONSUMER_SECRET.encode(), token.encode(), hashlib.sha256).digest()
    assert await resp.json() == {"response_token": "sha256=" + base64.b64encode(expected).decode()}


async def test_crc_without_a_secret_or_token_is_refused(redis, redis_url, x_webhook):
    assert (await x_webhook.get(PATH)).status == 403
    assert (await x_webhook.get(PATH, params={"crc_token": ""})).status == 400
    client = await serve(make_settings(redis_url), {"x": x_channel(consumer_secret="")})
    try:
        resp = await client.get(PATH, params={"crc_token": "abc"})
        assert resp.status == 403 and "response_token" not in await resp.text()
    finally:
        await close_client(client)


async def test_oauth_redirect_lands_on_a_page_that_says_what_to_do(x_webhook):
    resp = await x_webhook.get(PATH, params={"state": "s", "code": "c"})
    assert resp.status == 200 and "relais x connect" in await resp.text()


# -- signatures --------------------------------------------------------------------------------------


async def test_signed_dm_is_queued_as_a_neutral_message(x_webhook, redis):
    resp = await post(x_webhook, simulate.dm_received("Bonjour !", "2244994945", event_id="1826705210000000001"))
    assert resp.status == 200
    [msg] = await queued(redis)
    assert (msg.platform, msg.message_id, msg.account_id, msg.sender_id, msg.text) == (
        "x", "1826705210000000001", BRAND, "2244994945", "Bonjour !")
    assert msg.conversation_id == f"x:{BRAND}:2244994945"


async def test_forged_and_missing_signatures_are_refused(x_webhook, redis):
    body = simulate.dm_received("Bonjour", "2244994945")
    raw = json.dumps(body).encode()
    assert (await post(x_webhook, body, secret="not-the-secret")).status == 401
    assert (await x_webhook.post(PATH, data=raw, headers={"Content-Type": "application/json"})).status == 401
    _, good = simulate.signed(raw, CONSUMER_SECRET)
    tampered = raw.replace(b"Bonjour", b"Bonsoir")
    assert (await x_webhook.post(PATH, data=tampered, headers=good)).status == 401
    for bad in ("sha256=", "sha256=***", "md5=abc", good["x-twitter-webhooks-signature"].removeprefix("sha256=")):
        resp = await x_webhook.post(PATH, data=raw, headers={"x-twitter-webhooks-signature": bad})
        assert resp.status == 401, bad
    assert await redis.xlen(STREAM) == 0


async def test_events_are_refused_when_no_secret_is_configured(redis, redis_url):
    client = await serve(make_settings(redis_url), {"x": x_channel(consumer_secret="")})
    try:
        raw, headers = simulate.signed(simulate.dm_received("Bonjour", "2244994945"), "")
        assert (await client.post(PATH, data=raw, headers=headers)).status == 403
    finally:
        await close_client(client)
    assert await redis.xlen(STREAM) == 0


# -- the envelope -------------------------------------------------------------------------------------


async def test_a_body_that_is_not_an_xaa_envelope_is_400_saying_why(x_webhook):
    for body in ([], {"for_user_id": BRAND, "direct_message_events": []}, "x"):
        resp = await post(x_webhook, body)
        assert resp.status == 400
        assert "envelope" in (await resp.json())["error"]
    raw, headers = simulate.signed(b"{not json", CONSUMER_SECRET)
    assert (await x_webhook.post(PATH, data=raw, headers=headers)).status == 400


async def test_other_events_are_skipped_and_odd_ones_do_not_fail_the_delivery(x_webhook, redis):
    body = {"data": [
        simulate.envelope("follow.follow", {"source": {}})["data"],
        simulate.envelope("chat.sent", {"event_id": "9"})["data"],
        simulate.envelope("dm.received", {"direct_message_events": [{"id": "1", "message_create": "?"}, "x"]})["data"],
        {"event_type": "dm.received", "filter": {"user_id": "not digits"}, "payload": {}},
        simulate.dm_received("Toujours là ?", "2244994945", event_id="55")["data"],
    ]}
    resp = await post(x_webhook, body)
    assert resp.status == 200
    assert [m.message_id for m in await queued(redis)] == ["55"]
    metrics = await read_metrics(x_webhook)
    for reason in ("event_follow.follow", "event_chat.sent", "dm_without_message_create", "dm_event_not_an_object",
                   "filter_user_not_an_id"):
        assert f'reason="{reason}"' in metrics, reason


async def test_a_duplicate_event_id_is_queued_once(x_webhook, redis):
    body = simulate.dm_received("Où est ma commande ?", "2244994945", event_id="777")
    for _ in range(3):
        assert (await post(x_webhook, body)).status == 200
    again = simulate.dm_received("Où est ma commande ?", "2244994945", event_id="777")  # another event_uuid
    assert (await post(x_webhook, again)).status == 200
    assert [m.message_id for m in await queued(redis)] == ["777"]


async def test_a_dm_sent_by_the_brand_is_queued_as_a_reply_from_the_x_app(x_webhook, redis):
    assert (await post(x_webhook, simulate.dm_sent("On s'en occupe", "2244994945", "888"))).status == 200
    [msg] = await queued(redis)
    assert (msg.sender_id, msg.text, msg.attachments) == ("2244994945", "", (ANSWERED_IN_APP,))


async def test_an_encrypted_chat_is_queued_without_text_marked_encrypted(x_webhook, redis):
    assert (await post(x_webhook, simulate.chat_received("2244994945", event_id="c-1"))).status == 200
    [msg] = await queued(redis)
    assert (msg.message_id, msg.sender_id, msg.text, msg.attachments) == ("c-1", "2244994945", "", (ENCRYPTED,))
    assert msg.timestamp_ms > 0 and msg.links == ("https://x.com/messages",)
