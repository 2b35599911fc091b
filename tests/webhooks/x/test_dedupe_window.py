"""X events stay "seen" longer than any path on which X can deliver them again."""

from __future__ import annotations

import time

import aiohttp

from bot import redis_keys as keys
from bot.settings import Settings
from bot.tools import x_account
from tests.fakes.x_api import APP_BEARER
from tests.helpers import STREAM
from webhooks.x.admin import REPLAY_MAX_S

FAN = "2244994945"
DEDUP_TTL_S = Settings(redis_url="redis://127.0.0.1:1/0").dedup_ttl_s


def test_the_dedupe_outlasts_every_documented_redelivery():
    from bot.settings import DEDUP_TTL_S as SHARED
    from webhooks.x import DEDUP_TTL_S as X_MARK
    from webhooks.x.admin import X_REDELIVERY_MAX_S

    assert SHARED == DEDUP_TTL_S == X_MARK
    assert DEDUP_TTL_S > X_REDELIVERY_MAX_S > REPLAY_MAX_S
    assert DEDUP_TTL_S > 36 * 3600  # Meta's retries


def env_for(x_api) -> dict[str, str]:
    return {"X_API_BASE": x_api.url, "X_BEARER_TOKEN": APP_BEARER, "X_WEBHOOK_ID": "hook-1"}


async def test_relais_x_replay_never_asks_further_back_than_x_keeps(x_api):
    async with aiohttp.ClientSession() as session:
        await x_account.replay(env_for(x_api), session, minutes=10 * 24 * 60)
    [asked] = x_api.replays
    oldest = time.strftime("%Y%m%d%H%M", time.gmtime(time.time() - REPLAY_MAX_S))
    assert asked["from_date"] >= oldest


async def test_each_delivery_of_an_x_event_keeps_it_seen_for_the_whole_window(x_webhook, x_api, redis):
    assert await x_api.deliver("Où est ma commande ?", FAN, event_id="888") == 200
    seen = keys.seen("x", "888")
    assert DEDUP_TTL_S - 60 < await redis.ttl(seen) <= DEDUP_TTL_S
    # Six and a half days on (the key has half a day left), a replay brings the event back — one of X's
    # replays covers what an earlier replay delivered, so this can go on for as long as replays are asked.
    await redis.expire(seen, 12 * 3600)
    async with aiohttp.ClientSession() as session:
        job = await x_account.replay(env_for(x_api), session, minutes=60)
    assert job["events"] == 1
    await x_api.idle()
    assert await redis.xlen(STREAM) == 1  # dropped as seen
    assert await redis.ttl(seen) > DEDUP_TTL_S - 60  # and seen for the whole window again
