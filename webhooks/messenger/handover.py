"""Passing an escalated conversation to the Page Inbox (Meta Business Suite), when the brand asks for it.

Meta replaced the Handover Protocol with Conversation Routing, in which
Relais is the Page's default app and a CM simply answers from Business
Suite (the bot sees the echo and steps back, ``receive.py``). A Page still
on the Handover Protocol can also have each escalation passed to its inbox:
``POST /{version}/me/pass_thread_control`` with ``target_app_id``
263902037430900. It is off by default (``MESSENGER_PASS_TO_INBOX``); on a
Page with Conversation Routing, Meta refuses it ("Handover Protocol APIs
are disabled"), which is recorded as such: the conversation stays with
Relais, paused for a person, and nothing else changes.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp

log = logging.getLogger("relais.webhooks.messenger.handover")

PAGE_INBOX_APP_ID = "263902037430900"


async def pass_to_inbox(session: aiohttp.ClientSession, api_url: str, token: str, psid: str,
                        timeout_s: float = 5.0) -> str:
    """One attempt; what happened: ``passed_to_page_inbox``, ``handover_disabled: …`` or ``handover_failed: …``."""
    body = {"recipient": {"id": psid}, "target_app_id": PAGE_INBOX_APP_ID, "metadata": "relais:escalated"}
    try:
        async with session.post(f"{api_url.rstrip('/')}/me/pass_thread_control", json=body,
                                params={"access_token": token}, timeout=aiohttp.ClientTimeout(total=timeout_s)) as resp:
            data = await resp.json(content_type=None)
            status = resp.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        log.warning("pass_thread_control failed: %s", type(exc).__name__)
        return f"handover_failed: {type(exc).__name__}"
    if status == 200 and isinstance(data, dict) and data.get("success"):
        return "passed_to_page_inbox"
    error = data.get("error") if isinstance(data, dict) else None
    message = str(error.get("message", "")) if isinstance(error, dict) else ""
    code = error.get("code") if isinstance(error, dict) else None
    if "handover protocol" in message.lower():
        log.info("pass_thread_control refused: the Page uses Conversation Routing (Handover Protocol APIs disabled)")
        return f"handover_disabled: Handover Protocol APIs disabled (code {code}); the conversation stays with Relais"
    log.warning("pass_thread_control refused: HTTP %s code %s", status, code)
    return f"handover_failed: HTTP {status} code {code}"
