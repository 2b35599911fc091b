"""The installed ``relais`` package works outside the checkout (as ``relais gateway`` runs it)."""

import subprocess
import sys


def test_every_package_imports_from_the_installed_distribution(tmp_path):
    code = "import bot.app, bot.tools.cli, bot.tools.lint, actions, webhooks.messenger, nlu_components.flags, bot.proofreading.service, bot.schedule.config"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_console_script_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.tools.cli", "--help"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "resume" in result.stdout
