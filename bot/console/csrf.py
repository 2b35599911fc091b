"""Cross-site request forgery: every state-changing request to the console carries the session's token.

A signed-in CM's session holds a random CSRF token; pages put it in each
form (``csrf`` field) and in a ``<meta>`` tag that the console's script
sends as ``X-CSRF-Token``. The sign-in form, before any session exists, uses
a double-submit cookie. A POST whose ``Origin`` is another site is refused
even with the right token. Refusals are 403 with the reason.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from bot.console.auth import CM

LOGIN_COOKIE = "relais_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("Host", "")
    return origin.split("://", 1)[-1] == host


async def _submitted(request: web.Request) -> str:
    token = request.headers.get("X-CSRF-Token", "")
    if token:
        return token
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # cached: the handler reads the same form
        value = form.get("csrf", "")
        return value if isinstance(value, str) else ""
    return ""


def _refuse(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=403)


@web.middleware
async def check_csrf(request: web.Request, handler) -> web.StreamResponse:
    if request.method in SAFE_METHODS:
        return await handler(request)
    if not _same_origin(request):
        return _refuse("cross-site request refused (Origin does not match)")
    submitted = await _submitted(request)
    if request.path == "/console/login":
        expected = request.cookies.get(LOGIN_COOKIE, "")
    else:
        session = request.get(CM)
        expected = session.csrf if session is not None else ""
    if not expected or not submitted or not hmac.compare_digest(submitted, expected):
        return _refuse("missing or wrong CSRF token")
    return await handler(request)
