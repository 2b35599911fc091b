"""One shipped proofreader for the module tests (building Grammalecte, Hunspell and Harper takes seconds)."""

import pytest

from bot.proofreading.grammalecte import GrammalecteBackend
from bot.proofreading.service import Proofreader


@pytest.fixture(scope="session")
def shipped():
    return Proofreader.from_env()


@pytest.fixture(scope="session")
def grammalecte():
    return GrammalecteBackend(spelling=False)
