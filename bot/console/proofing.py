"""Live proofreading in the console's editor, with the very proofreader the bot's drafts go through.

The text is checked as the CM typed it (no silent fixes: what they wrote is
what is sent); each problem comes with its span, its message in the CM's
language and its ranked suggestions, so the editor can underline it and
offer the fixes; the editor shows each explanation beside the text, in the
CM's language (their choice, else their browser's). The shipped proofreader (``bot.proofreading.service``) is
loaded on the first check, off the event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.console.auth import CM
from bot.console.context import Console, console_of
from bot.console.i18n import pick_language
from bot.errors import PayloadError
from bot.proofreading.base import ProofreadingUnavailable

MAX_TEXT = 5000


async def proofreader(console: Console):
    if console.proofreader is None:
        lock = console.extra.setdefault("proofreader_lock", asyncio.Lock())
        async with lock:
            if console.proofreader is None:
                from bot.pipeline.runner import load_proofreader

                console.proofreader = await asyncio.to_thread(load_proofreader, console.settings.brand_file)
    return console.proofreader


async def problems(console: Console, text: str, language: str, first_name: str | None = None,
                   ui_language: str = "en") -> list[dict[str, Any]]:
    """What is left to fix in ``text`` (``language``: fr or en), for the editor."""
    checker = await proofreader(console)
    checked = await asyncio.to_thread(checker.check_sync, text, language, first_name, safe_fixes=False)
    return [{"start": i.start, "end": i.end, "word": i.word, "message": i.message_in(ui_language),
             "suggestions": offered(i.word, i.suggestions, language)} for i in checked.issues]


def offered(word: str, suggestions, language: str) -> list[str]:
    """The fixes the editor offers for ``word``, best first (five at most). In French a lone « a » is never
    offered as « A »: it is « a » (avoir) or « à », and a capital would leave the accent missing."""
    out = []
    for s in suggestions:
        if language == "fr" and word.casefold() == "a" and s == "A":
            continue
        out.append(s)
    return out[:5]


async def proofread_api(request: web.Request) -> web.Response:
    """``POST /console/api/proofread`` ``{"text", "language"}`` → ``{"issues": [...]}``."""
    try:
        body = await request.json()
    except ValueError:
        raise PayloadError("body is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise PayloadError("expected {\"text\": ..., \"language\": \"fr\" | \"en\"}")
    text, language = body["text"], body.get("language")
    if language not in ("fr", "en"):
        raise PayloadError("language must be fr or en")
    if len(text) > MAX_TEXT:
        raise PayloadError(f"text longer than {MAX_TEXT} characters")
    first_name = body.get("first_name") if isinstance(body.get("first_name"), str) else None
    session = request[CM]
    ui = pick_language(session.language, request.headers.get("Accept-Language", ""))
    try:
        issues = await problems(console_of(request), text, language, first_name, ui)
    except ProofreadingUnavailable as exc:
        return web.json_response({"error": exc.public, "issues": []}, status=503)
    return web.json_response({"issues": issues})
