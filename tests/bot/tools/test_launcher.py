"""``relais up``: supervision of real child processes, the generated settings, the embedded Redis's password."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import sys
import time
from pathlib import Path

import pytest
import redis

from bot.errors import ConfigError
from bot.tools.launcher import check_settings, stack_env, start_redis
from bot.tools.stackenv import read_env_file
from bot.tools.supervisor import Stack, Supervisor
from tests.helpers import free_port

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
FAILING = [sys.executable, "-c", "raise SystemExit(3)"]
OPERATOR_SECRET = "operator-app-secret-0123456789"


def wait_until(condition, timeout_s: float = 10.0, step_s: float = 0.02, supervisor: Supervisor | None = None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if supervisor is not None:
            supervisor.supervise()
        value = condition()
        if value:
            return value
        time.sleep(step_s)
    raise AssertionError("condition not met in time")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is not alive
        return f.read().split(")")[-1].split()[0] != "Z"


@pytest.fixture
def supervisor(tmp_path: Path):
    exits: list[int] = []
    sup = Supervisor(dict(os.environ), log_dir=tmp_path / "log", on_exit=exits.append)
    sup.exits = exits
    yield sup
    sup.stop()


# -- supervision ---------------------------------------------------------------------------------

def test_a_killed_child_is_restarted_with_one_line_and_the_others_keep_running(supervisor, capsys):
    supervisor.start("worker-1", SLEEPER)
    supervisor.start("worker-2", SLEEPER)
    before = supervisor.pids()
    os.kill(before["worker-2"], signal.SIGKILL)

    after = wait_until(lambda: (p := supervisor.pids()).get("worker-2") not in (None, before["worker-2"]) and p,
                       supervisor=supervisor)

    assert "relais: worker-2 exited with code -9; restarting in 1 s" in capsys.readouterr().out
    assert after["worker-1"] == before["worker-1"] and alive(before["worker-1"])
    assert alive(after["worker-2"])
    assert supervisor.exits == [before["worker-2"]]


def test_the_printed_delays_grow_then_stay_at_the_ceiling(tmp_path, capsys):
    sup = Supervisor(dict(os.environ), log_dir=tmp_path, first_delay_s=0.1, max_delay_s=0.4)
    lines: list[str] = []
    try:
        sup.start("flaky", FAILING)

        def four_lines():
            lines.extend(capsys.readouterr().out.splitlines())
            return len(lines) >= 4

        wait_until(four_lines, timeout_s=15, supervisor=sup)
    finally:
        sup.stop()
    delays = [float(re.search(r"restarting in ([\d.]+) s", line).group(1)) for line in lines[:4]]
    assert delays == [0.1, 0.2, 0.4, 0.4]
    assert all(line.startswith("relais: flaky exited with code 3;") for line in lines[:4])


def test_default_backoff_is_1_2_4_up_to_30_seconds():
    sup = Supervisor({})
    assert [sup.delay(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert sup.reset_after_s == 60


def test_the_backoff_starts_over_after_a_child_ran_long_enough(tmp_path, capsys):
    sup = Supervisor(dict(os.environ), log_dir=tmp_path, first_delay_s=0.1, max_delay_s=5, reset_after_s=0.3)
    lines: list[str] = []
    try:
        sup.start("steady", [sys.executable, "-c", "import time; time.sleep(0.5)"])

        def three_lines():
            lines.extend(capsys.readouterr().out.splitlines())
            return len(lines) >= 3

        wait_until(three_lines, timeout_s=15, supervisor=sup)
    finally:
        sup.stop()
    assert all("exited with code 0; restarting in 0.1 s" in line for line in lines[:3])


def test_stop_ends_every_child_even_one_waiting_to_restart(tmp_path):
    sup = Supervisor(dict(os.environ), log_dir=tmp_path)
    sup.start("sleeper", SLEEPER)
    sup.start("flaky", FAILING)
    sleeper = sup.pids()["sleeper"]
    wait_until(lambda: sup.children[1].restart_at is not None, supervisor=sup)
    sup.stop()
    assert not alive(sleeper)
    assert sup.pids() == {}


def test_a_stack_that_is_starting_reports_a_dead_child_with_its_log(tmp_path):
    stack = Stack(dict(os.environ), log_dir=tmp_path)
    stack.start("broken", [sys.executable, "-c", "print('port taken'); raise SystemExit(1)"])
    try:
        with pytest.raises(RuntimeError, match=r"broken exited with code 1; see .*broken\.log"):
            wait_until(lambda: stack.check_alive() and False, timeout_s=10)
    finally:
        stack.stop()
    assert "port taken" in (tmp_path / "broken.log").read_text()


# -- generated settings ----------------------------------------------------------------------------

BARE = {"PATH": os.environ.get("PATH", "/usr/bin")}
CREDENTIALS = {"MESSENGER_APP_SECRET": OPERATOR_SECRET, "MESSENGER_VERIFY_TOKEN": "operator-verify",
               "MESSENGER_PAGE_ACCESS_TOKEN": "operator-page-token"}


def test_sandbox_is_on_without_credentials(tmp_path):
    plan = stack_env(BARE, tmp_path)
    assert plan.sandbox and plan.env["RELAIS_SANDBOX"] == "true"
    stored = read_env_file(tmp_path / "stack.env")
    for key in ("RELAIS_SANDBOX_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN",
                "MESSENGER_PAGE_ACCESS_TOKEN", "RASA_TOKEN", "RELAIS_REDIS_PASSWORD", "REDIS_URL"):
        assert stored[key] == plan.env[key] != ""
    assert stat.S_IMODE((tmp_path / "stack.env").stat().st_mode) == 0o600
    check_settings(plan)  # the gateway and the workers accept these settings


def test_sandbox_is_off_with_credentials_and_nothing_of_theirs_is_stored(tmp_path):
    plan = stack_env({**BARE, **CREDENTIALS}, tmp_path)
    assert not plan.sandbox and "RELAIS_SANDBOX" not in plan.env
    for key, value in CREDENTIALS.items():
        assert plan.env[key] == value
    text = (tmp_path / "stack.env").read_text()
    assert OPERATOR_SECRET not in text and "MESSENGER_" not in text and "RELAIS_SANDBOX_TOKEN" not in text
    check_settings(plan)


def test_a_configured_app_secret_is_never_overwritten_nor_stored(tmp_path):
    # an earlier sandbox run left generated Messenger settings behind
    first = stack_env(BARE, tmp_path)
    assert first.sandbox
    # the operator now configures the app secret, without a page token yet: no sandbox
    plan = stack_env({**BARE, "MESSENGER_APP_SECRET": OPERATOR_SECRET}, tmp_path)
    assert plan.env["MESSENGER_APP_SECRET"] == OPERATOR_SECRET
    assert not plan.sandbox
    text = (tmp_path / "stack.env").read_text()
    assert OPERATOR_SECRET not in text and "MESSENGER_APP_SECRET" not in text
    with pytest.raises(ConfigError, match="MESSENGER_VERIFY_TOKEN|MESSENGER_PAGE_ACCESS_TOKEN"):
        check_settings(plan)  # relais up refuses to start rather than run half configured
    # sandbox asked for explicitly: the missing settings are generated, the secret stays the operator's
    plan = stack_env({**BARE, "MESSENGER_APP_SECRET": OPERATOR_SECRET, "RELAIS_SANDBOX": "true"}, tmp_path)
    assert plan.sandbox and plan.env["MESSENGER_APP_SECRET"] == OPERATOR_SECRET
    stored = read_env_file(tmp_path / "stack.env")
    assert "MESSENGER_APP_SECRET" not in stored and OPERATOR_SECRET not in stored.values()
    assert stored["MESSENGER_PAGE_ACCESS_TOKEN"].startswith("sandbox-")
    check_settings(plan)


def test_generated_values_are_reused_on_the_next_run(tmp_path):
    first = stack_env(BARE, tmp_path)
    second = stack_env(BARE, tmp_path)
    for key in ("RELAIS_REDIS_PASSWORD", "REDIS_URL", "RASA_TOKEN", "RELAIS_SANDBOX_TOKEN", "MESSENGER_APP_SECRET",
                "MESSENGER_VERIFY_TOKEN", "MESSENGER_PAGE_ACCESS_TOKEN"):
        assert second.env[key] == first.env[key]
    assert read_env_file(tmp_path / "stack.env") == first.stored == second.stored
    elsewhere = stack_env(BARE, tmp_path / "other")
    assert elsewhere.env["RASA_TOKEN"] != first.env["RASA_TOKEN"]


def test_values_from_the_environment_win_and_are_not_stored(tmp_path):
    stack_env(BARE, tmp_path)
    plan = stack_env({**BARE, "RASA_TOKEN": "operator-rasa-token", "REDIS_URL": "redis://:pw@10.0.0.5:6379/2",
                      "RELAIS_WORKERS": "3", "RELAIS_RASA_SERVERS": "2", "RASA_PORT": "15005"}, tmp_path)
    assert plan.env["RASA_TOKEN"] == "operator-rasa-token" and plan.env["REDIS_URL"].endswith("10.0.0.5:6379/2")
    assert not plan.own_redis and plan.workers == 3 and plan.rasa_ports == [15005, 15006]
    assert plan.env["RASA_URL"] == "http://127.0.0.1:15005,http://127.0.0.1:15006"
    stored = read_env_file(tmp_path / "stack.env")
    assert "RASA_TOKEN" not in stored and "REDIS_URL" not in stored
    assert "operator-rasa-token" not in (tmp_path / "stack.env").read_text()


def test_the_action_server_and_metrics_tokens_are_generated_once_and_reach_the_settings(tmp_path):
    from bot.settings import load_settings

    first = stack_env(BARE, tmp_path)
    stored = read_env_file(tmp_path / "stack.env")
    for key in ("RELAIS_ACTIONS_TOKEN", "RELAIS_METRICS_TOKEN"):
        assert len(stored[key]) >= 32 and first.env[key] == stored[key]
        assert stack_env(BARE, tmp_path).env[key] == stored[key]
    settings = load_settings(first.env)
    assert (settings.actions_token, settings.metrics_token) == (stored["RELAIS_ACTIONS_TOKEN"],
                                                                 stored["RELAIS_METRICS_TOKEN"])
    assert stored["RELAIS_ACTIONS_TOKEN"] not in repr(settings) and stored["RELAIS_METRICS_TOKEN"] not in repr(settings)
    given = stack_env({**BARE, "RELAIS_ACTIONS_TOKEN": "operator-actions", "RELAIS_METRICS_TOKEN": "operator-metrics"},
                      tmp_path / "given")
    assert given.env["RELAIS_ACTIONS_TOKEN"] == "operator-actions"
    assert "operator-" not in (tmp_path / "given" / "stack.env").read_text()


def test_one_worker_per_core_by_default(tmp_path):
    assert stack_env(BARE, tmp_path).workers == (os.cpu_count() or 1)


# -- the embedded Redis ---------------------------------------------------------------------------

def test_the_embedded_redis_refuses_a_client_without_its_password(tmp_path):
    port = free_port()
    plan = stack_env({**BARE, "RELAIS_REDIS_PORT": str(port)}, tmp_path)
    password = plan.env["RELAIS_REDIS_PASSWORD"]
    stack = Stack(dict(os.environ), log_dir=tmp_path / "log")
    try:
        url = start_redis(stack, port, tmp_path / "redis", persistent=False, password=password)
        assert url == plan.env["REDIS_URL"]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(b"PING\r\n")
            assert conn.recv(200).startswith(b"-NOAUTH Authentication required")
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=port).ping()
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=port, password="wrong").ping()
        client = redis.Redis.from_url(url)
        assert client.ping() is True
        client.close()
        pid = stack.pids()["redis"]
        assert password.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
    finally:
        stack.stop()
