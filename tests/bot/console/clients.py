"""Clients of the console under test: a browser over plain HTTP (its cookies, the sign-in form), and the
one-time codes a CM's authenticator app shows."""

from __future__ import annotations

import asyncio
import re
import time

import pyotp
from aiohttp import ClientResponse, ClientSession, CookieJar
from redis.asyncio import Redis


async def one_time_code(redis: Redis, name: str, secret: str) -> str:
    """A TOTP code of ``name`` that the console has not accepted yet: the current step's, or the next one's
    when that was used (codes are single-use); when every step of the window was, the next step is awaited."""
    from bot import redis_keys as keys
    from bot.console.totp import STEP_S, VALID_WINDOW

    last = await redis.get(keys.console_totp_step(name))
    step = int(time.time() // STEP_S) if last is None else max(int(time.time() // STEP_S), int(last) + 1)
    while step > int(time.time() // STEP_S) + VALID_WINDOW:
        await asyncio.sleep(0.5)
    return pyotp.TOTP(secret, interval=STEP_S).generate_otp(step)


class HttpBrowser:
    """One browser: its cookies (the sign-in form's CSRF cookie, the session, the device cookie) and the
    headers it (or the proxy in front of the console) adds to every request."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.http = ClientSession(base_url=url, cookie_jar=CookieJar(unsafe=True),
                                  headers={"Accept-Language": "en", **(headers or {})})
        self.csrf = ""
        self.session = ""  # the session cookie's value, as set at the last sign-in

    def cookies(self) -> set[str]:
        return {c.key for c in self.http.cookie_jar}

    async def open_form(self) -> None:
        page = await (await self.http.get("/console/login")).text()
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    async def sign_in(self, name: str, password: str, code: str = "", **headers: str) -> ClientResponse:
        """Send the sign-in form (opening it first when this browser has no form open)."""
        if not self.csrf or "relais_login_csrf" not in self.cookies():
            await self.open_form()
        # The form's cookie goes along even where the jar keeps it back (a Secure cookie over plain HTTP
        # to the proxy-less test server).
        resp = await self.http.post("/console/login", data={"name": name, "password": password, "code": code,
                                                            "csrf": self.csrf},
                                    cookies={"relais_login_csrf": self.csrf}, headers=headers,
                                    allow_redirects=False)
        await resp.read()
        if "relais_session" in resp.cookies:
            self.session = resp.cookies["relais_session"].value
        return resp

    async def get(self, path: str = "/console/stats", *, replay: bool = False, **headers: str) -> ClientResponse:
        """A page (by default one that opens on no other); not followed when it redirects. ``replay``: with the
        session cookie sent as it was set, even once the browser would have dropped it (its Max-Age passed)."""
        cookies = {"relais_session": self.session} if replay else None
        resp = await self.http.get(path, headers=headers, cookies=cookies, allow_redirects=False)
        await resp.read()
        return resp

    async def close(self) -> None:
        await self.http.close()
