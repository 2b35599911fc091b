"""A stand-in LanguageTool server on 127.0.0.1: ``GET /v2/languages`` and ``POST /v2/check``.

It answers in LanguageTool's documented JSON, flagging the words of a small
table of misspellings, and can be told to stall (to test timeouts and the
circuit breaker) or to fail with HTTP 500.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from aiohttp import web

from tests.fakes.server import LocalServer

MISSPELLINGS = {"mesage": "message", "recieve": "receive", "tommorow": "tomorrow", "livraizon": "livraison"}


@dataclass
class FakeLanguageTool(LocalServer):
    stall_s: float = 0.0
    fail: bool = False
    checks: list[dict] = field(default_factory=list)

    async def _languages(self, request: web.Request) -> web.Response:
        return web.json_response([{"name": "French", "code": "fr", "longCode": "fr"},
                                  {"name": "English (US)", "code": "en", "longCode": "en-US"}])

    async def _check(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.checks.append(dict(form))
        if self.stall_s:
            await asyncio.sleep(self.stall_s)
        if self.fail:
            return web.Response(status=500, text="Internal error")
        text = form.get("text", "")
        matches = []
        for m in re.finditer(r"\w+", text):
            if m.group(0).lower() in MISSPELLINGS:
                matches.append({
                    "message": "Possible spelling mistake found.",
                    "shortMessage": "Spelling mistake",
                    "replacements": [{"value": MISSPELLINGS[m.group(0).lower()]}],
                    "offset": m.start(), "length": len(m.group(0)),
                    "context": {"text": text, "offset": m.start(), "length": len(m.group(0))},
                    "sentence": text,
                    "rule": {"id": "MORFOLOGIK_RULE", "description": "Possible spelling mistake",
                             "issueType": "misspelling", "category": {"id": "TYPOS", "name": "Typos"}},
                })
        return web.json_response({"software": {"name": "LanguageTool", "version": "6.4"},
                                  "language": {"code": form.get("language", "")}, "matches": matches})

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/v2/languages", self._languages), web.post("/v2/check", self._check)]
