"""Coming back after staffed hours, over real HTTP: the console opens once per CM on the digest of what
happened while the team was away — counts by route, the escalations oldest first, the drafts waiting.

The console's clock is fixed; the brand's hours are dated around today (the cases are filed by the real
responder code now, so the team's last closing has to be just before): open yesterday until 18:00, closed
today and tomorrow, open again the day after from 09:00 to 10:00.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiohttp import ClientSession, CookieJar
from redis.asyncio import Redis

from bot.brand import load_brand
from bot.messages import InboundMessage
from bot.pipeline.ledger import Ledger
from tests.bot.console.conftest import PASSWORD, file_case, item_id_for, start_gateway
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import DEMO_PAGE_ID, close_client, fan

PARIS = ZoneInfo("Europe/Paris")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def away_brand(tmp_path: Path) -> tuple[Path, dt.date]:
    """The shipped brand with staffed hours dated around today in Paris; (file, today)."""
    today = dt.datetime.now(PARIS).date()
    data = yaml.safe_load((ROOT / "brand.yml").read_text(encoding="utf-8"))
    data["staffing"] = {**data["staffing"], "weekly": {}, "exceptions": [
        {"date": (today - dt.timedelta(days=1)).isoformat(), "hours": ["09:00-18:00"], "label": "yesterday"},
        {"date": (today + dt.timedelta(days=2)).isoformat(), "hours": ["09:00-10:00"], "label": "back"}]}
    data["staffing"].pop("holidays", None)
    path = tmp_path / "brand.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_brand(path).staffing is not None
    return path, today


async def sign_in(url: str, name: str, language: str = "en") -> tuple[ClientSession, str]:
    """A signed-in client session and where the sign-in sent it."""
    session = ClientSession(base_url=url, cookie_jar=CookieJar(unsafe=True), headers={"Accept-Language": language})
    page = await (await session.get("/console/login")).text()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    resp = await session.post("/console/login", data={"name": name, "password": PASSWORD, "csrf": token},
                              allow_redirects=False)
    assert resp.status == 303, await resp.text()
    return session, resp.headers["Location"]


def routes(page: str) -> dict[str, int]:
    return {route: int(n) for route, n in re.findall(r'<tr data-route="(\w+)"><th>[^<]*</th><td>(\d+)</td>', page)}


def section(page: str, name: str) -> str:
    return page.split(f'id="away-{name}"', 1)[1].split("</ol>", 1)[0]


async def test_the_first_visit_after_the_team_left_opens_on_the_digest_once_per_cm(
        redis: Redis, redis_url: str, graph: FakeGraphAPI, away_brand):
    from bot.console.accounts import Accounts

    brand_file, today = away_brand
    accounts = Accounts(redis)
    await accounts.add("alice", PASSWORD)
    await accounts.add("bob", PASSWORD)
    # While the team is away: two escalations (the angry one later), a held draft, two answers sent.
    first = await file_case(redis, "escalated", "Where is my parcel? It has been 3 weeks", sender="esc-1",
                            reasons=("asks_human", "after_hours"))
    second = await file_case(redis, "escalated", "This is a scandal, refund me", sender="esc-2", tone="angry",
                             reasons=("tone_angry", "after_hours"))
    draft = await file_case(redis, "held", "Do you ship to Belgium?", sender="held-1", draft="Yes, we do.")
    ledger = Ledger(redis)
    for mid in ("sent-1", "sent-2"):
        message = InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(mid), "hours?", int(time.time() * 1000))
        await ledger.record_outcome(message, "sent", ["intent:opening_hours", "after_hours"])
    now = [time.time() + 1]  # today, after all of it (the team last left yesterday at 18:00)
    client = await start_gateway(redis_url, graph, clock=lambda: now[0], brand_file=str(brand_file))
    url = str(client.make_url("")).rstrip("/")
    try:
        alice, landing = await sign_in(url, "alice")
        async with alice:
            assert landing == "/console/away"
            page = await (await alice.get("/console/away")).text()
            assert "While you were away" in page
            yesterday_18 = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(18), PARIS).timestamp()
            assert time.strftime("%d/%m %H:%M", time.localtime(yesterday_18)) in page  # since the team left
            assert routes(page) == {"sent": 2, "held": 1, "escalated": 2, "failed": 0}
            escalations = section(page, "escalations")
            assert "Escalations, oldest first (2)" in page
            shown = re.findall(r'data-id="(e-[^"]+)"', escalations)
            assert shown == [await item_id_for(redis, first), await item_id_for(redis, second)]  # oldest first
            assert "Where is my parcel?" in escalations and "refund me" in escalations
            drafts = section(page, "drafts")
            assert "Drafts waiting: 1 of 1" in page and "Yes, we do." in drafts
            assert f'data-id="{await item_id_for(redis, draft)}" data-status="open"' in drafts
            # Read once: the console now opens on the inbox, and the digest stays at /console/away.
            resp = await alice.get("/console/inbox/escalations", allow_redirects=False)
            assert resp.status == 200 and 'id="rows"' in await resp.text()
            assert (await alice.get("/console/", allow_redirects=False)).headers["Location"] == \
                "/console/inbox/escalations"

        bob, landing = await sign_in(url, "bob", language="fr")  # another CM has not read it yet
        async with bob:
            assert landing == "/console/away"
            page = await (await bob.get("/console/inbox/drafts")).text()  # a bookmark opens on it too
            assert "Pendant votre absence" in page and "Brouillons en attente : 1 sur 1" in page
            assert "Escalades, la plus ancienne d'abord (2)" in html.unescape(page)
            assert routes(page)["escalated"] == 2

        # The team works the day after tomorrow from 09:00 to 10:00; at 10:30 that is the last closing.
        now[0] = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(10, 30), PARIS).timestamp()
        alice, landing = await sign_in(url, "alice")
        async with alice:
            assert landing == "/console/away"
            page = await (await alice.get("/console/inbox/escalations")).text()
            assert "While you were away" in page
            assert routes(page) == {"sent": 0, "held": 0, "escalated": 0, "failed": 0}  # nothing since 10:00
            assert "Nothing in that time." in section(page, "escalations")
    finally:
        await close_client(client, timeout_s=5)


async def test_without_staffed_hours_the_console_opens_on_the_inbox(redis: Redis, redis_url: str,
                                                                   graph: FakeGraphAPI, tmp_path: Path):
    from bot.console.accounts import Accounts

    data = yaml.safe_load((ROOT / "brand.yml").read_text(encoding="utf-8"))
    data.pop("staffing")
    brand_file = tmp_path / "brand.yml"
    brand_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    await Accounts(redis).add("alice", PASSWORD)
    await file_case(redis, "escalated", "hello? anyone?", sender="esc-3")
    client = await start_gateway(redis_url, graph, brand_file=str(brand_file))
    try:
        alice, landing = await sign_in(str(client.make_url("")).rstrip("/"), "alice")
        async with alice:
            assert landing == "/console/inbox/escalations"
            page = await (await alice.get("/console/away")).text()  # still there, over the last 24 hours
            assert "The last 24 hours" in page and routes(page)["escalated"] == 1
    finally:
        await close_client(client, timeout_s=5)
