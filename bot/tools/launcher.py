"""``relais up``: the whole stack on one machine — Redis, Rasa, the action server and the gateway.

Anything the user configured in the environment wins; anything missing gets
an embedded default: a private ``redis-server`` with an append-only file under
``var/redis`` (so restarts lose nothing), and sandbox mode (a local outbox in
place of the Send API, generated secrets in ``var/sandbox.env``) when no page
access token is set. Ctrl-C stops every process.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.errors import ConfigError
from bot.tools.training import ROOT, ensure_model, rasa_env

VAR = ROOT / "var"
APP_BIN = ROOT / ".venv" / "app" / "bin"
RASA_BIN = ROOT / ".venv" / "rasa" / "bin"
SANDBOX_ENV = VAR / "sandbox.env"


@dataclass
class Stack:
    """Child processes started together, each logging to ``log_dir/NAME.log``, stopped in reverse order."""

    env: dict[str, str]
    log_dir: Path = VAR / "log"
    procs: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        log_path = self.log_dir / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        out = open(log_path, "ab")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env or self.env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append((name, proc))

    def check_alive(self) -> None:
        for name, proc in self.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {proc.returncode}; see {self.log_dir / name}.log")

    def stop(self) -> None:
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            print(f"  stopped {name}")


def wait_http(stack: Stack, url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stack.check_alive()
        try:
            with urllib.request.urlopen(url, timeout=2):
                return  # 2xx: up (Rasa answers 409 on /status until its model is loaded)
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f}s")


def wait_tcp(stack: Stack, host: str, port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stack.check_alive()
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout_s:.0f}s")


def start_redis(stack: Stack, port: int, data_dir: Path, *, persistent: bool) -> str:
    """A private redis-server on 127.0.0.1 (append-only file in ``data_dir`` if persistent); its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    durability = ["--appendonly", "yes", "--appendfsync", "everysec"] if persistent else ["--appendonly", "no"]
    stack.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir),
                          "--save", "", *durability])
    wait_tcp(stack, "127.0.0.1", port, 15)
    return f"redis://127.0.0.1:{port}/0"


def load_sandbox_secrets() -> dict[str, str]:
    """Secrets for sandbox mode: generated once, kept in var/sandbox.env (never committed)."""
    if SANDBOX_ENV.exists():
        pairs = (line.split("=", 1) for line in SANDBOX_ENV.read_text().splitlines() if "=" in line)
        return {k: v for k, v in pairs}
    values = {
        "MESSENGER_APP_SECRET": secrets.token_hex(16),
        "MESSENGER_VERIFY_TOKEN": secrets.token_urlsafe(16),
        "MESSENGER_PAGE_ACCESS_TOKEN": "sandbox-" + secrets.token_urlsafe(24),
    }
    VAR.mkdir(exist_ok=True)
    SANDBOX_ENV.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    SANDBOX_ENV.chmod(0o600)
    return values


def stack_env(base: dict[str, str]) -> tuple[dict[str, str], bool, bool]:
    """The environment every process gets; also whether Redis and the Send API are embedded."""
    env = dict(base)
    env.setdefault("RELAIS_PORT", "8080")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ACTIONS_PORT", "5055")
    own_redis = not env.get("REDIS_URL")
    if own_redis:
        env["REDIS_URL"] = f"redis://127.0.0.1:{env.get('RELAIS_REDIS_PORT', '6380')}/0"
    sandbox = not env.get("MESSENGER_PAGE_ACCESS_TOKEN")
    if sandbox:
        env.update(load_sandbox_secrets())
        env["GRAPH_API_BASE"] = f"http://127.0.0.1:{env['RELAIS_PORT']}/sandbox/graph"
        env["RELAIS_SANDBOX"] = "true"
    env["RASA_URL"] = f"http://127.0.0.1:{env['RASA_PORT']}"
    env.update(rasa_endpoint_env(env["REDIS_URL"], f"http://127.0.0.1:{env['ACTIONS_PORT']}/webhook"))
    return env, own_redis, sandbox


def rasa_endpoint_env(redis_url: str, action_url: str) -> dict[str, str]:
    """The variables ``endpoints.yml`` reads: action server, and Redis for trackers and locks."""
    redis = urlparse(redis_url)
    if redis.scheme != "redis":
        raise ConfigError("REDIS_URL must be a redis:// URL for the Rasa tracker and lock stores")
    return {
        "RELAIS_ACTION_URL": action_url,
        "RASA_REDIS_HOST": redis.hostname or "127.0.0.1",
        "RASA_REDIS_PORT": str(redis.port or 6379),
        "RASA_REDIS_DB": (redis.path or "/0").lstrip("/") or "0",
        "RASA_REDIS_PASSWORD": redis.password or "",
    }


def actions_command(port: str) -> list[str]:
    return [str(APP_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", port]


def rasa_command(port: str, model: Path, token: str) -> list[str]:
    return [str(RASA_BIN / "rasa"), "run", "--enable-api", "--auth-token", token, "-i", "127.0.0.1", "--port", port,
            "--model", str(model), "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]


def start_rasa(stack: Stack, model: Path, *, actions_port: str, rasa_port: str, env: dict[str, str],
               token: str) -> None:
    """Start the action server and the Rasa server with ``env``; return once both answer."""
    stack.start("actions", actions_command(actions_port), {**env, "SANIC_HOST": "127.0.0.1"})
    stack.start("rasa", rasa_command(rasa_port, model, token), env)
    wait_http(stack, f"http://127.0.0.1:{actions_port}/health", 90)
    wait_http(stack, f"http://127.0.0.1:{rasa_port}/status?token={token}", 300)


def up() -> int:
    env, own_redis, sandbox = stack_env(dict(os.environ))
    env.update({k: v for k, v in rasa_env().items() if k in ("RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL")})
    stack = Stack(env)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C, kill and a closed terminal all stop the stack, even where the
    # shell started us with SIGINT ignored (background jobs).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        if own_redis:
            start_redis(stack, urlparse(env["REDIS_URL"]).port, VAR / "redis", persistent=True)
        model = ensure_model()
        print("Starting Relais (logs in var/log/) …", flush=True)
        start_rasa(stack, model, actions_port=env["ACTIONS_PORT"], rasa_port=env["RASA_PORT"],
                   env={**env, "PYTHONPATH": str(ROOT)})
        stack.start("gateway", [str(APP_BIN / "relais"), "gateway"])
        wait_http(stack, f"http://127.0.0.1:{env['RELAIS_PORT']}/healthz", 30)
        print(f"""
Relais is up.
  Messenger webhook  http://127.0.0.1:{env['RELAIS_PORT']}/webhooks/messenger
  Rasa server        {env['RASA_URL']}   (model {model.name})
  Action server      http://127.0.0.1:{env['ACTIONS_PORT']}
  Redis              {env['REDIS_URL'].split('@')[-1]}{'  (embedded, data in var/redis)' if own_redis else ''}
  Send API           {env.get('GRAPH_API_BASE', 'https://graph.facebook.com')}{'  (sandbox outbox)' if sandbox else ''}
Try it:  .venv/app/bin/relais try "Bonjour, vous êtes ouverts le dimanche ?"
Ctrl-C stops everything.""", flush=True)
        while True:
            stack.check_alive()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        print(f"relais: {exc}", file=sys.stderr)
        return 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not abandon the children
        print("Stopping Relais …", flush=True)
        stack.stop()
    return 0
