"""Settings: read once from the environment, validated, failing fast with the key named.

Secrets come only from the environment and are never printed (``repr``
leaves them out). Each channel reads its own settings with the helpers
below (``webhooks/<platform>/__init__.py``); this module holds what the
gateway and the workers share.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


# The pipeline behind the webhook (workers, the Rasa server, the action server) runs this much below
# the gateway and Redis in CPU priority (a nice increment): in a platform's burst the acknowledgements
# come first, and the backlog they queued is worked off a moment later.
BACKEND_NICE = 10

# How long a message id stays "seen" (the inbound dedupe, and the mark the X channel sets on each DM it
# sends). It must outlive every path on which a platform can deliver an event again:
# * Meta retries a webhook it could not deliver, less and less often, for up to 36 hours;
# * X retries a POST for a few minutes; its replay (``POST /2/webhooks/replay``, what ``relais x replay``
#   and a worker's recovery after downtime ask for) reaches 24 hours back, and the Account Activity
#   replay, which the same webhook can be sent, five days; a job then delivers over time
#   (``webhooks.x.admin.X_REDELIVERY_MAX_S``: six days in all);
# * a replay covers the events delivered or attempted in its window, which can include the deliveries
#   of an earlier replay, so one X event can come back again and again: each X delivery therefore renews
#   the mark of every id it carries (``Channel.renews_dedupe``), and the mark lives this long after the
#   latest delivery, not the first.
# Seven days is longer than each of those windows (tests/webhooks/x/test_dedupe_window.py checks it).
DEDUP_TTL_S = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Settings:
    redis_url: str = field(repr=False)  # may carry a password
    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    rasa_token: str = field(default="", repr=False)
    actions_url: str = "http://127.0.0.1:5055/webhook"
    actions_token: str = field(default="", repr=False)
    channels: tuple[str, ...] = ()  # load_settings: every registered channel unless RELAIS_CHANNELS says
    host: str = "127.0.0.1"
    port: int = 8080
    sandbox: bool = False
    sandbox_token: str = field(default="", repr=False)
    worker_concurrency: int = 8
    worker_nice: int = BACKEND_NICE  # a worker's CPU priority below the gateway's (os.nice increment)
    consumer: str = "worker"
    # Leases: a worker renews its conversation lock and its claim on the entry every
    # heartbeat; another worker takes an entry over once it missed three heartbeats.
    heartbeat_s: float = 2.0
    lock_ttl_ms: int = 10_000
    max_attempts: int = 5  # deliveries of one entry before it goes to the dead letters
    send_attempts: int = 6  # sends refused with a retryable error before the message fails
    send_retry_base_s: float = 2.0
    echo_wait_s: float = 30.0  # how long an uncertain send waits for the platform's echo
    order_wait_s: float = 30.0  # how long a message waits for an earlier one of its conversation
    rasa_timeout_s: float = 10.0
    rasa_attempts: int = 3
    actions_timeout_s: float = 10.0
    enqueue_budget_s: float = 2.0  # longer than this to enqueue → 503 with Retry-After
    redis_max_connections: int = 64
    dedup_ttl_s: int = DEDUP_TTL_S  # longer than Meta's and X's redelivery windows (see DEDUP_TTL_S)
    # The gateway's edge (bot/edge.py): a connection has idle_timeout_s to send a complete request head
    # (and may stay that long idle between requests); a webhook's body then has body_timeout_s to arrive
    # whole; one gateway process keeps at most max_connections open. /metrics answers only the bearer
    # metrics_token (not served without one).
    idle_timeout_s: float = 15.0
    body_timeout_s: float = 10.0
    max_connections: int = 1000
    metrics_token: str = field(default="", repr=False)
    # The platforms' subscription checks (X's CRC, Meta's verify GET): at most this many a minute per
    # client address and in all (bot/ratelimit.py); 429 with Retry-After beyond.
    check_limit_client: int = 10
    check_limit_total: int = 60
    # One sender may queue this many messages per window; the rest are recorded for a person
    # (bot/pipeline/flood.py). 0 turns the limit off.
    sender_limit: int = 20
    sender_window_s: int = 60
    policy_file: str = str(ROOT / "policy.yml")
    brand_file: str = str(ROOT / "brand.yml")
    domain_file: str = str(ROOT / "domain.yml")
    rules_file: str = str(ROOT / "nlu_data" / "rules.yml")
    # The CM console (/console): served unless RELAIS_CONSOLE=off. A session ends after this long
    # without the CM doing anything, and this long after signing in whatever happens; with
    # console_totp_required every account needs a second factor (an admin's always does).
    console: bool = True
    console_session_idle_s: int = 2 * 3600
    console_session_max_s: int = 12 * 3600
    console_totp_required: bool = False
    # Sign-in (bot/console/throttle.py, bot/console/passwords.py): one password check per account,
    # and per client address, per slot once the burst is spent; Argon2 checks at once / waiting.
    console_signin_account_slot_s: float = 10.0
    console_signin_address_slot_s: float = 2.0
    console_hash_concurrency: int = 2
    console_hash_queue: int = 8
    # The team's service-level target: a fan waiting for a person is answered within this (shown per
    # conversation in the console).
    console_first_reply_target_s: int = 3600
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (bot/forwarded.py).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1/32", "::1/128")

    @property
    def claim_idle_ms(self) -> int:
        """An entry idle this long has an owner that missed three heartbeats: it is dead."""
        return int(self.heartbeat_s * 3000) + 1000

    @property
    def sandbox_allowed(self) -> bool:
        return self.sandbox and self.host in LOOPBACK_HOSTS


# -- helpers every module that reads settings uses ---------------------------------------

def env_url(env: Mapping[str, str], key: str, schemes: tuple[str, ...], default: str | None = None) -> str:
    value = env.get(key, "").strip() or default
    if not value:
        raise ConfigError(f"missing setting {key}")
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.scheme == "unix"):
        raise ConfigError(f"setting {key} must be a {'/'.join(schemes)} URL")
    return value


def env_int(env: Mapping[str, str], key: str, default: int, minimum: int = 1) -> int:
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


def env_float(env: Mapping[str, str], key: str, default: float, minimum: float = 0.001) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"setting {key} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"setting {key} must be >= {minimum}, got {value}")
    return value


def env_bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"setting {key} must be true or false, got {raw!r}")


def env_secret(env: Mapping[str, str], key: str) -> str:
    value = env.get(key, "").strip()
    if not value:
        raise ConfigError(f"missing setting {key} (set it in the environment)")
    return value


def _file(env: Mapping[str, str], key: str, default: str) -> str:
    value = env.get(key, "").strip() or default
    if not Path(value).is_file():
        raise ConfigError(f"setting {key}: no such file {value}")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from the environment, raising ConfigError naming the first bad key."""
    from bot.channels import registered_platforms
    from bot.forwarded import parse_proxies

    env = os.environ if env is None else env
    rasa_urls = tuple(u.strip() for u in (env.get("RASA_URL", "") or "http://127.0.0.1:5005").split(",") if u.strip())
    for i, url in enumerate(rasa_urls):
        env_url({"RASA_URL": url}, "RASA_URL", ("http", "https"))
    channels = tuple(c.strip() for c in env.get("RELAIS_CHANNELS", "").split(",") if c.strip()) or tuple(
        registered_platforms())
    unknown = [c for c in channels if c not in registered_platforms()]
    if unknown:
        raise ConfigError(f"setting RELAIS_CHANNELS: unknown channel {unknown[0]!r} "
                          f"(known: {', '.join(registered_platforms())})")
    sandbox = env_bool(env, "RELAIS_SANDBOX", False)
    defaults = Settings(redis_url="redis://127.0.0.1:6379/0")
    # RELAIS_CONSOLE_SESSION_S, the idle limit's earlier name, still sets it.
    idle_key = "RELAIS_CONSOLE_SESSION_IDLE_S" if env.get("RELAIS_CONSOLE_SESSION_IDLE_S", "").strip() \
        else "RELAIS_CONSOLE_SESSION_S"
    session_idle_s = env_int(env, idle_key, defaults.console_session_idle_s, minimum=60)
    session_max_s = env_int(env, "RELAIS_CONSOLE_SESSION_MAX_S", defaults.console_session_max_s, minimum=60)
    if session_max_s < session_idle_s:
        raise ConfigError(f"setting RELAIS_CONSOLE_SESSION_MAX_S ({session_max_s}) must be >= {idle_key} "
                          f"({session_idle_s})")
    return Settings(
        redis_url=env_url(env, "REDIS_URL", ("redis", "rediss", "unix")),
        rasa_urls=rasa_urls,
        rasa_token=env.get("RASA_TOKEN", "").strip(),
        actions_url=env_url(env, "RELAIS_ACTION_URL", ("http", "https"), defaults.actions_url),
        actions_token=env.get("RELAIS_ACTIONS_TOKEN", "").strip(),
        channels=channels,
        host=env.get("RELAIS_HOST", "").strip() or "127.0.0.1",
        port=env_int(env, "RELAIS_PORT", 8080),
        sandbox=sandbox,
        sandbox_token=env_secret(env, "RELAIS_SANDBOX_TOKEN") if sandbox else "",
        worker_concurrency=env_int(env, "RELAIS_WORKER_CONCURRENCY", defaults.worker_concurrency),
        worker_nice=env_int(env, "RELAIS_WORKER_NICE", defaults.worker_nice, minimum=0),
        consumer=env.get("RELAIS_CONSUMER", "").strip() or f"{socket.gethostname()}-{os.getpid()}",
        heartbeat_s=env_float(env, "RELAIS_HEARTBEAT_S", defaults.heartbeat_s, minimum=0.1),
        max_attempts=env_int(env, "RELAIS_MAX_ATTEMPTS", defaults.max_attempts),
        send_attempts=env_int(env, "RELAIS_SEND_ATTEMPTS", defaults.send_attempts),
        echo_wait_s=env_float(env, "RELAIS_ECHO_WAIT_S", defaults.echo_wait_s),
        order_wait_s=env_float(env, "RELAIS_ORDER_WAIT_S", defaults.order_wait_s),
        sender_limit=env_int(env, "RELAIS_SENDER_LIMIT", defaults.sender_limit, minimum=0),
        sender_window_s=env_int(env, "RELAIS_SENDER_WINDOW_S", defaults.sender_window_s),
        rasa_timeout_s=env_float(env, "RASA_TIMEOUT_S", defaults.rasa_timeout_s),
        redis_max_connections=env_int(env, "RELAIS_REDIS_MAX_CONNECTIONS", defaults.redis_max_connections, 4),
        idle_timeout_s=env_float(env, "RELAIS_IDLE_TIMEOUT_S", defaults.idle_timeout_s, minimum=0.1),
        body_timeout_s=env_float(env, "RELAIS_BODY_TIMEOUT_S", defaults.body_timeout_s, minimum=0.1),
        max_connections=env_int(env, "RELAIS_MAX_CONNECTIONS", defaults.max_connections, minimum=8),
        metrics_token=env.get("RELAIS_METRICS_TOKEN", "").strip(),
        check_limit_client=env_int(env, "RELAIS_CHECK_LIMIT_CLIENT", defaults.check_limit_client),
        check_limit_total=env_int(env, "RELAIS_CHECK_LIMIT_TOTAL", defaults.check_limit_total),
        policy_file=_file(env, "RELAIS_POLICY_FILE", defaults.policy_file),
        brand_file=_file(env, "RELAIS_BRAND_FILE", defaults.brand_file),
        console=env_bool(env, "RELAIS_CONSOLE", defaults.console),
        console_session_idle_s=session_idle_s,
        console_session_max_s=session_max_s,
        console_totp_required=env_bool(env, "RELAIS_CONSOLE_TOTP_REQUIRED", defaults.console_totp_required),
        console_signin_account_slot_s=env_float(env, "RELAIS_CONSOLE_SIGNIN_ACCOUNT_SLOT_S",
                                                defaults.console_signin_account_slot_s),
        console_signin_address_slot_s=env_float(env, "RELAIS_CONSOLE_SIGNIN_ADDRESS_SLOT_S",
                                                defaults.console_signin_address_slot_s),
        console_hash_concurrency=env_int(env, "RELAIS_CONSOLE_HASH_CONCURRENCY", defaults.console_hash_concurrency),
        console_hash_queue=env_int(env, "RELAIS_CONSOLE_HASH_QUEUE", defaults.console_hash_queue, minimum=0),
        console_first_reply_target_s=env_int(env, "RELAIS_CONSOLE_FIRST_REPLY_TARGET_S",
                                             defaults.console_first_reply_target_s, minimum=60),
        trusted_proxies=parse_proxies(env["RELAIS_TRUSTED_PROXIES"]) if env.get("RELAIS_TRUSTED_PROXIES", "").strip()
        else defaults.trusted_proxies,
    )
