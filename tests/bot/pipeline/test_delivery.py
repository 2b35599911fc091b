"""The send engine on a real Redis and the Graph API stand-in: never twice, never lost."""

import json
import time

import aiohttp
import pytest

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.delivery import (Failed, LeaseLost, Outbox, Pending, Plan, Sender, Sent, backoff_s,
                                   record_echo, split_text)
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import Delivery, InboundQueue
from tests.helpers import DEMO_PAGE_ID, fan, messenger


def inbound(mid="m1", name="fan-d"):
    return InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(name), "Bonjour", int(time.time() * 1000))


@pytest.fixture
async def engine(redis, graph):
    async with aiohttp.ClientSession() as session:
        channel = messenger(graph.url, send_timeout_s=0.5)
        channel.open(session)
        ledger = Ledger(redis)
        queue = InboundQueue(redis)
        outbox = Outbox(redis, ledger, queue, {"messenger": Sender(channel)}, send_attempts=3, retry_base_s=0.1,
                        echo_wait_s=1.0)
        yield outbox, ledger, channel


async def leased(ledger, message, token="w|1"):
    assert await ledger.try_lock(message.conversation_id, token)
    return token


def test_split_prefers_paragraphs_then_words():
    assert split_text("a" * 1500 + "\n\n" + "b" * 1500, 2000) == ["a" * 1500, "b" * 1500]
    parts = split_text(("mot " * 700).strip(), 2000)
    assert len(parts) == 2 and all(len(p) <= 2000 for p in parts)


def test_backoff_grows_and_never_undercuts_retry_after():
    assert all(0.1 <= backoff_s(1, 0.1, None) <= 0.2 for _ in range(50))
    assert all(backoff_s(3, 0.1, None) <= 0.8 for _ in range(50))
    assert backoff_s(1, 0.1, 30.0) >= 30.0


async def test_long_reply_goes_out_in_tagged_parts(engine, graph):
    outbox, ledger, _ = engine
    message = inbound()
    token = await leased(ledger, message)
    text = ("Une phrase de la réponse. " * 200).strip()
    result = await outbox.deliver(Delivery("1-0", 1, message), token, Plan(split_text(text, 2000)))
    assert isinstance(result, Sent) and len(result.ids) == len(graph.sent) > 1
    assert [m.metadata for m in graph.sent] == [f"relais:m1:{i}" for i in range(len(graph.sent))]
    assert " ".join(m.text for m in graph.sent) == text


async def test_a_send_with_a_lost_answer_is_confirmed_by_its_echo_not_resent(engine, graph, redis):
    outbox, ledger, _ = engine
    graph.failures, graph.hang_s = ["timeout"], 2
    message = inbound("m_echo")
    token = await leased(ledger, message)
    delivery = Delivery("1-0", 1, message)
    assert await outbox.deliver(delivery, token, Plan(["Bonjour !"])) == Pending("unconfirmed")
    state = await ledger.state(message)
    assert state["status"] == "unconfirmed"
    assert await redis.zscore(keys.DELAYED, f"messenger:m_echo") is not None
    await record_echo(redis, "messenger", "m_echo:0", "m_from_meta")  # what the webhook does on the echo
    result = await outbox.reconcile(delivery, token, state)
    assert result == Sent(["m_from_meta"])
    assert len(graph.sent) == 1


async def test_a_send_with_a_lost_answer_and_no_echo_goes_to_a_person(engine, graph):
    outbox, ledger, _ = engine
    graph.failures, graph.hang_s = ["reset"], 0
    message = inbound("m_noecho")
    token = await leased(ledger, message)
    delivery = Delivery("1-0", 1, message)
    await outbox.deliver(delivery, token, Plan(["Bonjour !"]))
    state = await ledger.state(message)
    await ledger.set_state(message, unconfirmed_since=time.time() - 5)
    result = await outbox.reconcile(delivery, token, await ledger.state(message))
    assert result == Failed("send_outcome_unknown", unknown=True)
    assert len(graph.sent) == 1


async def test_a_throttled_send_waits_in_the_delayed_set_at_least_retry_after(engine, graph, redis):
    outbox, ledger, _ = engine
    graph.failures, graph.retry_after = [(429, 613)], "30"
    message = inbound("m_429")
    token = await leased(ledger, message)
    before = time.time()
    assert await outbox.deliver(Delivery("1-0", 1, message), token, Plan(["Bonjour !"])) == Pending("retry")
    due = await redis.zscore(keys.DELAYED, "messenger:m_429")
    assert due >= before + 30
    state = await ledger.state(message)
    assert state["status"] == "retry" and state["plan"]["attempts"] == 1
    item = json.loads(await redis.hget(keys.DELAYED_ITEMS, "messenger:m_429"))
    assert item["redo"] == "retry" and item["seq"] == 1


async def test_retries_end_in_a_failure_after_send_attempts(engine, graph):
    outbox, ledger, _ = engine
    message = inbound("m_500")
    token = await leased(ledger, message)
    plan = Plan(["Bonjour !"], attempts=2)  # two refusals already
    graph.failures = [(500, 2)]
    result = await outbox.deliver(Delivery("1-0", 1, message), token, plan)
    assert isinstance(result, Failed) and "HTTP 500" in result.reason
    assert graph.sent == []


async def test_an_expired_token_stops_sending_for_the_page_and_keeps_the_messages(redis, graph):
    ledger, queue = Ledger(redis), InboundQueue(redis)
    async with aiohttp.ClientSession() as session:
        expired = messenger(graph.url, page_access_token="expired")
        expired.open(session)
        outbox = Outbox(redis, ledger, queue, {"messenger": Sender(expired)})
        first, second = inbound("m_a", "fan-a"), inbound("m_b", "fan-b")
        for message in (first, second):
            token = await leased(ledger, message)
            assert await outbox.deliver(Delivery("1-0", 1, message), token, Plan(["Bonjour !"])) == Pending("blocked")
            assert (await ledger.state(message))["status"] == "retry"
        assert await redis.exists(keys.blocked("messenger", DEMO_PAGE_ID))
        [(_, alert)] = await redis.xrange(keys.ALERTS)
        assert alert[b"kind"] == b"account_blocked"
        renewed = messenger(graph.url)  # the operator replaced the token
        renewed.open(session)
        outbox = Outbox(redis, ledger, queue, {"messenger": Sender(renewed)})
        assert not await outbox.blocked(first)
        result = await outbox.deliver(Delivery("1-0", 1, first), "w|1", Plan(["Bonjour !"]))
    assert isinstance(result, Sent) and len(graph.sent) == 1


async def test_a_worker_that_lost_its_lease_does_not_send(engine, graph):
    outbox, ledger, _ = engine
    message = inbound("m_lease")
    await leased(ledger, message, token="other|1")
    with pytest.raises(LeaseLost):
        await outbox.deliver(Delivery("1-0", 1, message), "me|1", Plan(["Bonjour !"]))
    assert graph.sent == []
