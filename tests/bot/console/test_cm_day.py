"""A CM's day in the console, in a real headless Chromium: what is approved is what the CM saw, the page holds
any fan text at any width, a conversation shows what the fan sends as it arrives, a rejected draft leaves the
fan with a person, and the proofreader explains itself in the CM's language."""

from __future__ import annotations

import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, expect

from bot import redis_keys as keys
from bot.brand import current_brand
from bot.console.accounts import Accounts
from bot.messages import InboundMessage
from bot.pipeline.analysis import Analysis
from bot.pipeline.dialogue import Draft
from bot.pipeline.ledger import Ledger
from bot.pipeline.policy import ESCALATE, Decision
from bot.pipeline.queue import Delivery
from bot.voice import Moment
from tests.bot.console.conftest import (PASSWORD, ConsoleGateway, _responder, file_case, item_id_for, sign_in,
                                        start_gateway)
from tests.helpers import DEMO_PAGE_ID, close_client, fan

EDITED = "Hello, your parcel left our warehouse this morning."


async def test_an_edited_draft_is_what_approve_sends_and_is_audited_as_edited(browser: Browser,
                                                                              console: ConsoleGateway):
    clicked = await file_case(console.redis, "held", "where is my parcel?", sender="e1", draft="Hello, it is coming.")
    keyed = await file_case(console.redis, "held", "and mine?", sender="e2", draft="Hello, it is coming too.")
    clicked_id, keyed_id = await item_id_for(console.redis, clicked), await item_id_for(console.redis, keyed)
    context, page = await sign_in(browser, console)
    await page.goto(f"/console/item/{clicked_id}")
    await page.locator("#editor").fill(EDITED)
    await page.click("#approve")  # « Approuver et envoyer » after an edit
    await expect(page.locator("#flash")).to_have_text("Sent.")
    await page.goto(f"/console/item/{keyed_id}")
    await page.locator("#editor").fill("Hello, yours is out for delivery today.")
    await page.locator("#editor").press("Escape")  # out of the editor, then the key
    await page.keyboard.press("a")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    assert sorted(m.text for m in console.graph.sent) == sorted(
        [EDITED, "Hello, yours is out for delivery today."])
    await page.goto("/console/audit")
    edits = page.locator('.audit-entry[data-action="send"]')
    await expect(edits).to_have_count(2)
    await expect(edits.locator(".diff").first).to_contain_text("-Hello, it is coming")
    await expect(page.locator('.audit-entry[data-action="approve"]')).to_have_count(0)
    stats = await page.evaluate("fetch('/console/api/stats').then(r => r.json())")
    assert stats["drafts"]["total"] == {"as_is": 0, "edited": 2, "rejected": 0}
    await context.close()


async def test_a_draft_is_never_approved_unseen(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "are you open today?", sender="b1", draft="Hello, we open at ten.")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    await page.goto("/console/inbox/drafts")
    await expect(page.locator(".row.selected")).to_have_attribute("data-id", item)
    assert await page.locator("#rows form.approve, #rows button").count() == 0  # nothing approves from the list
    await page.keyboard.press("a")  # opens the draft, its approve button ready
    await page.wait_for_url(f"**/console/item/{item}#approve")
    await expect(page.locator("#approve")).to_be_focused()
    await expect(page.locator("#editor")).to_have_value("Hello, we open at ten.")
    assert console.graph.sent == []
    # Over raw HTTP, an approval without the text the CM read is refused.
    status = await page.evaluate(
        """id => fetch(`/console/item/${id}/approve`, {method: "POST", headers: {
              "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content, "Accept": "application/json"},
              body: new URLSearchParams({reply_id: "abcdefgh"})}).then(r => r.status)""", item)
    assert status == 400
    await page.keyboard.press("a")  # the CM read it: now it goes
    await expect(page.locator("#flash")).to_have_text("Sent.")
    assert [m.text for m in console.graph.sent] == ["Hello, we open at ten."]
    await context.close()


@pytest.mark.parametrize("width", [1280, 390])
async def test_a_5000_character_message_leaves_the_page_at_the_viewports_width(browser: Browser,
                                                                               console: ConsoleGateway, width: int):
    flood = ("Unacceptable" * 420)[:5000]  # no space to break at
    escalated = await file_case(console.redis, "escalated", flood, sender="w1", tone="angry")
    held = await file_case(console.redis, "held", flood, sender="w2", draft="Hello " + "x" * 3000)
    items = [await item_id_for(console.redis, escalated), await item_id_for(console.redis, held)]
    context, page = await sign_in(browser, console)
    await page.set_viewport_size({"width": width, "height": 860})
    for url in ("/console/inbox/escalations", "/console/inbox/drafts", *(f"/console/item/{i}" for i in items)):
        await page.goto(url)
        await expect(page.locator("main")).to_be_visible()
        widest = await page.evaluate("""() => Array.from(document.querySelectorAll('*'))
            .filter(e => e.getBoundingClientRect().right > innerWidth)
            .map(e => e.tagName + '.' + e.className).slice(0, 5).join(' ')""")
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, (url, widest)
    header = await page.locator("header.top").bounding_box()
    assert header["height"] <= 120  # the navigation stays one line of links, not five
    await context.close()


async def test_a_resolved_conversation_is_credited_to_its_cm(browser: Browser, console: ConsoleGateway):
    items = [await item_id_for(console.redis, await file_case(console.redis, "escalated", "I want a person",
                                                              sender=f"res{n}")) for n in range(6)]
    context, page = await sign_in(browser, console)
    for item in items:  # the hand-back reaches every gateway's indexer at once: each time, the CM is credited
        await page.goto(f"/console/item/{item}")
        await page.click("#resolve")
        await expect(page.locator("#flash")).to_have_text("Conversation handed back to the bot.")
        await expect(page.locator(".who .handled")).to_have_text("handled by alice (resolved)")
    await page.goto("/console/inbox/handled")
    for item in items:
        await expect(page.locator(f'.row[data-id="{item}"] .handled')).to_have_text("handled by alice (resolved)")
    await context.close()


async def test_the_fans_new_message_appears_in_the_open_conversation(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "escalated", "My order never came", sender="live1")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    await page.goto(f"/console/item/{item}")
    await expect(page.locator(".msg.fan")).to_have_count(1)
    await file_case(console.redis, "escalated", "Hello?? anyone there", sender="live1")
    await expect(page.locator(".msg.fan").nth(1)).to_contain_text("Hello?? anyone there")  # no reload
    await context.close()


async def test_a_cm_reply_goes_out_with_plain_line_endings(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "escalated", "two questions", sender="crlf")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    await page.goto(f"/console/item/{item}")
    await page.locator("#editor").fill("First answer.\nSecond answer.")
    await page.click("#send")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    assert [m.text for m in console.graph.sent] == ["First answer.\nSecond answer."]
    await context.close()


async def _file_photo(console: ConsoleGateway, sender: str) -> str:
    """A fan sends a photo and nothing else; the responder escalates it as it does."""
    mid = f"m_{time.time_ns()}"
    message = InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(sender), "", int(time.time() * 1000),
                             attachments=("image",))
    analysis = Analysis("", "", 0.0, "en", attachments=("image",))
    token = f"test|{mid}"
    ledger = Ledger(console.redis)
    assert await ledger.try_lock(message.conversation_id, token)
    try:
        await _responder(console.redis)._escalate(Delivery("0-1", 1, message), analysis, Draft([], {"language": "en"}),
                                                  Decision(ESCALATE, ["attachment:image"]), token)
    finally:
        await ledger.unlock(message.conversation_id, token)
    return mid


async def test_attachments_and_hidden_characters_are_shown(browser: Browser, console: ConsoleGateway):
    photo = await item_id_for(console.redis, await _file_photo(console, "photo1"))
    trick = await item_id_for(console.redis, await file_case(console.redis, "escalated",
                                                             "my invoice is here: facture\u202efdp.exe", sender="rlo"))
    context, page = await sign_in(browser, console)
    await page.goto(f"/console/item/{photo}")
    await expect(page.locator(".msg.fan .attachment")).to_contain_text("Attachment: photo")
    await page.goto(f"/console/item/{trick}")
    await expect(page.locator(".msg.fan .text")).to_contain_text("facture⟨RLO⟩fdp.exe")
    await page.goto("/console/inbox/escalations")
    await expect(page.locator(f'.row[data-id="{trick}"] .preview')).to_contain_text("⟨RLO⟩")
    await context.close()


async def test_a_rejected_draft_leaves_the_fan_with_a_person(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "I was charged twice", sender="rej1", draft="Hello, all is fine!")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    await page.goto(f"/console/item/{item}")
    await page.fill("input[name=reason]", "wrong: a double charge needs a refund")
    await page.click("#reject")
    await page.wait_for_url("**/console/item/e-*")  # on to the conversation, with a person
    await expect(page.locator("#flash")).to_have_text("Draft rejected: write the fan's reply.")
    await expect(page.locator("#editor")).to_be_focused()
    await expect(page.locator("#editor")).to_have_value("")
    await expect(page.locator(".msg.fan .text")).to_contain_text("I was charged twice")
    conversation = json.loads(await console.redis.get(keys.console_case(item)))["conversation"]
    assert await console.redis.exists(keys.handoff(conversation))  # the bot stays silent meanwhile
    assert console.graph.sent == []
    await page.locator("#editor").fill("Sorry, the second charge is refunded today.")
    await page.click("#send")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    assert [m.text for m in console.graph.sent] == ["Sorry, the second charge is refunded today."]
    await context.close()


async def test_proofreading_explains_in_the_cms_language_beside_the_text(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "merci", sender="fr1", language="fr", draft="a bientot")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console, "bob", language="fr-FR")
    await page.goto(f"/console/item/{item}")
    explained = page.locator("#proof .issues li")
    await expect(explained.filter(has_text="bientot")).to_contain_text("Mot inconnu")
    await expect(explained.first).to_be_visible()  # shown, not only on hover
    await expect(page.locator("#proof button.suggestion", has_text="bientôt")).to_have_count(1)
    assert await page.locator("#proof button.suggestion").all_inner_texts() == ["bientôt"]  # never « A »
    await context.close()


async def test_a_draft_approved_the_next_morning_greets_with_the_mornings_greeting(
        browser: Browser, redis, redis_url, graph):
    brand = current_brand(None)
    zone = ZoneInfo(brand.time_zone)
    now = dt.datetime.now(zone)
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    nine = nine if nine > now else nine + dt.timedelta(days=1)  # the next 9:00, within the messaging window
    body = "Your parcel left our warehouse yesterday."
    written = brand.shape(body, "en", at=Moment(dt.time(23, 0)))
    assert written.startswith("Good evening,")
    secret = await Accounts(redis).add("alice", PASSWORD, role="admin")
    client = await start_gateway(redis_url, graph, clock=lambda: nine.timestamp())
    graph.webhook = client
    gateway = ConsoleGateway(client, redis, graph, {"alice": secret})
    try:
        mid = await file_case(redis, "held", "where is my parcel?", sender="night", draft=written)
        item = await item_id_for(redis, mid)
        context, page = await sign_in(browser, gateway)
        await page.goto(f"/console/item/{item}")
        morning = brand.shape(body, "en", at=Moment(dt.time(9, 0)))
        await expect(page.locator("#editor")).to_have_value(morning)  # what the CM reads is what goes out
        await page.click("#approve")
        await expect(page.locator("#flash")).to_have_text("Sent.")
        assert [m.text for m in graph.sent] == [morning]
        assert graph.sent[0].text.startswith("Hello,") and "Have a lovely day!" in graph.sent[0].text
        stats = await page.evaluate("fetch('/console/api/stats').then(r => r.json())")
        assert stats["drafts"]["total"]["as_is"] == 1  # the CM changed nothing: approved as is
        await context.close()
    finally:
        graph.webhook = None
        await close_client(client, timeout_s=5)
