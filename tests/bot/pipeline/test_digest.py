"""The digest of what happened while the team was away: counts by route, escalations oldest first, drafts."""

from __future__ import annotations

import time

from bot.messages import InboundMessage
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.digest import away_digest
from bot.pipeline.ledger import Ledger
from tests.helpers import DEMO_PAGE_ID, fan


async def next_millisecond(redis) -> float:
    """A moment after every stream entry written so far (stream ids count Redis's milliseconds)."""
    seconds, micros = await redis.time()
    start = seconds * 1000 + micros // 1000
    while True:
        seconds, micros = await redis.time()
        if seconds * 1000 + micros // 1000 > start:
            return (start + 1) / 1000


async def test_the_digest_counts_since_the_team_left(redis):
    ledger, queue = Ledger(redis), CMQueue(redis)

    def message(mid: str) -> InboundMessage:
        return InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(mid), "x", int(time.time() * 1000))

    await ledger.record_outcome(message("before"), "sent", ["intent:greet"])
    await queue.add("escalated", {"conversation": "messenger:1:before", "text": "before"})
    left = await next_millisecond(redis)  # the team leaves: what follows has later stream ids
    for mid, route, reasons in (("a", "sent", ["intent:delivery", "after_hours"]), ("b", "sent", ["after_hours"]),
                                ("c", "escalated", ["intent:complaint", "after_hours"]),
                                ("d", "held", ["unsure_intent:0.6"])):
        await ledger.record_outcome(message(mid), route, reasons)
    first = await queue.add("escalated", {"conversation": "messenger:1:c", "text": "first"})
    await queue.add("held", {"conversation": "messenger:1:d", "draft": "Bonjour"})
    second = await queue.add("escalated", {"conversation": "messenger:1:e", "text": "second"})
    await queue.add("handled_elsewhere", {"conversation": "messenger:1:f", "where": "business_suite"})
    digest = await away_digest(redis, left)
    assert digest["routes"] == {"sent": 2, "escalated": 1, "held": 1}
    assert digest["reasons"]["after_hours"] == 3
    assert [c["id"] for c in digest["escalations"]] == [first, second]  # oldest first, the earlier one left out
    assert [c["draft"] for c in digest["drafts"]] == ["Bonjour"]
    assert [c["where"] for c in digest["elsewhere"]] == ["business_suite"]
    assert (await away_digest(redis, time.time() + 60))["routes"] == {}
