"""Settings are read once, validated, and fail fast naming the bad key; secrets never show."""

import pytest

from bot.channels import load_channels
from bot.errors import ConfigError
from bot.settings import load_settings
from webhooks.messenger import MessengerChannel

CORE = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
MESSENGER = {"MESSENGER_APP_SECRET": "s3cret-app", "MESSENGER_VERIFY_TOKEN": "v3rify",
             "MESSENGER_PAGE_ACCESS_TOKEN": "p4ge-token"}


def test_minimal_environment_loads_with_defaults():
    settings = load_settings(CORE)
    assert settings.rasa_urls == ("http://127.0.0.1:5005",)
    assert settings.channels == ("messenger", "x")  # every registered channel
    assert settings.host == "127.0.0.1" and not settings.sandbox
    assert settings.claim_idle_ms > settings.heartbeat_s * 1000 * 2  # a live worker is never taken over


def test_several_rasa_servers_can_be_listed():
    settings = load_settings({**CORE, "RASA_URL": "http://127.0.0.1:5005, http://127.0.0.1:5006"})
    assert settings.rasa_urls == ("http://127.0.0.1:5005", "http://127.0.0.1:5006")


@pytest.mark.parametrize("missing", sorted(MESSENGER))
def test_a_channels_missing_key_is_named(missing):
    env = {k: v for k, v in MESSENGER.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_channels(env)


@pytest.mark.parametrize("key,value", [
    ("REDIS_URL", "localhost:6379"),
    ("RELAIS_PORT", "eighty"),
    ("RELAIS_WORKER_CONCURRENCY", "0"),
    ("RELAIS_SANDBOX", "maybe"),
    ("RASA_URL", "127.0.0.1:5005"),
    ("RELAIS_CHANNELS", "telegram"),
    ("RELAIS_POLICY_FILE", "/nonexistent/policy.yml"),
])
def test_invalid_value_is_named(key, value):
    with pytest.raises(ConfigError, match=key):
        load_settings({**CORE, key: value})


def test_sandbox_needs_its_token():
    with pytest.raises(ConfigError, match="RELAIS_SANDBOX_TOKEN"):
        load_settings({**CORE, "RELAIS_SANDBOX": "true"})


def test_graph_api_base_must_be_a_url():
    with pytest.raises(ConfigError, match="GRAPH_API_BASE"):
        MessengerChannel.from_env({**MESSENGER, "GRAPH_API_BASE": "graph.facebook.com"})


def test_secrets_never_show_in_repr():
    settings = load_settings({**CORE, "REDIS_URL": "redis://:hunter2@127.0.0.1:6379/0", "RASA_TOKEN": "rasa-tok"})
    channel = MessengerChannel.from_env(MESSENGER)
    text = repr(settings) + repr(channel)
    for secret in ("hunter2", "rasa-tok", *MESSENGER.values()):
        assert secret not in text
