"""Webhook-to-send time of X DMs next to Messenger messages, on one running stack.

Starts a private Redis, the Rasa and action servers, one ``relais gateway``
and one ``relais worker`` process serving both channels, the Graph API and
X API stand-ins; then posts the same FAQ questions as signed Messenger
deliveries and signed X ``dm.received`` events, alternating, one at a time
(each waits for its reply: this measures latency, not throughput). The time
is from the start of the webhook POST to the moment the stand-in receives
the reply's send. X's send limits are set far above what the run sends, so
none is deferred.

    .venv/app/bin/python -m benchmarks.x_latency [--count 100]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from bot.tools.launcher import Stack, start_rasa, start_redis
from bot.tools.training import ensure_model, rasa_env
from tests.chaos_helpers import Deployment, faq_questions, new_psid, relais_env
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.x_api import CONSUMER_SECRET, USER_TOKEN, FakeXAPI
from tests.helpers import APP_SECRET, PAGE_TOKEN, free_port
from webhooks.messenger import simulate as messenger_sim
from webhooks.x import simulate as x_sim


async def _wait(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.002)
    return False


async def run(count: int, workdir: Path) -> dict[str, list[float]]:
    stack = Stack({}, log_dir=workdir / "logs")
    graph, xapi = FakeGraphAPI(token=PAGE_TOKEN), FakeXAPI(per_window=10**6)
    deployment = None
    redis = None
    try:
        redis_url = start_redis(stack, free_port(), workdir / "redis", persistent=False)
        redis = Redis.from_url(redis_url)
        actions_port, rasa_port, token = str(free_port()), str(free_port()), secrets.token_urlsafe(16)
        actions_url, actions_token = f"http://127.0.0.1:{actions_port}/webhook", secrets.token_urlsafe(16)
        await asyncio.to_thread(start_rasa, stack, ensure_model(), actions_port=actions_port, rasa_port=rasa_port,
                                env={**rasa_env(), "RELAIS_ACTION_URL": actions_url,
                                     "RELAIS_ACTIONS_TOKEN": actions_token}, token=token)
        graph.url, xapi.url = await graph.start(), await xapi.start()
        env = relais_env(redis_url=redis_url, rasa_url=f"http://127.0.0.1:{rasa_port}", rasa_token=token,
                         actions_url=actions_url, actions_token=actions_token, graph_url=graph.url, port=free_port(),
                         RELAIS_CHANNELS="messenger,x", X_CONSUMER_SECRET=CONSUMER_SECRET,
                         X_ACCESS_TOKEN=USER_TOKEN, X_API_BASE=xapi.url, X_SEND_LIMITS="1000000/900",
                         X_APP_SEND_LIMITS="1000000/86400")
        deployment = Deployment(env, workdir / "logs")
        base = await asyncio.to_thread(deployment.start_gateway)
        xapi.webhook = graph.webhook = base  # both platforms post copies of our sends back, as they do
        await deployment.wait_ready(redis, [deployment.start_worker()], timeout_s=300)
        figures: dict[str, list[float]] = {"messenger": [], "x": []}
        questions = [text for _, _, text in faq_questions(count)]
        async with aiohttp.ClientSession() as session:
            for i, text in enumerate(questions * 2):
                platform = "messenger" if i % 2 == 0 else "x"
                fan = new_psid()
                if platform == "messenger":
                    raw, headers = messenger_sim.signed(messenger_sim.delivery(messenger_sim.text_event(text, fan)),
                                                        APP_SECRET)
                    path, arrived = "/webhooks/messenger", lambda: [m for m in graph.sent if m.recipient == fan]
                else:
                    raw, headers = x_sim.signed(x_sim.dm_received(text, fan), CONSUMER_SECRET)
                    path, arrived = "/webhooks/x", lambda: xapi.to(fan)
                started = time.perf_counter()
                async with session.post(base + path, data=raw, headers=headers) as resp:
                    assert resp.status == 200, await resp.text()
                if await _wait(arrived, 30):
                    figures[platform].append(arrived()[0].received_at - started)
        return figures
    finally:
        if redis is not None:
            await redis.aclose()
        await graph.close()
        await xapi.close()
        if deployment is not None:
            await asyncio.to_thread(deployment.stack.stop)
        await asyncio.to_thread(stack.stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="messages per platform")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relais-x-latency-") as tmp:
        figures = asyncio.run(run(args.count, Path(tmp)))
    for platform, values in figures.items():
        if not values:
            print(f"{platform:<10} no reply arrived")
            continue
        values.sort()
        p90 = values[int(len(values) * 0.9) - 1] if len(values) >= 10 else values[-1]
        print(f"{platform:<10} {len(values):>4}/{args.count} answered   median webhook-to-send "
              f"{statistics.median(values) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
