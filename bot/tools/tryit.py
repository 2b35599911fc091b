"""``relais try``: play a fan — post a signed message to the gateway, show the bot's reply and decision.

The channel builds and signs the delivery exactly as its platform would;
in sandbox mode the replies are read back from the gateway's outbox.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

from bot.channels import channel_class, registered_platforms
from bot.pipeline.ledger import FINAL_STATES
from bot.tools.stackenv import local_env


def _get_json(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise SystemExit("relais try: the gateway is not in sandbox mode; replies go to the real "
                             "platform") from None
        raise


def try_message(text: str, *, base_url: str, sender: str, platform: str | None = None,
                wait_s: float = 30.0) -> tuple[dict, list[str]]:
    """Post one signed fan message; return what became of it and the replies the fan got."""
    env = local_env()
    platform = platform or registered_platforms()[0]
    channel = channel_class(platform).from_env(env)
    token = env.get("RELAIS_SANDBOX_TOKEN", "")
    mid = f"m_{uuid.uuid4().hex}"
    body, headers = channel.signed_delivery([(sender, mid, text)])
    request = urllib.request.Request(f"{base_url}{channel.webhook_path}", data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as resp:
        resp.read()
    account = channel.demo_account_id
    deadline = time.monotonic() + wait_s
    state: dict = {}
    while time.monotonic() < deadline:
        state = _get_json(f"{base_url}/sandbox/messages/{platform}/{account}/{sender}/{mid}", token)
        if state.get("status") in FINAL_STATES:
            break
        time.sleep(0.05)
    return state, read_outbox(base_url, platform, sender)


def read_outbox(base_url: str, platform: str, sender: str) -> list[str]:
    """The replies the fan got since the outbox was last read (the sandbox hands each over once)."""
    token = local_env().get("RELAIS_SANDBOX_TOKEN", "")
    return [item["text"] for item in _get_json(f"{base_url}/sandbox/outbox/{platform}/{sender}", token)]
