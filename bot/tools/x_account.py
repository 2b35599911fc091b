"""``relais x connect | register | status | replay``: a brand's X account, set up from the terminal.

* ``connect`` — OAuth 2.0 with PKCE: prints the authorisation URL; X sends
  the browser back to the gateway's X webhook path, whose page says the
  authorisation arrived; the operator pastes that page's address here and
  the code is exchanged; the tokens are stored encrypted (``X_TOKEN_KEY``);
* ``register`` — the webhook (``X_WEBHOOK_URL``; X checks it with a CRC
  first, so the gateway must be up) and, for every connected account, the
  ``dm.received``, ``dm.sent`` and ``chat.received`` subscriptions;
* ``status`` — webhooks, subscriptions and connected accounts; a webhook
  X marks invalid is re-validated (``PUT /2/webhooks/:id``);
* ``replay`` — ask X to deliver again the last ``--minutes`` (≤ 24 hours).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable, Mapping

import aiohttp
from redis.asyncio import Redis

from bot.errors import ConfigError
from webhooks.x import DEFAULT_API_BASE
from webhooks.x.admin import EVENT_TYPES, AdminAPI
from webhooks.x.oauth import (DEFAULT_AUTHORIZE_URL, Authorisation, OAuthClient, Tokens, authorize_url,
                             code_from_redirect)
from webhooks.x.tokens import TokenStore


def _need(env: Mapping[str, str], key: str) -> str:
    value = env.get(key, "").strip()
    if not value:
        raise ConfigError(f"missing setting {key} (set it in the environment)")
    return value


def _api_base(env: Mapping[str, str]) -> str:
    return env.get("X_API_BASE", "").strip() or DEFAULT_API_BASE


def _store(env: Mapping[str, str], redis: Redis) -> TokenStore:
    oauth = OAuthClient(_api_base(env), _need(env, "X_CLIENT_ID"), env.get("X_CLIENT_SECRET", "").strip())
    return TokenStore(redis, _need(env, "X_TOKEN_KEY"), oauth)


def begin(env: Mapping[str, str]) -> tuple[Authorisation, str]:
    """A new authorisation (URL, state, PKCE verifier) and the redirect URI it names."""
    redirect_uri = env.get("X_REDIRECT_URI", "").strip() or _need(env, "X_WEBHOOK_URL")
    authorize_base = env.get("X_AUTHORIZE_URL", "").strip() or DEFAULT_AUTHORIZE_URL
    return authorize_url(_need(env, "X_CLIENT_ID"), redirect_uri, authorize_base), redirect_uri


async def finish(env: Mapping[str, str], redis: Redis, session: aiohttp.ClientSession, auth: Authorisation,
                 redirect_uri: str, redirected_to: str) -> Tokens:
    """Exchange the code of the address X redirected to, and store the tokens encrypted."""
    store = _store(env, redis)
    code = code_from_redirect(redirected_to, auth.state)
    tokens = await store.oauth.exchange(session, code, auth.verifier, redirect_uri)
    await store.save(tokens)
    return tokens


async def connect(env: Mapping[str, str], redis: Redis, session: aiohttp.ClientSession,
                  ask: Callable[[str], str] = input, say: Callable[[str], None] = print) -> str:
    """Run the PKCE flow in the terminal; the connected account's user id."""
    _store(env, redis)  # the settings are checked before the operator opens a browser
    auth, redirect_uri = begin(env)
    say("Open this address, sign in as the brand's X account and authorise the app:\n")
    say(auth.url + "\n")
    tokens = await finish(env, redis, session, auth, redirect_uri, ask("Address of the page X sent you to: "))
    say(f"connected @{tokens.username} (user id {tokens.user_id}); tokens stored encrypted, refreshed "
        "before they expire")
    return tokens.user_id


async def register(env: Mapping[str, str], redis: Redis, session: aiohttp.ClientSession,
                   say: Callable[[str], None] = print) -> dict:
    admin = AdminAPI(session, _api_base(env), _need(env, "X_BEARER_TOKEN"))
    url = _need(env, "X_WEBHOOK_URL")
    hook = next((h for h in await admin.webhooks() if h.get("url") == url), None) or await admin.create_webhook(url)
    say(f"webhook {hook['id']} → {url} (valid: {hook.get('valid')}); set X_WEBHOOK_ID={hook['id']}")
    store = _store(env, redis)
    existing = {(s.get("event_type"), (s.get("filter") or {}).get("user_id")) for s in await admin.subscriptions()}
    created = []
    for account in await store.accounts():
        token = await store.access_token(session, account)
        if not token:
            say(f"account {account}: tokens unusable; run relais x connect again")
            continue
        for event_type in EVENT_TYPES:
            if (event_type, account) in existing:
                continue
            sub = await admin.subscribe(token, account, hook["id"], event_type)
            created.append(sub)
            say(f"subscribed {account} to {event_type} ({sub.get('subscription_id', '?')})")
    return {"webhook": hook, "subscriptions": created}


async def status(env: Mapping[str, str], redis: Redis, session: aiohttp.ClientSession) -> dict:
    admin = AdminAPI(session, _api_base(env), _need(env, "X_BEARER_TOKEN"))
    hooks = await admin.webhooks()
    for hook in hooks:
        if not hook.get("valid"):
            hook["revalidated"] = await admin.revalidate(str(hook["id"]))
    accounts = []
    if env.get("X_TOKEN_KEY"):
        store = _store(env, redis)
        for account in await store.accounts():
            tokens = await store.load(account)
            accounts.append({"user_id": account, "username": tokens.username if tokens else "",
                             "expires_in_s": round(tokens.expires_at - time.time()) if tokens else None})
    return {"webhooks": hooks, "subscriptions": await admin.subscriptions(), "accounts": accounts}


async def replay(env: Mapping[str, str], session: aiohttp.ClientSession, minutes: float) -> dict:
    admin = AdminAPI(session, _api_base(env), _need(env, "X_BEARER_TOKEN"))
    return await admin.replay(_need(env, "X_WEBHOOK_ID"), time.time() - minutes * 60)


def _run(args: argparse.Namespace) -> int:
    from bot.tools.stackenv import local_env

    env = local_env()

    async def main() -> object:
        redis = Redis.from_url(env.get("REDIS_URL") or "redis://127.0.0.1:6380/0")
        try:
            async with aiohttp.ClientSession(headers={"User-Agent": "relais/0.2"}) as session:
                if args.x_command == "connect":
                    return await connect(env, redis, session)
                if args.x_command == "register":
                    return await register(env, redis, session)
                if args.x_command == "status":
                    return await status(env, redis, session)
                return await replay(env, session, args.minutes)
        finally:
            await redis.aclose()

    result = asyncio.run(main())
    if args.x_command in ("status", "replay"):
        print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """``relais x …`` on the main command's subparsers."""
    p = sub.add_parser("x", help="the brand's X account: connect, register the webhook, status, replay")
    x = p.add_subparsers(dest="x_command", required=True)
    x.add_parser("connect", help="authorise the app on the brand's X account (OAuth 2.0 PKCE)")
    x.add_parser("register", help="create the webhook and the DM subscriptions")
    x.add_parser("status", help="webhooks, subscriptions, accounts; re-validate an invalid webhook")
    r = x.add_parser("replay", help="ask X to deliver the last minutes again (at most 24 hours)")
    r.add_argument("--minutes", type=float, default=60.0)
    p.set_defaults(func=_run)
