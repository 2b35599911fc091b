"""Start a private Redis, the Rasa server and the action server for a benchmark run."""

from __future__ import annotations

import os
from pathlib import Path

from bot.tools.launcher import Stack, rasa_endpoint_env, start_rasa, start_redis
from bot.tools.training import ensure_model, rasa_env
from tests.helpers import free_port


def start_backends(workdir: Path, model: Path | None = None) -> tuple[Stack, str, str]:
    """(stack, redis URL, Rasa URL); call ``stack.stop()`` when done. Default model: the current data's."""
    actions_port, rasa_port = str(free_port()), str(free_port())
    stack = Stack(dict(os.environ), log_dir=workdir)
    redis_url = start_redis(stack, free_port(), workdir, persistent=False)
    env = {**rasa_env(), **rasa_endpoint_env(redis_url.replace("/0", "/1"), f"http://127.0.0.1:{actions_port}/webhook")}
    start_rasa(stack, model or ensure_model(), actions_port=actions_port, rasa_port=rasa_port, env=env)
    return stack, redis_url, f"http://127.0.0.1:{rasa_port}"
