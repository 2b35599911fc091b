"""Sessions of signed-in CMs, kept in Redis, and the guard on every console page.

A session is a random token in an ``HttpOnly``, ``SameSite=Lax`` cookie
(``Secure`` when the browser is on HTTPS, directly or through a trusted
proxy, see ``bot/forwarded.py``); Redis keeps only its SHA-256, with the
CM's name, the session's CSRF token, when it began and the account's epoch
then. A session ends:

- after ``RELAIS_CONSOLE_SESSION_IDLE_S`` (default 2 hours; the earlier
  ``RELAIS_CONSOLE_SESSION_S`` still sets it) without the CM doing
  anything: a page opened, a form sent, a check asked for. What an open page
  does by itself — the live event stream, the navigation bar's counts, the
  inbox's rows refreshing, the "viewing" heartbeat — does not keep it alive;
- ``RELAIS_CONSOLE_SESSION_MAX_S`` (default 12 hours) after signing in,
  whatever happens (an open event stream is closed then too);
- when the CM signs out, or when the account is disabled or its password,
  role or second factor changes (``relais cm …``): all its sessions at once.

A page asked for without a live session sends the browser to the sign-in
page; the page's background requests get 401, and its script goes there.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import time
from dataclasses import dataclass

from aiohttp import web
from redis.asyncio import Redis

from bot import forwarded
from bot import redis_keys as keys
from bot.console.context import console_of

COOKIE = "relais_session"
PUBLIC_PATHS = ("/console/login", "/console/static/")
# What an open page requests by itself: these neither renew a session's idle time nor redirect.
BACKGROUND = re.compile(r"^/console/(events|api/counts|api/item/[^/]+/viewing|inbox/[^/]+/rows)$")


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
    def __init__(self, redis: Redis, idle_s: float, max_s: float | None = None) -> None:
        self.redis = redis
        self.idle_s = idle_s
        self.max_s = max(idle_s, max_s if max_s is not None else idle_s)

    async def create(self, name: str, role: str, epoch: str = "0") -> str:
        """A new session for ``name`` (signed in with the account as it was at ``epoch``); its cookie's token."""
        token = secrets.token_urlsafe(32)
        key = keys.console_session(_hash(token))
        value = json.dumps({"name": name, "role": role, "csrf": secrets.token_urlsafe(32), "at": time.time(),
                            "epoch": epoch})
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, value, px=math.ceil(self.idle_s * 1000))
            pipe.sadd(keys.console_sessions_of(name), key)
            pipe.expire(keys.console_sessions_of(name), math.ceil(self.max_s))  # past every session it lists
            await pipe.execute()
        return token

    async def load(self, token: str, *, renew: bool = True) -> Session | None:
        """The session of a cookie (its idle time renewed when ``renew``); None when there is none, it is
        idle or old, its account is disabled, or the account changed since it began."""
        if not token or len(token) > 100:
            return None
        key = keys.console_session(_hash(token))
        raw = await self.redis.get(key)
        if raw is None:
            return None
        data = json.loads(raw)
        left = float(data.get("at", 0)) + self.max_s - time.time()
        account = await self.redis.hmget(keys.console_account(data["name"]), "disabled", "language", "role", "epoch")
        if (left <= 0 or account[0] is None or account[0] == b"1"
                or (account[3] or b"0").decode() != str(data.get("epoch", "0"))):
            await self._end(data["name"], key)
            return None
        if renew:
            await self.redis.pexpire(key, math.ceil(min(self.idle_s, left) * 1000))
        return Session(data["name"], (account[2] or b"cm").decode(), data["csrf"], key, (account[1] or b"").decode())

    async def alive(self, session: Session) -> bool:
        """Whether a session loaded earlier is still live (nothing renewed)."""
        raw = await self.redis.get(session.key)
        if raw is None:
            return False
        data = json.loads(raw)
        if float(data.get("at", 0)) + self.max_s <= time.time():
            return False
        account = await self.redis.hmget(keys.console_account(session.name), "disabled", "epoch")
        return account[0] == b"0" and (account[1] or b"0").decode() == str(data.get("epoch", "0"))

    async def destroy(self, session: Session) -> None:
        await self._end(session.name, session.key)

    async def _end(self, name: str, key: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.srem(keys.console_sessions_of(name), key)
            await pipe.execute()


def trusted_proxies(request: web.Request) -> tuple[str, ...]:
    return console_of(request).settings.trusted_proxies


def is_https(request: web.Request) -> bool:
    """HTTPS to the browser: the request itself, or a trusted proxy that says so."""
    return forwarded.is_https(request, trusted_proxies(request))


def client_address(request: web.Request) -> str:
    return forwarded.client_address(request, trusted_proxies(request))


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str, max_age: int) -> None:
    response.set_cookie(COOKIE, token, max_age=max_age, path="/console", httponly=True, samesite="Lax",
                        secure=is_https(request))


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/console")


def is_public(path: str) -> bool:
    return path == "/console/login" or path.startswith("/console/static/")


def is_background(path: str) -> bool:
    return BACKGROUND.match(path) is not None


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/console/api/") or "application/json" in request.headers.get("Accept", "")


@web.middleware
async def require_login(request: web.Request, handler) -> web.StreamResponse:
    """Every console page needs a signed-in CM; nothing of a fan's is shown otherwise."""
    if is_public(request.path):
        return await handler(request)
    background = is_background(request.path)
    session = await console_of(request).sessions.load(request.cookies.get(COOKIE, ""), renew=not background)
    if session is None:
        if request.method == "GET" and not wants_json(request) and not background:
            raise web.HTTPSeeOther("/console/login")
        return web.json_response({"error": "sign in first"}, status=401)
    request[CM] = session
    return await handler(request)
