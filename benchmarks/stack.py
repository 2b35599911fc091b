"""Start a private Redis, the Rasa server (with a token) and the action server for a benchmark run."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.tools.launcher import Stack, start_rasa, start_redis
from bot.tools.training import ensure_model, rasa_env
from tests.helpers import free_port


@dataclass
class Backends:
    stack: Stack
    redis_url: str
    rasa_url: str
    rasa_token: str
    actions_url: str
    actions_token: str


def start_backends(workdir: Path, model: Path | None = None) -> Backends:
    """Redis, Rasa and the action server; call ``.stack.stop()`` when done. Default model: the current data's."""
    actions_port, rasa_port = str(free_port()), str(free_port())
    stack = Stack(dict(os.environ), log_dir=workdir)
    redis_url = start_redis(stack, free_port(), workdir, persistent=False)
    token, actions_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    env = {**rasa_env(), "RELAIS_ACTION_URL": f"http://127.0.0.1:{actions_port}/webhook",
           "RELAIS_ACTIONS_TOKEN": actions_token}
    start_rasa(stack, model or ensure_model(), actions_port=actions_port, rasa_port=rasa_port, env=env, token=token)
    return Backends(stack, redis_url, f"http://127.0.0.1:{rasa_port}", token,
                    f"http://127.0.0.1:{actions_port}/webhook", actions_token)
