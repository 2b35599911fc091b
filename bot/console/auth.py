"""Signing in to the console: throttled checks, sessions in Redis, and the guard on every page.

A session is a random token in an ``HttpOnly``, ``SameSite=Lax`` cookie
(``Secure`` when the console is reached over HTTPS, directly or through a
proxy on the same machine); Redis keeps only its SHA-256, with the CM's
name and the session's CSRF token, for ``console_session_s`` after the last
request. Failed sign-ins are counted per account and per address for 15
minutes: past 5 for one account or 20 from one address, sign-ins are
refused with 429 until the window ends, whatever the password.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass

from aiohttp import web
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.settings import LOOPBACK_HOSTS

log = logging.getLogger("relais.console.auth")

COOKIE = "relais_session"
ACCOUNT_LIMIT = 5
IP_LIMIT = 20
PUBLIC_PATHS = ("/console/login", "/console/static/")


@dataclass(frozen=True, slots=True)
class Session:
    name: str
    role: str
    csrf: str
    key: str
    language: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


CM = web.RequestKey("cm", Session)  # the signed-in CM of a request


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self.redis = redis
        self.ttl_s = ttl_s

    async def create(self, name: str, role: str) -> str:
        token = secrets.token_urlsafe(32)
        key = keys.console_session(_hash(token))
        value = json.dumps({"name": name, "role": role, "csrf": secrets.token_urlsafe(32), "at": time.time()})
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, value, ex=self.ttl_s)
            pipe.sadd(keys.console_sessions_of(name), key)
            pipe.expire(keys.console_sessions_of(name), self.ttl_s * 3)
            await pipe.execute()
        return token

    async def load(self, token: str) -> Session | None:
        """The session of a cookie, renewed; None when unknown, expired or its account is disabled."""
        if not token or len(token) > 100:
            return None
        key = keys.console_session(_hash(token))
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.expire(key, self.ttl_s)
            raw, _ = await pipe.execute()
        if raw is None:
            return None
        data = json.loads(raw)
        account = await self.redis.hmget(keys.console_account(data["name"]), "disabled", "language", "role")
        if account[0] is None or account[0] == b"1":
            await self.redis.delete(key)
            return None
        return Session(data["name"], (account[2] or b"cm").decode(), data["csrf"], key, (account[1] or b"").decode())

    async def destroy(self, session: Session) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(session.key)
            pipe.srem(keys.console_sessions_of(session.name), session.key)
            await pipe.execute()


class Throttle:
    """Failed sign-ins per account and per address, over a fixed 15-minute window."""

    def __init__(self, redis: Redis, window_s: int = keys.CONSOLE_LOGIN_WINDOW_S) -> None:
        self.redis = redis
        self.window_s = window_s

    async def retry_after(self, name: str, ip: str) -> int:
        """Seconds until a sign-in may be tried again (0: now)."""
        account_key, ip_key = keys.console_fails("account", name.lower()), keys.console_fails("ip", ip)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(account_key)
            pipe.ttl(account_key)
            pipe.get(ip_key)
            pipe.ttl(ip_key)
            account_n, account_ttl, ip_n, ip_ttl = await pipe.execute()
        waits = []
        if int(account_n or 0) >= ACCOUNT_LIMIT:
            waits.append(max(1, account_ttl))
        if int(ip_n or 0) >= IP_LIMIT:
            waits.append(max(1, ip_ttl))
        return max(waits, default=0)

    async def failed(self, name: str, ip: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (keys.console_fails("account", name.lower()), keys.console_fails("ip", ip)):
                pipe.incr(key)
                pipe.expire(key, self.window_s, nx=True)
            await pipe.execute()

    async def succeeded(self, name: str) -> None:
        await self.redis.delete(keys.console_fails("account", name.lower()))


def is_https(request: web.Request) -> bool:
    """HTTPS to the browser: the request itself, or a proxy on this machine that says so."""
    if request.secure:
        return True
    return request.remote in LOOPBACK_HOSTS and request.headers.get("X-Forwarded-Proto", "") == "https"


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str, max_age: int) -> None:
    response.set_cookie(COOKIE, token, max_age=max_age, path="/console", httponly=True, samesite="Lax",
                        secure=is_https(request))


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/console")


def is_public(path: str) -> bool:
    return path == "/console/login" or path.startswith("/console/static/")


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/console/api/") or "application/json" in request.headers.get("Accept", "")


@web.middleware
async def require_login(request: web.Request, handler) -> web.StreamResponse:
    """Every console page needs a signed-in CM; nothing of a fan's is shown otherwise."""
    from bot.console.context import console_of

    if is_public(request.path):
        return await handler(request)
    session = await console_of(request).sessions.load(request.cookies.get(COOKIE, ""))
    if session is None:
        if request.method == "GET" and not wants_json(request) and request.path != "/console/events":
            raise web.HTTPSeeOther("/console/login")
        return web.json_response({"error": "sign in first"}, status=401)
    request[CM] = session
    return await handler(request)
