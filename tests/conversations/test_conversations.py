"""Multi-turn conversations in French and English (``en.yml``, ``fr.yml``), played through the whole stack.

Each conversation is one fan: every turn (a text, a tapped button, a sticker or a
photo) is a signed Messenger webhook, handled
by the real worker with the real Rasa server and action server; the test waits
for the turn's outcome and checks what the fan received (or, for a held draft,
what the CM is asked to approve) against the turn's expectations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.brand import load_brand
from bot.redis_keys import CM_QUEUE
from tests.helpers import fan, outcome, post_signed, wait_until
from webhooks.messenger import simulate

pytestmark = pytest.mark.stack

HERE = Path(__file__).parent
BRAND = load_brand()
DAYTIME = "10:30"  # a conversation's local time when it gives none
ROUTES = {"sent": "sent", "held": "held", "escalated": "escalated"}


def conversations() -> list[dict]:
    out = []
    for path in sorted(HERE.glob("*.yml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            out.append(pytest.param(conv, id=f"{path.stem}: {conv['name']}"))
    return out


def timestamp_ms(at: str | None) -> int | None:
    """The latest past moment at ``at`` (HH:MM) in the brand's time zone, in epoch milliseconds."""
    if not at:
        return None
    zone = ZoneInfo(BRAND.time_zone)
    now = dt.datetime.now(zone)
    moment = now.replace(hour=int(at[:2]), minute=int(at[3:]), second=0, microsecond=0)
    if moment > now:
        moment -= dt.timedelta(days=1)
    return int(moment.timestamp() * 1000)


def fan_event(turn: dict, psid: str, mid: str, timestamp: int | None) -> dict:
    """One Messenger ``messaging[]`` event, as Meta documents it: the fan's text, a tapped button
    (``postback``, with its title), a sticker (``sticker: like`` is the thumbs-up) or a ``photo``."""
    event = simulate.text_event(turn.get("fan") or "", psid, mid=mid, timestamp_ms=timestamp)
    if "postback" in turn:
        del event["message"]
        event["postback"] = {"mid": mid, "payload": turn["postback"], "title": turn.get("title", "")}
    elif "sticker" in turn:
        sticker = 369239263222822 if turn["sticker"] == "like" else int(turn["sticker"])
        event["message"] = {"mid": mid, "sticker_id": sticker, "attachments": [
            {"type": "image", "payload": {"url": "https://scontent.example/sticker.png", "sticker_id": sticker}}]}
    elif "photo" in turn:
        event["message"] = {"mid": mid, "attachments": [
            {"type": "image", "payload": {"url": "https://scontent.example/photo.jpg"}}]}
    return event


def plain(text: str) -> str:
    """The text without the typography safe fixes add (curly apostrophes and quotes, non-breaking spaces)."""
    for fancy, simple in (("’", "'"), ("\u00a0", " "), ("\u202f", " "), ("“", '"'), ("”", '"')):
        text = text.replace(fancy, simple)
    return text


def without_disclosure(text: str) -> str:
    text = plain(text)
    for disclosure in (BRAND.disclosure or {}).values():
        text = text.replace(plain(disclosure), "").strip()
    return text


async def case_for(redis, message_id: str) -> dict:
    for _, fields in await redis.xrevrange(CM_QUEUE, count=200):
        case = json.loads(fields[b"case"])
        if case.get("message_id") == message_id:
            return case
    return {}


@pytest.mark.parametrize("conv", conversations())
async def test_conversation(conv, gateway, graph, redis):
    sender = "conv-" + hashlib.sha1(conv["name"].encode()).hexdigest()[:10]
    at = timestamp_ms(conv.get("at") or DAYTIME)  # the greeting depends on the fan's local time
    received = 0
    for n, turn in enumerate(conv["turns"]):
        mid = f"m_{sender}_{n}"
        event = simulate.delivery(fan_event(turn, fan(sender), mid, at + n * 60_000 if at else None))
        assert (await post_signed(gateway, event)).status == 200
        state = await outcome(redis, mid, timeout=60)
        where = f"turn {n + 1} {turn.get('fan') or turn.get('postback') or turn.get('sticker') or 'photo'!r}"
        if "route" in turn:
            assert state["status"] == ROUTES[turn["route"]], f"{where}: {state.get('status')} {state.get('reasons')}"
        if state["status"] in ("sent", "escalated"):
            await graph.wait_for(sender, count=received + 1)
            await wait_until(lambda: _settled(graph, sender), timeout=5)
            new = graph.to(sender)[received:]
            received += len(new)
            text = "\n\n".join(m.text for m in new)
        else:
            text = "\n\n".join(state.get("texts") or [])
        reply = without_disclosure(text)
        for fragment in map(plain, turn.get("says", [])):
            assert fragment in reply, f"{where}: {fragment!r} not in {reply!r}"
        for fragment in map(plain, turn.get("not_says", [])):
            assert fragment not in reply, f"{where}: {fragment!r} in {reply!r}"
        if "opens" in turn:
            assert reply.startswith(turn["opens"]), f"{where}: reply opens {reply[:40]!r}"
        for key, value in (turn.get("case") or {}).items():
            case = await case_for(redis, mid)
            assert case.get(key) == value, f"{where}: case {key} is {case.get(key)!r}"


_last_counts: dict[str, tuple[int, int]] = {}


async def _settled(graph, sender: str) -> bool:
    """No new message to this fan since the last look (a reply split in parts has arrived whole)."""
    import time

    count = len(graph.to(sender))
    seen, since = _last_counts.get(sender, (-1, 0))
    now = int(time.monotonic() * 1000)
    if count != seen:
        _last_counts[sender] = (count, now)
        return False
    return now - since >= 300
