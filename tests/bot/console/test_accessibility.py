"""The console's pages checked with axe-core (WCAG 2 A and AA) in a real headless Chromium, in both languages,
at 1280 and 390 px: no serious or critical violation on the sign-in page, the inbox and a conversation. The
screenshots of ``docs/`` at both widths come from here.

axe-core comes from npm: ``npm ci --prefix tests/bot/console/a11y`` (pinned in its package.json)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.bot.console.conftest import ConsoleGateway, file_case, item_id_for, sign_in

AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


async def serious_violations(page: Page) -> list[str]:
    """What axe-core finds serious or critical on the page as it is (WCAG 2 A and AA rules)."""
    assert AXE.exists(), f"axe-core is missing: run `npm ci --prefix {AXE.parents[2]}`"
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text())  # through the browser's debugger: the page's own CSP stays as it is
    results = await page.evaluate("""() => axe.run(document, {runOnly: {type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})""")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
async def test_the_sign_in_page_has_no_serious_violation(browser: Browser, console: ConsoleGateway, language: str):
    context = await browser.new_context(base_url=console.url, locale=language)
    page = await context.new_page()
    await page.goto("/console/login")
    assert await serious_violations(page) == []
    await context.close()


@pytest.mark.parametrize("width", [1280, 390])
async def test_the_inbox_and_a_conversation_have_no_serious_violation(browser: Browser, console: ConsoleGateway,
                                                                      docs_dir, width: int):
    await file_case(console.redis, "escalated", "Colis jamais arrivé, commande 12345678, c'est inadmissible !!",
                    sender="a11y-1", tone="angry", language="fr", reasons=("tone:angry:0.94", "asks_human"))
    held = await file_case(console.redis, "held", "Vous êtes ouverts dimanche ?", sender="a11y-2", language="fr",
                           draft="Bonjour,\n\nMerci pour votre message. Nos boutiques ouvrent le dimanche de 10 h "
                                 "à 18 h.\n\nBelle journée à vous !\nL'équipe Maison Brindille")
    item = await item_id_for(console.redis, held)
    context, page = await sign_in(browser, console, language="fr-FR")
    await page.set_viewport_size({"width": width, "height": 860})
    suffix = "" if width == 1280 else "-390"
    for url, shot in (("/console/inbox/escalations", f"console-inbox{suffix}.png"),
                      ("/console/inbox/drafts", None), (f"/console/item/{item}", f"console-conversation{suffix}.png")):
        await page.goto(url)
        await expect(page.locator("main")).to_be_visible()
        if url.startswith("/console/item/"):
            await expect(page.locator("body[data-proofread=done]")).to_have_count(1)
        assert await serious_violations(page) == [], url
        if shot and width == 390:  # the 1280 px shots come from the live and proofreading tests
            await page.screenshot(path=str(docs_dir / shot), full_page=True)
    await context.close()
