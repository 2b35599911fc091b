"""A fan's flood over the sending limit, on its conversation's page: every message kept, for the CM to read."""

from __future__ import annotations

import html
import time

from bot.messages import InboundMessage
from bot.pipeline.flood import RATE_LIMITED, SenderLimit
from bot.pipeline.queue import InboundQueue
from tests.bot.console.conftest import ConsoleGateway, file_case, item_id_for
from tests.bot.console.test_http import signed_in
from tests.helpers import DEMO_PAGE_ID, fan


async def test_the_messages_over_the_limit_are_shown_with_the_floods_case(console: ConsoleGateway):
    queue = InboundQueue(console.redis, sender_limit=SenderLimit(limit=2, window_s=60))
    await queue.ensure_group()
    texts = [f"message {i}" for i in range(6)] + ["<script>alert(1)</script>"]
    now = int(time.time() * 1000)
    flood = [InboundMessage("messenger", f"m_ov_{i}", DEMO_PAGE_ID, fan("fan-ov"), text, now + i)
             for i, text in enumerate(texts)]
    assert await queue.enqueue_each(flood) == [1, 2] + [-1] * 5
    mid = await file_case(console.redis, "escalated", "message 2", sender="fan-ov", mid="m_ov_2",
                          reasons=(RATE_LIMITED,))  # as the worker files the flood's first message
    item = await item_id_for(console.redis, mid)
    session, _ = await signed_in(console)
    async with session:
        page = await (await session.get(f"/console/item/{item}")).text()
    assert "5 messages au-delà de la limite" in page or "5 messages over the sending limit" in page
    shown = [text for text in texts[2:] if html.escape(text, quote=False) in page]
    assert shown == texts[2:]  # every one, in order of the list, escaped
    assert "<script>alert(1)</script>" not in page
    assert page.index("message 3") < page.index("message 5")
