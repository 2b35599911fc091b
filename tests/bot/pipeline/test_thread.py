"""The conversation thread on a real Redis: the record itself, the send engine adding what it delivered,
and the real pipeline (gateway, worker, Rasa) recording a fan answered by the bot and one escalated."""

from __future__ import annotations

import time

import aiohttp
import pytest

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.delivery import Failed, Outbox, Plan, Sender, Sent
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import Delivery, InboundQueue
from bot.pipeline.thread import BOT, CM, FAN, KEEP, ConversationThread, ThreadEntry
from tests.conftest import stack_settings
from tests.helpers import (DEMO_PAGE_ID, conversation, fan, messenger, messenger_event, outcome, post_signed, serve,
                           start_worker, wait_until)

CONV = "messenger:page:thread-fan"


async def test_entries_come_back_oldest_first_each_message_once(redis):
    thread = ConversationThread(redis)
    await thread.fan_message(CONV, "m1", "Bonjour, mon mail est claire@example.org", 1_700_000_000_000, "sent")
    await thread.reply(CONV, "m1", ["Bonjour Claire !", "Voici nos horaires."], "reply", ["p1", "p2"])
    await thread.fan_message(CONV, "m1", "Bonjour, mon mail est claire@example.org", 1_700_000_000_000, "sent")
    await thread.reply(CONV, "m1", ["Bonjour Claire !", "Voici nos horaires."], "reply", ["p1", "p2"])  # a redo
    await thread.reply(CONV, "m1.cm-abc123", ["Un humain vous répond."], "human", ["p3"])
    entries = await thread.last(CONV)
    assert [(e.who, e.message_id, e.route) for e in entries] == [
        (FAN, "m1", "sent"), (BOT, "m1", "reply"), (CM, "m1.cm-abc123", "human")]
    assert entries[0].text == "Bonjour, mon mail est claire@example.org"  # as written, nothing masked
    assert entries[0].at == 1_700_000_000.0
    assert entries[1].text == "Bonjour Claire !\n\nVoici nos horaires." and entries[1].platform_ids == ("p1", "p2")


async def test_a_fan_clock_ahead_of_ours_never_dates_a_message_in_the_future(redis):
    thread = ConversationThread(redis)
    await thread.fan_message(CONV, "m_future", "hello", int((time.time() + 3600) * 1000), "held")
    [entry] = await thread.last(CONV)
    assert entry.at <= time.time()


async def test_the_list_is_capped_and_lives_thirty_days_after_the_last_entry(redis):
    thread = ConversationThread(redis)
    key = keys.thread(CONV)
    assert key == "relais:thread:{messenger:page:thread-fan}"  # the conversation's hash tag
    for i in range(KEEP + 5):
        await thread.fan_message(CONV, f"m{i}", f"message {i}", (1_700_000_000 + i) * 1000, "sent")
    assert await redis.llen(key) == KEEP
    entries = await thread.last(CONV)
    assert len(entries) == KEEP and entries[0].message_id == "m5" and entries[-1].message_id == f"m{KEEP + 4}"
    assert [e.message_id for e in await thread.last(CONV, 3)] == [f"m{KEEP + 2}", f"m{KEEP + 3}", f"m{KEEP + 4}"]
    assert keys.THREAD_TTL_S - 5 <= await redis.ttl(key) <= keys.THREAD_TTL_S
    await redis.expire(key, 60)
    await thread.reply(CONV, f"m{KEEP + 4}", ["ok"], "reply", ["p"])
    assert await redis.ttl(key) > keys.THREAD_TTL_S - 5  # renewed by the write


async def test_an_entry_of_another_shape_is_skipped(redis):
    key = keys.thread(CONV)
    await redis.rpush(key, "not json", '{"who": "robot", "text": "x", "at": 1, "message_id": "m"}', '{"who": "fan"}')
    await ConversationThread(redis).fan_message(CONV, "m_ok", "still here", 1_700_000_000_000, "sent")
    assert [e.message_id for e in await ConversationThread(redis).last(CONV)] == ["m_ok"]
    assert ThreadEntry.from_json(b"[1, 2]") is None


# -- the send engine adds what the platform confirmed ------------------------------------------------
@pytest.fixture
async def outbox(redis, graph):
    async with aiohttp.ClientSession() as session:
        channel = messenger(graph.url, send_timeout_s=0.5)
        channel.open(session)
        ledger = Ledger(redis)
        yield Outbox(redis, ledger, InboundQueue(redis), {"messenger": Sender(channel)}, send_attempts=1,
                     retry_base_s=0.1, echo_wait_s=1.0), ledger


def _message(mid: str) -> InboundMessage:
    return InboundMessage("messenger", mid, DEMO_PAGE_ID, fan("fan-thread"), "Bonjour", int(time.time() * 1000))


async def test_a_delivered_reply_joins_the_thread_with_its_platform_ids(outbox, graph, redis):
    engine, ledger = outbox
    message = _message("m_sent")
    token = "w|1"
    assert await ledger.try_lock(message.conversation_id, token)
    result = await engine.deliver(Delivery("1-0", 1, message), token, Plan(["Bonjour !", "À bientôt."],
                                                                              kind="holding"))
    assert isinstance(result, Sent)
    [entry] = await ConversationThread(redis).last(message.conversation_id)
    assert (entry.who, entry.message_id, entry.route) == (BOT, "m_sent", "holding")
    assert entry.text == "Bonjour !\n\nÀ bientôt." and list(entry.platform_ids) == result.ids
    assert [m.text for m in graph.sent] == ["Bonjour !", "À bientôt."]


async def test_a_refused_reply_is_not_in_the_thread(outbox, graph, redis):
    engine, ledger = outbox
    graph.failures = [(400, 551)]
    message = _message("m_refused")
    assert await ledger.try_lock(message.conversation_id, "w|1")
    assert isinstance(await engine.deliver(Delivery("1-0", 1, message), "w|1", Plan(["Bonjour !"])), Failed)
    assert await ConversationThread(redis).last(message.conversation_id) == []


# -- the real pipeline ---------------------------------------------------------------------------------
@pytest.mark.stack
async def test_the_pipeline_records_a_fan_answered_by_the_bot_and_one_escalated(redis, redis_url, rasa_stack,
                                                                                  graph):
    settings = stack_settings(redis_url, rasa_stack)
    client = await serve(settings, {"messenger": messenger(graph.url)})
    worker = await start_worker(settings, {"messenger": messenger(graph.url)})
    question = "Bonjour, vous êtes ouverts le dimanche ?"
    angry = ("This is UNACCEPTABLE!!! You are thieves, I want my money back NOW or I call my lawyer. "
             "Write to lea.martin@example.org")
    try:
        await post_signed(client, messenger_event(question, "fan-thread-live", mid="m_thread_q"))
        assert (await outcome(redis, "m_thread_q"))["status"] == "sent"
        await post_signed(client, messenger_event(angry, "fan-thread-live", mid="m_thread_angry"))
        assert (await outcome(redis, "m_thread_angry"))["status"] == "escalated"
        sent = graph.to("fan-thread-live")
        thread = ConversationThread(redis)

        async def both_replies():
            entries = await thread.last(conversation("fan-thread-live"))
            return entries if len([e for e in entries if e.who == BOT]) == len(sent) else None

        entries = await wait_until(both_replies, timeout=10)
    finally:
        await worker.stop()
        await client.close()
    fans = [e for e in entries if e.who == FAN]
    assert [(e.message_id, e.route, e.text) for e in fans] == [("m_thread_q", "sent", question),
                                                                ("m_thread_angry", "escalated", angry)]  # as written
    bots = [e for e in entries if e.who == BOT]
    assert len(sent) == 2 and [e.text for e in bots] == [m.text for m in sent]  # the answer, then the holding message
    assert [(e.message_id, e.route) for e in bots] == [("m_thread_q", "reply"), ("m_thread_angry", "holding")]
    assert "dimanche" in bots[0].text and all(e.platform_ids for e in bots)
    assert [(e.who, e.message_id) for e in entries] == [(FAN, "m_thread_q"), (BOT, "m_thread_q"),
                                                         (FAN, "m_thread_angry"), (BOT, "m_thread_angry")]
