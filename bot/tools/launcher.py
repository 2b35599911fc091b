"""``relais up``: the whole stack on one machine — Redis, the action server, Rasa, the gateways, N workers.

Anything the operator configured in the environment wins and is never
overwritten; anything missing gets an embedded default:

* ``REDIS_URL`` unset: a private ``redis-server`` on 127.0.0.1 with a
  password and an append-only file under ``var/redis`` (restarts lose nothing);
* ``RASA_URL`` unset: ``RELAIS_RASA_SERVERS`` (1) Rasa servers on 127.0.0.1 from
  ``RASA_PORT`` on, with an auth token (``RASA_TOKEN``); ``RELAIS_ACTION_URL``
  unset: the action server on 127.0.0.1 (``actions.server``), answering only
  requests that carry ``RELAIS_ACTIONS_TOKEN``, which the workers and the Rasa
  servers send;
* ``RELAIS_METRICS_TOKEN`` unset: one is generated; the gateway's ``/metrics``
  answers only ``Authorization: Bearer <RELAIS_METRICS_TOKEN>``;
* no channel credentials at all (or ``RELAIS_SANDBOX=true``): sandbox mode —
  replies go to a local outbox, the missing channel settings are generated,
  and the gateway serves ``/sandbox/…`` on loopback to holders of
  ``RELAIS_SANDBOX_TOKEN``.

Generated values are kept in ``var/stack.env`` (``bot.tools.stackenv``) and
reused on the next run. ``RELAIS_GATEWAYS`` (default: 2 on a machine with two
cores or more) gateway processes share the webhook port (``SO_REUSEPORT``), so a
burst of deliveries is acknowledged on every core; ``RELAIS_WORKERS`` (default:
one per core) worker processes share the queue. A child that dies is restarted with backoff
(``bot.tools.supervisor``); Ctrl-C, SIGTERM or SIGHUP stop every process.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bot.channels import channel_class, load_channels, registered_platforms
from bot.settings import BACKEND_NICE, env_bool, env_int, load_settings
from bot.tools.stackenv import read_env_file, write_env_file
from bot.tools.supervisor import Stack, Supervisor
from bot.tools.training import ROOT, ensure_model, rasa_env

__all__ = ["Stack", "Supervisor", "StackPlan", "stack_env", "start_redis", "start_rasa", "wait_http", "wait_tcp",
           "up"]

VAR = ROOT / "var"
APP_BIN = ROOT / ".venv" / "app" / "bin"
RASA_BIN = ROOT / ".venv" / "rasa" / "bin"
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def _public(url: str) -> str:
    """``url`` without its query string or password: fit to print."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


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
    raise RuntimeError(f"{_public(url)} did not answer within {timeout_s:.0f}s")


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


def start_redis(stack: Stack, port: int, data_dir: Path, *, persistent: bool, password: str | None = None) -> str:
    """A private redis-server on 127.0.0.1 (append-only file in ``data_dir`` if persistent); its URL.

    With a password, clients must authenticate; the password goes through a
    0600 config file in ``data_dir``, not the command line other users see.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    config: list[str] = []
    if password:
        conf = data_dir / "redis.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"requirepass {password}\n")
        config = [str(conf)]
    durability = ["--appendonly", "yes", "--appendfsync", "everysec"] if persistent else ["--appendonly", "no"]
    stack.start("redis", ["redis-server", *config, "--bind", "127.0.0.1", "--port", str(port),
                          "--dir", str(data_dir), "--save", "", *durability])
    wait_tcp(stack, "127.0.0.1", port, 15)
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}127.0.0.1:{port}/0"


# The pipeline behind the webhook runs at a lower CPU priority than the gateway and Redis, so that
# acknowledging a platform's delivery never waits behind NLU or proofreading on a busy machine.
LOW_PRIORITY = ["nice", "-n", str(BACKEND_NICE)]


def actions_command(port: str) -> list[str]:
    return [*LOW_PRIORITY, str(APP_BIN / "python"), "-m", "actions.server", "--port", port]


def rasa_command(port: str, model: Path, token: str) -> list[str]:
    # ``--auth-token=…`` in one argument: a token may start with "-".
    return [*LOW_PRIORITY, str(RASA_BIN / "rasa"), "run", "--enable-api", f"--auth-token={token}", "-i", "127.0.0.1",
            "--port", port, "--model", str(model), "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]


def start_actions(stack: Stack, port: str, env: dict[str, str]) -> None:
    """The action server, on 127.0.0.1 only, answering holders of ``env["RELAIS_ACTIONS_TOKEN"]``; returns
    once it answers."""
    if not env.get("RELAIS_ACTIONS_TOKEN", "").strip():
        raise RuntimeError("the action server needs RELAIS_ACTIONS_TOKEN in its environment")
    stack.start("actions", actions_command(port), env)
    wait_http(stack, f"http://127.0.0.1:{port}/health", 90)


def start_rasa_servers(stack: Stack, model: Path, ports: list[int], env: dict[str, str], token: str) -> None:
    """One Rasa server per port (started together, they load the model side by side); returns once all answer."""
    names = ["rasa"] if len(ports) == 1 else [f"rasa-{i}" for i in range(1, len(ports) + 1)]
    # One message at a time per parse: TensorFlow's own thread pools only add contention on a small
    # machine that also runs the workers (measured: 17.4 → 15.3 ms of CPU per parse on two cores).
    env = {"TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "1", **env}
    for name, port in zip(names, ports):
        stack.start(name, rasa_command(str(port), model, token), env)
    for port in ports:
        wait_http(stack, f"http://127.0.0.1:{port}/status?token={quote(token, safe='')}", 300)


def start_rasa(stack: Stack, model: Path, *, actions_port: str, rasa_port: str, env: dict[str, str],
               token: str) -> None:
    """Start the action server and the Rasa server with ``env``; return once both answer.

    ``env`` carries ``RELAIS_ACTION_URL`` and ``RELAIS_ACTIONS_TOKEN`` (``endpoints.yml`` reads both)."""
    start_actions(stack, actions_port, env)
    start_rasa_servers(stack, model, [int(rasa_port)], env, token)


# -- settings of the stack ----------------------------------------------------------------------

@dataclass
class StackPlan:
    """What ``relais up`` starts and the environment its processes get."""

    env: dict[str, str]  # the gateway's and the workers' settings
    stored: dict[str, str] = field(repr=False, default_factory=dict)  # what var/stack.env holds
    own_redis: bool = False
    rasa_ports: list[int] = field(default_factory=list)  # the Rasa servers to start (none: RASA_URL given)
    own_actions: bool = False
    sandbox: bool = False
    workers: int = 1
    gateways: int = 1
    platforms: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.env["RELAIS_PORT"])


def _token() -> str:
    return secrets.token_urlsafe(24)


def stack_env(base: Mapping[str, str], var_dir: Path = VAR) -> StackPlan:
    """Complete ``base`` (the environment) into the stack's settings and keep what was generated.

    Values the environment gives are used as they are and never stored;
    values generated earlier into ``var_dir/stack.env`` are reused; the file
    is rewritten with exactly the values this run generated or reused.
    """
    env = {k: v for k, v in base.items() if v.strip()}
    previous = {**read_env_file(var_dir / "sandbox.env"), **read_env_file(var_dir / "stack.env")}  # older runs
    stored: dict[str, str] = {}

    def generated(key: str, make=_token) -> str:
        if key not in env:
            env[key] = stored[key] = previous.get(key) or make()
        return env[key]

    for key, default in (("RELAIS_PORT", "8080"), ("RASA_PORT", "5005"), ("ACTIONS_PORT", "5055"),
                         ("RELAIS_REDIS_PORT", "6380")):
        env[key] = str(env_int(env, key, int(default)))
    plan = StackPlan(env, stored, workers=env_int(env, "RELAIS_WORKERS", os.cpu_count() or 1),
                     gateways=env_int(env, "RELAIS_GATEWAYS", min(2, os.cpu_count() or 1)))

    plan.own_redis = "REDIS_URL" not in env
    if plan.own_redis:
        password = generated("RELAIS_REDIS_PASSWORD")
        env["REDIS_URL"] = stored["REDIS_URL"] = f"redis://:{password}@127.0.0.1:{env['RELAIS_REDIS_PORT']}/0"
    if "RASA_URL" not in env:
        first = int(env["RASA_PORT"])
        plan.rasa_ports = [first + i for i in range(env_int(env, "RELAIS_RASA_SERVERS", 1))]
        env["RASA_URL"] = stored["RASA_URL"] = ",".join(f"http://127.0.0.1:{p}" for p in plan.rasa_ports)
        generated("RASA_TOKEN")
    plan.own_actions = "RELAIS_ACTION_URL" not in env
    if plan.own_actions:
        env["RELAIS_ACTION_URL"] = f"http://127.0.0.1:{env['ACTIONS_PORT']}/webhook"
    if plan.own_actions or plan.rasa_ports:
        generated("RELAIS_ACTIONS_TOKEN")  # the action server's token; endpoints.yml sends it for Rasa
    generated("RELAIS_METRICS_TOKEN")

    platforms = [c.strip() for c in env.get("RELAIS_CHANNELS", "").split(",") if c.strip()] or registered_platforms()
    plan.platforms = [p for p in platforms if p in registered_platforms()]
    classes = [channel_class(p) for p in plan.platforms]
    credentials = [key for cls in classes for key in cls.sandbox_env({})]
    plan.sandbox = env_bool(env, "RELAIS_SANDBOX", not any(key in env for key in credentials))
    if plan.sandbox:
        env["RELAIS_SANDBOX"] = "true"
        generated("RELAIS_SANDBOX_TOKEN")
        for cls in classes:
            for key in cls.sandbox_env({}):
                if key not in env and previous.get(key):
                    env[key] = stored[key] = previous[key]
            fresh = cls.sandbox_env(env)  # only the keys still missing
            env.update(fresh)
            stored.update(fresh)
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(var_dir / "metrics"))
    write_env_file(stored, var_dir / "stack.env")
    (var_dir / "sandbox.env").unlink(missing_ok=True)  # what older versions kept; now in stack.env
    return plan


def check_settings(plan: StackPlan) -> None:
    """Fail before starting anything when the gateway or a worker would refuse its settings (ConfigError)."""
    settings = load_settings(plan.env)
    load_channels(plan.env, list(settings.channels))


def reset_metrics_dir(path: Path) -> None:
    """Empty the multiprocess metrics directory: the files of processes from an earlier run must not count."""
    path.mkdir(parents=True, exist_ok=True)
    for entry in path.glob("*.db"):
        entry.unlink()


def _probe_host(env: Mapping[str, str]) -> str:
    host = env.get("RELAIS_HOST", "").strip()
    return "127.0.0.1" if host in WILDCARD_HOSTS else host


def _summary(plan: StackPlan, model: Path | None, var_dir: Path) -> str:
    env = plan.env
    host = env.get("RELAIS_HOST", "").strip() or "127.0.0.1"
    rasa = ", ".join(_public(u) for u in env["RASA_URL"].split(","))
    lines = [
        "",
        "Relais is up.",
        *(f"  {p.capitalize() + ' webhook':<18} http://{host}:{plan.port}{channel_class(p).webhook_path}"
          for p in plan.platforms),
        f"  Gateway            http://{host}:{plan.port}   (/healthz, /readyz; "
        f"{plan.gateways} process(es))",
        f"  Metrics            http://{host}:{plan.port}/metrics   (Authorization: Bearer $RELAIS_METRICS_TOKEN"
        + (", in var/stack.env)" if "RELAIS_METRICS_TOKEN" in plan.stored else ")"),
        f"  Workers            {plan.workers} process(es)",
        f"  Rasa server        {rasa}" + (f"   (model {model.name})" if model else "   (configured)"),
        f"  Action server      {_public(env['RELAIS_ACTION_URL'])}",
        f"  Redis              {_public(env['REDIS_URL'])}"
        + ("   (embedded, data in var/redis)" if plan.own_redis else ""),
        "  Sandbox            " + ("on: replies go to the local outbox, not the platforms" if plan.sandbox
                                   else "off: replies go to the platforms"),
        f"Logs in {var_dir / 'log'}/; generated settings in {var_dir / 'stack.env'}.",
    ]
    if plan.sandbox:
        url = "" if plan.port == 8080 else f" --url http://127.0.0.1:{plan.port}"
        lines.append(f'Try it:  .venv/app/bin/relais try{url} "Bonjour, vous êtes ouverts le dimanche ?"')
    lines.append("Ctrl-C stops everything.")
    return "\n".join(lines)


def up(var_dir: Path = VAR) -> int:
    plan = stack_env(os.environ, var_dir)
    check_settings(plan)
    env = plan.env
    backend_env = {**{k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
                   **{k: v for k, v in rasa_env().items()
                      if k in ("RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL", "PYTHONPATH")}}
    app_env = {k: v for k, v in env.items() if k != "RELAIS_CONSUMER"}  # each worker names itself
    metrics_dir = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    reset_metrics_dir(metrics_dir)
    from bot import metrics  # imported before the variable is set: this process's own metrics stay in memory

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    stack = Supervisor(env, log_dir=var_dir / "log", on_exit=metrics.mark_process_dead)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C, kill and a closed terminal all stop the stack, even where the
    # shell started us with SIGINT ignored (background jobs).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        if plan.own_redis:
            start_redis(stack, int(env["RELAIS_REDIS_PORT"]), var_dir / "redis", persistent=True,
                        password=env["RELAIS_REDIS_PASSWORD"])
        model = ensure_model() if plan.rasa_ports else None
        print(f"Starting Relais (logs in {var_dir / 'log'}) …", flush=True)
        if plan.own_actions:
            stack.start("actions", actions_command(env["ACTIONS_PORT"]), backend_env)
        if model is not None:
            start_rasa_servers(stack, model, plan.rasa_ports, backend_env, env["RASA_TOKEN"])
        if plan.own_actions:
            wait_http(stack, f"http://127.0.0.1:{env['ACTIONS_PORT']}/health", 90)
        for i in range(1, plan.gateways + 1):
            stack.start("gateway" if i == 1 else f"gateway-{i}", [str(APP_BIN / "relais"), "gateway"], app_env)
        wait_http(stack, f"http://{_probe_host(env)}:{plan.port}/healthz", 30)
        for i in range(1, plan.workers + 1):
            stack.start(f"worker-{i}", [str(APP_BIN / "relais"), "worker"], app_env)
        print(_summary(plan, model, var_dir), flush=True)
        stack.run()
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
