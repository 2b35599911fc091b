"""Headers on every console response: a strict Content-Security-Policy and no caching of fans' data.

The policy allows the console's own script and stylesheet only — no inline
script, no ``eval``, no third-party origin, no framing — so even a fan text
that slipped past escaping could not run. A response to a browser on HTTPS
(a TLS connection to Relais, or ``X-Forwarded-Proto: https`` from a trusted
proxy, see ``bot/forwarded.py``) also carries ``Strict-Transport-Security``
for a year, subdomains included, so the browser never asks over plain HTTP
again; a response over plain HTTP never does (browsers ignore it there, and
it would pin a site that has no HTTPS yet).
"""

from __future__ import annotations

from aiohttp import web

from bot.console.auth import is_https

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def headers_for(request: web.Request) -> dict[str, str]:
    """The security headers of a response to ``request``."""
    return {**HEADERS, "Strict-Transport-Security": HSTS} if is_https(request) else dict(HEADERS)


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _apply(request, response)
        raise
    _apply(request, response)
    return response


def _apply(request: web.Request, response: web.StreamResponse) -> None:
    if response.prepared:  # a stream (SSE) sent its headers already; it set its own
        return
    response.headers.update(headers_for(request))
    if request.path.startswith("/console/static/"):
        response.headers["Cache-Control"] = "private, max-age=300"
    else:
        response.headers["Cache-Control"] = "no-store"
