"""X direct messages, on the X Activity API (XAA), behind the channel interface.

Receive (``receive.py``, ``signature.py``, ``xchat.py``): the CRC check and
the ``x-twitter-webhooks-signature`` of each event POST, both HMAC-SHA256
under the app's consumer secret (the CRC answers only a token of X's form,
never an event body, and only so often: ``bot.ratelimit``); each delivery
keeps the ids it carries deduplicated for ``DEDUP_TTL_S`` more, as X can
replay a replay; ``dm.received`` → an inbound message,
``dm.sent`` → our own send (dropped) or a person's reply from the X app
(the conversation goes to a person), ``chat.received`` → a CM, never the bot.
Send (``send.py``, ``limits.py``, ``tokens.py``): the DM API with the brand
account's OAuth 2.0 token, inside X's limits shared by every worker through
Redis. Set-up (``oauth.py``, ``admin.py``, ``bot/tools/x_account.py``) and
recovery after downtime (``recovery.py``).

Why aiohttp against the documented endpoints rather than the official
``xdk`` SDK: xdk's client is synchronous (``requests``), so every call would
block the worker's event loop or need a thread per send, and its generated
methods return parsed models without the response headers — the
``x-rate-limit-reset`` of a 429 — nor a way to tell "X refused" from "the
answer was lost", which is what the send engine's never-twice guarantee
rests on. The six endpoints Relais needs are small, stable JSON calls.

Settings (environment): ``X_CONSUMER_SECRET`` (CRC and signatures; with
none every X request is refused), ``X_CLIENT_ID`` / ``X_CLIENT_SECRET``
(OAuth 2.0 app), ``X_TOKEN_KEY`` (Fernet key the tokens are encrypted
with; required with ``X_CLIENT_ID``), ``X_ACCESS_TOKEN`` (a fixed
user-context token instead of ``relais x connect``), ``X_BEARER_TOKEN``
(app-only: webhooks, subscriptions, replay), ``X_WEBHOOK_ID`` (the webhook
to replay after downtime), ``X_WEBHOOK_URL`` (the public HTTPS URL
``relais x register`` registers; also the OAuth redirect unless
``X_REDIRECT_URI``), ``X_SEND_LIMITS`` / ``X_APP_SEND_LIMITS``
(``COUNT/SECONDS`` lists, default ``15/900,1440/86400`` and ``1440/86400``),
``X_API_BASE``, ``X_AUTHORIZE_URL``, ``X_SEND_TIMEOUT_S``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
import uuid
from collections.abc import Mapping
from typing import ClassVar

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.channels import DELIVERED, Channel, ChannelLimits, SendResult, WebhookBatch
from bot.errors import ConfigError, ForbiddenError
from bot.messages import OutboundReply
from bot.settings import DEDUP_TTL_S, env_bool, env_float, env_url
from webhooks.x import simulate
from webhooks.x.admin import AdminAPI
from webhooks.x.limits import DEFAULT_ACCOUNT_LIMITS, DEFAULT_APP_LIMITS, Limit, SendLimiter, limits_from_env, \
    parse_limits
from webhooks.x.oauth import DEFAULT_AUTHORIZE_URL, OAuthClient
from webhooks.x.receive import PLATFORM, parse_delivery
from webhooks.x.recovery import maintain
from webhooks.x.send import DMAPI, MAX_TEXT
from webhooks.x.signature import HEADER, crc_response, verify_signature
from webhooks.x.tokens import TokenStore, fernet
from webhooks.x.xchat import Decryptor, NoDecryptor

log = logging.getLogger("relais.webhooks.x")

DEFAULT_API_BASE = "https://api.x.com"


class XChannel(Channel):
    platform: ClassVar[str] = PLATFORM
    # No reply window on X; 15 DMs per 15 minutes per account is the send rate.
    limits: ClassVar[ChannelLimits] = ChannelLimits(max_text=MAX_TEXT, reply_window_s=None, sends_per_s=15 / 900)
    webhook_path: ClassVar[str] = "/webhooks/x"
    demo_account_id: ClassVar[str] = simulate.DEMO_ACCOUNT_ID
    # A replay covers what was delivered in its window, earlier replays included: each delivery keeps the
    # ids it carries "seen" for DEDUP_TTL_S more (bot.settings.DEDUP_TTL_S says why that is long enough).
    renews_dedupe: ClassVar[bool] = True

    def __init__(self, consumer_secret: str, *, redis_url: str = "", api_base: str = DEFAULT_API_BASE,
                 access_token: str = "", client_id: str = "", client_secret: str = "", token_key: str = "",
                 bearer_token: str = "", webhook_id: str = "", account_limits: tuple[Limit, ...] | None = None,
                 app_limits: tuple[Limit, ...] | None = None, send_timeout_s: float = 10.0,
                 decryptor: Decryptor | None = None, background: bool = True,
                 authorize_url: str = DEFAULT_AUTHORIZE_URL) -> None:
        self.consumer_secret = consumer_secret
        self.redis_url = redis_url
        self.api_base = api_base.rstrip("/")
        self.access_token = access_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_key = token_key
        self.bearer_token = bearer_token
        self.webhook_id = webhook_id
        self.account_limits = account_limits or parse_limits(DEFAULT_ACCOUNT_LIMITS, "X_SEND_LIMITS")
        self.app_limits = app_limits or parse_limits(DEFAULT_APP_LIMITS, "X_APP_SEND_LIMITS")
        self.authorize_url = authorize_url
        self.dm_api = DMAPI(self.api_base, timeout_s=send_timeout_s)
        self.decryptor = decryptor or NoDecryptor()
        self.background = background
        self.session = None
        self.redis: Redis | None = None
        self.limiter: SendLimiter | None = None
        self.store: TokenStore | None = None
        self._maintenance: asyncio.Task | None = None
        if token_key:
            fernet(token_key)  # a bad key fails at start-up, naming X_TOKEN_KEY

    def __repr__(self) -> str:  # never the secrets
        return f"XChannel(api_base={self.api_base!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "XChannel":
        client_id = env.get("X_CLIENT_ID", "").strip()
        token_key = env.get("X_TOKEN_KEY", "").strip()
        if client_id and not token_key:
            raise ConfigError("missing setting X_TOKEN_KEY (the key the X tokens are encrypted with)")
        account_limits, app_limits = limits_from_env(env)
        return cls(
            env.get("X_CONSUMER_SECRET", "").strip(),
            redis_url=env_url(env, "REDIS_URL", ("redis", "rediss", "unix")) if env.get("REDIS_URL") else "",
            api_base=env_url(env, "X_API_BASE", ("http", "https"), DEFAULT_API_BASE),
            access_token=env.get("X_ACCESS_TOKEN", "").strip(),
            client_id=client_id, client_secret=env.get("X_CLIENT_SECRET", "").strip(), token_key=token_key,
            bearer_token=env.get("X_BEARER_TOKEN", "").strip(), webhook_id=env.get("X_WEBHOOK_ID", "").strip(),
            account_limits=account_limits, app_limits=app_limits,
            send_timeout_s=env_float(env, "X_SEND_TIMEOUT_S", 10.0),
            background=not env_bool(env, "RELAIS_SANDBOX", False),
            authorize_url=env_url(env, "X_AUTHORIZE_URL", ("http", "https"), DEFAULT_AUTHORIZE_URL),
        )

    @classmethod
    def sandbox_env(cls, env: Mapping[str, str]) -> dict[str, str]:
        return {} if env.get("X_CONSUMER_SECRET") else {"X_CONSUMER_SECRET": secrets.token_hex(16)}

    # -- receive ---------------------------------------------------------------------------
    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        verify_signature(self.consumer_secret, body, headers.get(HEADER))

    def parse(self, data: object) -> WebhookBatch:
        return parse_delivery(data, self.decryptor)

    def answer_check(self, query: Mapping[str, str]) -> tuple[str, str]:
        """``GET ?crc_token=`` → X's CRC answer; ``?state=&code=`` → the OAuth redirect's landing page."""
        if "crc_token" in query:
            return json.dumps(crc_response(self.consumer_secret, query["crc_token"])), "application/json"
        if "state" in query and ("code" in query or "error" in query):
            if "error" in query:
                return "Relais: X did not authorise the account. Run relais x connect again.\n", "text/plain"
            return ("Relais: X authorisation received. Copy the address of this page into the terminal where "
                    "relais x connect is waiting.\n"), "text/plain"
        raise ForbiddenError("expected crc_token")

    def ack_body(self) -> str:
        return ""

    # -- send ------------------------------------------------------------------------------
    def open(self, session) -> None:
        self.session = session
        if not self.redis_url or self.redis is not None:
            return
        self.redis = Redis.from_url(self.redis_url, socket_timeout=10, socket_connect_timeout=2)
        self.limiter = SendLimiter(self.redis, self.account_limits, self.app_limits)
        if self.token_key:
            oauth = OAuthClient(self.api_base, self.client_id, self.client_secret) if self.client_id else None
            self.store = TokenStore(self.redis, self.token_key, oauth)
        if self.background:
            admin = AdminAPI(session, self.api_base, self.bearer_token) if self.bearer_token else None
            self._maintenance = asyncio.get_running_loop().create_task(
                maintain(self.redis, session, self.store, admin, self.webhook_id), name="relais-x-maintenance")

    async def _access_token(self, account_id: str) -> str | None:
        if self.store is not None:
            token = await self.store.access_token(self.session, account_id)
            if token:
                return token
        return self.access_token or None

    async def send(self, reply: OutboundReply) -> SendResult:
        if self.redis is None or self.limiter is None:
            return SendResult.refused("X channel has no Redis (REDIS_URL) for its send limits", retryable=True,
                                      retry_after_s=60)
        tag = reply.tag or uuid.uuid4().hex
        try:
            token = await self._access_token(reply.account_id)
            if token is None:
                return SendResult.refused("X account not connected (relais x connect)", account_blocked=True)
            wait = await self.limiter.reserve(reply.account_id, tag)
        except RedisError as exc:
            return SendResult.refused(f"X send limits unreadable ({type(exc).__name__})", retryable=True)
        if wait > 0.05:
            at = time.strftime("%H:%M", time.gmtime(time.time() + wait))
            return SendResult.refused(f"queued: X rate limit, sends at {at} UTC", retryable=True, retry_after_s=wait)
        result, _ = await self.dm_api.send(self.session, token, reply.recipient_id, reply.text)
        try:
            await self.limiter.spent(tag)
            if result.status == DELIVERED:
                # X's dm.sent copy of this DM carries this id: the dedupe drops it, so it is not taken for
                # a person's reply — also when a replay brings the copy back (bot.settings.DEDUP_TTL_S).
                await self.redis.set(keys.seen(PLATFORM, result.platform_message_id), "1", ex=DEDUP_TTL_S)
            elif result.retryable and result.retry_after_s and "429" in result.reason:
                await self.limiter.pause(reply.account_id, time.time() + result.retry_after_s)
        except RedisError as exc:
            log.warning("X send bookkeeping failed after a send: %s", type(exc).__name__)
        return result

    async def first_name(self, account_id: str, user_id: str) -> str | None:
        if self.session is None:
            return None
        try:
            token = await self._access_token(account_id)
            if not token:
                return None
            async with self.session.get(f"{self.api_base}/2/users/{user_id}", params={"user.fields": "name"},
                                        headers={"Authorization": f"Bearer {token}"},
                                        timeout=aiohttp.ClientTimeout(total=2)) as resp:
                data = await resp.json(content_type=None) if resp.status == 200 else {}
        except (OSError, asyncio.TimeoutError, ValueError, RedisError) as exc:
            log.info("X profile lookup failed: %s", type(exc).__name__)
            return None
        name = str((data.get("data") or {}).get("name") or "").strip() if isinstance(data, dict) else ""
        return name.split()[0][:100] if name else None

    def credential_fingerprint(self, account_id: str) -> str:
        if self.store is not None and account_id in self.store.fingerprints:
            return self.store.fingerprints[account_id]
        return hashlib.sha256(self.access_token.encode()).hexdigest()[:12]

    # -- playing a fan -------------------------------------------------------------------------
    def signed_delivery(self, texts: list[tuple[str, str, str]]) -> tuple[bytes, dict[str, str]]:
        account = self.demo_account_id
        events = [simulate.dm_event(text, sender, account, mid) for sender, mid, text in texts]
        body = simulate.envelope("dm.received", {"direct_message_events": events, "users": {}}, account)
        return simulate.signed(body, self.consumer_secret)
