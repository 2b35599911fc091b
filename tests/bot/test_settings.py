import pytest

from bot.errors import ConfigError
from bot.settings import load_settings

BASE = {
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "MESSENGER_APP_SECRET": "s",
    "MESSENGER_VERIFY_TOKEN": "v",
    "MESSENGER_PAGE_ACCESS_TOKEN": "t",
}


def test_minimal_environment_loads_with_defaults():
    settings = load_settings(BASE)
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.send_api_url == "https://graph.facebook.com/v21.0"
    assert settings.port == 8080 and settings.run_worker and not settings.sandbox


@pytest.mark.parametrize("missing", sorted(BASE))
def test_missing_key_is_named(missing):
    env = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_settings(env)


@pytest.mark.parametrize("key,value", [
    ("REDIS_URL", "localhost:6379"),
    ("RASA_URL", "ftp://rasa"),
    ("RELAIS_PORT", "eighty"),
    ("RELAIS_PORT", "0"),
    ("RELAIS_RUN_WORKER", "maybe"),
    ("GRAPH_API_BASE", "graph.facebook.com"),
])
def test_invalid_value_is_named(key, value):
    with pytest.raises(ConfigError, match=key):
        load_settings({**BASE, key: value})


def test_secrets_are_not_in_repr():
    text = repr(load_settings({**BASE, "MESSENGER_APP_SECRET": "very-secret-value"}))
    assert "very-secret-value" not in text
