"""Settings: read once from the environment, validated, failing fast with the key named.

Secrets (app secret, verify token, page access token) come only from the
environment; nothing here reads files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.errors import ConfigError

DEFAULT_GRAPH_API_BASE = "https://graph.facebook.com"
DEFAULT_GRAPH_API_VERSION = "v21.0"


@dataclass(frozen=True, slots=True)
class Settings:
    redis_url: str
    rasa_url: str
    messenger_app_secret: str = field(repr=False)
    messenger_verify_token: str = field(repr=False)
    messenger_page_access_token: str = field(repr=False)
    graph_api_base: str = DEFAULT_GRAPH_API_BASE
    graph_api_version: str = DEFAULT_GRAPH_API_VERSION
    host: str = "127.0.0.1"
    port: int = 8080
    run_worker: bool = True
    worker_concurrency: int = 4
    stream: str = "relais:inbound"
    group: str = "relais-workers"
    consumer: str = "worker"
    claim_idle_ms: int = 30_000
    send_attempts: int = 4
    rasa_timeout_s: float = 30.0
    send_timeout_s: float = 10.0
    dedup_ttl_s: int = 7 * 24 * 3600
    sandbox: bool = False
    policy_file: str = str(Path(__file__).resolve().parents[1] / "policy.yml")

    @property
    def send_api_url(self) -> str:
        return f"{self.graph_api_base.rstrip('/')}/{self.graph_api_version}"


def _url(env: Mapping[str, str], key: str, schemes: tuple[str, ...], default: str | None = None) -> str:
    value = env.get(key, "").strip() or default
    if not value:
        raise ConfigError(f"missing setting {key}")
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(f"setting {key} must be a {'/'.join(schemes)} URL, got {value!r}")
    return value


def _int(env: Mapping[str, str], key: str, default: int, minimum: int = 1) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"setting {key} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"setting {key} must be >= {minimum}, got {value}")
    return value


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"setting {key} must be true or false, got {raw!r}")


def _secret(env: Mapping[str, str], key: str) -> str:
    value = env.get(key, "").strip()
    if not value:
        raise ConfigError(f"missing setting {key} (set it in the environment)")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from the environment, raising ConfigError naming the first bad key."""
    env = os.environ if env is None else env
    return Settings(
        redis_url=_url(env, "REDIS_URL", ("redis", "rediss", "unix")),
        rasa_url=_url(env, "RASA_URL", ("http", "https"), "http://127.0.0.1:5005"),
        messenger_app_secret=_secret(env, "MESSENGER_APP_SECRET"),
        messenger_verify_token=_secret(env, "MESSENGER_VERIFY_TOKEN"),
        messenger_page_access_token=_secret(env, "MESSENGER_PAGE_ACCESS_TOKEN"),
        graph_api_base=_url(env, "GRAPH_API_BASE", ("http", "https"), DEFAULT_GRAPH_API_BASE),
        graph_api_version=env.get("GRAPH_API_VERSION", "").strip() or DEFAULT_GRAPH_API_VERSION,
        host=env.get("RELAIS_HOST", "").strip() or "127.0.0.1",
        port=_int(env, "RELAIS_PORT", 8080),
        run_worker=_bool(env, "RELAIS_RUN_WORKER", True),
        worker_concurrency=_int(env, "RELAIS_WORKER_CONCURRENCY", 4),
        consumer=env.get("RELAIS_CONSUMER", "").strip() or f"worker-{os.getpid()}",
        claim_idle_ms=_int(env, "RELAIS_CLAIM_IDLE_MS", 30_000, minimum=100),
        sandbox=_bool(env, "RELAIS_SANDBOX", False),
        **({"policy_file": env["RELAIS_POLICY_FILE"]} if env.get("RELAIS_POLICY_FILE", "").strip() else {}),
    )
