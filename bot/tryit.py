"""``relais try``: play a fan — sign a Messenger event, post it to the gateway, show the bot's reply."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
import uuid

from bot.launcher import SANDBOX_ENV, load_sandbox_secrets
from bot.ledger import FINAL_STATES
from webhooks.signature import sign

DEMO_PAGE_ID = "100000000000001"


def messenger_event(text: str, sender: str, page_id: str = DEMO_PAGE_ID, mid: str | None = None) -> dict:
    """A Messenger webhook body with one text message, as the platform documents it."""
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [{
            "id": page_id,
            "time": now,
            "messaging": [{
                "sender": {"id": sender},
                "recipient": {"id": page_id},
                "timestamp": now,
                "message": {"mid": mid or f"m_{uuid.uuid4().hex}", "text": text},
            }],
        }],
    }


def _get_json(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise SystemExit("relais try: the gateway is not in sandbox mode; replies go to the real "
                             "Send API") from None
        raise


def try_message(text: str, *, base_url: str, sender: str, wait_s: float = 30.0) -> tuple[dict, list[str]]:
    """Post one signed fan message; return what became of it and the replies the fan got."""
    secret = os.environ.get("MESSENGER_APP_SECRET") or (
        load_sandbox_secrets()["MESSENGER_APP_SECRET"] if SANDBOX_ENV.exists() else "")
    if not secret:
        raise SystemExit("relais try: no MESSENGER_APP_SECRET in the environment and no var/sandbox.env; "
                         "start the stack with scripts/up first")
    event = messenger_event(text, sender)
    mid = event["entry"][0]["messaging"][0]["message"]["mid"]
    body = json.dumps(event).encode()
    request = urllib.request.Request(f"{base_url}/webhooks/messenger", data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, body)})
    with urllib.request.urlopen(request, timeout=10) as resp:
        resp.read()
    deadline = time.monotonic() + wait_s
    state: dict = {}
    while time.monotonic() < deadline:
        state = _get_json(f"{base_url}/sandbox/messages/{mid}")
        if state.get("status") in FINAL_STATES:
            break
        time.sleep(0.05)
    replies = [item["text"] for item in _get_json(f"{base_url}/sandbox/outbox/{sender}")]
    return state, replies
