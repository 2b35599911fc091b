"""Each brand account's X tokens, encrypted at rest in Redis and refreshed before they expire.

The tokens are one Fernet token (AES-128-CBC with HMAC-SHA256, from the
maintained ``cryptography`` package) under ``X_TOKEN_KEY``, a key that only
the environment holds: Redis, its append-only file and its backups never
see a token in clear. Every worker reads the same entry; a token expiring
within ``REFRESH_BEFORE_S`` is refreshed by whichever process gets the
account's refresh lock first (X rotates the refresh token, so two refreshes
at once would leave one of them holding a dead token), the others wait for
the new entry. ``fingerprint`` changes whenever the entry does, which lifts
an account blocked on an invalid token once ``relais x connect`` ran again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time

import aiohttp
from cryptography.fernet import Fernet, InvalidToken
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.errors import ConfigError, SendError
from webhooks.x.oauth import OAuthClient, Tokens

log = logging.getLogger("relais.webhooks.x.tokens")

REFRESH_BEFORE_S = 10 * 60.0


def fernet(key: str, setting: str = "X_TOKEN_KEY") -> Fernet:
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise ConfigError(f"setting {setting} must be a Fernet key (32 url-safe base64 bytes; "
                          "make one with: python -c 'from cryptography.fernet import Fernet; "
                          "print(Fernet.generate_key().decode())')") from None


class TokenStore:
    def __init__(self, redis: Redis, key: str, oauth: OAuthClient | None = None) -> None:
        self.redis = redis
        self.fernet = fernet(key)
        self.oauth = oauth
        self.fingerprints: dict[str, str] = {}  # account → fingerprint of the entry last read

    async def save(self, tokens: Tokens) -> None:
        if not tokens.user_id:
            raise ConfigError("X tokens without the account's user id cannot be stored")
        blob = self.fernet.encrypt(json.dumps(tokens.as_dict()).encode())
        await self.redis.set(keys.x_token(tokens.user_id), blob)
        self.fingerprints[tokens.user_id] = hashlib.sha256(blob).hexdigest()[:12]

    async def load(self, account_id: str) -> Tokens | None:
        blob = await self.redis.get(keys.x_token(account_id))
        if blob is None:
            self.fingerprints.pop(account_id, None)
            return None
        self.fingerprints[account_id] = hashlib.sha256(blob).hexdigest()[:12]
        try:
            return Tokens(**json.loads(self.fernet.decrypt(blob)))
        except (InvalidToken, ValueError, TypeError):
            log.error("the stored X tokens of an account cannot be decrypted with X_TOKEN_KEY; "
                      "run relais x connect again")
            return None

    async def accounts(self) -> list[str]:
        out = []
        async for key in self.redis.scan_iter(match=keys.x_token("*"), count=200):
            name = key.decode().removeprefix(keys.x_token(""))
            if name.isdigit():
                out.append(name)
        return sorted(out)

    async def access_token(self, session: aiohttp.ClientSession, account_id: str) -> str | None:
        """A valid access token for the account (refreshed first when it expires soon); None if not connected."""
        tokens = await self.load(account_id)
        if tokens is None:
            return None
        if tokens.expiring(REFRESH_BEFORE_S) and tokens.refresh_token and self.oauth is not None:
            tokens = await self.refresh(session, tokens) or tokens
        return tokens.access_token if not tokens.expiring(0) else None

    async def refresh(self, session: aiohttp.ClientSession, tokens: Tokens) -> Tokens | None:
        """Refresh under the account's lock; another process refreshing → wait for its result."""
        assert self.oauth is not None
        lock = keys.x_token_lock(tokens.user_id)
        if not await self.redis.set(lock, "1", nx=True, ex=keys.X_TOKEN_LOCK_TTL_S):
            for _ in range(keys.X_TOKEN_LOCK_TTL_S * 10):
                await asyncio.sleep(0.1)
                current = await self.load(tokens.user_id)
                if current is not None and current.refresh_token != tokens.refresh_token:
                    return current
                if not await self.redis.exists(lock):
                    break
            return await self.load(tokens.user_id)
        try:
            current = await self.load(tokens.user_id)  # refreshed by another process just before the lock?
            if current is not None and current.refresh_token != tokens.refresh_token:
                return current
            fresh = await self.oauth.refresh(session, tokens)
            await self.save(fresh)
            log.info("X tokens of an account refreshed; valid for %.0f min", (fresh.expires_at - time.time()) / 60)
            return fresh
        except SendError as exc:
            log.error("refreshing the X tokens of an account failed: %s", exc.public)
            return None
        finally:
            await self.redis.delete(lock)
