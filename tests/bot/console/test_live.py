"""The whole path in a real browser: an angry fan writes to the webhook, the real pipeline (Rasa, the
tone component, the policy) escalates, the case appears in the open console without a reload, and the
CM's proofread reply reaches the fan once through the send engine."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.bot.console.conftest import ANGRY, ConsoleGateway, file_case, sign_in
from tests.helpers import fan, messenger_event, post_signed

pytestmark = pytest.mark.stack


async def test_an_angry_fan_appears_live_and_gets_the_cms_proofread_reply_once(
        browser: Browser, stack_console: ConsoleGateway, docs_dir):
    gateway = stack_console
    await file_case(gateway.redis, "escalated", "Bonjour, je voudrais parler à quelqu'un du service client.",
                    sender="claire", language="fr", intent="ask_human", reasons=("intent:ask_human",))
    await file_case(gateway.redis, "escalated", "Still no answer about my broken teapot, very disappointed.",
                    sender="sam", tone="negative", intent="complaint", reasons=("tone_negative", "intent:complaint"))
    context, page = await sign_in(browser, gateway)
    await expect(page.locator("#rows .row")).to_have_count(2)
    await page.evaluate("window.stayedOnPage = true")
    resp = await post_signed(gateway.client, messenger_event(ANGRY, "angry-fan"))
    assert resp.status == 200
    row = page.locator("#rows .row", has_text="UNACCEPTABLE")
    await expect(row).to_be_visible(timeout=30_000)
    assert await page.evaluate("window.stayedOnPage") is True  # arrived over SSE, no reload
    await expect(page.locator("#rows .row").first).to_contain_text("UNACCEPTABLE")  # angry first
    await expect(row.locator(".tone")).to_have_text("angry")
    await page.screenshot(path=str(docs_dir / "console-inbox.png"), full_page=True)

    await row.locator("a.open").click()
    await expect(page.locator(".msg.fan .text")).to_have_text(ANGRY)
    await expect(page.locator(".tone.tone-angry")).to_be_visible()
    await expect(page.locator(".msg.bot")).to_have_count(1)  # the one holding message the bot sent
    holding = await gateway.graph.wait_for("angry-fan", 1)
    editor = page.locator("#editor")
    await editor.fill("")
    await editor.press_sequentially("We are very sorry. Your refund leaves today; please accept our apologies "
                                    "for the inconvenence.")
    await expect(page.locator("#proof mark.issue")).to_have_text("inconvenence")
    await page.locator("#proof button.suggestion", has_text="inconvenience").first.click()
    await expect(page.locator("#proof mark.issue")).to_have_count(0)
    await page.click("#send")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    reply = "We are very sorry. Your refund leaves today; please accept our apologies for the inconvenience."
    sent = await gateway.graph.wait_for("angry-fan", 2)
    assert [m.text for m in gateway.graph.to("angry-fan")] == [holding[0].text, reply]
    assert sent[1].recipient == fan("angry-fan")
    await page.goto("/console/audit")
    await expect(page.locator('.audit-entry[data-action="send"] .diff')).to_contain_text(f"+{reply}")
    await context.close()
