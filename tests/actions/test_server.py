"""The action server as ``relais up`` starts it: loopback only, and only for the holders of its token."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.errors import RasaError
from bot.pipeline.dialogue import ActionServer, tracker_state
from bot.settings import ROOT
from bot.tools.launcher import Stack, actions_command, start_actions
from tests.helpers import free_port


@dataclass
class Actions:
    port: int
    token: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Actions]:
    logs = tmp_path_factory.mktemp("actions")
    port, token = free_port(), secrets.token_urlsafe(16)
    stack = Stack(dict(os.environ), log_dir=logs)
    try:
        start_actions(stack, str(port), {**os.environ, "RELAIS_ACTIONS_TOKEN": token,
                                         "SANIC_HOST": "0.0.0.0"})  # asked for every interface: ignored
    except RuntimeError:
        print((logs / "actions.log").read_text()[-4000:])
        stack.stop()
        raise
    yield Actions(port, token)
    stack.stop()


def call(language: str = "fr") -> tuple[str, dict]:
    parse = {"text": "Bonjour", "intent": {"name": "greet", "confidence": 0.99}, "entities": []}
    return "fan-actions", tracker_state("fan-actions", parse, {"language": language}, {})


async def test_an_action_call_without_the_token_is_refused(actions):
    sender, tracker = call()
    body = {"next_action": "action_detect_language", "sender_id": sender, "tracker": tracker, "version": "3.6.2"}
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": actions.token},
                        {"Authorization": f"Basic {actions.token}"}):
            async with session.post(f"{actions.url}/webhook", json=body, headers=headers) as resp:
                assert resp.status == 401, headers
                assert "events" not in await resp.text()
            async with session.get(f"{actions.url}/actions", headers=headers) as resp:
                assert resp.status == 401
        async with session.post(f"{actions.url}/webhook", json=body, params={"token": actions.token}) as resp:
            assert resp.status == 401
        with pytest.raises(RasaError, match="401"):
            await ActionServer(session, f"{actions.url}/webhook", ROOT / "domain.yml").run(
                "action_detect_language", sender, tracker)


async def test_the_worker_calls_it_with_the_token(actions):
    sender, tracker = call("en")
    async with aiohttp.ClientSession() as session:
        server = ActionServer(session, f"{actions.url}/webhook", ROOT / "domain.yml", token=actions.token)
        assert actions.token not in repr(server)
        result = await server.run("action_detect_language", sender, tracker)
        assert {"event": "slot", "name": "language", "value": "en"}.items() <= result["events"][0].items()
        async with session.get(f"{actions.url}/actions", headers={"Authorization": f"Bearer {actions.token}"}) as resp:
            assert resp.status == 200 and {"name": "action_draft_reply"} in await resp.json()
        async with session.get(f"{actions.url}/health") as resp:  # the liveness probe needs nothing
            assert resp.status == 200 and await resp.json() == {"status": "ok"}


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port`` (Linux's /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                if len(address) == 8:
                    found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    found.add(address)
    return found


def test_it_listens_on_loopback_only(actions):
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp on this system")
    assert listening_addresses(actions.port) == {"127.0.0.1"}


def test_it_does_not_start_without_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "RELAIS_ACTIONS_TOKEN"}
    done = subprocess.run(actions_command(str(free_port())), env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "RELAIS_ACTIONS_TOKEN" in done.stderr
    with pytest.raises(RuntimeError, match="RELAIS_ACTIONS_TOKEN"):
        start_actions(Stack(env, log_dir=tmp_path), "1", env)


def test_rasa_sends_the_token_too():
    import yaml

    endpoint = yaml.safe_load((ROOT / "endpoints.yml").read_text())["action_endpoint"]
    assert endpoint["headers"] == {"Authorization": "Bearer ${RELAIS_ACTIONS_TOKEN}"}
