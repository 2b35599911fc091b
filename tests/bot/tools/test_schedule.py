"""``relais schedule``: the next openings and closings, the next holidays, and ``--at``, in the brand's language."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from bot.brand import load_brand
from bot.errors import ConfigError
from bot.tools.schedule import schedule
from bot.tools.training import ROOT

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def brand():
    return load_brand()


def test_overview_of_14_days_and_5_holidays_in_french(brand):
    now = dt.datetime(2027, 7, 9, 16, 0, tzinfo=UTC)  # Friday 18:00 in Paris, as the team leaves
    lines = schedule(brand, now=now)
    assert lines[0].startswith("Équipe (Europe/Paris)")
    days = lines[lines.index("Les 14 prochains jours :") + 1:lines.index("Prochains jours fériés :") - 1]
    assert days[0].split() == ["samedi", "10", "juillet", "à", "10", "h", "ouverture"]
    assert days[1].split() == ["samedi", "10", "juillet", "à", "13", "h", "fermeture"]
    assert days[2].split()[:3] == ["lundi", "12", "juillet"]
    assert not any("14 juillet" in line for line in days)  # Fête nationale: closed all day
    assert days[-1].split()[:3] == ["vendredi", "23", "juillet"] and days[-1].endswith("fermeture")
    holidays = lines[lines.index("Prochains jours fériés :") + 1:]
    assert len(holidays) == 5
    assert holidays[0].split() == ["mercredi", "14", "juillet", "2027", "Fête", "nationale", "—", "fermé"]


def test_overview_in_english(brand):
    lines = schedule(brand, now=dt.datetime(2027, 7, 9, 16, 0, tzinfo=UTC), language="en")
    assert "The next 14 days:" in lines
    assert any(line.split() == ["Saturday", "10", "July", "at", "10", "am", "opens"] for line in lines)
    assert any("Wednesday 14 July 2027" in line and "National Day — closed" in line for line in lines)


def test_at_a_holiday_a_custom_day_and_a_worked_holiday(brand):
    now = dt.datetime(2027, 1, 1, tzinfo=UTC)
    assert schedule(brand, now=now, at="2027-07-14 10:00") == [
        "L'équipe n'est pas là le mercredi 14 juillet à 10 h (jour férié : Fête nationale).",
        "Prochaine ouverture : jeudi 15 juillet à 9 h."]
    assert schedule(brand, now=now, at="2027-12-24 15:00", language="en") == [
        "The team is in on Friday 24 December at 3 pm (exception: Christmas Eve).", "Until 4 pm."]
    assert schedule(brand, now=now, at="2027-05-17 10:00", language="en")[0] == \
        "The team is in on Monday 17 May at 10 am (public holiday, worked: Pentecost Monday)."
    with pytest.raises(ConfigError, match="--at"):
        schedule(brand, now=now, at="demain 10h")


def test_the_command_line():
    result = subprocess.run([sys.executable, "-m", "bot.tools.cli", "schedule", "--at", "2027-07-14 10:00"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("L'équipe n'est pas là le mercredi 14 juillet à 10 h")
    bad = subprocess.run([sys.executable, "-m", "bot.tools.cli", "schedule", "--at", "tomorrow"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--at: 'tomorrow' is not a date and time" in bad.stderr
