"""Start a private Redis, the Rasa server and the action server for a benchmark run."""

from __future__ import annotations

from pathlib import Path

from bot.launcher import Stack, actions_command, rasa_command, rasa_endpoint_env, wait_http, wait_tcp
from bot.training import ensure_model, rasa_env
from tests.helpers import free_port


def start_backends(workdir: Path, model: Path | None = None) -> tuple[Stack, str, str]:
    """(stack, redis URL, Rasa URL); call ``stack.stop()`` when done. Default model: the current data's."""
    redis_port, actions_port, rasa_port = free_port(), str(free_port()), str(free_port())
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {**rasa_env(), **rasa_endpoint_env(redis_url.replace("/0", "/1"), f"http://127.0.0.1:{actions_port}/webhook")}
    stack = Stack(env, log_dir=workdir)
    stack.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--dir", str(workdir),
                          "--save", "", "--appendonly", "no"])
    wait_tcp(stack, "127.0.0.1", redis_port, 15)
    stack.start("actions", actions_command(actions_port))
    stack.start("rasa", rasa_command(rasa_port, model or ensure_model()))
    wait_http(stack, f"http://127.0.0.1:{actions_port}/health", 90)
    wait_http(stack, f"http://127.0.0.1:{rasa_port}/status", 300)
    return stack, redis_url, f"http://127.0.0.1:{rasa_port}"
