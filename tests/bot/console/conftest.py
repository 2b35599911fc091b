"""The console under test: the real gateway on 127.0.0.1 with the console mounted, CM accounts in the
real Redis, cases filed by the real responder code, and a real headless Chromium (Debian's package)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from redis.asyncio import Redis

from bot.app import create_app
from bot.console.accounts import Accounts
from bot.console.context import CLOCK, PROOFREADER
from bot.messages import InboundMessage
from bot.pipeline.analysis import Analysis
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.dialogue import Draft
from bot.pipeline.handoff import Handoff
from bot.pipeline.ledger import Ledger
from bot.pipeline.policy import ESCALATE, HOLD, Decision
from bot.pipeline.queue import Delivery
from bot.pipeline.responder import Responder
from tests.bot.console.clients import one_time_code
from tests.conftest import RasaStack, stack_settings
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import DEMO_PAGE_ID, close_client, fan, make_settings, messenger, shared_proofreader, start_worker

CHROMIUM = "/usr/bin/chromium"
DOCS = Path(__file__).resolve().parents[3] / "docs"
PASSWORD = "correct horse battery"
ANGRY = "This is UNACCEPTABLE!!! You are thieves, I want my money back NOW or I call my lawyer"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        await chromium.close()


@dataclass
class ConsoleGateway:
    client: TestClient
    redis: Redis
    graph: FakeGraphAPI
    totp: dict[str, str] = field(default_factory=dict)  # CM → TOTP secret, for those who have one

    @property
    def url(self) -> str:
        return str(self.client.make_url("")).rstrip("/")


async def start_gateway(redis_url: str, graph: FakeGraphAPI, clock=None, **overrides) -> TestClient:
    """The gateway with its console; ``clock`` (``() -> seconds``) is the console's "now" when given."""
    settings = make_settings(redis_url, **overrides)
    app = create_app(settings, {"messenger": messenger(graph.url)})
    app[PROOFREADER] = shared_proofreader(None)
    if clock is not None:
        app[CLOCK] = clock
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest_asyncio.fixture
async def console(redis: Redis, redis_url: str, graph: FakeGraphAPI) -> AsyncIterator[ConsoleGateway]:
    """The gateway with its console, two CMs (alice, admin, with a second factor; bob, cm), the fake Graph API
    echoing back."""
    accounts = Accounts(redis)
    secret = await accounts.add("alice", PASSWORD, role="admin")
    await accounts.add("bob", PASSWORD)
    client = await start_gateway(redis_url, graph)
    graph.webhook = client
    yield ConsoleGateway(client, redis, graph, {"alice": secret})
    graph.webhook = None
    await close_client(client, timeout_s=5)


@pytest_asyncio.fixture
async def stack_console(redis: Redis, redis_url: str, rasa_stack: RasaStack,
                        graph: FakeGraphAPI) -> AsyncIterator[ConsoleGateway]:
    """The gateway with its console and a real worker on the real Rasa stack; one CM, alice (admin)."""
    secret = await Accounts(redis).add("alice", PASSWORD, role="admin")
    settings = stack_settings(redis_url, rasa_stack)
    client = await start_gateway(redis_url, graph, rasa_urls=settings.rasa_urls, rasa_token=settings.rasa_token,
                                 actions_url=settings.actions_url)
    graph.webhook = client
    worker = await start_worker(settings, {"messenger": messenger(graph.url)}, brand_file=rasa_stack.brand_file)
    yield ConsoleGateway(client, redis, graph, {"alice": secret})
    graph.webhook = None
    await worker.stop()
    await close_client(client, timeout_s=5)


async def sign_in(browser: Browser, gateway: ConsoleGateway, name: str = "alice",
                  language: str = "en-GB") -> tuple[BrowserContext, Page]:
    context = await browser.new_context(base_url=gateway.url, locale=language, viewport={"width": 1280, "height": 860})
    page = await context.new_page()
    await page.goto("/console/login")
    await page.fill("input[name=name]", name)
    await page.fill("input[name=password]", PASSWORD)
    if name in gateway.totp:
        await page.fill("input[name=code]", await one_time_code(gateway.redis, name, gateway.totp[name]))
    await page.click("button[type=submit]")
    # The first visit since the team last left opens on the digest of what happened meanwhile.
    await page.wait_for_url(re.compile(r".*/console/(inbox/escalations|away)$"))
    if page.url.endswith("/console/away"):
        await page.goto("/console/inbox/escalations")
    return context, page


def _responder(redis: Redis) -> Responder:
    """The real responder's routing steps (holding and escalating), without NLU or a send API."""
    queue = CMQueue(redis)
    return Responder(ledger=Ledger(redis), outbox=None, rasa=None, dialogue=None, proofreader=None, policy=None,
                     profiles=None, handoff=Handoff(redis, queue), cm_queue=queue, recent=None,
                     max_text={"messenger": 2000})


async def file_case(redis: Redis, route: str, text: str, *, sender: str = "fan-1", tone: str = "neutral",
                    draft: str = "", language: str = "en", intent: str = "order_status",
                    reasons: tuple[str, ...] = ("intent_uncertain",), mid: str | None = None) -> str:
    """File a fan's message in the CM queue exactly as the responder does when it holds or escalates."""
    mid = mid or f"m_{time.time_ns()}"
    message = InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(sender), text, int(time.time() * 1000))
    scores = {"angry": 0.05, "negative": 0.1, "neutral": 0.8, "positive": 0.05}
    if tone != "neutral":
        scores = {**dict.fromkeys(scores, 0.05), tone: 0.85}
    flags = {"anger": ["furious"]} if tone == "angry" else {}
    analysis = Analysis(text, intent, 0.62, language, {"label": tone, "confidence": 0.85, "scores": scores,
                                                        "flags": {k: True for k in flags}, "evidence": flags})
    responder = _responder(redis)
    delivery = Delivery("0-1", 1, message)
    decision = Decision(HOLD if route == "held" else ESCALATE, list(reasons))
    token = f"test|{mid}"
    ledger = Ledger(redis)
    assert await ledger.try_lock(message.conversation_id, token)  # as a worker holds it while it routes
    try:
        if route == "held":
            await responder._hold(delivery, analysis, Draft([draft], {"language": language}), decision, token)
        else:
            await responder._escalate(delivery, analysis, Draft([draft] if draft else [], {"language": language}),
                                      decision, token)
    finally:
        await ledger.unlock(message.conversation_id, token)
    return mid


async def item_id_for(redis: Redis, mid: str, timeout: float = 10.0) -> str:
    """The console item a filed message became (once the console indexed it)."""
    from bot.console.inbox import Inbox

    deadline = time.monotonic() + timeout
    inbox = Inbox(redis)
    while time.monotonic() < deadline:
        await inbox.sync()
        for view in ("escalations", "drafts", "handled"):
            for item in await inbox.items(view):
                if item.case.get("message_id") == mid:
                    return item.id
        await asyncio.sleep(0.1)
    raise AssertionError(f"message {mid} never reached the console's inbox")


@pytest.fixture(scope="session")
def docs_dir() -> Path:
    DOCS.mkdir(exist_ok=True)
    return DOCS
