"""Hostile input at the Messenger edge: thousands of mutated, correctly signed deliveries.

Valid deliveries of every kind a fan produces are mutated — any JSON value
replaced by an arbitrary one (huge integers, floats, NaN and infinities,
nulls, nested lists, lone surrogates, nesting thousands of levels deep,
integers too long to parse), keys dropped, events and entries duplicated,
bytes truncated — then signed and posted to the real gateway with a real
Redis, and parsed directly. Whatever arrives, the gateway never answers 5xx,
the parser raises nothing but ``PayloadError``, and what a 200 queues is only
well-typed messages: digit ids, valid Unicode text, a timestamp that is a
date or 0.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings, strategies as st
from redis.asyncio import Redis

from bot.errors import PayloadError
from bot.messages import Echo, InboundMessage
from tests.helpers import DEMO_PAGE_ID, STREAM, fan, make_settings, serve
from webhooks.messenger.receive import parse_delivery
from webhooks.signature import sign

PATH = "/webhooks/messenger"
TARGET = int(os.environ.get("RELAIS_FUZZ_PAYLOADS", "2000"))

settings.register_profile(
    "relais-webhook-fuzz", max_examples=TARGET, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

DIGITS = re.compile(r"[0-9]{1,32}")
KINDS = {"text", "quick_reply", "postback", "like", "sticker",
         "answered_elsewhere"}  # the last: a reply written in Business Suite
MAX_TIMESTAMP_MS = 2**53

# -- valid deliveries to start from -----------------------------------------------------------------

PAGE, FAN_A, FAN_B = DEMO_PAGE_ID, fan("fuzz-a"), fan("fuzz-b")


def _event(sender: str = FAN_A, **kwargs) -> dict[str, Any]:
    return {"sender": {"id": sender}, "recipient": {"id": PAGE}, "timestamp": 1700000000000, **kwargs}


def _delivery(*entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": PAGE, "time": 1700000000000, "messaging": evs} for evs in entries]}


SEEDS: list[dict[str, Any]] = [
    _delivery([_event(message={"mid": "m_text", "text": "Bonjour, vous êtes ouverts le dimanche ?"})]),
    _delivery([_event(postback={"mid": "m_pb", "title": "Horaires", "payload": "/opening_hours",
                                "referral": {"ref": "promo", "source": "SHORTLINK", "type": "OPEN_THREAD"}})]),
    _delivery([_event(postback={"title": "Démarrer", "payload": "GET_STARTED"})]),
    _delivery([_event(message={"mid": "m_qr", "text": "Livraison", "quick_reply": {"payload": "/delivery"}})]),
    _delivery([_event(FAN_B, message={"mid": "m_att", "attachments": [
        {"type": "image", "payload": {"url": "https://cdn.example/x.jpg"}},
        {"type": "fallback", "title": "Nappe", "payload": {"url": "https://maison-brindille.example/p/42"}}]})]),
    _delivery([_event(message={"mid": "m_reply", "text": "et celle-ci ?", "reply_to": {"mid": "m_text"}})]),
    _delivery([_event(message={"mid": "m_like", "sticker_id": 369239263222822, "attachments": [
        {"type": "image", "payload": {"url": "https://cdn.example/369.png", "sticker_id": 369239263222822}}]})]),
    _delivery([{"sender": {"id": PAGE}, "recipient": {"id": FAN_A}, "timestamp": 1700000000000,
                "message": {"mid": "m_echo", "is_echo": True, "app_id": 1, "metadata": "relais:m_text:0",
                            "text": "Bonjour !"}}]),
    _delivery([_event(message={"mid": "m_e1", "text": "un"}), _event(read={"watermark": 1700000000000})],
              [_event(FAN_B, message={"mid": "m_e2", "text": "deux"}),
               _event(FAN_B, message={"mid": "m_e3", "text": "trois"}),
               {"sender": {"user_ref": "ref-1"}, "recipient": {"id": PAGE}, "message": {"mid": "m_ref", "text": "x"}}]),
]

# -- arbitrary JSON values ----------------------------------------------------------------------------

KEYS = ["id", "mid", "text", "sender", "recipient", "message", "postback", "payload", "title", "is_echo",
        "metadata", "attachments", "type", "url", "quick_reply", "reply_to", "timestamp", "messaging", "entry",
        "object", "user_ref", "referral", "read", "delivery", "optin", "sticker_id"]
characters = st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]))
strings = st.one_of(
    st.text(characters, max_size=20),
    st.from_regex(r"[0-9]{1,40}", fullmatch=True),
    st.sampled_from(["", " ", "0", "00", "-1", "1e3", "12.5", "abc", "\ud83d", "\udc00x", "relais:", "relais:m:0",
                     "page", "instagram", "image", "fallback", "²", "١٢٣", "\x00", "Infinity"]),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**80), max_value=10**80),
    st.sampled_from([0, -1, 1, 2**53, 2**63, 10**32, 10**4000]), st.floats(), strings,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), strings), inner, max_size=4)),
    max_leaves=12,
)


@dataclass(frozen=True)
class Raw:
    """A JSON text spliced into the serialized body: what ``json.dumps`` cannot produce."""

    text: str


raw_values = st.one_of(
    st.sampled_from([5, 50, 500, 3000, 30000]).map(lambda d: Raw("[" * d + "]" * d)),
    st.sampled_from([50, 3000]).map(lambda d: Raw('{"a":' * d + "1" + "}" * d)),
    st.sampled_from([4301, 6000]).map(lambda n: Raw("9" * n)),  # more digits than Python parses
    st.sampled_from(["NaN", "-Infinity", "1e999", "-0", "1E400", '"\\ud800"', '"\\udfff\\ud800"']).map(Raw),
)

# -- mutations -------------------------------------------------------------------------------------------


def _paths(node: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, here + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, here + (i,))
    return out


def _get(node: Any, path: tuple) -> Any:
    for step in path:
        node = node[step]
    return node


def _set(root: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def mutate(data: st.DataObject, body: Any, raws: dict[str, Raw]) -> Any:
    op = data.draw(st.sampled_from(["replace", "replace", "replace", "raw", "drop", "drop", "duplicate",
                                    "surrogate"]), label="op")
    paths = _paths(body)
    if op == "drop":
        keyed = [p for p in paths if p and isinstance(_get(body, p[:-1]), (dict, list))]
        if keyed:
            path = data.draw(st.sampled_from(keyed), label="drop")
            del _get(body, path[:-1])[path[-1]]
        return body
    if op == "duplicate":  # an event or an entry twice in the same delivery
        lists = [p for p in paths if isinstance(_get(body, p), list) and _get(body, p)]
        if lists:
            path = data.draw(st.sampled_from(lists), label="duplicate")
            items = _get(body, path)
            items.append(copy.deepcopy(data.draw(st.sampled_from(items), label="item")))
        return body
    if op == "surrogate":
        texts = [p for p in paths if isinstance(_get(body, p), str)]
        if texts:
            path = data.draw(st.sampled_from(texts), label="surrogate")
            value = _get(body, path)
            at = data.draw(st.integers(0, len(value)), label="at")
            lone = data.draw(st.sampled_from(["\ud83d", "\ude00", "\udfff", "\ud800\ud800"]), label="lone")
            body = _set(body, path, value[:at] + lone + value[at:])
        return body
    path = data.draw(st.sampled_from(paths), label="path")
    if op == "raw":
        marker = f"@@raw{len(raws)}@@"
        raws[marker] = data.draw(raw_values, label="raw")
        return _set(body, path, marker)
    return _set(body, path, data.draw(json_values, label="value"))


def serialize(body: Any, raws: dict[str, Raw]) -> bytes:
    text = json.dumps(body)
    for marker, raw in raws.items():
        text = text.replace(json.dumps(marker), raw.text)
    return text.encode()


# -- what a well-typed message is ----------------------------------------------------------------------


def _valid_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assert_well_typed(msg: InboundMessage) -> None:
    assert msg.platform == "messenger"
    for name in ("sender_id", "account_id"):
        value = getattr(msg, name)
        assert type(value) is str and DIGITS.fullmatch(value) and value.strip("0"), (name, value)
    assert type(msg.message_id) is str and msg.message_id.strip() and len(msg.message_id) <= 200
    assert type(msg.text) is str and _valid_unicode(msg.text)
    assert type(msg.timestamp_ms) is int and 0 <= msg.timestamp_ms < MAX_TIMESTAMP_MS
    assert msg.kind in KINDS
    assert msg.payload is None or (type(msg.payload) is str and _valid_unicode(msg.payload))
    assert msg.reply_to is None or (type(msg.reply_to) is str and _valid_unicode(msg.reply_to))
    for item in (*msg.attachments, *msg.links):
        assert type(item) is str and _valid_unicode(item)
    assert _valid_unicode(msg.message_id)
    assert InboundMessage.from_json(msg.to_json()) == msg


def assert_well_typed_echo(echo: Echo) -> None:
    assert DIGITS.fullmatch(echo.account_id) and DIGITS.fullmatch(echo.recipient_id)
    assert type(echo.tag) is str and _valid_unicode(echo.tag) and len(echo.tag) <= 1000
    assert type(echo.platform_message_id) is str and _valid_unicode(echo.platform_message_id)


def parse_directly(body: Any) -> tuple[list[InboundMessage] | None, str]:
    """The parser's own verdict: the messages it keeps, or None and why the delivery is refused."""
    try:
        batch = parse_delivery(body)
    except PayloadError as exc:
        return None, exc.public
    for msg in batch.messages:
        assert_well_typed(msg)
    for echo in batch.echoes:
        assert_well_typed_echo(echo)
    assert all(type(n) is int and n > 0 for n in batch.skipped.values())
    return batch.messages, ""


# -- the run -----------------------------------------------------------------------------------------------


@dataclass
class Tally:
    payloads: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    queued: int = 0
    last_entry: str = "-"


def test_mutated_signed_deliveries_never_break_the_edge(redis_url, caplog):
    caplog.set_level(logging.WARNING)  # thousands of refusals and skips are the point, not news
    tally = Tally()
    runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)
    redis = Redis.from_url(redis_url)

    async def start():
        await redis.flushdb()
        client = await serve(make_settings(redis_url))
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4))
        return client, session

    client, session = runner.run(start())
    url = str(client.make_url(PATH))

    async def post(raw: bytes) -> tuple[int, str]:
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign("test-app-secret", raw)}
        async with session.post(url, data=raw, headers=headers) as resp:
            return resp.status, await resp.text()

    async def newly_queued() -> list[InboundMessage]:
        start_at = "-" if tally.last_entry == "-" else "(" + tally.last_entry
        entries = await redis.xrange(STREAM, min=start_at)
        if entries:
            tally.last_entry = entries[-1][0].decode()
        return [InboundMessage.from_json(fields[b"msg"]) for _, fields in entries]

    @settings(settings.get_profile("relais-webhook-fuzz"))
    @given(st.data())
    def one_payload(data: st.DataObject) -> None:
        body = copy.deepcopy(data.draw(st.sampled_from(SEEDS), label="seed"))
        raws: dict[str, Raw] = {}
        for _ in range(data.draw(st.integers(1, 4), label="mutations")):
            body = mutate(data, body, raws)
        for path in _paths(body):  # fresh message ids, so the queue's dedup does not hide what a 200 queues
            if path and path[-1] == "mid" and isinstance(_get(body, path), str):
                _set(body, path, f"{_get(body, path)}-{tally.payloads}")
        if not raws:
            parse_directly(copy.deepcopy(body))  # the Python object itself, NaN and huge ints included
        raw = serialize(body, raws)
        if data.draw(st.integers(0, 19), label="truncate") == 0:
            raw = raw[:len(raw) * data.draw(st.integers(0, 999), label="cut per mille") // 1000]

        try:
            decoded, decode_error = json.loads(raw), ""
        except RecursionError:
            decoded, decode_error = None, "JSON nested too deeply"
        except ValueError:
            decoded, decode_error = None, "body is not valid JSON"
        expected, why = parse_directly(decoded) if not decode_error else (None, decode_error)

        status, text = runner.run(post(raw))
        tally.payloads += 1
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        assert status < 500, (status, text, raw[:300])
        if expected is None:
            assert status == 400, (status, text, why, raw[:300])
            assert json.loads(text)["error"] == why
        else:
            assert (status, text) == (200, "EVENT_RECEIVED"), raw[:300]
        queued = runner.run(newly_queued())
        if status != 200:
            assert queued == []
            return
        for msg in queued:
            assert_well_typed(msg)
        assert {m.message_id for m in queued} <= {m.message_id for m in expected}
        tally.queued += len(queued)

    started = time.monotonic()
    try:
        one_payload()
    finally:
        async def stop():
            await session.close()
            await client.close()
            await redis.aclose()

        runner.run(stop())
        runner.close()
    elapsed = time.monotonic() - started
    print(f"\nwebhook fuzz: {tally.payloads} signed payloads in {elapsed:.1f}s, answers {tally.statuses}, "
          f"{tally.queued} messages queued")
    assert tally.payloads >= TARGET
    assert tally.statuses.get(200, 0) > TARGET // 10 and tally.statuses.get(400, 0) > TARGET // 10, tally.statuses
    assert tally.queued > 0
