"""A proofreading flag holds a draft only when it is blocking; advice goes out with the reply, for the CM."""

import pytest

from tests.bot.pipeline.test_promises import TONE, idle, message, take_over
from tests.helpers import make_settings, messenger, outcome, start_worker, wait_until

ANSWER = "Nos boutiques sont ouvertes du lundi au samedi de 10 h à 19 h 30."


def drafted(issue: dict) -> dict:
    meta = {"intent": "opening_hours", "confidence": 0.99, "language": "fr", "tone": TONE, "scope": {},
            "response": "brand:opening_hours", "holding": "Un membre de notre équipe vous répond ici.",
            "proofreading": [issue]}
    return {"status": "drafted", "texts": [ANSWER], "meta": meta, "language": "fr"}


@pytest.mark.parametrize("blocking, status", [(False, "sent"), (True, "held")])
async def test_only_a_blocking_flag_holds_the_draft(redis, redis_url, graph, blocking, status):
    issue = {"word": "boutiques", "start": 4, "end": 13, "rule": "style", "blocking": blocking,
             "message": "…", "suggestions": []}
    msg = message(f"fan-proof-{blocking}", f"m_proof_{blocking}", "Vous ouvrez quand ?")
    await take_over(redis, redis_url, graph, msg, **drafted(issue))
    worker = await start_worker(make_settings(redis_url), {"messenger": messenger(graph.url)})
    try:
        state = await outcome(redis, f"m_proof_{blocking}")
        assert state["status"] == status
        assert any(r.startswith("proofreading:") for r in state["reasons"]) == blocking
        await wait_until(lambda: idle(redis), timeout=20)
    finally:
        await worker.stop()
