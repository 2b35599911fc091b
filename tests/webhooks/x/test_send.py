"""Sending X DMs through the real send engine: X's answers, the shared limits, a 429 waited out."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bot import redis_keys as keys
from bot.channels import DELIVERED, REFUSED, UNKNOWN
from bot.messages import InboundMessage, OutboundReply
from bot.pipeline.delivery import Outbox, Pending, Plan, Sender, Sent
from bot.pipeline.ledger import Ledger
from bot.pipeline.queue import Delivery, InboundQueue
from tests.webhooks.x.conftest import X_WINDOW_S, x_channel
from webhooks.x import simulate
from webhooks.x.limits import SendLimiter, parse_limits
from webhooks.x.send import classify

BRAND = simulate.DEMO_ACCOUNT_ID
FAN = "2244994945"


@pytest.mark.parametrize("status,body,headers,expected", [
    (201, {"data": {"dm_conversation_id": "1-2", "dm_event_id": "1582838"}}, {}, (DELIVERED, False, False)),
    (429, {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}, {"x-rate-limit-reset": "0"},
     (REFUSED, True, False)),
    (401, {"title": "Unauthorized", "detail": "Unauthorized"}, {}, (REFUSED, False, True)),
    (503, {"title": "Service Unavailable"}, {}, (REFUSED, True, False)),
    (403, {"errors": [{"code": 349, "message": "You cannot send messages to this user."}]}, {},
     (REFUSED, False, False)),
    (502, "<html>bad gateway</html>", {}, (UNKNOWN, False, False)),
])
def test_x_answers_are_classified_by_what_they_prove(status, body, headers, expected):
    result = classify(status, body, headers)
    assert (result.status, result.retryable, result.account_blocked) == expected


def test_a_429_waits_until_x_rate_limit_reset():
    result = classify(429, {"errors": [{"code": 88}]}, {"x-rate-limit-reset": str(int(time.time()) + 120)})
    assert 119 <= result.retry_after_s <= 122 and "rate limit" in result.reason


async def test_the_limiter_lets_15_go_and_reserves_the_16th_after_the_window(redis):
    limiter = SendLimiter(redis, parse_limits("15/900,1440/86400", "X_SEND_LIMITS"), parse_limits("1440/86400", "k"))
    waits = [await limiter.reserve(BRAND, f"m{i}:0") for i in range(16)]
    assert all(w <= 0 for w in waits[:15])
    assert 899 <= waits[15] <= 900
    assert 898 <= await limiter.reserve(BRAND, "m15:0") <= 900  # the same send asking again: its own slot
    assert 0 >= await limiter.reserve("42", "other:0")  # another account has its own bucket
    other_app = SendLimiter(redis, parse_limits("15/900", "k"), parse_limits("16/86400", "k"))
    assert await other_app.reserve("43", "third:0") > 800  # …but the app's 24-hour bucket is shared


@pytest.fixture
async def engine(redis, redis_url, x_api):
    async with aiohttp.ClientSession() as session:
        channel = x_channel(x_api.url, redis_url)
        channel.open(session)
        queue = InboundQueue(redis)
        outbox = Outbox(redis, Ledger(redis), queue, {"x": Sender(channel)}, send_attempts=3, retry_base_s=0.1)
        yield outbox, queue
        await channel.redis.aclose()


def delivery(mid: str, seq: int = 1) -> Delivery:
    return Delivery(f"0-{seq}", seq, InboundMessage("x", mid, BRAND, FAN, "Bonjour", int(time.time() * 1000)))


async def leased(outbox: Outbox, d: Delivery) -> str:
    if await outbox.ledger.lock_owner(d.message.conversation_id) != "w|1":
        assert await outbox.ledger.try_lock(d.message.conversation_id, "w|1")
    return "w|1"


async def run_until_sent(outbox: Outbox, queue: InboundQueue, d: Delivery, plan: Plan, timeout: float) -> Sent:
    """What a worker does: deliver, and deliver again when the delayed set hands the message back."""
    token = await leased(outbox, d)
    result = await outbox.deliver(d, token, plan)
    deadline = time.monotonic() + timeout
    while isinstance(result, Pending):
        assert time.monotonic() < deadline, "still pending"
        await asyncio.sleep(0.05)
        if await queue.promote_due():  # the scheduler hands it back to the stream when it is due
            state = await outbox.ledger.state(d.message)
            result = await outbox.deliver(Delivery(d.entry_id, d.seq, d.message, "retry"), token,
                                          Plan.from_state(state))
    return result


async def test_sixteen_replies_15_go_now_the_16th_after_the_window_none_lost(engine, x_api, redis):
    outbox, queue = engine
    for i in range(15):
        d = delivery(f"m{i}", i + 1)
        assert isinstance(await outbox.deliver(d, await leased(outbox, d), Plan([f"réponse {i}"])), Sent)
        await outbox.ledger.unlock(d.message.conversation_id, "w|1")
    last = delivery("m15", 16)
    result = await run_until_sent(outbox, queue, last, Plan(["réponse 15"]), timeout=X_WINDOW_S + 10)
    assert isinstance(result, Sent)
    sent = x_api.to(FAN)
    assert [m.text for m in sent] == [f"réponse {i}" for i in range(16)]
    assert sent[15].at >= sent[0].at + X_WINDOW_S - 0.01
    assert x_api.answered_429 == 0  # X never had to refuse one


async def test_a_429_is_waited_out_and_the_dm_delivered_once(engine, x_api, redis):
    outbox, queue = engine
    x_api.failures = [(429, 2)]
    d = delivery("m429")
    first = await outbox.deliver(d, await leased(outbox, d), Plan(["Bonjour !"]))
    assert first == Pending("retry")
    due = await redis.zscore(keys.DELAYED, "x:m429")
    assert due >= time.time() + 1.0
    state = await outbox.ledger.state(d.message)
    assert "rate limit" in state["last_error"]
    reply = OutboundReply("x", BRAND, FAN, "another reply", in_reply_to="other", tag="other:0")
    paused = await outbox.senders["x"].channel.send(reply)  # the whole account waits for the reset
    assert paused.status == REFUSED and paused.retryable and paused.retry_after_s > 0.5
    result = await run_until_sent(outbox, queue, d, Plan(["Bonjour !"]), timeout=10)
    assert isinstance(result, Sent)
    assert [m.text for m in x_api.to(FAN)] == ["Bonjour !"]
    assert x_api.answered_429 == 1


async def test_our_sent_dm_is_marked_seen_so_its_copy_is_dropped(engine, x_api, redis):
    outbox, _ = engine
    d = delivery("m-seen")
    result = await outbox.deliver(d, await leased(outbox, d), Plan(["Merci !"]))
    [dm_event_id] = result.ids
    assert await redis.exists(keys.seen("x", dm_event_id))


async def test_a_long_reply_is_one_dm_up_to_10000_characters(engine, x_api):
    outbox, _ = engine
    text = ("Un mot " * 1400).strip()
    assert 2000 < len(text) <= 10_000
    d = delivery("m-long")
    assert isinstance(await outbox.deliver(d, await leased(outbox, d), Plan([text])), Sent)
    assert [m.text for m in x_api.to(FAN)] == [text]
