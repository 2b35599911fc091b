"""The Messenger webhook over real HTTP, against the real gateway and a real redis-server.

What the edge promises Meta: a signed delivery is read whole, however it is
split on the wire, and answered 200 once every message of it is queued —
exactly once, whatever is redelivered; an unsigned or forged one is 401, a
body above 1 MiB 413, a body that is not a delivery 400 saying why; when
Redis cannot take the delivery in time the answer is 503 with
``Retry-After`` (Meta redelivers), never 500.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import time
from collections import Counter

import aiohttp
import pytest

from bot.messages import InboundMessage
from bot.redis_keys import echo as echo_key
from tests.helpers import (APP_SECRET, DEMO_PAGE_ID, STREAM, VERIFY_TOKEN, fan, free_port, make_settings, messenger,
                           messenger_event, post_signed, read_metrics, serve)
from webhooks.messenger import simulate
from webhooks.signature import sign

PATH = "/webhooks/messenger"


def headers_for(raw: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, raw)}


def events(prefix: str, n: int, size: int = 0, sender: str = "fan-bulk") -> list[dict]:
    """``n`` text events with mids ``<prefix>-<i>``, each text padded to about ``size`` characters, from as many
    fans (one fan's burst is limited at intake: ``tests/bot/pipeline/test_fairness.py``)."""
    return [simulate.text_event(f"question {i} " + "x" * size, fan(f"{sender}-{i}"), mid=f"{prefix}-{i}")
            for i in range(n)]


async def queued(redis) -> list[InboundMessage]:
    return [InboundMessage.from_json(fields[b"msg"]) for _, fields in await redis.xrange(STREAM)]


async def queued_ids(redis) -> list[str]:
    return [m.message_id for m in await queued(redis)]


# -- subscription check -------------------------------------------------------------------------


async def test_subscription_check_echoes_the_challenge(webhook_only):
    resp = await webhook_only.get(PATH, params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert resp.status == 200
    assert await resp.text() == "1158201444"


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
    {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
    {"hub.mode": "subscribe", "hub.challenge": "1"},
    {},
])
async def test_subscription_check_with_wrong_token_or_mode_is_403(webhook_only, params):
    resp = await webhook_only.get(PATH, params=params)
    assert resp.status == 403
    assert "1" not in await resp.text()


# -- accepted --------------------------------------------------------------------------------------


async def test_signed_event_is_enqueued_and_acknowledged(webhook_only, redis):
    resp = await post_signed(webhook_only, messenger_event("Bonjour", "fan-1", mid="m_ok"))
    assert resp.status == 200
    assert await resp.text() == "EVENT_RECEIVED"
    [(_, fields)] = await redis.xrange(STREAM)
    msg = InboundMessage.from_json(fields[b"msg"])
    assert (msg.message_id, msg.account_id, msg.sender_id, msg.text) == ("m_ok", DEMO_PAGE_ID, fan("fan-1"), "Bonjour")
    assert fields[b"seq"] == b"1"
    assert fields[b"conv"].decode() == f"messenger:{DEMO_PAGE_ID}:{fan('fan-1')}"


async def _raw_post(host: str, port: int, raw: bytes, headers: dict[str, str], parts: int,
                    pause_s: float) -> tuple[int, dict[str, str], bytes]:
    """POST ``raw`` over a plain socket, the body cut into ``parts`` writes with pauses between them."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = [f"POST {PATH} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(raw)}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        await writer.drain()
        step = -(-len(raw) // parts)
        for i in range(0, len(raw), step):
            await asyncio.sleep(pause_s)
            writer.write(raw[i:i + step])
            await writer.drain()
        response = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
    head_bytes, _, body = response.partition(b"\r\n\r\n")
    lines = head_bytes.decode().split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, hdrs, body


async def test_100kb_body_arriving_in_four_tcp_writes_is_read_whole(webhook_only, redis):
    raw = json.dumps(simulate.delivery(*events("split", 50, size=2000))).encode()
    assert 100_000 <= len(raw) < 110_000
    status, _, body = await _raw_post(webhook_only.server.host, webhook_only.server.port, raw, headers_for(raw),
                                      parts=4, pause_s=0.2)
    assert (status, body) == (200, b"EVENT_RECEIVED")
    assert await queued_ids(redis) == [f"split-{i}" for i in range(50)]


async def test_chunked_body_is_read_whole(webhook_only, redis):
    raw = json.dumps(simulate.delivery(*events("chunked", 50, size=2000))).encode()

    async def chunks():
        for i in range(0, len(raw), 25_000):
            await asyncio.sleep(0.1)
            yield raw[i:i + 25_000]

    resp = await webhook_only.post(PATH, data=chunks(), headers=headers_for(raw))
    assert resp.status == 200
    assert await queued_ids(redis) == [f"chunked-{i}" for i in range(50)]


async def test_600kb_signed_body_is_accepted(webhook_only, redis):
    raw = json.dumps(simulate.delivery(*events("big", 300, size=2000))).encode()
    assert 600_000 <= len(raw) < 1024 * 1024
    resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw))
    assert resp.status == 200
    assert await redis.xlen(STREAM) == 300


async def test_a_thousand_events_are_accepted_and_all_enqueued(webhook_only, redis):
    resp = await post_signed(webhook_only, simulate.delivery(*events("k", 1000)))
    assert resp.status == 200
    assert await redis.xlen(STREAM) == 1000


async def test_documented_variants_beside_a_normal_message_do_not_fail_the_delivery(webhook_only, redis):
    """Meta's own sample shapes, all in one delivery: only the normal message is queued."""
    page = DEMO_PAGE_ID
    body = simulate.delivery(
        {"sender": {"user_ref": "ref-7bd2c"}, "recipient": {"id": page}, "timestamp": 1,
         "message": {"mid": "m_ref", "text": "depuis le site"}},
        {"recipient": {"id": page}, "timestamp": 1234567890,
         "optin": {"ref": "PASS_THROUGH_PARAM", "user_ref": "UNIQUE_REF_PARAM"}},
        {"recipient": {"id": page}, "timestamp": 1458692752478, "app_roles": {"123456789": ["primary_receiver"]}},
        {"recipient": {"id": page}, "timestamp": 1458692752478,
         "policy-enforcement": {"action": "block", "reason": "policy"}},
        {"sender": {"id": fan("fan-doc")}, "recipient": {"id": page}, "timestamp": "1458692752478",
         "message": {"mid": "m_normal", "text": "Bonjour", "reply_to": {"mid": "m_before"}}},
        {"sender": {"id": True}, "recipient": {"id": page}, "timestamp": 1, "message": {"mid": "m_true", "text": "x"}},
        {"sender": {"id": fan("fan-doc")}, "recipient": {"id": page}, "timestamp": 1, "read": {"watermark": 1}},
    )
    resp = await post_signed(webhook_only, body)
    assert resp.status == 200
    [msg] = await queued(redis)
    assert (msg.message_id, msg.timestamp_ms, msg.reply_to) == ("m_normal", 1458692752478, "m_before")
    metrics = await read_metrics(webhook_only)
    for reason in ("sender_user_ref", "event_without_sender", "sender_not_an_id", "read"):
        assert re.search(rf'relais_webhook_events_skipped_total\{{[^}}]*reason="{reason}"[^}}]*\}} [1-9]', metrics), \
            reason


async def test_instagram_delivery_is_answered_200_and_ignored(webhook_only, redis):
    body = simulate.delivery(simulate.text_event("hi", fan("fan-ig"), mid="m_ig"))
    body["object"] = "instagram"
    resp = await post_signed(webhook_only, body)
    assert resp.status == 200
    assert await redis.xlen(STREAM) == 0


async def test_lone_surrogate_in_a_text_is_replaced_and_the_message_queued(webhook_only, redis):
    raw = (b'{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"%s"},"recipient":{"id":"%s"},'
           b'"timestamp":1,"message":{"mid":"m_\\ud83d","text":"merci \\ud83d !"}}]}]}'
           % (fan("fan-s").encode(), DEMO_PAGE_ID.encode()))
    resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw))
    assert resp.status == 200
    [msg] = await queued(redis)
    assert (msg.message_id, msg.text) == ("m_\ufffd", "merci \ufffd !")


async def test_timestamp_that_is_not_a_date_is_kept_as_unknown(webhook_only, redis):
    raw = (b'{"object":"page","entry":[{"messaging":[{"sender":{"id":"%s"},"recipient":{"id":"%s"},'
           b'"timestamp":1e999,"message":{"mid":"m_inf","text":"t"}}]}]}' % (fan("fan-t").encode(),
                                                                           DEMO_PAGE_ID.encode()))
    resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw))
    assert resp.status == 200
    [msg] = await queued(redis)
    assert msg.timestamp_ms == 0


async def test_echo_of_our_send_is_recorded_for_reconciliation(webhook_only, redis):
    ours = simulate.echo_event("relais:m_in:0", fan("fan-e"), text="Bonjour !")
    theirs = simulate.echo_event("business-suite", fan("fan-e"), text="written by a person")
    resp = await post_signed(webhook_only, simulate.delivery(ours, theirs))
    assert resp.status == 200
    assert await redis.get(echo_key("messenger", "m_in:0")) == ours["message"]["mid"].encode()
    assert await redis.get(echo_key("messenger", "business-suite")) is None
    # the reply written in Business Suite is queued, in the fan's conversation, for the bot to step back
    entries = await redis.xrange(STREAM)
    assert len(entries) == 1
    queued = InboundMessage.from_json(entries[0][1][b"msg"])
    assert (queued.kind, queued.sender_id, queued.text) == ("answered_elsewhere", fan("fan-e"), "")


# -- redelivery ---------------------------------------------------------------------------------


def _variety(tag: str) -> list[dict]:
    """One delivery of each kind a fan produces: text, quick reply, postback with and without mid,
    attachments, several entries."""
    page, a, b = DEMO_PAGE_ID, fan(f"{tag}-a"), fan(f"{tag}-b")
    base = {"recipient": {"id": page}, "timestamp": 1700000000000}
    return [
        messenger_event("Bonjour", f"{tag}-a", mid=f"{tag}-text"),
        simulate.delivery({**base, "sender": {"id": a},
                           "message": {"mid": f"{tag}-qr", "text": "Oui", "quick_reply": {"payload": "/yes"}}}),
        simulate.delivery({**base, "sender": {"id": a},
                           "postback": {"mid": f"{tag}-pb", "title": "Horaires", "payload": "/hours"}}),
        simulate.delivery({**base, "sender": {"id": b}, "postback": {"title": "Démarrer", "payload": "GET_STARTED"}}),
        simulate.delivery({**base, "sender": {"id": b},
                           "message": {"mid": f"{tag}-img", "attachments": [{"type": "image",
                                                                             "payload": {"url": "https://x/y"}}]}}),
        {"object": "page", "entry": [
            {"id": page, "time": 1, "messaging": [simulate.text_event("un", a, mid=f"{tag}-e1")]},
            {"id": page, "time": 1, "messaging": [simulate.text_event("deux", b, mid=f"{tag}-e2"),
                                                  simulate.text_event("trois", b, mid=f"{tag}-e3")]},
        ]},
    ]


async def test_every_payload_redelivered_is_enqueued_once(webhook_only, redis):
    bodies = _variety("redo")
    for body in bodies:  # first delivery
        assert (await post_signed(webhook_only, body)).status == 200
    first = await queued(redis)
    assert len(first) == 8
    for body in bodies:  # Meta redelivers later
        assert (await post_signed(webhook_only, body)).status == 200
    statuses = await asyncio.gather(*[post_signed(webhook_only, body) for body in bodies for _ in range(3)])
    assert {r.status for r in statuses} == {200}  # and several copies at the same instant
    again = await queued(redis)
    assert [m.message_id for m in again] == [m.message_id for m in first]
    per_conversation: dict[str, list[int]] = {}
    for _, fields in await redis.xrange(STREAM):
        per_conversation.setdefault(fields[b"conv"].decode(), []).append(int(fields[b"seq"]))
    assert sorted(per_conversation.values()) == [[1, 2, 3, 4], [1, 2, 3, 4]]


# -- refused --------------------------------------------------------------------------------------


async def test_body_above_one_mib_is_413_and_nothing_enqueued(webhook_only, redis):
    raw = json.dumps(simulate.delivery(*events("huge", 2500, size=2000))).encode()
    assert len(raw) > 5_000_000
    try:
        resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw))
        status, text = resp.status, await resp.text()
    except aiohttp.ClientOSError:  # the server may close before the client has written everything
        status, _, body = await _raw_post(webhook_only.server.host, webhook_only.server.port, raw,
                                             headers_for(raw), parts=1, pause_s=0)
        text = body.decode()
    assert status == 413
    assert "1048576" in text
    assert await redis.xlen(STREAM) == 0


async def test_compressed_body_that_inflates_above_one_mib_is_413(webhook_only, redis):
    """The limit is on the body as read, after the HTTP layer inflates it: a small gzip bomb is refused."""
    inflated = b'{"object":"page","entry":[],"pad":"' + b"0" * 20_000_000 + b'"}'
    raw = gzip.compress(inflated)
    assert len(raw) < 100_000
    headers = {**headers_for(inflated), "Content-Encoding": "gzip"}
    started = time.monotonic()
    resp = await webhook_only.post(PATH, data=raw, headers=headers)
    assert resp.status == 413
    assert time.monotonic() - started < 5
    assert await redis.xlen(STREAM) == 0


async def test_json_nested_a_thousand_levels_deep_is_400_naming_nesting(webhook_only, redis):
    raw = b'{"object":"page","entry":' + b"[" * 1000 + b"]" * 1000 + b"}"
    assert 2000 <= len(raw) < 2100
    resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw))
    assert resp.status == 400
    assert "nested" in (await resp.json())["error"]
    assert await redis.xlen(STREAM) == 0


async def test_json_nested_far_deeper_is_400_too(webhook_only):
    raw = b'{"object":"page","entry":[{"messaging":[' + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"]}]}"
    resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw))
    assert resp.status == 400
    assert "nested" in (await resp.json())["error"]


async def test_more_than_a_thousand_events_is_400_naming_the_count(webhook_only, redis):
    resp = await post_signed(webhook_only, simulate.delivery(*events("many", 1001)))
    assert resp.status == 400
    assert "1001" in (await resp.json())["error"]
    assert await redis.xlen(STREAM) == 0


async def test_forged_signature_is_401_and_nothing_enqueued(webhook_only, redis):
    raw = json.dumps(messenger_event("Bonjour", "fan-1")).encode()
    resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw, secret="not-the-secret"))
    assert resp.status == 401
    assert "signature" in (await resp.json())["error"]
    assert await redis.xlen(STREAM) == 0


@pytest.mark.parametrize("header", [None, "", "sha1=" + "0" * 40, "sha256=", "sha256=" + "0" * 64, "sha256=zz"])
async def test_unsigned_or_malformed_signature_is_401(webhook_only, redis, header):
    raw = json.dumps(messenger_event("Bonjour", "fan-1")).encode()
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Hub-Signature-256"] = header
    resp = await webhook_only.post(PATH, data=raw, headers=headers)
    assert resp.status == 401
    assert await redis.xlen(STREAM) == 0


@pytest.mark.parametrize("header", [b"sha256=\xff\xfe", b"sha256=\xe9", b"sha256=\x80" + b"a" * 63])
async def test_signature_header_with_undecodable_bytes_is_401(webhook_only, redis, header):
    raw = json.dumps(messenger_event("Bonjour", "fan-1")).encode()
    reader, writer = await asyncio.open_connection(webhook_only.server.host, webhook_only.server.port)
    try:
        writer.write(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %d\r\n"
                     b"X-Hub-Signature-256: %s\r\n\r\n%s" % (PATH.encode(), len(raw), header, raw))
        response = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
    assert response.startswith(b"HTTP/1.1 401 "), response[:80]
    assert await redis.xlen(STREAM) == 0


async def test_body_tampered_after_signing_is_401(webhook_only, redis):
    raw = json.dumps(messenger_event("Bonjour", "fan-1")).encode()
    resp = await webhook_only.post(PATH, data=raw.replace(b"Bonjour", b"Bonsoir"), headers=headers_for(raw))
    assert resp.status == 401
    assert await redis.xlen(STREAM) == 0


async def test_gateway_without_secret_refuses_everything_with_403(redis, redis_url):
    client = await serve(make_settings(redis_url), {"messenger": messenger(app_secret="")})
    try:
        resp = await post_signed(client, messenger_event("Bonjour", "fan-1"), secret="")
        assert resp.status == 403
        assert "secret" in (await resp.json())["error"]
        assert await redis.xlen(STREAM) == 0
    finally:
        await client.close()


@pytest.mark.parametrize("raw, words", [
    (b'{"object": "page", "entry": [', "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (b"", "not valid JSON"),
    (b"[]", "JSON object"),
    (b'{"object": "user", "entry": []}', "object"),
    (b'{"object": "page", "entry": {}}', "entry"),
])
async def test_a_body_that_is_not_a_delivery_is_400_saying_why(webhook_only, redis, raw, words):
    resp = await webhook_only.post(PATH, data=raw, headers=headers_for(raw))
    assert resp.status == 400
    assert words in (await resp.json())["error"]
    assert await redis.xlen(STREAM) == 0


# -- under load and without Redis -----------------------------------------------------------------


async def _burst(url: str, bodies: list[bytes]) -> list[tuple[int, str | None]]:
    """Post every body at the same instant, each on its own connection."""
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(raw: bytes):
            async with session.post(url, data=raw, headers=headers_for(raw)) as resp:
                await resp.read()
                return resp.status, resp.headers.get("Retry-After")
        return await asyncio.gather(*[one(raw) for raw in bodies])


def _burst_bodies(tag: str, n: int) -> tuple[list[bytes], list[list[str]]]:
    bodies, mids = [], []
    for i in range(n):
        evs = [simulate.text_event(f"q{i}.{j}", fan(f"{tag}-{i % 40}"), mid=f"{tag}-{i}-{j}") for j in range(2)]
        bodies.append(json.dumps(simulate.delivery(*evs)).encode())
        mids.append([e["message"]["mid"] for e in evs])
    return bodies, mids


async def _stream_counts(redis) -> Counter:
    return Counter(await queued_ids(redis))


async def test_burst_of_300_with_a_small_pool_is_never_a_500(redis, redis_url):
    client = await serve(make_settings(redis_url, redis_max_connections=4))
    try:
        bodies, mids = _burst_bodies("burst", 300)
        answers = await _burst(str(client.make_url(PATH)), bodies)
    finally:
        await client.close()
    assert {status for status, _ in answers} <= {200, 503}, Counter(s for s, _ in answers)
    assert all(retry for status, retry in answers if status == 503)
    counts = await _stream_counts(redis)
    accepted = [mid for (status, _), ms in zip(answers, mids) if status == 200 for mid in ms]
    assert accepted, "no delivery was accepted"
    assert all(counts[mid] == 1 for mid in accepted)
    assert max(counts.values()) == 1


async def test_burst_beyond_the_enqueue_budget_is_503_and_complete_once_redelivered(redis, redis_url):
    """A budget too short for the burst: the overflow is 503 with Retry-After, nothing is half-queued,
    and once Meta redelivers what got 503 every message is in the stream exactly once."""
    bodies, mids = _burst_bodies("over", 300)
    tight = await serve(make_settings(redis_url, redis_max_connections=2, enqueue_budget_s=0.002))
    try:
        answers = await _burst(str(tight.make_url(PATH)), bodies)
    finally:
        await tight.close()
    statuses = Counter(status for status, _ in answers)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[503] > 0, statuses
    assert all(retry == "5" for status, retry in answers if status == 503)
    counts = await _stream_counts(redis)
    for (status, _), ms in zip(answers, mids):
        assert counts[ms[0]] == counts[ms[1]] <= 1  # all of a delivery or none of it
        if status == 200:
            assert counts[ms[0]] == 1
    roomy = await serve(make_settings(redis_url))
    try:
        retried = await _burst(str(roomy.make_url(PATH)),
                               [raw for raw, (status, _) in zip(bodies, answers) if status == 503])
    finally:
        await roomy.close()
    assert {status for status, _ in retried} == {200}
    counts = await _stream_counts(redis)
    assert sorted(counts) == sorted(mid for ms in mids for mid in ms)
    assert set(counts.values()) == {1}


async def test_redis_unreachable_is_503_with_retry_after_and_not_ready():
    client = await serve(make_settings(f"redis://127.0.0.1:{free_port()}/0"))
    try:
        resp = await post_signed(client, messenger_event("Bonjour", "fan-1"))
        assert resp.status == 503
        assert resp.headers["Retry-After"] == "5"
        assert "retry" in (await resp.json())["error"]
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert (await ready.json())["ready"] is False
        health = await client.get("/healthz")
        assert health.status == 200
        assert (await health.json())["status"] == "degraded"
    finally:
        await client.close()


async def test_ready_and_healthy_with_redis(webhook_only):
    ready = await webhook_only.get("/readyz")
    assert (ready.status, await ready.json()) == (200, {"ready": True})
    health = await webhook_only.get("/healthz")
    assert health.status == 200
    assert (await health.json())["redis"] == "ok"
