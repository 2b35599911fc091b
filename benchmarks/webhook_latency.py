"""Median time from a signed webhook POST to the Send API call, over sequential fan messages.

Starts a private redis-server, the Rasa server and the action server (trained
model), the Relais gateway and a local Graph API stand-in, then posts N
messages one after the other (each waits for its reply) and prints figures.

    .venv/app/bin/python -m benchmarks.webhook_latency [--messages 100]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.stack import start_backends
from bot.tools.tryit import messenger_event
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import PAGE_TOKEN, make_settings, post_signed, serve

QUESTIONS = [
    "Bonjour, vous êtes ouverts le dimanche ?",
    "Hi, how much is delivery to Belgium?",
    "ou est ma commande BR-204518",
    "Can I pay with PayPal?",
    "comment faire un retour svp",
    "do you have a boutique in Lyon?",
    "merci beaucoup !",
    "is the linen throw back in stock?",
]


async def measure(redis_url: str, rasa_url: str, count: int) -> list[float]:
    graph = FakeGraphAPI(token=PAGE_TOKEN)
    graph_url = await graph.start()
    client = await serve(make_settings(redis_url, rasa_url=rasa_url, graph_api_base=graph_url))
    latencies = []
    try:
        for i, text in zip(range(count + 5), itertools.cycle(QUESTIONS)):
            sender = f"bench-fan-{i}"
            started = time.perf_counter()
            resp = await post_signed(client, messenger_event(text, sender))
            assert resp.status == 200, resp.status
            [sent] = await graph.wait_for(sender, timeout=30)
            if i >= 5:  # the first few warm up connections and caches
                latencies.append((sent.received_at - started) * 1000)
    finally:
        await client.close()
        await graph.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    with tempfile.TemporaryDirectory() as tmp:
        stack, redis_url, rasa_url = start_backends(Path(tmp))
        try:
            latencies = asyncio.run(measure(redis_url, rasa_url, args.messages))
        finally:
            stack.stop()
    q = statistics.quantiles(latencies, n=100)
    print(f"webhook POST -> Send API call, {len(latencies)} sequential messages")
    print(f"  median {statistics.median(latencies):7.1f} ms")
    print(f"  p90    {q[89]:7.1f} ms")
    print(f"  p99    {q[98]:7.1f} ms")
    print(f"  max    {max(latencies):7.1f} ms")


if __name__ == "__main__":
    main()
