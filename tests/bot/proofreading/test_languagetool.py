"""The LanguageTool backend against a local server speaking LanguageTool's HTTP API."""

import time

import pytest

from bot.proofreading.base import ProofreadingUnavailable
from bot.proofreading.languagetool import CircuitBreaker, LanguageToolBackend
from bot.proofreading.service import Proofreader, embedded_backends
from tests.fakes.languagetool import FakeLanguageTool


@pytest.fixture
async def lt():
    fake = FakeLanguageTool()
    fake.url = await fake.start()
    yield fake
    await fake.close()


async def test_remote_server_finds_misspellings(lt):
    backend = LanguageToolBackend(lt.url, timeout_s=2)
    [issue] = await backend.check("Merci pour votre mesage.", "fr")
    assert (issue.word, issue.suggestions, issue.backend) == ("mesage", ("message",), "languagetool")
    assert issue.blocking  # a misspelling; only LanguageTool's style and register rules are advice
    assert lt.checks[-1]["language"] == "fr" and lt.checks[-1]["text"] == "Merci pour votre mesage."


async def test_english_uses_en_us(lt):
    backend = LanguageToolBackend(lt.url, timeout_s=2)
    [issue] = await backend.check("I will recieve it.", "en")
    assert issue.word == "recieve" and lt.checks[-1]["language"] == "en-US"


async def test_unresponsive_server_costs_one_timeout_then_the_circuit_opens(lt):
    lt.stall_s = 5
    backend = LanguageToolBackend(lt.url, timeout_s=0.3, breaker=CircuitBreaker(threshold=2, reset_after_s=60))
    for _ in range(2):
        with pytest.raises(ProofreadingUnavailable):
            await backend.check("Bonjour.", "fr")
    assert backend.breaker.state == "open"
    started = time.perf_counter()
    with pytest.raises(ProofreadingUnavailable, match="circuit open"):
        await backend.check("Bonjour.", "fr")
    assert time.perf_counter() - started < 0.05  # no call made while open


def test_breaker_half_opens_after_the_reset_delay_and_closes_on_success():
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, reset_after_s=10, clock=lambda: now[0])
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 10.0
    assert breaker.state == "half-open" and breaker.allow()
    breaker.success()
    assert breaker.state == "closed"


async def test_embedded_proofreader_takes_over_when_languagetool_fails(lt):
    lt.fail = True
    proofreader = Proofreader(embedded_backends(), LanguageToolBackend(lt.url, timeout_s=1))
    checked = await proofreader.check("Les commande sont expédié.", "fr")
    assert checked.backend == "hunspell+grammalecte"
    assert {"commande", "expédié"} <= {i.word for i in checked.issues}
