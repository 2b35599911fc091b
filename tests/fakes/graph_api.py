"""A stand-in for the Graph API Send API on 127.0.0.1 that records every call it receives.

It speaks the documented protocol: ``POST /{version}/{page-id}/messages`` with
``access_token`` in the query string answers ``{"recipient_id", "message_id"}``,
or an ``{"error": {...}}`` body with the status the test scripted; the User
Profile API ``GET /{version}/{psid}?fields=first_name`` answers from ``profiles``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

from aiohttp import web

from tests.fakes.server import LocalServer


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


@dataclass
class FakeGraphAPI(LocalServer):
    token: str = "test-page-token"
    sent: list[SentMessage] = field(default_factory=list)
    failures: list[tuple[int, int]] = field(default_factory=list)  # (status, error code) for the next calls
    profiles: dict[str, str] = field(default_factory=dict)  # psid → first name (User Profile API)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def _messages(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self.token:
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                                "code": 190}}, status=401)
        body = await request.json()
        if self.failures:
            status, code = self.failures.pop(0)
            return web.json_response({"error": {"message": "scripted failure", "code": code}}, status=status)
        async with self._arrived:
            self.sent.append(SentMessage(request.match_info["version"], request.match_info["page_id"],
                                         request.query["access_token"], body, time.perf_counter()))
            self._arrived.notify_all()
        return web.json_response({"recipient_id": body["recipient"]["id"], "message_id": f"m_{uuid.uuid4().hex}"})

    async def _profile(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self.token:
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "code": 190}}, status=401)
        psid = request.match_info["psid"]
        if psid not in self.profiles:
            return web.json_response({"error": {"message": "Unsupported get request.", "code": 100}}, status=400)
        return web.json_response({"first_name": self.profiles[psid], "id": psid})

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/{version}/{page_id}/messages", self._messages), web.get("/{version}/{psid}", self._profile)]

    def to(self, recipient: str) -> list[SentMessage]:
        return [m for m in self.sent if m.recipient == recipient]

    async def wait_for(self, recipient: str, count: int = 1, timeout: float = 30.0) -> list[SentMessage]:
        """The first ``count`` messages sent to ``recipient``; fails the test after ``timeout``."""
        async def enough() -> None:
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(self.to(recipient)) >= count)
        await asyncio.wait_for(enough(), timeout)
        return self.to(recipient)[:count]
