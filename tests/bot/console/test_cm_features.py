"""What a CM expects of an inbox, in a real headless Chromium: who the fan is, search across every
conversation (by name, order number or words, accents aside), new work noticed (unread rows, the count in
the tab's title, opt-in alerts), reasons and topics in words, a paged inbox whose live updates send only
what changed, actions on the selected rows, colleagues named in notes, the team's reply target per
conversation, and a dark page for a dark desktop."""

from __future__ import annotations

import re
import time

from playwright.async_api import Browser, expect

from bot import redis_keys as keys
from bot.console.accounts import Accounts
from tests.bot.console.conftest import PASSWORD, ConsoleGateway, file_case, item_id_for, sign_in, start_gateway
from tests.helpers import close_client, fan


async def test_the_fan_is_named_and_found_from_any_view_without_accents(browser: Browser, console: ConsoleGateway):
    await console.redis.set(keys.profile("messenger", fan("helene")), "Hélène", ex=3600)
    escalated = await item_id_for(console.redis, await file_case(
        console.redis, "escalated", "Ma commande 12345678 n'est jamais arrivée", sender="helene", language="fr"))
    held = await item_id_for(console.redis, await file_case(
        console.redis, "held", "can I change my size?", sender="paul", draft="Hello, of course: reply with the size."))
    context, page = await sign_in(browser, console)
    await page.goto(f"/console/item/{escalated}")
    await expect(page.locator(".who h1")).to_contain_text("Hélène")
    await expect(page.locator(".who .avatar")).to_have_text("H")
    assert (await page.title()).startswith("(2) Hélène")
    await page.goto("/console/inbox/drafts")  # a search from the drafts view finds "needs a person" too
    for query, found in (("helene", escalated), ("HELENE", escalated), ("12345678", escalated),
                         ("arrivee", escalated), ("size reply", held)):
        await page.fill("input[name=q]", query)
        await page.press("input[name=q]", "Enter")
        await expect(page.locator("#rows .row")).to_have_count(1)
        await expect(page.locator("#rows .row")).to_have_attribute("data-id", found)
    await context.close()


async def test_new_work_is_noticed(browser: Browser, console: ConsoleGateway):
    first = await item_id_for(console.redis, await file_case(console.redis, "escalated", "first", sender="n1"))
    context, page = await sign_in(browser, console)
    await page.goto("/console/inbox/escalations")
    row = page.locator(f'.row[data-id="{first}"]')
    await expect(row).to_have_class(re.compile(r"\bunread\b"))
    await expect(row.locator(".new")).to_have_text("New")
    assert (await page.title()).startswith("(1) ")
    second = await item_id_for(console.redis, await file_case(console.redis, "escalated", "second", sender="n2"))
    await expect(page).to_have_title(re.compile(r"^\(2\) "))  # live, in the tab's title
    await expect(page.locator(f'.row[data-id="{second}"] .new')).to_have_count(1)
    await page.goto(f"/console/item/{first}")
    await page.goto("/console/inbox/escalations")
    await expect(page.locator(f'.row[data-id="{first}"] .new')).to_have_count(0)  # read by this CM
    await expect(page.locator(f'.row[data-id="{second}"] .new')).to_have_count(1)
    alerts = page.locator("#notify")  # opt-in: off until the CM turns it on, by keyboard too
    await expect(alerts).to_have_attribute("aria-pressed", "false")
    await alerts.focus()
    await page.keyboard.press("Enter")
    await expect(alerts).to_have_attribute("aria-pressed", "true")
    await expect(alerts).to_have_text("Alerts on")
    await context.close()


async def test_reasons_and_topics_read_as_words(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "I want to return my shoes", sender="w1", tone="angry",
                          draft="Hello, of course.", reasons=("tone:angry:0.94", "asks_human"))
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    await page.goto("/console/inbox/drafts")
    row = page.locator(f'.row[data-id="{item}"]')
    await expect(row.locator(".reason").first).to_have_text("Tone of the message: angry (94%)")
    await expect(row.locator(".tone")).to_have_text("angry")
    await page.goto(f"/console/item/{item}")
    await expect(page.locator(".reasons li").nth(1)).to_have_text("Asks for a person")
    await page.click(".canned summary")
    await expect(page.locator('.use-canned[data-intent="returns_refunds"]')).to_have_text("Returns and refunds")
    await context.close()
    context, page = await sign_in(browser, console, "bob", language="fr-FR")
    await page.goto("/console/inbox/drafts")
    await expect(page.locator(f'.row[data-id="{item}"] .reason').first).to_have_text(
        "Ton du message\u202f: en colère (94\u202f%)")
    await context.close()


async def test_a_dark_desktop_gets_a_dark_console(browser: Browser, console: ConsoleGateway):
    context, page = await sign_in(browser, console)
    await page.emulate_media(color_scheme="dark")
    await page.goto("/console/inbox/escalations")
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(19, 20, 23)"
    await page.emulate_media(color_scheme="light")
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(250, 250, 250)"
    await context.close()


async def test_the_inbox_is_paged_and_a_new_case_sends_only_its_row(browser: Browser, console: ConsoleGateway):
    for n in range(55):
        await file_case(console.redis, "held", f"question number {n}", sender=f"p{n}", draft=f"Answer {n}.")
    last = await item_id_for(console.redis, await file_case(console.redis, "held", "question number 55",
                                                            sender="p55", draft="Answer 55."))
    context, page = await sign_in(browser, console)
    await page.goto("/console/inbox/drafts")
    await expect(page.locator("#rows .row")).to_have_count(50)
    await expect(page.locator(".pager")).to_contain_text("Page 1 of 2 (56 items)")
    await page.keyboard.press("n")  # the next page, by keyboard
    await page.wait_for_url("**/console/inbox/drafts?page=2")
    await expect(page.locator("#rows .row")).to_have_count(6)
    await expect(page.locator(f'#rows .row[data-id="{last}"]')).to_have_count(1)
    async with page.expect_response("**/console/inbox/drafts/rows?page=1"):  # the live stream is open
        await page.keyboard.press("p")
        await page.wait_for_url("**/console/inbox/drafts?page=1")
    await expect(page.locator("#rows .row")).to_have_count(50)
    received: list[int] = []

    async def count(response) -> None:
        if "/console/inbox/" in response.url or "/console/api/" in response.url:
            received.append(len(await response.body()))
    page.on("response", count)
    angry = await item_id_for(console.redis, await file_case(
        console.redis, "held", "WHERE IS MY REFUND", sender="p-angry", tone="angry", draft="Sorry, it is on its way."))
    await expect(page.locator("#rows .row").first).to_have_attribute("data-id", angry)  # live, in its place
    await expect(page.locator("#rows .row")).to_have_count(50)  # the page keeps its size
    await expect(page.locator('[data-count="drafts"]')).to_have_text("57")
    assert 0 < sum(received) <= 10_000, received  # the new row and the counts, not the page again
    await context.close()


async def test_the_selected_conversations_are_assigned_then_resolved_at_once(browser: Browser,
                                                                             console: ConsoleGateway):
    for n in range(3):
        await item_id_for(console.redis, await file_case(console.redis, "escalated", f"help {n}", sender=f"bk{n}"))
    context, page = await sign_in(browser, console)
    await page.goto("/console/inbox/escalations")
    await expect(page.locator("#rows .row")).to_have_count(3)
    await expect(page.locator(".row.selected")).to_have_count(1)
    await page.keyboard.press("x")  # the selected row, by keyboard
    await page.keyboard.press("j")
    await page.keyboard.press("j")
    await page.keyboard.press("x")
    await expect(page.locator(".row .pick:checked")).to_have_count(2)
    picked = await page.locator(".row .pick:checked").evaluate_all("boxes => boxes.map(b => b.value)")
    await page.select_option("#bulk select[name=to]", "bob")
    await page.click("#bulk-assign")
    await expect(page.locator("#flash")).to_have_text("2 item(s) assigned.")
    for item in picked:
        await expect(page.locator(f'.row[data-id="{item}"] .assignee')).to_have_text("assigned to bob")
    for item in picked:
        await page.locator(f'.row[data-id="{item}"] .pick').check()
    await page.click("#bulk-resolve")
    await expect(page.locator("#flash")).to_have_text("2 conversation(s) handed back to the bot.")
    await expect(page.locator("#rows .row")).to_have_count(1)
    await page.goto("/console/audit")
    await expect(page.locator('.audit-entry[data-action="resolve"]')).to_have_count(2)
    await context.close()


async def test_a_colleague_named_in_a_note_is_told(browser: Browser, console: ConsoleGateway):
    item = await item_id_for(console.redis, await file_case(console.redis, "escalated", "refund?", sender="men1"))
    (ca, alice), (cb, bob) = await sign_in(browser, console, "alice"), await sign_in(browser, console, "bob")
    await bob.goto("/console/inbox/escalations")
    await alice.goto(f"/console/item/{item}")
    await alice.fill('form[action$="/note"] textarea', "@bob can you check the carrier? cc @nobody")
    await alice.click('form[action$="/note"] button')
    await expect(alice.locator("#flash")).to_have_text("Note added.")
    await expect(bob.locator("#mention-flash")).to_have_text("alice mentioned you in a note: open the conversation")
    await expect(bob.locator(f'.row[data-id="{item}"] .mentioned')).to_have_text("@ alice mentioned you in a note")
    await bob.click("#mention-flash a")
    await bob.wait_for_url(f"**/console/item/{item}")
    await bob.goto("/console/inbox/escalations")
    await expect(bob.locator(f'.row[data-id="{item}"] .mentioned')).to_have_count(0)  # seen
    await ca.close()
    await cb.close()


async def test_each_waiting_fan_shows_the_teams_reply_target(browser: Browser, redis, redis_url, graph):
    secret = await Accounts(redis).add("alice", PASSWORD, role="admin")
    later = {"s": 0.0}  # how far the console's clock runs ahead of the wall clock
    client = await start_gateway(redis_url, graph, clock=lambda: time.time() + later["s"],
                                 console_first_reply_target_s=1800)
    gateway = ConsoleGateway(client, redis, graph, {"alice": secret})
    try:
        item = await item_id_for(redis, await file_case(redis, "escalated", "anyone?", sender="sla1"))
        context, page = await sign_in(browser, gateway)
        await page.goto(f"/console/item/{item}")
        await expect(page.locator(".who .target")).to_have_text(re.compile(r"^reply target: (29|30) min left$"))
        later["s"] = 2400  # 40 minutes later
        await page.goto("/console/inbox/escalations")
        await expect(page.locator(f'.row[data-id="{item}"] .target.over')).to_have_text(
            re.compile(r"^reply target missed by (9|10) min$"))
        await context.close()
    finally:
        await close_client(client, timeout_s=5)
