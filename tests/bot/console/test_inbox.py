"""The inbox over the real CM queue: grouping, order, filters, handled items, and what the list masks."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.console.inbox import Inbox
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.handoff import Handoff
from tests.bot.console.conftest import file_case
from tests.helpers import conversation


async def test_drafts_are_ordered_angry_then_negative_then_neutral_then_oldest_first(redis: Redis):
    await file_case(redis, "held", "first neutral", sender="a", tone="neutral", draft="Hello")
    await file_case(redis, "held", "negative one", sender="b", tone="negative", draft="Hello")
    await file_case(redis, "held", "second neutral", sender="c", tone="neutral", draft="Hello")
    await file_case(redis, "held", "angry one", sender="d", tone="angry", draft="Hello")
    inbox = Inbox(redis)
    assert await inbox.sync() == 4
    texts = [i.case["text"] for i in await inbox.items("drafts")]
    assert texts == ["angry one", "negative one", "first neutral", "second neutral"]


async def test_follow_ups_join_the_escalation_and_resume_closes_it(redis: Redis):
    await file_case(redis, "escalated", "I want a person", sender="zoe", tone="negative", reasons=("asks_human",))
    await file_case(redis, "escalated", "still there??", sender="zoe", tone="angry", reasons=("with_human",))
    inbox = Inbox(redis)
    await inbox.sync()
    [item] = await inbox.items("escalations")
    assert len(item.cases) == 2 and item.tone == "angry"
    assert item.reasons == ["asks_human", "with_human"]
    assert item.case["text"] == "still there??"
    assert await Handoff(redis, CMQueue(redis)).resume(conversation("zoe"))  # what `relais resume` does
    await inbox.sync()
    assert await inbox.items("escalations") == []
    [handled] = await inbox.items("handled")
    assert (handled.id, handled.outcome, handled.handled_by) == (item.id, "resolved", "relais resume")


async def test_filters_combine_and_search_the_fan_text(redis: Redis):
    await file_case(redis, "held", "Où est ma commande ?", sender="fr1", language="fr", draft="Bonjour")
    await file_case(redis, "held", "Where is my parcel?", sender="en1", language="en", tone="negative", draft="Hi")
    await file_case(redis, "held", "parcel broken", sender="en2", language="en", draft="Hi", reasons=("tone_negative",))
    inbox = Inbox(redis)
    await inbox.sync()
    assert [i.case["text"] for i in await inbox.items("drafts", {"language": "fr"})] == ["Où est ma commande ?"]
    assert [i.case["text"] for i in await inbox.items("drafts", {"q": "PARCEL", "tone": "neutral"})] == ["parcel broken"]
    assert [i.case["text"] for i in await inbox.items("drafts", {"reason": "tone_negative"})] == ["parcel broken"]
    item = (await inbox.items("drafts", {"q": "broken"}))[0]
    await inbox.assign(item.id, "bob")
    assert [i.id for i in await inbox.items("drafts", {"assignee": "me"}, me="bob")] == [item.id]
    assert len(await inbox.items("drafts", {"assignee": "none"}, me="bob")) == 2


async def test_a_draft_can_be_claimed_for_sending_once(redis: Redis):
    await file_case(redis, "held", "hello?", draft="Hello")
    inbox = Inbox(redis)
    await inbox.sync()
    [item] = await inbox.items("drafts")
    assert await inbox.claim_send(item.id, "alice") == ""
    assert await inbox.claim_send(item.id, "bob") == "alice"
