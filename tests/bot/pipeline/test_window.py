"""Messenger's messaging window, kept by the send engine: 24 hours for the bot, 7 days for a CM (tagged
HUMAN_AGENT), nothing later — and the platform's window errors mapped to states, never retried."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest

from bot import redis_keys as keys
from bot.channels import ChannelLimits
from bot.messages import InboundMessage
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.delivery import Failed, Outbox, Plan, Sender, Sent
from bot.pipeline.handoff import Handoff
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import Delivery, InboundQueue
from bot.pipeline.responder import Responder
from bot.pipeline.window import ReplyWindow, judge
from tests.helpers import DEMO_PAGE_ID, fan, messenger

HOUR = 3600
MESSENGER = ChannelLimits(max_text=2000, reply_window_s=24 * HOUR, human_window_s=7 * 24 * HOUR)
NOW = 1_800_000_000.0  # a fixed clock: 15 January 2027, 08:00 UTC


def test_judge_by_kind_and_age():
    assert judge(NOW - 23 * HOUR, "reply", MESSENGER, NOW).allowed
    automated = judge(NOW - 30 * HOUR, "reply", MESSENGER, NOW)
    assert not automated.allowed and automated.reason.startswith("outside_reply_window")
    assert "2027-01-15 02:00 UTC" in automated.reason and "a CM can still reply" in automated.reason
    assert not judge(NOW - 30 * HOUR, "holding", MESSENGER, NOW).allowed
    human = judge(NOW - 30 * HOUR, "human", MESSENGER, NOW)
    assert human.allowed and human.late and human.closes_at == NOW - 30 * HOUR + 7 * 24 * HOUR
    assert not judge(NOW - 23 * HOUR, "human", MESSENGER, NOW).late  # inside 24 h: a plain response
    late = judge(NOW - 8 * 24 * HOUR, "human", MESSENGER, NOW)
    assert not late.allowed
    assert late.reason == ("outside_reply_window: the fan last wrote 8 days ago and a person may reply for 7 days; "
                           "the window closed at 2027-01-14 08:00 UTC")
    assert judge(None, "reply", MESSENGER, NOW).allowed  # nothing known: the platform decides
    assert judge(NOW - 30 * 24 * HOUR, "reply", ChannelLimits(max_text=10_000), NOW).allowed  # no window at all


async def test_the_last_fan_message_time_only_rises_and_the_time_left_is_exposed(redis):
    window = ReplyWindow(redis, clock=lambda: NOW)
    conv = f"messenger:{DEMO_PAGE_ID}:{fan('fan-w')}"
    for hours_ago in (30, 2, 50):  # a redelivered old message does not move it back
        await window.note(InboundMessage("messenger", f"m{hours_ago}", DEMO_PAGE_ID, fan("fan-w"), "x",
                                         int((NOW - hours_ago * HOUR) * 1000)))
    assert await window.last_fan_s(conv) == NOW - 2 * HOUR
    assert 0 < await redis.ttl(keys.conversation(conv, "last_fan")) <= keys.LAST_FAN_TTL_S
    left = await window.time_left(conv, MESSENGER)
    assert left == {"last_fan_at": NOW - 2 * HOUR, "automated_s": 22 * HOUR, "human_s": (7 * 24 - 2) * HOUR}
    assert await window.time_left("messenger:1:unknown", MESSENGER) == {
        "last_fan_at": None, "automated_s": None, "human_s": None}


@pytest.fixture
async def engine(redis, graph):
    async with aiohttp.ClientSession() as session:
        channel = messenger(graph.url, send_timeout_s=2.0)
        channel.open(session)
        ledger = Ledger(redis)
        outbox = Outbox(redis, ledger, InboundQueue(redis), {"messenger": Sender(channel)}, send_attempts=3,
                        retry_base_s=0.1)
        outbox.window.clock = lambda: NOW
        yield outbox, ledger


async def fan_wrote(outbox: Outbox, name: str, hours_ago: float) -> InboundMessage:
    message = InboundMessage("messenger", f"m_{name}", DEMO_PAGE_ID, fan(name), "Bonjour",
                             int((NOW - hours_ago * HOUR) * 1000))
    await outbox.window.note(message)
    return message


async def send(outbox: Outbox, ledger: Ledger, message: InboundMessage, kind: str, text: str = "Bonjour !"):
    token = f"w|{message.message_id}"
    assert await ledger.try_lock(message.conversation_id, token)
    try:
        return await outbox.deliver(Delivery("1-0", 1, message), token, Plan([text], kind=kind))
    finally:
        await ledger.unlock(message.conversation_id, token)


async def test_a_cm_reply_30_hours_after_the_fan_goes_with_human_agent(engine, graph):
    outbox, ledger = engine
    message = await fan_wrote(outbox, "fan-30h", 30)
    result = await send(outbox, ledger, message, "human", "Nous sommes désolés, voici votre remboursement.")
    assert isinstance(result, Sent)
    [sent] = graph.to("fan-30h")
    assert sent.body["messaging_type"] == "MESSAGE_TAG" and sent.body["tag"] == "HUMAN_AGENT"
    assert sent.metadata == f"relais:{message.message_id}:0"  # still recognised by its echo


async def test_inside_24_hours_nothing_is_tagged(engine, graph):
    outbox, ledger = engine
    for kind, name in (("human", "fan-cm-2h"), ("reply", "fan-bot-2h"), ("holding", "fan-hold-2h")):
        assert isinstance(await send(outbox, ledger, await fan_wrote(outbox, name, 2), kind), Sent)
        [sent] = graph.to(name)
        assert sent.body["messaging_type"] == "RESPONSE" and "tag" not in sent.body


async def test_an_automated_reply_at_30_hours_is_refused_before_the_platform(engine, graph):
    outbox, ledger = engine
    for kind in ("reply", "holding"):
        message = await fan_wrote(outbox, f"fan-auto-{kind}", 30)
        result = await send(outbox, ledger, message, kind)
        assert isinstance(result, Failed) and result.reason.startswith("outside_reply_window")
    assert graph.sent == [] and graph.refused == []


async def test_a_cm_reply_at_8_days_is_refused_with_the_reason(engine, graph):
    outbox, ledger = engine
    message = await fan_wrote(outbox, "fan-8d", 8 * 24)
    result = await send(outbox, ledger, message, "human")
    assert isinstance(result, Failed)
    assert result.reason == ("outside_reply_window: the fan last wrote 8 days ago and a person may reply for "
                             "7 days; the window closed at 2027-01-14 08:00 UTC")
    assert graph.sent == []


async def test_the_messenger_channel_never_tags_an_automated_reply(graph):
    from bot.messages import OutboundReply

    async with aiohttp.ClientSession() as session:
        channel = messenger(graph.url)
        channel.open(session)
        reply = OutboundReply("messenger", DEMO_PAGE_ID, fan("fan-x"), "Bonjour", "m1", tag="m1:0", kind="reply",
                              metadata={"after_reply_window": True})
        result = await channel.send(reply)
    assert result.status == "refused" and result.refusal == "outside_window" and graph.sent == []


def _responder(redis, outbox: Outbox) -> Responder:
    queue = CMQueue(redis)
    return Responder(ledger=outbox.ledger, outbox=outbox, rasa=None, dialogue=None, proofreader=None, policy=None,
                     profiles=None, handoff=Handoff(redis, queue), cm_queue=queue, recent=None,
                     max_text={"messenger": 2000})


async def _cases(redis, kind: str) -> list[dict]:
    return [c for c in await CMQueue(redis).cases() if c["kind"] == kind]


async def test_outside_the_window_per_meta_goes_back_to_a_cm_with_when_the_fan_last_wrote(engine, graph, redis):
    outbox, ledger = engine
    graph.failures = [(400, 10, 2018278)]
    message = await fan_wrote(outbox, "fan-meta-window", 23)  # our clock says inside; Meta says outside
    token = "w|window"
    assert await ledger.try_lock(message.conversation_id, token)
    delivery = Delivery("1-0", 1, message)
    result = await outbox.deliver(delivery, token, Plan(["Bonjour !"]))
    assert isinstance(result, Failed) and result.reason.startswith("outside_window: Send API HTTP 400 code 10")
    assert "the fan last wrote at 2027-01-14 09:00 UTC" in result.reason
    assert graph.refused == [(400, 10)]  # not retried
    await _responder(redis, outbox)._finish(delivery, {"route": "send", "texts": ["Bonjour !"]}, result)
    [case] = await _cases(redis, "held")
    assert case["send_failed"] == result.reason and case["draft"] == "Bonjour !"  # a CM has it, with the reason
    assert (await ledger.state(message))["status"] == "failed"


async def test_another_app_controlling_the_thread_marks_the_conversation_handled_elsewhere(engine, graph, redis):
    outbox, ledger = engine
    graph.failures = [(400, 10, 2018300)]
    message = await fan_wrote(outbox, "fan-owner", 1)
    result = await send(outbox, ledger, message, "reply")
    assert isinstance(result, Failed) and result.reason.startswith("handled_elsewhere:")
    handoff = json.loads(await redis.get(keys.handoff(message.conversation_id)))
    assert handoff["reasons"] == ["handled_elsewhere:another_app"]
    [case] = await _cases(redis, "handled_elsewhere")
    assert case["conversation"] == message.conversation_id and case["where"] == "another_app"
    assert graph.refused == [(400, 10)]


async def test_a_person_not_available_is_recorded_and_not_retried(engine, graph, redis):
    outbox, ledger = engine
    graph.failures = [(400, 551), (400, 551)]
    message = await fan_wrote(outbox, "fan-551", 1)
    token = "w|551"
    assert await ledger.try_lock(message.conversation_id, token)
    delivery = Delivery("1-0", 1, message)
    result = await outbox.deliver(delivery, token, Plan(["Bonjour !"]))
    assert isinstance(result, Failed) and result.reason.startswith("recipient_unavailable:")
    assert graph.refused == [(400, 551)] and await redis.zcard(keys.DELAYED) == 0
    await _responder(redis, outbox)._finish(delivery, {"route": "send", "texts": ["Bonjour !"]}, result)
    failed = await redis.xrange(keys.FAILED)
    assert len(failed) == 1 and b"recipient_unavailable" in failed[0][1][b"reasons"]


async def test_the_console_send_path_gets_the_tag_and_the_refusal_reason(redis, graph):
    from bot.console.sending import ConsoleSender

    async with aiohttp.ClientSession() as session:
        channel = messenger(graph.url)
        channel.open(session)
        sender = ConsoleSender(redis, InboundQueue(redis), {"messenger": channel})
        now = time.time()
        for name, days in (("fan-console-30h", 30 / 24), ("fan-console-8d", 8)):
            await ReplyWindow(redis).note(InboundMessage("messenger", f"m_{name}", DEMO_PAGE_ID, fan(name), "?",
                                                         int((now - days * 24 * HOUR) * 1000)))
        case = {"platform": "messenger", "account_id": DEMO_PAGE_ID}
        ok = await sender.send({**case, "sender_id": fan("fan-console-30h")}, "Voici votre suivi.", "m_a.cm-1",
                               "claire")
        refused = await sender.send({**case, "sender_id": fan("fan-console-8d")}, "Bonjour", "m_b.cm-1", "claire")
    assert ok.status == "sent" and graph.to("fan-console-30h")[0].body["tag"] == "HUMAN_AGENT"
    assert refused.status == "failed" and refused.reason.startswith("outside_reply_window: the fan last wrote 8 days")
    assert graph.to("fan-console-8d") == []
