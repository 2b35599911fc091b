"""Setting up a brand's X account: PKCE through the gateway, tokens encrypted at rest and refreshed,
the webhook and subscriptions registered, an invalid webhook re-validated, a replay after downtime."""

from __future__ import annotations

import time

import aiohttp
import pytest
from cryptography.fernet import Fernet

from bot import redis_keys as keys
from bot.errors import ForbiddenError
from bot.tools import x_account
from tests.fakes.x_api import APP_BEARER, CLIENT_ID
from webhooks.x.admin import AdminAPI
from webhooks.x.recovery import replay_missed
from webhooks.x.tokens import TokenStore

KEY = Fernet.generate_key().decode()


def env_for(x_api, gateway) -> dict[str, str]:
    return {"X_CLIENT_ID": CLIENT_ID, "X_TOKEN_KEY": KEY, "X_API_BASE": x_api.url, "X_BEARER_TOKEN": APP_BEARER,
            "X_AUTHORIZE_URL": f"{x_api.url}/i/oauth2/authorize",
            "X_WEBHOOK_URL": str(gateway.make_url("/webhooks/x"))}


async def browser(session: aiohttp.ClientSession, url: str) -> str:
    """The operator approves; X sends the browser to the gateway; the address it landed on."""
    async with session.get(url, allow_redirects=False) as resp:
        assert resp.status == 302
        landed = resp.headers["Location"]
    async with session.get(landed) as page:
        assert page.status == 200 and "relais x connect" in await page.text()
    return landed


async def connected(env, redis, session):
    auth, redirect_uri = x_account.begin(env)
    assert "code_challenge_method=S256" in auth.url and "offline.access" in auth.url.replace("+", " ")
    return await x_account.finish(env, redis, session, auth, redirect_uri, await browser(session, auth.url))


async def test_connect_stores_the_tokens_encrypted_and_refreshes_them(x_webhook, x_api, redis):
    env = env_for(x_api, x_webhook)
    async with aiohttp.ClientSession() as session:
        tokens = await connected(env, redis, session)
        assert tokens.user_id == x_api.account_id
        blob = await redis.get(keys.x_token(tokens.user_id))
        assert tokens.access_token.encode() not in blob and tokens.refresh_token.encode() not in blob
        assert Fernet(KEY.encode()).decrypt(blob)  # readable only with the key from the environment
        store = x_account._store(env, redis)
        assert await store.access_token(session, tokens.user_id) == tokens.access_token  # fresh: kept
        x_api.token_lifetime_s = 3600
        await redis.set(keys.x_token(tokens.user_id), Fernet(KEY.encode()).encrypt(
            (await _expiring(store, tokens.user_id)).encode()))
        fresh = await store.access_token(session, tokens.user_id)
        assert fresh and fresh != tokens.access_token and x_api.tokens[fresh] == tokens.user_id
        rotated = await store.load(tokens.user_id)
        assert rotated.refresh_token != tokens.refresh_token  # X rotates it; the new one is what is kept
        assert await TokenStore(redis, Fernet.generate_key().decode()).load(tokens.user_id) is None  # wrong key


async def _expiring(store: TokenStore, account: str) -> str:
    import json

    data = (await store.load(account)).as_dict()
    data["expires_at"] = time.time() + 60  # inside the refresh margin
    return json.dumps(data)


async def test_an_authorisation_from_another_flow_is_refused(x_webhook, x_api, redis):
    env = env_for(x_api, x_webhook)
    async with aiohttp.ClientSession() as session:
        auth, redirect_uri = x_account.begin(env)
        other, _ = x_account.begin(env)
        landed = await browser(session, other.url)
        with pytest.raises(ForbiddenError, match="state"):
            await x_account.finish(env, redis, session, auth, redirect_uri, landed)


async def test_register_creates_a_crc_checked_webhook_and_the_subscriptions(x_webhook, x_api, redis):
    env = env_for(x_api, x_webhook)
    async with aiohttp.ClientSession() as session:
        await connected(env, redis, session)
        result = await x_account.register(env, redis, session, say=lambda line: None)
        assert x_api.crc_checks == 1 and result["webhook"]["valid"]
        assert sorted(s["event_type"] for s in x_api.subscriptions) == ["chat.received", "dm.received", "dm.sent"]
        assert {s["filter"]["user_id"] for s in x_api.subscriptions} == {x_api.account_id}
        again = await x_account.register(env, redis, session, say=lambda line: None)
        assert again["subscriptions"] == [] and len(x_api.webhooks) == 1  # running it twice changes nothing
        hook = next(iter(x_api.webhooks.values()))
        hook["valid"] = False  # X stopped delivering after failed CRCs
        report = await x_account.status(env, redis, session)
        assert report["webhooks"][0]["revalidated"] is True and hook["valid"] is True
        assert report["accounts"][0]["user_id"] == x_api.account_id and len(report["subscriptions"]) == 3


async def test_after_downtime_the_missed_window_is_replayed_once(x_webhook, x_api, redis):
    async with aiohttp.ClientSession() as session:
        admin = AdminAPI(session, x_api.url, APP_BEARER)
        assert await replay_missed(redis, admin, "hook-1") is None  # first start: nothing to replay
        assert await replay_missed(redis, admin, "hook-1") is None  # no gap
        stopped_at = time.time() - 2 * 3600
        await redis.set(keys.X_ALIVE, f"{stopped_at:.3f}")
        job = await replay_missed(redis, admin, "hook-1")
        assert job is not None and len(x_api.replays) == 1
        asked = x_api.replays[0]
        assert asked["webhook_id"] == "hook-1"
        assert asked["from_date"] == time.strftime("%Y%m%d%H%M", time.gmtime(stopped_at - 60))
        await redis.set(keys.X_ALIVE, f"{time.time() - 3 * 24 * 3600:.3f}")
        await redis.delete(keys.X_REPLAY_LOCK)
        await replay_missed(redis, admin, "hook-1")
        oldest = time.strftime("%Y%m%d%H%M", time.gmtime(time.time() - 24 * 3600 + 60))
        assert x_api.replays[1]["from_date"] >= oldest[:-1]  # never more than X keeps (24 hours)
