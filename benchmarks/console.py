"""The CM console on this machine: rendering a full inbox, searching it, and what a new case costs an open page.

Starts a private Redis, the Rasa server and the action server (trained
model), and in this process the gateway with its console on a free
127.0.0.1 port, one worker, and a Graph API stand-in; the browser is
Debian's headless Chromium driven by Playwright. Prints, with 10,000 pending
drafts and 1,000 conversations waiting for a person (goals in brackets):

* each inbox view: time to render its first page on the server (the request
  on loopback, median and p95 of 20) [≤ 300 ms], its size, and first paint
  and first contentful paint in Chromium (median of 5 loads) [≤ 800 ms];
* a search across every conversation (an order number), on the server,
  median and p95 of 20 [≤ 200 ms];
* the live-update delay, median of 20: an angry fan's message posted to the
  webhook → the real pipeline escalates it → the item is visible in an open
  "needs a person" page (over SSE, no reload); the part of it from the
  moment the case is filed in the CM queue to the item showing; and the bytes
  the open page received for it (event stream and fetches) [≤ 10 KB].

    .venv/app/bin/python -m benchmarks.console [--items 10000] [--escalations 1000] [--live 20]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, CookieJar, web
from playwright.async_api import async_playwright
from redis.asyncio import Redis

from benchmarks.stack import start_backends
from bot.app import create_app
from bot.console.accounts import Accounts
from bot.console.context import PROOFREADER
from bot.messages import InboundMessage
from bot.pipeline.analysis import Analysis
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.dialogue import Draft
from bot.pipeline.handoff import Handoff
from bot.pipeline.ledger import Ledger
from bot.pipeline.policy import ESCALATE, HOLD, Decision
from bot.pipeline.queue import Delivery
from bot.pipeline.responder import Responder
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import (DEMO_PAGE_ID, PAGE_TOKEN, free_port, make_settings, messenger, messenger_event,
                           post_signed, shared_proofreader, start_worker)

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "benchmark-password"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def fill_drafts(redis: Redis, count: int) -> None:
    """``count`` held drafts, filed by the responder's own hold step, from ``count`` fans."""
    queue = CMQueue(redis)
    responder = Responder(ledger=Ledger(redis), outbox=None, rasa=None, dialogue=None, proofreader=None,
                          policy=None, profiles=None, handoff=Handoff(redis, queue), cm_queue=queue, recent=None,
                          max_text={"messenger": 2000})
    tones = ["neutral", "negative", "neutral", "angry"]

    async def one(i: int) -> None:
        text = f"Bonjour, ma commande BR-{100000 + i} n'est pas arrivée, pouvez-vous vérifier ? ({i})"
        message = InboundMessage("messenger", f"m_bench_{i}", DEMO_PAGE_ID, str(2 * 10**15 + i), text,
                                 int(time.time() * 1000))
        tone = tones[i % 4]
        analysis = Analysis(text, "order_status", 0.6, "fr", {"label": tone, "scores": {tone: 0.8}, "flags": {}})
        draft = Draft([f"Bonjour, votre commande BR-{100000 + i} est en route. L'équipe Maison Brindille"],
                      {"language": "fr"})
        await responder._hold(Delivery("0-1", 1, message), analysis, draft, Decision(HOLD, ["intent_uncertain"]), "")

    for start in range(0, count, 50):
        await asyncio.gather(*(one(i) for i in range(start, min(count, start + 50))))


async def fill_escalations(redis: Redis, count: int) -> None:
    """``count`` conversations waiting for a person, escalated by the responder's own step."""
    queue = CMQueue(redis)
    responder = Responder(ledger=Ledger(redis), outbox=None, rasa=None, dialogue=None, proofreader=None,
                          policy=None, profiles=None, handoff=Handoff(redis, queue), cm_queue=queue, recent=None,
                          max_text={"messenger": 2000})

    async def one(i: int) -> None:
        text = f"Je veux parler à quelqu'un, commande BR-{500000 + i}, c'est la troisième fois ! ({i})"
        message = InboundMessage("messenger", f"m_bench_e_{i}", DEMO_PAGE_ID, str(3 * 10**15 + i), text,
                                 int(time.time() * 1000))
        analysis = Analysis(text, "order_status", 0.6, "fr", {"label": "negative", "scores": {"negative": 0.8},
                                                                "flags": {}})
        token = f"bench|{i}"
        ledger = Ledger(redis)
        await ledger.try_lock(message.conversation_id, token)
        try:
            await responder._escalate(Delivery("0-1", 1, message), analysis, Draft([], {"language": "fr"}),
                                      Decision(ESCALATE, ["asks_human"]), token)
        finally:
            await ledger.unlock(message.conversation_id, token)

    for start in range(0, count, 50):
        await asyncio.gather(*(one(i) for i in range(start, min(count, start + 50))))


async def signed_in(base: str) -> ClientSession:
    session = ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True))
    page = await (await session.get("/console/login")).text()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    resp = await session.post("/console/login", data={"name": "bench", "password": PASSWORD, "csrf": token})
    assert resp.status == 200, resp.status
    return session


async def render_times(base: str, path: str = "/console/inbox/drafts",
                       runs: int = 20) -> tuple[list[float], int, int]:
    async with await signed_in(base) as session:
        times, size, rows = [], 0, 0
        for _ in range(runs + 1):
            started = time.perf_counter()
            resp = await session.get(path)
            body = await resp.read()
            times.append(time.perf_counter() - started)
            size, rows = len(body), body.count(b'class="row ')
        return times[1:], size, rows  # the first request also indexes the CM queue


async def browser_figures(base: str, graph: FakeGraphAPI, client_base: str, redis: Redis, live: int,
                          webhook) -> dict:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = await browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto("/console/login")
        await page.fill("input[name=name]", "bench")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        # The first visit since the team last left opens on the digest of what happened meanwhile.
        await page.wait_for_url(re.compile(r".*/console/(inbox/escalations|away)$"))
        paints, contentful = {}, {}
        for view in ("drafts", "escalations"):
            for _ in range(5):
                await page.goto(f"/console/inbox/{view}", wait_until="load")
                entries = await page.evaluate("""() => new Promise(done => {
                    const seen = {};
                    const note = list => list.getEntries().forEach(e => { seen[e.name] = e.startTime; });
                    new PerformanceObserver(list => { note(list);
                        if ("first-contentful-paint" in seen) done(seen); }).observe({type: "paint", buffered: true});
                    setTimeout(() => done(seen), 3000);
                })""")
                paints.setdefault(view, []).append(entries.get("first-paint", float("nan")))
                contentful.setdefault(view, []).append(entries.get("first-contentful-paint", float("nan")))
        rows = await page.locator("#rows .row").count()
        await page.goto("/console/inbox/escalations")
        await page.wait_for_timeout(500)
        received = [0]  # bytes the open page receives: its event stream and what it fetches
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        cdp.on("Network.dataReceived", lambda e: received.__setitem__(0, received[0] + int(e.get("dataLength") or 0)))
        per_case: list[int] = []
        end_to_end, after_filing = [], []
        for i in range(live):
            marker = f"ref{i:03d}x"
            text = f"This is UNACCEPTABLE!!! You are thieves, {marker}, I want my money back NOW or I call my lawyer"
            started_wall, started = time.time(), time.perf_counter()
            received[0] = 0
            resp = await post_signed(webhook, messenger_event(text, f"bench-angry-{i}"))
            assert resp.status == 200
            await page.locator("#rows .row", has_text=marker).wait_for(timeout=60_000)
            shown, shown_wall = time.perf_counter(), time.time()
            end_to_end.append(shown - started)
            for entry_id, fields in await redis.xrevrange("relais:cm:queue", count=5):
                if marker.encode() in fields[b"case"]:
                    filed = int(entry_id.decode().split("-")[0]) / 1000
                    after_filing.append(max(0.0, shown_wall - filed))
                    break
            await page.wait_for_timeout(300)  # the row's own fetch and the counts, once the row shows
            per_case.append(received[0])  # what the new case cost the page, once its updates settled
            del started_wall
        await browser.close()
    return {"first_paint_ms": paints, "fcp_ms": contentful, "rows_in_browser": rows,
            "live_s": end_to_end, "after_filing_s": after_filing, "bytes_per_case": per_case}


async def main(items: int, escalations: int, live: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="relais-bench-console-"))
    backends = start_backends(workdir)
    runner = None
    worker = None
    graph = FakeGraphAPI(token=PAGE_TOKEN)
    try:
        graph.url = await graph.start()
        redis = Redis.from_url(backends.redis_url)
        await Accounts(redis).add("bench", PASSWORD)
        port = free_port()
        settings = make_settings(backends.redis_url, rasa_urls=(backends.rasa_url,), rasa_token=backends.rasa_token,
                                 actions_url=backends.actions_url, actions_token=backends.actions_token, port=port)
        app = create_app(settings, {"messenger": messenger(graph.url)})
        app[PROOFREADER] = shared_proofreader(None)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        graph.webhook = base
        worker = await start_worker(settings, {"messenger": messenger(graph.url)})
        print(f"filing {items} held drafts and {escalations} escalations…", flush=True)
        started = time.perf_counter()
        await fill_drafts(redis, items)
        await fill_escalations(redis, escalations)
        print(f"  filed in {time.perf_counter() - started:.1f} s")
        for view in ("drafts", "escalations"):
            times, size, rows = await render_times(base, f"/console/inbox/{view}")
            print(f"inbox {view}: first page, {rows} rows ({size / 1024:.0f} KiB of HTML):")
            print(f"  server render (request on loopback): median {statistics.median(times) * 1000:.0f} ms, "
                  f"p95 {pct(times, 0.95) * 1000:.0f} ms over {len(times)} requests [goal ≤ 300 ms]")
        times, size, rows = await render_times(base, f"/console/inbox/drafts/rows?q=BR-{100000 + items // 2}")
        print(f"search across every conversation (an order number, {rows} row found): median "
              f"{statistics.median(times) * 1000:.0f} ms, p95 {pct(times, 0.95) * 1000:.0f} ms [goal ≤ 200 ms]")

        class Webhook:  # post_signed's client: the gateway's own URL
            def __init__(self, session: ClientSession) -> None:
                self.session = session

            async def post(self, path: str, **kwargs):
                return await self.session.post(base + path, **kwargs)

        async with ClientSession() as session:
            figures = await browser_figures(base, graph, base, redis, live, Webhook(session))
        for view in ("drafts", "escalations"):
            print(f"  in Chromium, {view}: first paint median "
                  f"{statistics.median(figures['first_paint_ms'][view]):.0f} ms, first contentful paint median "
                  f"{statistics.median(figures['fcp_ms'][view]):.0f} ms (5 loads) [goal ≤ 800 ms]")
        live_s, filed_s = figures["live_s"], figures["after_filing_s"]
        print(f"live update, {len(live_s)} angry messages: webhook POST → item visible in the open page: "
              f"median {statistics.median(live_s) * 1000:.0f} ms, p95 {pct(live_s, 0.95) * 1000:.0f} ms")
        per_case = figures["bytes_per_case"]
        print(f"  bytes an open inbox received per new case: median {statistics.median(per_case):.0f}, "
              f"max {max(per_case)} [goal ≤ 10 KB]")
        if filed_s:
            print(f"  of which case filed in the CM queue → visible: median {statistics.median(filed_s) * 1000:.0f} ms, "
                  f"p95 {pct(filed_s, 0.95) * 1000:.0f} ms")
        await redis.aclose()
    finally:
        graph.webhook = None
        if worker is not None:
            await worker.stop()
        if runner is not None:
            await runner.cleanup()
        await graph.close()
        backends.stack.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--escalations", type=int, default=1_000)
    parser.add_argument("--live", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.items, args.escalations, args.live))
