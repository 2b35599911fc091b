"""A stand-in for the Graph API on 127.0.0.1 that records every call it receives.

It speaks the documented protocol: ``POST /{version}/{page-id}/messages``
with ``access_token`` in the query string answers ``{"recipient_id",
"message_id"}``, or an ``{"error": {...}}`` body with the status the test
scripted; the User Profile API ``GET /{version}/{psid}?fields=first_name``
answers from ``profiles``. Like Meta, it echoes each message it delivered to
the app's webhook (``message_echoes``, with the ``metadata`` of the send),
when ``webhook`` is set: a TestClient of the gateway, or the base URL of a
gateway running in its own process (``"http://127.0.0.1:8080"``). Like Meta,
it redelivers an echo the gateway did not answer with 200 (honouring
``Retry-After``), for up to ``echo_retry_s``.

``latency_s`` makes every send answer that much later (a slow platform);
``listeners`` are called with each delivered ``SentMessage`` as it arrives;
``refused`` records the scripted errors it answered.

Scripted behaviours, consumed one per call from ``failures``:

* ``(status, code)`` or ``(status, code, subcode)`` — an error body, nothing delivered (``retry_after``
  adds the header);
* ``"timeout"`` — delivered, then no answer until the caller gives up;
* ``"reset"`` — delivered, then the connection is closed without an answer.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.server import LocalServer
from tests.helpers import APP_SECRET, fan
from webhooks.messenger import simulate


@dataclass
class SentMessage:
    version: str
    page_id: str
    access_token: str
    body: dict
    received_at: float  # time.perf_counter()

    @property
    def recipient(self) -> str:
        return self.body["recipient"]["id"]

    @property
    def text(self) -> str:
        return self.body["message"]["text"]

    @property
    def metadata(self) -> str:
        return self.body["message"].get("metadata", "")


@dataclass
class FakeGraphAPI(LocalServer):
    token: str = "test-page-token"
    sent: list[SentMessage] = field(default_factory=list)
    failures: list[Any] = field(default_factory=list)
    retry_after: str | None = None  # Retry-After header on scripted errors
    profiles: dict[str, str] = field(default_factory=dict)  # fan name or psid → first name
    webhook: Any = None  # a TestClient of the gateway, or its base URL, to post echoes to
    app_secret: str = APP_SECRET
    hang_s: float = 5.0
    latency_s: float = 0.0  # added before every send is answered
    echo_retry_s: float = 30.0  # how long an echo the gateway refused is redelivered
    listeners: list[Callable[[SentMessage], None]] = field(default_factory=list)
    refused: list[tuple[int, int]] = field(default_factory=list)  # (status, code) of scripted errors answered
    echoes_posted: int = 0
    handover_protocol: bool = False  # False: the Page uses Conversation Routing (pass_thread_control refused)
    handovers: list[dict] = field(default_factory=list)  # pass_thread_control bodies received
    echoes_failed: int = 0
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _echoes: set = field(default_factory=set)
    _session: aiohttp.ClientSession | None = None

    async def _deliver(self, request: web.Request, body: dict) -> str:
        message_id = f"m_{uuid.uuid4().hex}"
        sent = SentMessage(request.match_info["version"], request.match_info["page_id"],
                           request.query["access_token"], body, time.perf_counter())
        async with self._arrived:
            self.sent.append(sent)
            self._arrived.notify_all()
        for listener in self.listeners:
            listener(sent)
        metadata = body.get("message", {}).get("metadata")
        if self.webhook is not None and metadata:
            task = asyncio.get_running_loop().create_task(self._echo(request.match_info["page_id"], body))
            self._echoes.add(task)
            task.add_done_callback(self._echoes.discard)
        return message_id

    async def _echo(self, page_id: str, body: dict) -> None:
        event = simulate.echo_event(body["message"]["metadata"], body["recipient"]["id"], page_id,
                                    body["message"].get("text", ""))
        raw, headers = simulate.signed(simulate.delivery(event, page_id=page_id), self.app_secret)
        await asyncio.sleep(0.05)
        deadline = time.monotonic() + self.echo_retry_s
        delay = 0.2
        while True:
            try:
                status, retry_after = await self._post_echo(raw, headers)
            except asyncio.CancelledError:
                raise
            except Exception:  # the gateway may be gone, or restarting
                status, retry_after = 0, None
            if status == 200:
                self.echoes_posted += 1
                return
            if time.monotonic() + delay > deadline:
                self.echoes_failed += 1
                return
            await asyncio.sleep(max(delay, min(retry_after or 0.0, 10.0)))
            delay = min(delay * 2, 5.0)

    async def _post_echo(self, raw: bytes, headers: dict[str, str]) -> tuple[int, float | None]:
        if isinstance(self.webhook, str):
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession()
            async with self._session.post(self.webhook.rstrip("/") + "/webhooks/messenger", data=raw,
                                          headers=headers, timeout=aiohttp.ClientTimeout(total=10)) as resp:
                await resp.read()
                return resp.status, _seconds(resp.headers.get("Retry-After"))
        if self.webhook is None:  # the test stopped listening for echoes
            return 0, None
        async with asyncio.timeout(10):
            resp = await self.webhook.post("/webhooks/messenger", data=raw, headers=headers)
            await resp.read()
        return resp.status, _seconds(resp.headers.get("Retry-After"))

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("access_token") != self.token:
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                                "code": 190}}, status=401)
        body = await request.json()
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "timeout":
                await self._deliver(request, body)
                await asyncio.sleep(self.hang_s)
                return web.json_response({"recipient_id": body["recipient"]["id"], "message_id": "late"})
            if failure == "reset":
                await self._deliver(request, body)
                request.transport.close()
                return web.Response(status=500)
            status, code, *subcode = failure
            self.refused.append((status, code))
            headers = {"Retry-After": self.retry_after} if self.retry_after else None
            error = {"message": "scripted failure", "code": code, **({"error_subcode": subcode[0]} if subcode else {})}
            return web.json_response({"error": error}, status=status, headers=headers)
        message_id = await self._deliver(request, body)
        return web.json_response({"recipient_id": body["recipient"]["id"], "message_id": message_id})

    async def _profile(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self.token:
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "code": 190}}, status=401)
        psid = request.match_info["psid"]
        names = {fan(k): v for k, v in self.profiles.items()}
        if psid not in names:
            return web.json_response({"error": {"message": "Unsupported get request.", "code": 100}}, status=400)
        return web.json_response({"first_name": names[psid], "id": psid})

    async def _pass_thread_control(self, request: web.Request) -> web.Response:
        """The Handover Protocol's ``pass_thread_control``; refused as on a Page with Conversation Routing unless
        ``handover_protocol`` is set."""
        if request.query.get("access_token") != self.token:
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "code": 190}}, status=401)
        self.handovers.append(await request.json())
        if not self.handover_protocol:
            return web.json_response({"error": {"message": "(#10) Handover Protocol APIs are disabled for this Page",
                                                "code": 10}}, status=400)
        return web.json_response({"success": True})

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/{version}/{page_id}/messages", self._messages),
                web.post("/{version}/me/pass_thread_control", self._pass_thread_control),
                web.get("/{version}/{psid}", self._profile)]

    def to(self, recipient: str) -> list[SentMessage]:
        psid = fan(recipient)
        return [m for m in self.sent if m.recipient == psid]

    async def wait_for(self, recipient: str, count: int = 1, timeout: float = 30.0) -> list[SentMessage]:
        """The first ``count`` messages sent to ``recipient``; fails the test after ``timeout``."""
        async def enough() -> None:
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(self.to(recipient)) >= count)
        await asyncio.wait_for(enough(), timeout)
        return self.to(recipient)[:count]

    def dump(self) -> str:
        return json.dumps([m.body for m in self.sent], ensure_ascii=False)

    async def close(self) -> None:
        for task in list(self._echoes):
            task.cancel()
        await asyncio.gather(*self._echoes, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        await super().close()


def _seconds(raw: str | None) -> float | None:
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None
