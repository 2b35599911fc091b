"""X DMs through the whole path: real gateway, worker, Redis — and the real Rasa stack where a reply is drafted."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.handoff import Handoff
from tests.fakes.x_api import APP_BEARER
from tests.helpers import STREAM, outcome, wait_until
from tests.webhooks.x.conftest import X_WINDOW_S
from webhooks.x import simulate
from webhooks.x.admin import AdminAPI
from webhooks.x.receive import ANSWERED_IN_APP
from webhooks.x.xchat import ENCRYPTED

BRAND = simulate.DEMO_ACCOUNT_ID


def conversation(fan: str) -> str:
    return f"x:{BRAND}:{fan}"


async def settled(redis, x_api) -> None:
    """Nothing queued, nothing pending, every copy X owed the webhook posted."""
    await x_api.idle()
    await wait_until(lambda: _drained(redis), timeout=30)


async def _drained(redis) -> bool:
    return await redis.xlen(STREAM) == 0 and await redis.zcard("relais:{q}:delayed") == 0


# -- without NLU: what only a person handles ---------------------------------------------------------


async def test_an_encrypted_chat_reaches_the_cm_queue_and_is_not_answered(x_cm, x_api, redis):
    fan = "3300000000000000001"
    assert await x_api.post_event(simulate.chat_received(fan, event_id="chat-1")) == 200
    state = await outcome(redis, "chat-1")
    assert state["status"] == "escalated"
    [case] = await CMQueue(redis).cases(conversation=conversation(fan))
    assert case["kind"] == "escalated" and case["platform"] == "x" and case["sender_id"] == fan
    assert case["attachments"] == [ENCRYPTED] and case["links"] == ["https://x.com/messages"]
    assert case["text"] == "" and case["holding_message"] == ""
    await settled(redis, x_api)
    assert x_api.to(fan) == []


async def test_a_reply_written_in_the_x_app_hands_the_conversation_to_a_person(x_cm, x_api, redis):
    fan = "3300000000000000002"
    assert await x_api.post_event(simulate.dm_sent("Je regarde ça", fan, "dm-by-person")) == 200
    assert (await outcome(redis, "dm-by-person"))["status"] == "escalated"
    assert await Handoff(redis, CMQueue(redis)).state(conversation(fan)) is not None
    [case] = await CMQueue(redis).cases(conversation=conversation(fan))
    assert case["attachments"] == [ANSWERED_IN_APP]
    await settled(redis, x_api)
    assert x_api.to(fan) == []


# -- with the Rasa stack ---------------------------------------------------------------------------------


@pytest.mark.stack
async def test_a_dm_is_answered_once_and_our_own_copy_is_not(x_stack, x_api, redis):
    fan = "3300000000000000003"
    await x_api.deliver("Bonjour, vous êtes ouverts le dimanche ?", fan, event_id="q-1")
    assert (await outcome(redis, "q-1"))["status"] == "sent"
    await settled(redis, x_api)
    [reply] = x_api.to(fan)
    assert "dimanche" in reply.text
    # X posted the dm.sent copy of our reply: the dedupe dropped it, so nothing handed the fan to a person
    assert await redis.exists(f"relais:{{q}}:seen:x:{reply.dm_event_id}")
    assert await Handoff(redis, CMQueue(redis)).state(conversation(fan)) is None
    assert await CMQueue(redis).cases(conversation=conversation(fan)) == []


@pytest.mark.stack
async def test_a_duplicate_event_id_gets_one_reply(x_stack, x_api, redis):
    fan = "3300000000000000004"
    for _ in range(3):
        assert await x_api.deliver("Merci beaucoup !", fan, event_id="dup-1") == 200
    assert (await outcome(redis, "dup-1"))["status"] == "sent"
    await x_api.deliver("Merci beaucoup !", fan, event_id="dup-1")
    await settled(redis, x_api)
    assert len(x_api.to(fan)) == 1


@pytest.mark.stack
async def test_sixteen_replies_in_the_window_15_now_the_16th_after_it(x_stack, x_api, redis):
    fan = "3300000000000000005"
    # Sixteen distinct questions NLU reads without doubt (the same text again would be escalated): what is
    # measured here is the send window, not how sure the NLU is of a phrasing.
    texts = [f"How much is delivery to {c}?" for c in ("Belgium", "Spain", "Italy", "Germany", "Switzerland",
                                                          "Portugal", "Austria", "Ireland")]
    texts += [f"Combien coûte la livraison en {c} ?" for c in ("Belgique", "Espagne", "Italie", "Allemagne",
                                                               "Suisse", "Autriche", "Irlande", "Grèce")]
    for i, text in enumerate(texts):
        await x_api.deliver(text, fan, event_id=f"burst-{i}")
    for i in range(16):
        state = await outcome(redis, f"burst-{i}", timeout=60 + X_WINDOW_S)
        assert state["status"] == "sent", state.get("reasons")
    await settled(redis, x_api)
    sent = x_api.to(fan)
    assert len(sent) == 16 and x_api.answered_429 == 0
    assert sent[15].at >= sent[0].at + X_WINDOW_S - 0.01  # the 16th waited for the window, and was not lost
    assert sum(1 for m in sent if m.at < sent[0].at + X_WINDOW_S) == 15


@pytest.mark.stack
async def test_a_429_is_waited_out_and_the_reply_delivered_once(x_stack, x_api, redis):
    fan = "3300000000000000006"
    x_api.failures = [(429, 2)]
    started = time.time()
    await x_api.deliver("Hi! How much is delivery and how long does it take?", fan, event_id="rl-1")
    assert (await outcome(redis, "rl-1", timeout=30))["status"] == "sent"
    await settled(redis, x_api)
    [reply] = x_api.to(fan)
    assert x_api.answered_429 == 1 and reply.at >= started + 1.0


@pytest.mark.stack
async def test_a_replay_of_50_handled_events_answers_none_twice(x_stack, x_api, redis):
    fans = [f"33000000000000001{i:02d}" for i in range(50)]
    for i, fan in enumerate(fans):
        await x_api.deliver("Merci pour tout !", fan, event_id=f"rp-{i}")
    for i in range(50):
        await outcome(redis, f"rp-{i}", timeout=120)
    await settled(redis, x_api)
    answered = {fan: len(x_api.to(fan)) for fan in fans}
    assert all(n == 1 for n in answered.values())
    async with aiohttp.ClientSession() as session:
        job = await AdminAPI(session, x_api.url, APP_BEARER).replay("any", time.time() - 3600)
    assert job["events"] >= 50
    await asyncio.sleep(0.5)
    await settled(redis, x_api)
    assert {fan: len(x_api.to(fan)) for fan in fans} == answered
    assert not any(c["attachments"] == [ANSWERED_IN_APP] for c in await CMQueue(redis).cases(count=1000))
