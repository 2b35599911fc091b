"""The console in a real headless Chromium: signing in, escaping, CSRF, live proofreading, one send only."""

from __future__ import annotations

import asyncio

from aiohttp import web
from playwright.async_api import Browser, expect

from tests.bot.console.conftest import PASSWORD, ConsoleGateway, file_case, item_id_for, sign_in
from tests.fakes.server import LocalServer


async def test_a_wrong_password_is_refused_then_the_account_is_throttled(browser: Browser, console: ConsoleGateway):
    context = await browser.new_context(base_url=console.url, locale="en-GB")
    page = await context.new_page()
    await page.goto("/console/login")
    for _ in range(5):
        await page.fill("input[name=name]", "alice")
        await page.fill("input[name=password]", "not the password")
        await page.click("button[type=submit]")
        await expect(page.locator(".error")).to_have_text("Wrong name, password or code.")
    await page.fill("input[name=name]", "alice")
    await page.fill("input[name=password]", PASSWORD)  # right, but the account's next slot has not come yet
    await page.click("button[type=submit]")
    await expect(page.locator(".error")).to_contain_text("Too many attempts")
    assert "/console/login" in page.url
    await page.goto("/console/inbox/drafts")
    assert page.url.endswith("/console/login")  # still signed out
    await context.close()
    _, other = await sign_in(browser, console, "bob")  # another account from the same address signs in
    await expect(other.locator(".who")).to_have_text("bob")
    await other.context.close()


async def test_a_fans_markup_is_shown_as_text_and_runs_nothing(browser: Browser, console: ConsoleGateway):
    hostile = '<img src=x onerror=alert(1)> <script>window.pwned = 1; alert(2)</script> where is my order?'
    mid = await file_case(console.redis, "held", hostile, draft="<b>Hello</b> <script>alert(3)</script>")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), asyncio.ensure_future(dialog.dismiss())))
    await page.goto("/console/inbox/drafts")
    row = page.locator(f'.row[data-id="{item}"] .preview')
    await expect(row).to_contain_text("<img src=x onerror=alert(1)>")
    await expect(row).to_contain_text("<script>window.pwned = 1;")
    assert await page.locator("#rows img, #rows script").count() == 0
    await page.goto(f"/console/item/{item}")
    await expect(page.locator(".msg.fan .text")).to_contain_text("<script>window.pwned = 1;")
    assert await page.locator("#editor").input_value() == "<b>Hello</b> <script>alert(3)</script>"
    assert await page.locator("main img, main script, main b").count() == 0
    assert await page.evaluate("window.pwned") is None
    assert await page.evaluate("document.scripts.length") == 1  # the console's own script only
    await page.wait_for_timeout(300)
    assert dialogs == []
    await context.close()


class ForgingSite(LocalServer):
    """Another site (another port of this machine) whose page posts a form to the console."""

    def __init__(self, target: str) -> None:
        self.target = target

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(content_type="text/html", text=(
            f'<form method="post" action="{self.target}"><input name="reply_id" value="forged123"></form>'
            "<script>document.forms[0].submit()</script>"))

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/", self.page)]


async def test_posts_without_the_csrf_token_are_refused(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "hello?", draft="Hello, we open at ten.")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    status = await page.evaluate(
        """id => fetch(`/console/item/${id}/approve`, {method: "POST",
              body: new URLSearchParams({reply_id: "abcdefgh"})}).then(r => r.status)""", item)
    assert status == 403
    forger = ForgingSite(f"{console.url}/console/item/{item}/approve")
    url = await forger.start()
    try:
        async with page.expect_navigation(url=f"**/console/item/{item}/approve") as navigation:
            await page.goto(url)
        response = await navigation.value
        assert response.status == 403
    finally:
        await forger.close()
    assert console.graph.sent == []
    await page.goto(f"/console/item/{item}")
    await expect(page.locator("#approve")).to_be_visible()  # still waiting for a CM
    await context.close()


async def test_two_cms_approving_the_same_draft_send_it_once(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "Are you open on Sunday?", sender="sunday",
                          draft="Hello, our boutiques are open on Sundays from 10am to 6pm.")
    item = await item_id_for(console.redis, mid)
    (ca, alice), (cb, bob) = await sign_in(browser, console, "alice"), await sign_in(browser, console, "bob")
    await bob.goto("/console/inbox/drafts")
    await alice.goto(f"/console/item/{item}")
    await expect(bob.locator(f'.row[data-id="{item}"] .viewers')).to_have_text("being handled by alice")  # live
    await bob.goto(f"/console/item/{item}")
    await expect(alice.locator(".viewers")).to_contain_text("bob")  # each sees the other on it
    await asyncio.gather(alice.click("#approve"), bob.click("#approve"))
    for page in (alice, bob):
        await expect(page.locator("#flash")).to_be_visible()
    flashes = sorted([await alice.locator("#flash").inner_text(), await bob.locator("#flash").inner_text()])
    assert flashes[0].startswith("Already sent by ") and flashes[0].removeprefix("Already sent by ").rstrip(".") in (
        "alice", "bob")
    assert flashes[1] == "Sent."
    assert [m.text for m in console.graph.sent] == ["Hello, our boutiques are open on Sundays from 10am to 6pm."]
    await ca.close()
    await cb.close()


async def test_edit_with_live_proofreading_then_send(browser: Browser, console: ConsoleGateway, docs_dir):
    mid = await file_case(console.redis, "held", "My refund still has not arrived, this is the third time I ask.",
                          sender="refund", tone="negative", draft="We are sorry for the delay.",
                          reasons=("tone_negative",))
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    await page.goto("/console/inbox/drafts")
    await page.keyboard.press("e")  # the first row, straight into the editor
    await page.wait_for_url(f"**/console/item/{item}#edit")
    editor = page.locator("#editor")
    await expect(editor).to_be_focused()
    await editor.fill("")
    await editor.press_sequentially("Your refund is on its way, we apologise for the inconvenence.")
    issue = page.locator("#proof mark.issue")
    await expect(issue).to_have_text("inconvenence")
    await expect(page.locator("#problems")).to_be_visible()
    await page.screenshot(path=str(docs_dir / "console-conversation.png"), full_page=True)
    await page.locator("#proof button.suggestion", has_text="inconvenience").first.click()
    await expect(issue).to_have_count(0)
    fixed = "Your refund is on its way, we apologise for the inconvenience."
    assert await editor.input_value() == fixed
    await page.click("#send")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    assert [m.text for m in console.graph.sent] == [fixed]
    await page.goto("/console/audit")
    entry = page.locator('.audit-entry[data-action="send"]')
    await expect(entry.locator(".diff")).to_contain_text("-We are sorry for the delay.")
    await expect(entry.locator(".diff")).to_contain_text(f"+{fixed}")
    await expect(entry.locator(".ids")).to_contain_text("m_")
    await context.close()


async def test_a_text_with_an_open_problem_needs_send_anyway(browser: Browser, console: ConsoleGateway):
    mid = await file_case(console.redis, "held", "hello?", draft="We are sorry.")
    item = await item_id_for(console.redis, mid)
    context, page = await sign_in(browser, console)
    await page.goto(f"/console/item/{item}")
    await page.locator("#editor").fill("We apologise for the inconvenence.")
    await page.click("#send")  # the server proofreads too: refused without "send anyway"
    await expect(page.locator("#flash")).to_contain_text("1 problem(s) to fix before sending.")
    assert console.graph.sent == []
    assert await page.locator("#editor").input_value() == "We apologise for the inconvenence."
    await page.check("input[name=send_anyway]")
    await page.click("#send")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    assert [m.text for m in console.graph.sent] == ["We apologise for the inconvenence."]
    await page.goto("/console/audit")
    await expect(page.locator('.audit-entry[data-action="send_anyway"]')).to_have_count(1)
    await context.close()


async def test_keys_move_through_the_inbox_and_approve(browser: Browser, console: ConsoleGateway):
    first = await file_case(console.redis, "held", "angry one", sender="k1", tone="angry", draft="Sorry, first.")
    second = await file_case(console.redis, "held", "calm one", sender="k2", draft="Hello, second.")
    first_id, second_id = await item_id_for(console.redis, first), await item_id_for(console.redis, second)
    context, page = await sign_in(browser, console)
    await page.goto("/console/inbox/drafts?platform=messenger")  # a bookmarkable, filtered view
    await expect(page.locator(".row.selected")).to_have_attribute("data-id", first_id)
    await page.keyboard.press("j")
    await expect(page.locator(".row.selected")).to_have_attribute("data-id", second_id)
    await page.keyboard.press("k")
    await page.keyboard.press("j")
    await page.keyboard.press("a")  # opens the draft: it is read before it is approved
    await page.wait_for_url(f"**/console/item/{second_id}#approve")
    await page.keyboard.press("a")
    await expect(page.locator("#flash")).to_have_text("Sent.")
    assert [m.text for m in console.graph.sent] == ["Hello, second."]
    await page.goto("/console/inbox/drafts")
    await expect(page.locator("#rows .row")).to_have_count(1)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/console/item/{first_id}")
    await page.keyboard.press("r")  # resolve: handled without a reply
    await expect(page.locator("#flash")).to_have_text("Conversation handed back to the bot.")
    await context.close()


async def test_a_key_pressed_while_the_rows_refresh_is_kept(browser: Browser, console: ConsoleGateway):
    first = await file_case(console.redis, "held", "angry one", sender="r1", tone="angry", draft="Sorry, first.")
    second = await file_case(console.redis, "held", "calm one", sender="r2", draft="Hello, second.")
    second_id = await item_id_for(console.redis, second)
    assert await item_id_for(console.redis, first) != second_id
    context, page = await sign_in(browser, console)
    asked, released = asyncio.Event(), asyncio.Event()

    async def slow_rows(route):  # the live refresh's answer arrives late, as on a slow connection
        asked.set()
        await released.wait()
        await route.continue_()

    await page.route("**/console/inbox/drafts/rows*", slow_rows)
    async with page.expect_response("**/console/inbox/drafts/rows*") as refreshed:
        await page.goto("/console/inbox/drafts")  # the event stream opens and asks for fresh rows
        await expect(page.locator(".row.selected")).to_have_count(1)
        await asyncio.wait_for(asked.wait(), 10)
        await page.keyboard.press("j")  # while that refresh is on its way
        await expect(page.locator(".row.selected")).to_have_attribute("data-id", second_id)
        await page.evaluate("document.querySelectorAll('#rows .row').forEach(r => r.dataset.before = '1')")
        released.set()
    assert (await refreshed.value).ok
    await expect(page.locator("#rows .row[data-before]")).to_have_count(0)  # the refreshed rows are in
    await expect(page.locator("#rows .row")).to_have_count(2)
    await expect(page.locator(".row.selected")).to_have_attribute("data-id", second_id)
    await context.close()


async def test_the_cms_language_is_remembered(browser: Browser, console: ConsoleGateway):
    context, page = await sign_in(browser, console, "bob", language="en-GB")
    await page.click("text=Français")
    await expect(page.locator("nav")).to_contain_text("Brouillons à approuver")
    await page.click("text=Se déconnecter")
    await page.wait_for_url("**/console/login")
    await context.close()
    context, page = await sign_in(browser, console, "bob", language="en-GB")  # an English browser…
    await expect(page.locator("nav")).to_contain_text("À traiter par une personne")  # …and still French
    await context.close()
