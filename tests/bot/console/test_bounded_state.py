"""Bounded state on a real Redis: caps drop the oldest handled items first and never an open one; an open case
outlives its CM-queue entry; every key a scenario writes expires or is a bounded key of the key schema."""

from __future__ import annotations

import asyncio
import fnmatch
import functools
import time

import pytest
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.console import inbox as inbox_module
from bot.console.inbox import Inbox
from bot.pipeline.cm_queue import MAX_CASE_TEXT, CMQueue
from tests.bot.console import conftest
from tests.bot.console.conftest import ConsoleGateway, file_case, item_id_for
from tests.bot.console.test_http import signed_in
from tests.helpers import conversation, fan, messenger_event, post_signed

WEEK_AND_A_DAY_S = keys.CONSOLE_HANDLED_TTL_S + 86400


async def drafts_by_text(inbox: Inbox) -> dict[str, str]:
    """Open drafts: fan text → item id."""
    return {i.case["text"]: i.id for i in await inbox.items("drafts")}


async def test_past_the_handled_cap_the_oldest_handled_items_go_first_and_never_an_open_one(redis: Redis):
    for n in range(8):
        await file_case(redis, "held", f"question {n}", sender=f"fan-{n}", draft="Hello")
    inbox = Inbox(redis, handled_max=3)
    assert await inbox.sync() == 8
    ids = await drafts_by_text(inbox)
    for n in range(5):  # handled in this order: 0 is the oldest
        assert await inbox.close(ids[f"question {n}"], "approved", "alice")
    assert [i.case["text"] for i in await inbox.items("handled")] == ["question 4", "question 3", "question 2"]
    for n in (0, 1):
        assert await inbox.item(ids[f"question {n}"]) is None
    assert sorted(await drafts_by_text(inbox)) == ["question 5", "question 6", "question 7"]
    # A week and a day later, the handled ones are all forgotten; the open ones still wait, whole.
    assert await inbox.prune(time.time() + WEEK_AND_A_DAY_S) == 3
    assert await inbox.items("handled") == []
    assert sorted(await drafts_by_text(inbox)) == ["question 5", "question 6", "question 7"]
    assert await inbox.open_count() == 3
    for n in (5, 6, 7):
        item = await inbox.item(ids[f"question {n}"])
        assert (item.status, item.case["draft"]) == ("open", "Hello")
        assert await redis.ttl(keys.console_item(item.id)) == -1  # an open item never expires


async def test_cases_trimmed_from_the_cm_queue_stay_whole_in_the_console_and_unindexed_ones_are_kept(
        redis: Redis, monkeypatch):
    small = functools.partial(CMQueue, max_cases=5)
    monkeypatch.setattr(conftest, "CMQueue", small)  # the responder files through a queue capped at 5
    first = [await file_case(redis, "held", f"early {n}", sender=f"fan-{n}", draft=f"Draft {n}") for n in range(12)]
    await file_case(redis, "escalated", "I want a person", sender="zoe", reasons=("asks_human",))
    await file_case(redis, "escalated", "hello??", sender="zoe", tone="angry", reasons=("with_human",))
    inbox = Inbox(redis, small(redis))
    assert await inbox.sync() == 14
    assert await redis.xlen(keys.CM_QUEUE) == 5  # all indexed: trimmed to the cap
    ids = await drafts_by_text(inbox)
    for n in range(4):
        await inbox.close(ids[f"early {n}"], "approved", "alice")
    # The console does not index for a while: what it has not indexed stays, past the cap.
    late = [await file_case(redis, "held", f"late {n}", sender=f"fan-{n}", draft=f"Draft {n}") for n in range(10)]
    filed = {e["message_id"] for e in await CMQueue(redis).cases(100)}
    assert set(late) <= filed
    assert await inbox.sync() == 10
    assert await redis.xlen(keys.CM_QUEUE) == 5

    open_drafts = await inbox.items("drafts")
    assert sorted(i.case["text"] for i in open_drafts) == sorted(
        [f"early {n}" for n in range(4, 12)] + [f"late {n}" for n in range(10)])
    for item in open_drafts:
        whole = await Inbox(redis).item(item.id)  # another process, nothing cached
        assert whole.case["message_id"] in first + late
        assert whole.case["draft"].startswith("Draft ")
        assert (await Inbox(redis).cases(whole.cases))[whole.cases[0]]["text"] == whole.case["text"]
    [escalation] = await inbox.items("escalations")
    assert (escalation.tone, escalation.case["text"], len(escalation.cases)) == ("angry", "hello??", 2)
    early = await inbox.item(ids["early 5"])
    assert await inbox.close(early.id, "approved", "alice")  # its acknowledgement is dropped with it
    assert not await redis.hexists(keys.ACK_ITEMS, f"{conversation('fan-5')} {early.case['message_id']}")


async def test_an_escalation_keeps_its_newest_cases_and_each_case_its_texts_to_their_cap(redis: Redis, monkeypatch):
    monkeypatch.setattr(inbox_module, "MAX_ITEM_CASES", 3)
    monkeypatch.setattr(inbox_module, "MAX_ITEM_REASONS", 2)
    long_text = "Je colle ici tout mon historique de commandes. " * 500  # 23,500 characters
    await file_case(redis, "escalated", "I want a person", sender="zoe", reasons=("asks_human",))
    for n in range(5):
        await file_case(redis, "escalated", long_text if n == 4 else f"hello? ({n})", sender="zoe",
                        reasons=(f"with_human:{n}",))
    inbox = Inbox(redis)
    await inbox.sync()
    [item] = await inbox.items("escalations")
    filed = [c["id"] for c in reversed(await CMQueue(redis).cases(conversation=conversation("zoe")))]
    assert item.cases == filed[-3:]
    assert item.reasons == ["asks_human", "with_human:0"]
    assert len(item.case["text"]) == MAX_CASE_TEXT and item.case["text"].endswith("…")
    assert item.case["truncated"] == ["text"]
    assert item.case["text"][:-1] == long_text[:MAX_CASE_TEXT - 1]


def without_ttl_allowed(key: str) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in keys.WITHOUT_TTL)


async def assert_every_key_is_bounded(redis: Redis) -> list[str]:
    """Each key expires, or is a key of ``WITHOUT_TTL`` (a console item and its case only while the item is
    open); the keys seen."""
    seen, unbounded = [], []
    async for raw in redis.scan_iter(count=1000):
        key = raw.decode()
        ttl = await redis.ttl(key)
        if ttl == -2:  # gone meanwhile
            continue
        seen.append(key)
        if ttl > 0:
            continue
        if not without_ttl_allowed(key):
            unbounded.append(key)
        elif fnmatch.fnmatchcase(key, keys.console_item("*")):
            assert (await redis.hget(key, "status")) == b"open", key
            view = "escalations" if key.split(":")[-1].startswith("e-") else "drafts"
            assert await redis.zscore(keys.console_open(view), key.rsplit(":", 1)[1]) is not None, key
        elif fnmatch.fnmatchcase(key, keys.console_case("*")):
            assert (await redis.hget(keys.console_item(key.rsplit(":", 1)[1]), "status")) == b"open", key
        elif fnmatch.fnmatchcase(key, keys.console_escalation("*")):
            item = (await redis.get(key)).decode()
            assert (await redis.hget(keys.console_item(item), "status")) == b"open", key
    assert unbounded == [], f"keys without a TTL nor a bound in the key schema: {unbounded}"
    return seen


async def cm_does(session, token: str, item: str, action: str, **data) -> None:
    resp = await session.post(f"/console/item/{item}/{action}", data={"csrf": token, **data},
                              headers={"Accept": "application/json"})
    assert resp.status == 200, await resp.text()


async def test_every_key_of_a_console_scenario_expires_or_is_bounded_in_the_key_schema(console: ConsoleGateway):
    redis = console.redis
    approved = await file_case(redis, "held", "where is my order?", sender="ann", draft="It left today.")
    rejected = await file_case(redis, "held", "can I pay later?", sender="ben", draft="Yes.")
    await file_case(redis, "held", "do you ship to Quebec?", sender="cat", draft="We do.")
    await file_case(redis, "escalated", "I want a person", sender="dan", reasons=("asks_human",))
    angry = await file_case(redis, "escalated", "still nothing??", sender="dan", tone="angry",
                            reasons=("with_human",))
    session, token = await signed_in(console)
    async with session:
        approved_item, rejected_item = await item_id_for(redis, approved), await item_id_for(redis, rejected)
        escalation = await item_id_for(redis, angry)
        assert (await session.get(f"/console/item/{escalation}")).status == 200
        await cm_does(session, token, approved_item, "approve", reply_id="reply-approve-1", text="It left today.")
        await cm_does(session, token, rejected_item, "reject", reason="not our policy")
        await cm_does(session, token, escalation, "note", text="called the carrier")
        await cm_does(session, token, escalation, "send", reply_id="reply-send-1", text="We are on it, Dan.")
        await cm_does(session, token, escalation, "resolve")
    await console.graph.wait_for("ann", 1)
    await console.graph.wait_for("dan", 1)
    seen = await assert_every_key_is_bounded(redis)
    for key in (keys.CM_QUEUE, keys.CONSOLE_HANDLED, keys.console_open("drafts"), keys.CONSOLE_AUDIT,
                keys.console_conversation(conversation("dan")), keys.CONSOLE_CURSOR):
        assert key in seen, key
    assert await redis.ttl(keys.CONSOLE_CURSOR) > 0
    assert await redis.llen(keys.console_conversation(conversation("dan"))) <= keys.CONSOLE_CONV_MAX


@pytest.mark.stack
async def test_every_key_the_whole_pipeline_writes_expires_or_is_bounded_in_the_key_schema(
        stack_console: ConsoleGateway):
    """Fans write to the webhook; the real worker answers, holds or escalates; a CM handles what it filed."""
    gateway = stack_console
    for sender, text in [("eve", "Bonjour, où en est ma commande BR-204518 ?"),
                         ("fred", conftest.ANGRY)]:
        resp = await post_signed(gateway.client, messenger_event(text, sender))
        assert resp.status == 200
    await gateway.graph.wait_for("eve", 1)
    await gateway.graph.wait_for("fred", 1)  # the holding message: the case is filed
    inbox = Inbox(gateway.redis)
    deadline = time.monotonic() + 30
    while not await inbox.items("escalations"):
        assert time.monotonic() < deadline, "the escalation never reached the console"
        await inbox.sync()
        await asyncio.sleep(0.1)
    [escalation] = await inbox.items("escalations")
    assert escalation.case["sender_id"] == fan("fred")
    session, token = await signed_in(gateway)
    async with session:
        await cm_does(session, token, escalation.id, "send", reply_id="reply-send-2", text="We are sorry, Fred.")
        await cm_does(session, token, escalation.id, "resolve")
    await gateway.graph.wait_for("fred", 2)
    seen = await assert_every_key_is_bounded(gateway.redis)
    assert keys.thread(conversation("eve")) in seen and keys.INBOUND in seen
