"""A stand-in for the X API on 127.0.0.1 that speaks the documented endpoints and records every call.

* ``POST /2/dm_conversations/with/:participant_id/messages`` — user-context
  bearer token; ``{"text"}`` → 201 ``{"data": {"dm_conversation_id",
  "dm_event_id"}}``. Like X it enforces 15 DMs per ``window_s`` per user
  (429, error code 88, ``x-rate-limit-reset``), and it posts the
  ``dm.sent`` copy of each DM to the webhook, signed;
* ``POST /2/oauth2/token`` (authorization_code with PKCE S256, refresh_token
  — rotated on each use), ``GET /i/oauth2/authorize`` (approves at once:
  302 to ``redirect_uri`` with ``code`` and ``state``), ``GET /2/users/me``,
  ``GET /2/users/:id``;
* ``POST`` / ``GET /2/webhooks`` and ``PUT /2/webhooks/:id`` — app bearer
  token; creating and re-validating run a CRC against the webhook URL and
  check its ``response_token``; ``POST`` / ``GET /2/activity/subscriptions``;
* ``POST /2/webhooks/replay`` — posts again every event it delivered
  (``deliver``) between ``from_date`` and ``to_date`` (``yyyymmddhhmm``).

Scripted send behaviours, consumed one per call from ``failures``:
``(429, reset_in_s)``, ``(status, code)``, ``"timeout"``.
"""

from __future__ import annotations

import asyncio
import base64
import calendar
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from tests.fakes.server import LocalServer
from webhooks.x import simulate

CONSUMER_SECRET = "test-x-consumer-secret"
APP_BEARER = "test-x-app-bearer"
USER_TOKEN = "test-x-user-token"
CLIENT_ID = "test-x-client-id"


@dataclass
class SentDM:
    account_id: str
    participant_id: str
    text: str
    dm_event_id: str
    at: float  # time.time()
    received_at: float  # time.perf_counter()


@dataclass
class FakeXAPI(LocalServer):
    consumer_secret: str = CONSUMER_SECRET
    account_id: str = simulate.DEMO_ACCOUNT_ID
    tokens: dict[str, str] = field(default_factory=lambda: {USER_TOKEN: simulate.DEMO_ACCOUNT_ID})
    window_s: float = 900.0  # X's 15-minute window for 15 DMs per user
    per_window: int = 15
    token_lifetime_s: int = 7200
    names: dict[str, str] = field(default_factory=dict)  # user id → display name
    webhook: Any = None  # a TestClient of the gateway, or its base URL
    failures: list[Any] = field(default_factory=list)
    hang_s: float = 5.0
    sent: list[SentDM] = field(default_factory=list)
    answered_429: int = 0
    delivered_events: list[tuple[float, bytes]] = field(default_factory=list)  # (time, raw body) for replay
    webhooks: dict[str, dict] = field(default_factory=dict)
    subscriptions: list[dict] = field(default_factory=list)
    replays: list[dict] = field(default_factory=list)
    crc_checks: int = 0
    _codes: dict[str, dict] = field(default_factory=dict)
    _refresh: dict[str, str] = field(default_factory=dict)  # refresh token → user id
    _sent_times: dict[str, list[float]] = field(default_factory=dict)
    _tasks: set = field(default_factory=set)
    _session: aiohttp.ClientSession | None = None

    # -- the webhook ---------------------------------------------------------------------------
    async def _http(self, method: str, path: str, **kwargs) -> tuple[int, bytes]:
        if isinstance(self.webhook, str):
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession()
            async with self._session.request(method, self.webhook.rstrip("/") + path, **kwargs,
                                             timeout=aiohttp.ClientTimeout(total=10)) as resp:
                return resp.status, await resp.read()
        resp = await self.webhook.request(method, path, **kwargs)
        return resp.status, await resp.read()

    async def post_event(self, body: dict | bytes, record: bool = True) -> int:
        """Post one signed event to the webhook, as X does; its status."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        if record:
            self.delivered_events.append((time.time(), raw))
        raw, headers = simulate.signed(raw, self.consumer_secret)
        status, _ = await self._http("POST", "/webhooks/x", data=raw, headers=headers)
        return status

    async def deliver(self, text: str, sender: str, event_id: str | None = None) -> int:
        """A fan's DM to the brand, delivered as ``dm.received``."""
        return await self.post_event(simulate.dm_received(text, sender, self.account_id, event_id))

    def _later(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _copy_of_sent(self, dm: SentDM) -> None:
        await asyncio.sleep(0.05)
        if self.webhook is not None:
            await self.post_event(simulate.dm_sent(dm.text, dm.participant_id, dm.dm_event_id, dm.account_id))

    # -- DMs ------------------------------------------------------------------------------------
    def _user(self, request: web.Request) -> str | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return self.tokens.get(token)

    @staticmethod
    def _error(status: int, code: int, message: str, headers: dict | None = None) -> web.Response:
        return web.json_response({"errors": [{"code": code, "message": message}], "title": message},
                                 status=status, headers=headers)

    async def _send(self, request: web.Request) -> web.StreamResponse:
        user = self._user(request)
        if user is None:
            return web.json_response({"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}, status=401)
        body = await request.json()
        now = time.time()
        times = [t for t in self._sent_times.get(user, []) if t > now - self.window_s]
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "timeout":
                await asyncio.sleep(self.hang_s)
                return web.json_response({}, status=201)
            status, extra = failure
            if status == 429:
                self.answered_429 += 1
                return self._error(429, 88, "Rate limit exceeded",
                                   {"x-rate-limit-reset": str(int(now + extra)), "x-rate-limit-remaining": "0"})
            return self._error(status, extra, "scripted failure")
        if len(times) >= self.per_window:
            self.answered_429 += 1
            return self._error(429, 88, "Rate limit exceeded",
                               {"x-rate-limit-reset": str(int(times[0] + self.window_s) + 1)})
        times.append(now)
        self._sent_times[user] = times
        dm = SentDM(user, request.match_info["participant_id"], body["text"], str(uuid.uuid4().int % 10**19), now,
                    time.perf_counter())
        self.sent.append(dm)
        self._later(self._copy_of_sent(dm))
        return web.json_response({"data": {"dm_conversation_id": f"{user}-{dm.participant_id}",
                                           "dm_event_id": dm.dm_event_id}}, status=201)

    def to(self, participant_id: str) -> list[SentDM]:
        return [m for m in self.sent if m.participant_id == participant_id]

    # -- OAuth 2.0 and users ----------------------------------------------------------------------
    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"],
                             "client_id": q["client_id"], "scope": q["scope"]}
        raise web.HTTPFound(f"{q['redirect_uri']}?{urlencode({'state': q['state'], 'code': code})}")

    def _issue(self, user: str, scope: str) -> web.Response:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.tokens[access] = user
        self._refresh[refresh] = user
        return web.json_response({"token_type": "bearer", "expires_in": self.token_lifetime_s,
                                  "access_token": access, "refresh_token": refresh, "scope": scope})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("client_id") != CLIENT_ID:
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") == "authorization_code":
            grant = self._codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", ""))
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant is None or grant["challenge"] != challenge or grant["redirect_uri"] != form.get("redirect_uri"):
                return web.json_response({"error": "invalid_request"}, status=400)
            return self._issue(self.account_id, grant["scope"])
        if form.get("grant_type") == "refresh_token":
            user = self._refresh.pop(str(form.get("refresh_token")), None)  # rotated: a refresh token works once
            if user is None:
                return web.json_response({"error": "invalid_request"}, status=400)
            return self._issue(user, "dm.read dm.write tweet.read users.read offline.access")
        return web.json_response({"error": "unsupported_grant_type"}, status=400)

    async def _me(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if user is None:
            return web.json_response({"title": "Unauthorized"}, status=401)
        return web.json_response({"data": {"id": user, "name": "Maison Brindille", "username": "maisonbrindille"}})

    async def _user_by_id(self, request: web.Request) -> web.Response:
        if self._user(request) is None:
            return web.json_response({"title": "Unauthorized"}, status=401)
        uid = request.match_info["user_id"]
        if uid not in self.names:
            return web.json_response({"errors": [{"title": "Not Found Error"}]}, status=200)
        return web.json_response({"data": {"id": uid, "name": self.names[uid], "username": f"u{uid}"}})

    # -- webhooks, subscriptions, replay -------------------------------------------------------------
    def _app_only(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {APP_BEARER}"

    async def _crc(self) -> bool:
        self.crc_checks += 1
        token = secrets.token_urlsafe(16)
        status, body = await self._http("GET", f"/webhooks/x?crc_token={token}")
        expected = "sha256=" + base64.b64encode(
            hmac.new(self.consumer_secret.encode(), token.encode(), hashlib.sha256).digest()).decode()
        try:
            return status == 200 and json.loads(body).get("response_token") == expected
        except ValueError:
            return False

    async def _webhooks(self, request: web.Request) -> web.Response:
        if not self._app_only(request):
            return web.json_response({"title": "Unauthorized"}, status=401)
        if request.method == "GET":
            return web.json_response({"data": list(self.webhooks.values()),
                                      "meta": {"result_count": len(self.webhooks)}})
        url = (await request.json())["url"]
        if not await self._crc():
            return self._error(400, 214, "CRC check failed")
        hook = {"id": str(uuid.uuid4().int % 10**19), "url": url, "valid": True,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
        self.webhooks[hook["id"]] = hook
        return web.json_response({"data": hook})

    async def _revalidate(self, request: web.Request) -> web.Response:
        if not self._app_only(request):
            return web.json_response({"title": "Unauthorized"}, status=401)
        hook = self.webhooks.get(request.match_info["webhook_id"])
        if hook is None:
            return self._error(404, 34, "webhook not found")
        hook["valid"] = await self._crc()
        return web.json_response({"data": {"valid": hook["valid"]}})

    async def _subscriptions(self, request: web.Request) -> web.Response:
        if request.method == "GET":
            if not self._app_only(request):
                return web.json_response({"title": "Unauthorized"}, status=401)
            return web.json_response({"data": self.subscriptions})
        user = self._user(request)
        body = await request.json()
        if user is None or body["filter"]["user_id"] != user or body["webhook_id"] not in self.webhooks:
            return self._error(400, 400, "subscription refused")
        sub = {"subscription_id": str(uuid.uuid4().int % 10**19), **body,
               "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
        self.subscriptions.append(sub)
        return web.json_response({"data": sub})

    async def _replay(self, request: web.Request) -> web.Response:
        if not self._app_only(request):
            return web.json_response({"title": "Unauthorized"}, status=401)
        body = await request.json()
        since = calendar.timegm(time.strptime(body["from_date"], "%Y%m%d%H%M"))
        until = calendar.timegm(time.strptime(body["to_date"], "%Y%m%d%H%M")) + 60
        self.replays.append(body)
        events = [raw for at, raw in self.delivered_events if since <= at <= until]

        async def redeliver() -> None:
            for raw in events:
                await self.post_event(raw, record=False)
        self._later(redeliver())
        return web.json_response({"data": {"job_id": str(uuid.uuid4().int % 10**19), "events": len(events)}})

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until every copy and replay it started was posted."""
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/2/dm_conversations/with/{participant_id}/messages", self._send),
                web.get("/i/oauth2/authorize", self._authorize), web.post("/2/oauth2/token", self._token),
                web.get("/2/users/me", self._me), web.get("/2/users/{user_id}", self._user_by_id),
                web.get("/2/webhooks", self._webhooks), web.post("/2/webhooks", self._webhooks),
                web.put("/2/webhooks/{webhook_id}", self._revalidate), web.post("/2/webhooks/replay", self._replay),
                web.get("/2/activity/subscriptions", self._subscriptions),
                web.post("/2/activity/subscriptions", self._subscriptions)]

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        await super().close()
