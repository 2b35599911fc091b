"""The conversation page shows the whole thread in a real browser: a question the bot answered on its
own, a later message that was escalated, the holding message, the CM's reply and note, each once and
with its time; the fan's e-mail address is readable there and masked in the inbox list."""

from __future__ import annotations

import logging
import re

import pytest
from playwright.async_api import Browser, expect

from tests.bot.console.conftest import ANGRY, ConsoleGateway, sign_in
from tests.helpers import messenger_event, outcome, post_signed

pytestmark = pytest.mark.stack

QUESTION = "Bonjour, vous êtes ouverts le dimanche ?"
EMAIL = "lea.martin@example.org"
ESCALATED = f"{ANGRY}. Write to me at {EMAIL}"
CLOCK = re.compile(r"^\d\d/\d\d \d\d:\d\d$")


async def test_the_page_shows_what_the_bot_answered_alone_and_what_was_escalated(
        browser: Browser, stack_console: ConsoleGateway, caplog):
    caplog.set_level(logging.DEBUG)
    gateway = stack_console
    context, page = await sign_in(browser, gateway)
    count = page.locator('[data-count="escalations"]')
    await expect(count).to_have_text("0")

    assert (await post_signed(gateway.client, messenger_event(QUESTION, "lea", mid="m_lea_q"))).status == 200
    [answer] = await gateway.graph.wait_for("lea", 1)  # the bot answered on its own: no case for a CM
    assert "dimanche" in answer.text
    assert (await outcome(gateway.redis, "m_lea_q"))["status"] == "sent"  # the fan writes again after that
    assert (await post_signed(gateway.client, messenger_event(ESCALATED, "lea", mid="m_lea_angry"))).status == 200
    row = page.locator("#rows .row", has_text="UNACCEPTABLE")
    await expect(row).to_be_visible(timeout=30_000)
    await expect(count).to_have_text("1")  # the navigation bar's count, live over SSE
    preview = row.locator(".preview")
    await expect(preview).to_contain_text("[e-mail]")
    assert EMAIL not in await page.locator("#rows").inner_text()  # masked in the list
    holding = (await gateway.graph.wait_for("lea", 2))[1]

    await row.locator("a.open").click()
    fans = page.locator(".msg.fan")
    await expect(fans).to_have_count(2)
    await expect(fans.nth(0).locator(".text")).to_have_text(QUESTION)
    await expect(fans.nth(1).locator(".text")).to_have_text(ESCALATED)  # readable here, e-mail and all
    assert await fans.nth(0).get_attribute("data-outcome") == "sent"
    assert await fans.nth(1).get_attribute("data-outcome") == "escalated"
    bots = page.locator(".msg.bot")
    await expect(bots).to_have_count(2)
    await expect(bots.nth(0).locator(".text")).to_have_text(answer.text)
    await expect(bots.nth(1).locator(".text")).to_have_text(holding.text)
    assert [await m.get_attribute("data-message") for m in await page.locator(".thread .msg").all()] == [
        "m_lea_q", "m_lea_q", "m_lea_angry", "m_lea_angry"]  # in the order it happened
    for time_tag in await page.locator(".thread .msg time").all():
        assert CLOCK.match(await time_tag.inner_text())
    item_url = page.url

    reply = "We are very sorry. Your refund leaves today."
    await page.locator("#editor").fill(reply)
    await expect(page.locator("#proof")).to_have_text("No problem found.")
    await page.click("#send")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    await page.locator('form[action$="/note"] textarea').fill("Called her back, refund confirmed.")
    await page.locator('form[action$="/note"] button').click()
    cms = page.locator(".msg.cm")
    await expect(cms).to_have_count(1)  # recorded by the send engine and by the console: shown once
    await expect(cms.locator(".text")).to_have_text(reply)
    await expect(cms.locator(".by")).to_have_text("alice")
    await expect(page.locator(".msg.note .text")).to_have_text("Called her back, refund confirmed.")
    await expect(page.locator(".msg.fan")).to_have_count(2)
    await expect(page.locator(".msg.bot")).to_have_count(2)
    assert [m.text for m in gateway.graph.to("lea")] == [answer.text, holding.text, reply]

    stranger = await browser.new_context()
    intruder = await stranger.new_page()
    response = await intruder.goto(item_url)
    assert intruder.url.endswith("/console/login") and response is not None and response.ok
    assert EMAIL not in await intruder.content()  # nothing of the fan's without signing in
    await stranger.close()
    await context.close()
    assert EMAIL not in caplog.text  # never logged, by the gateway, the worker or the console
