"""What the Messenger webhook accepts and refuses, over real HTTP, with a real Redis."""

import json

from tests.helpers import APP_SECRET, VERIFY_TOKEN, make_settings, post_signed, serve
from tests.helpers import messenger_event
from webhooks.signature import sign

STREAM = "relais:inbound"


async def test_subscription_check_echoes_challenge(webhook_only):
    resp = await webhook_only.get("/webhooks/messenger", params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert resp.status == 200
    assert await resp.text() == "1158201444"


async def test_subscription_check_with_wrong_token_is_403(webhook_only):
    resp = await webhook_only.get("/webhooks/messenger", params={
        "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert resp.status == 403
    resp = await webhook_only.get("/webhooks/messenger", params={
        "hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"})
    assert resp.status == 403


async def test_signed_event_is_enqueued_and_acknowledged(webhook_only, redis):
    resp = await post_signed(webhook_only, messenger_event("Bonjour", "fan-1", mid="m_ok"))
    assert resp.status == 200
    assert await resp.text() == "EVENT_RECEIVED"
    [(entry_id, fields)] = await redis.xrange(STREAM)
    assert json.loads(fields[b"msg"])["message_id"] == "m_ok"
    assert fields[b"seq"] == b"1"


async def test_forged_signature_is_refused_and_nothing_enqueued(webhook_only, redis):
    raw = json.dumps(messenger_event("Bonjour", "fan-1")).encode()
    resp = await webhook_only.post("/webhooks/messenger", data=raw, headers={
        "X-Hub-Signature-256": sign("not-the-secret", raw)})
    assert resp.status == 401
    assert "signature" in (await resp.json())["error"]
    assert await redis.xlen(STREAM) == 0


async def test_unsigned_event_is_refused(webhook_only, redis):
    resp = await webhook_only.post("/webhooks/messenger", json=messenger_event("Bonjour", "fan-1"))
    assert resp.status == 401
    assert await redis.xlen(STREAM) == 0


async def test_body_tampered_after_signing_is_refused(webhook_only, redis):
    raw = json.dumps(messenger_event("Bonjour", "fan-1")).encode()
    header = sign(APP_SECRET, raw)
    resp = await webhook_only.post("/webhooks/messenger", data=raw.replace(b"Bonjour", b"Bonsoir"),
                                   headers={"X-Hub-Signature-256": header})
    assert resp.status == 401
    assert await redis.xlen(STREAM) == 0


async def test_gateway_without_secret_refuses_everything(redis, redis_url):
    client = await serve(make_settings(redis_url, run_worker=False, messenger_app_secret=""))
    try:
        resp = await post_signed(client, messenger_event("Bonjour", "fan-1"), secret="")
        assert resp.status == 403
        assert await redis.xlen(STREAM) == 0
    finally:
        await client.close()


async def test_malformed_json_is_400(webhook_only, redis):
    resp = await post_signed(webhook_only, b'{"object": "page", "entry": [')
    assert resp.status == 400
    assert (await resp.json())["error"] == "body is not valid JSON"
    assert await redis.xlen(STREAM) == 0


async def test_wrong_shape_is_400_naming_the_field(webhook_only, redis):
    resp = await post_signed(webhook_only, {"object": "page", "entry": [{"messaging": [{"sender": {}}]}]})
    assert resp.status == 400
    assert "sender.id" in (await resp.json())["error"]


async def test_non_utf8_body_is_400(webhook_only):
    resp = await post_signed(webhook_only, b"\xff\xfe\x00garbage")
    assert resp.status == 400


async def test_redelivered_event_is_enqueued_once(webhook_only, redis):
    event = messenger_event("Bonjour", "fan-1", mid="m_same")
    for _ in range(3):
        assert (await post_signed(webhook_only, event)).status == 200
    assert await redis.xlen(STREAM) == 1


async def test_health(webhook_only):
    resp = await webhook_only.get("/healthz")
    assert resp.status == 200
