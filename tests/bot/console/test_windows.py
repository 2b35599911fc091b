"""The messaging window in the console, over real HTTP: what is left per conversation, "needs a person" in
the order the window asks for, and past 7 days no send action and a refusal that says why.

The console's clock is fixed at the moment the test starts; each fan's last message is noted as the worker
notes it (``ReplyWindow.note``), that many hours before.
"""

from __future__ import annotations

import html
import re
import time

import pytest
from redis.asyncio import Redis

from bot.messages import InboundMessage
from bot.pipeline.window import ReplyWindow
from tests.bot.console.conftest import ConsoleGateway, PASSWORD, file_case, item_id_for, start_gateway
from tests.bot.console.test_away import sign_in
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import DEMO_PAGE_ID, close_client, fan

HOUR = 3600
DAY = 24 * HOUR


@pytest.fixture
async def gateway(redis: Redis, redis_url: str, graph: FakeGraphAPI):
    from bot.console.accounts import Accounts

    await Accounts(redis).add("alice", PASSWORD)
    now = float(int(time.time()))  # a whole second, as the window notes count milliseconds
    client = await start_gateway(redis_url, graph, clock=lambda: now)
    graph.webhook = client
    yield ConsoleGateway(client, redis, graph), now
    graph.webhook = None
    await close_client(client, timeout_s=5)


async def escalation(redis: Redis, now: float, sender: str, text: str, hours_ago: float, **kw) -> str:
    """An escalated fan whose last message was ``hours_ago`` before ``now``; the console item's id."""
    mid = await file_case(redis, kw.pop("route", "escalated"), text, sender=sender, **kw)
    at_ms = round((now - hours_ago * HOUR) * 1000)
    await ReplyWindow(redis).note(InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(sender), text, at_ms))
    return await item_id_for(redis, mid)


async def signed_in(gateway: ConsoleGateway):
    session, _ = await sign_in(gateway.url, "alice")
    page = await (await session.get("/console/away")).text()  # the digest, read once
    return session, re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def rows(page: str) -> dict[str, str]:
    """Item id → its row's text, in the page's order."""
    found = re.findall(r'<li class="row[^"]*" data-id="([^"]+)".*?</li>', page, flags=re.S)
    blocks = re.split(r'(?=<li class="row)', page)[1:]
    return {i: html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", b))) for i, b in zip(found, blocks)}


async def test_needs_a_person_puts_the_conversations_leaving_the_window_first(gateway):
    console, now = gateway
    r = console.redis
    angry = await escalation(r, now, "w-angry", "UNACCEPTABLE, refund me", 1, tone="angry")
    four_h = await escalation(r, now, "w-4h", "still waiting for my parcel", 7 * 24 - 4)
    one_h = await escalation(r, now, "w-1h", "any news?", 7 * 24 - 1)
    gone = await escalation(r, now, "w-8d", "hello??", 8 * 24, tone="negative")
    tagged = await escalation(r, now, "w-30h", "where is my order", 30)
    session, _ = await signed_in(console)
    async with session:
        page = await (await session.get("/console/inbox/escalations")).text()
        listed = rows(page)
        # The person's window closing soonest first; then angry before neutral; those nobody can answer last.
        assert list(listed) == [one_h, four_h, angry, tagged, gone]
        assert "a person's reply: 1 h 00 left" in listed[one_h] and "24-hour window closed" in listed[one_h]
        assert "a person's reply: 4 h 00 left" in listed[four_h]
        assert "automated reply: 23 h 00 left" in listed[angry] and "a person's reply: 6 d 23 h left" in listed[angry]
        assert "24-hour window closed" in listed[tagged] and "a person's reply: 5 d 18 h left" in listed[tagged]
        assert "can no longer be answered" in listed[gone] and "a person's reply" not in listed[gone]
        live = await (await session.get("/console/inbox/escalations/rows")).text()  # what SSE refreshes
        assert list(rows(live)) == list(listed)
        await session.post("/console/language", data={"language": "fr", "csrf": _csrf(page)})
        french = rows(await (await session.get("/console/inbox/escalations")).text())
        assert "réponse d'une personne : encore 1 h 00" in french[one_h]
        assert "plus de réponse possible" in french[gone]


def _csrf(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


async def test_past_seven_days_the_page_says_why_and_offers_no_send(gateway):
    console, now = gateway
    r = console.redis
    gone = await escalation(r, now, "w-8d", "hello?? anyone??", 8 * 24)
    stale_draft = await escalation(r, now, "w-8d-draft", "Do you ship to Belgium?", 8 * 24, route="held",
                                   draft="Yes, we ship to Belgium.")
    session, token = await signed_in(console)
    async with session:
        page = html.unescape(await (await session.get(f"/console/item/{gone}")).text())
        assert "This fan can no longer be answered on messenger" in page
        assert "a person may reply for 7 days" in page
        closed = time.strftime("%d/%m %H:%M", time.localtime(now - 8 * DAY + 7 * DAY))
        assert f"the window closed on {closed}" in page
        assert 'id="send-form"' not in page and 'id="editor"' not in page and 'id="resolve-form"' in page
        draft_page = await (await session.get(f"/console/item/{stale_draft}")).text()
        assert 'id="approve"' not in draft_page and 'id="window-closed"' in draft_page
        drafts = await (await session.get("/console/inbox/drafts")).text()
        assert f'/console/item/{stale_draft}/approve' not in drafts  # no approve button in the list either
        # A hand-made POST is refused too, with the reason, and nothing reaches the platform.
        resp = await session.post(f"/console/item/{gone}/send", headers={"Accept": "application/json"},
                                  data={"csrf": token, "reply_id": "late-reply-1", "text": "Sorry for the wait!"})
        assert resp.status == 409
        body = await resp.json()
        assert body["error"] == "window_refused" and body["closed"] == closed
        assert "outside_reply_window" in body["reason"]
        resp = await session.post(f"/console/item/{stale_draft}/approve",
                                  data={"csrf": token, "reply_id": "late-2", "text": "Yes, we ship to Belgium."})
        assert resp.status == 409 and "the platform&#39;s reply window closed on" in await resp.text()
        assert console.graph.sent == []
        still = await (await session.get(f"/console/item/{stale_draft}")).text()
        assert 'id="window-closed"' in still  # the draft is still there to reject or resolve


async def test_between_24_hours_and_7_days_a_cm_reply_is_sent_as_a_persons(gateway):
    console, now = gateway
    item = await escalation(console.redis, now, "w-30h-send", "where is my order?", 30)
    session, token = await signed_in(console)
    async with session:
        page = html.unescape(await (await session.get(f"/console/item/{item}")).text())
        assert "your reply goes out as a person's reply (HUMAN_AGENT tag)" in page
        assert 'id="send-form"' in page
        resp = await session.post(f"/console/item/{item}/send", headers={"Accept": "application/json"},
                                  data={"csrf": token, "reply_id": "reply-30h-1", "text": "Your parcel left today."})
        assert resp.status == 200, await resp.text()
    [sent] = console.graph.to(fan("w-30h-send"))
    assert sent.text == "Your parcel left today."
    assert sent.body["messaging_type"] == "MESSAGE_TAG" and sent.body["tag"] == "HUMAN_AGENT"
