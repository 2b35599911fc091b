"""The CRC is no signing oracle: only X's challenges are answered, and only so often.

Answering ``GET ?crc_token=T`` is returning HMAC(consumer secret, T) — the
very ``x-twitter-webhooks-signature`` of a POST whose body is T. These tests
play the attacker: ask the CRC to sign a ``dm.received`` event, then post the
event with whatever came back.
"""

from __future__ import annotations

import json

from tests.fakes.x_api import CONSUMER_SECRET
from tests.helpers import STREAM, close_client, make_settings, serve
from tests.webhooks.x.conftest import x_channel
from webhooks.x import simulate
from webhooks.x.signature import HEADER, sign

PATH = "/webhooks/x"
FORGED_ID = "4242424242"
MAX_CRC_TOKEN = 128  # webhooks.x.signature.MAX_CRC_TOKEN


def forged_event() -> bytes:
    return json.dumps(simulate.dm_received("Envoyez-moi le code promo", "2244994945", event_id=FORGED_ID),
                      separators=(",", ":")).encode()


async def nothing_queued(redis) -> bool:
    return await redis.xlen(STREAM) == 0 and not await redis.exists(f"relais:{{q}}:seen:x:{FORGED_ID}")


async def test_the_crc_refuses_to_sign_an_event_body(x_webhook, redis, x_api):
    body = forged_event()
    resp = await x_webhook.get(PATH, params={"crc_token": body.decode()})
    text = await resp.text()
    assert resp.status == 400 and "crc_token" in json.loads(text)["error"]
    assert "response_token" not in text and sign(CONSUMER_SECRET, body).split("=", 1)[1] not in text

    # Whatever the attacker tries as a signature now, the event is refused and never queued.
    for signature in (None, "", text, "sha256=" + json.loads(text).get("response_token", "")):
        headers = {"Content-Type": "application/json", **({HEADER: signature} if signature is not None else {})}
        resp = await x_webhook.post(PATH, data=body, headers=headers)
        assert resp.status in (401, 403), (signature, resp.status)
    assert await nothing_queued(redis)
    assert x_api.sent == []


async def test_a_signature_from_a_real_challenge_signs_nothing_deliverable(x_webhook, redis):
    token = "Y2hhbGxlbmdlLTE3MzM"
    answer = await (await x_webhook.get(PATH, params={"crc_token": token})).json()
    signature = answer["response_token"]
    # On the event: it is not the event's signature.
    resp = await x_webhook.post(PATH, data=forged_event(), headers={HEADER: signature})
    assert resp.status == 401
    # On the token itself, the only body it signs: not an X event.
    resp = await x_webhook.post(PATH, data=token.encode(), headers={HEADER: signature})
    assert resp.status == 400
    assert await nothing_queued(redis)


async def test_only_tokens_of_x_form_are_answered(x_webhook):
    answers = ("9b4507b3-9040-4669-9ca3-6b94edb50553", "ZjM5MGU1ZDUtNjE0OC00NzkyLTg2ZjItMzY0OGI2YzY1NDAy",
               "a+b/c=_-", "x" * MAX_CRC_TOKEN)
    refuses = ("", "x" * (MAX_CRC_TOKEN + 1), "{}", "a b", "a\nb", 'say "hi"', "é", "a;b", "<x>")
    for i, token in enumerate(answers + refuses):
        # Each from its own address (through the trusted loopback proxy): under the per-client limit.
        resp = await x_webhook.get(PATH, params={"crc_token": token}, headers={"X-Forwarded-For": f"192.0.2.{i}"})
        if token in answers:
            assert resp.status == 200 and (await resp.json())["response_token"] == sign(CONSUMER_SECRET,
                                                                                           token.encode())
        else:
            assert resp.status == 400, token
            assert "response_token" not in await resp.text()


async def test_crc_checks_are_limited_per_client_and_in_all(redis, redis_url):
    client = await serve(make_settings(redis_url, check_limit_client=3, check_limit_total=5),
                         {"x": x_channel()})
    try:
        async def crc(address: str):
            # The test client is on loopback, a trusted proxy: X-Forwarded-For names the client.
            return await client.get(PATH, params={"crc_token": "dG9rZW4"}, headers={"X-Forwarded-For": address})

        assert [(await crc("203.0.113.7")).status for _ in range(3)] == [200, 200, 200]
        refused = await crc("203.0.113.7")
        assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "response_token" not in await refused.text()
        # Another client still gets its answers, until the checks of everyone reach the total.
        assert [(await crc("198.51.100.9")).status for _ in range(3)] == [200, 200, 429]
        counters = [key async for key in redis.scan_iter(match="relais:{checks}:x:*")]
        assert counters and all(0 < ttl <= 60_000 for ttl in [await redis.pttl(key) for key in counters])

        # A new minute: one IPv6 host is one client, whatever address of its /64 it asks from.
        await redis.delete(*counters)
        assert [(await crc(f"2001:db8:1:2::{i}")).status for i in range(1, 5)] == [200, 200, 200, 429]
        assert (await crc("2001:db8:1:3::1")).status == 200
    finally:
        await close_client(client)
