"""Faults while fans are writing, on the real stack: no message is lost, none is answered twice.

Relais runs as it is deployed — ``relais gateway`` and two ``relais worker``
processes — against the real Rasa and action servers and a Graph API
stand-in that echoes every send back to the gateway, as Meta does. Each test
posts a burst of signed deliveries (fans with one question, a few fans with
three, one after the other), breaks something in the middle, waits for every
message to reach a final outcome, and counts per message what became of it
(``tests.chaos_helpers.tally``): answered once, answered twice, held,
escalated, failed, lost.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.messages import InboundMessage
from bot.pipeline.ledger import Ledger
from bot.tools.launcher import Stack, start_redis
from tests.chaos_helpers import Deployment, Poster, Tally, burst, relais_env, settle, states, tally, wait_outcomes
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import DEMO_PAGE_ID, free_port

pytestmark = pytest.mark.stack

WORKERS = 2
FAST = {"RELAIS_HEARTBEAT_S": "0.5", "RELAIS_ECHO_WAIT_S": "3", "RELAIS_WORKER_CONCURRENCY": "8"}


@asynccontextmanager
async def deployed(tmp_path: Path, redis: Redis, redis_url: str, rasa_stack, graph: FakeGraphAPI, *,
                   workers: int = WORKERS, **env: str) -> AsyncIterator[Deployment]:
    """The gateway and ``workers`` worker processes, ready; stopped (all of them) afterwards."""
    graph_url = graph.url
    settings = relais_env(redis_url=redis_url, rasa_url=rasa_stack.rasa_url, rasa_token=rasa_stack.token,
                          actions_url=rasa_stack.actions_url, actions_token=rasa_stack.actions_token,
                          graph_url=graph_url, port=free_port(),
                          **{**FAST, **env})
    deployment = Deployment(settings, tmp_path / "logs")
    try:
        await asyncio.to_thread(deployment.start_gateway)
        graph.webhook = deployment.base_url  # echoes go to the gateway process
        names = [deployment.start_worker() for _ in range(workers)]
        await deployment.wait_ready(redis, names)
        yield deployment
    finally:
        await asyncio.to_thread(deployment.stop)


def report(name: str, counts: Tally, poster: Poster, extra: str = "") -> str:
    statuses = {str(k): v for k, v in sorted(poster.stats.statuses.items(), key=lambda kv: str(kv[0]))}
    line = (f"[chaos] {name}: {counts.line()} | statuses={counts.statuses} reasons={counts.reasons} "
            f"| http={statuses} retries={poster.stats.retries} gave_up={poster.stats.gave_up}"
            + (f" | {extra}" if extra else ""))
    print(line)
    return line


def assert_clean(counts: Tally, poster: Poster, line: str, deployment: Deployment | None = None) -> None:
    logs = "\n".join(deployment.grep("Traceback") + deployment.grep("ERROR")) if deployment else ""
    detail = f"{line}\nexamples={json.dumps(counts.examples, ensure_ascii=False)[:3000]}\n{logs[-3000:]}"
    assert counts.messages > 0, detail
    assert counts.lost == 0, detail
    assert counts.answered_twice == 0, detail
    assert not counts.problems(), detail
    assert poster.stats.server_errors == 0, detail
    assert poster.stats.gave_up == 0, detail
    assert counts.answered_once > counts.messages // 2, detail  # the burst was really answered


async def test_worker_killed_mid_burst(tmp_path, redis, redis_url, rasa_stack, graph):
    """kill -9 of a worker holding entries: the survivor takes them over at once, a new worker joins."""
    fans = burst(70, multi_fans=6, per_multi=3)
    async with deployed(tmp_path, redis, redis_url, rasa_stack, graph) as deployment:
        async with Poster(deployment.base_url) as poster:
            posting = asyncio.create_task(poster.post_all(fans, concurrency=30, fans_per_s=20))
            await wait_outcomes(redis, 15, timeout_s=60)
            victim, held = deployment.workers[0], []
            for _ in range(200):  # the worker holding the most entries right now
                summary = await redis.xpending(keys.INBOUND, keys.GROUP)
                busiest = max(summary.get("consumers") or [], key=lambda c: int(c["pending"]), default=None)
                if busiest and int(busiest["pending"]) > 0:
                    victim = busiest["name"].decode() if isinstance(busiest["name"], bytes) else busiest["name"]
                    held = await redis.xpending_range(keys.INBOUND, keys.GROUP, "-", "+", 100, consumername=victim)
                    if held:
                        break
                await asyncio.sleep(0.01)
            await asyncio.to_thread(deployment.kill, victim, signal.SIGKILL)
            replacement = deployment.start_worker()
            await posting
            waited = await settle(redis, fans, timeout_s=90)
            await deployment.wait_ready(redis, [replacement])
            consumers = [c["name"].decode() for c in await redis.xinfo_consumers(keys.INBOUND, keys.GROUP)]
            counts = await tally(redis, graph, fans)
        line = report("worker kill -9", counts, poster,
                      f"victim held {len(held)} entries; settled in {waited:.1f}s; consumers now {consumers}")
        assert held, f"the victim held no entry when killed; nothing was taken over\n{line}"
        assert victim not in consumers, f"the dead worker's consumer is still in the group\n{line}"
        assert deployment.grep("took over", limit=1), f"no worker took over the dead one's work\n{line}"
        assert_clean(counts, poster, line, deployment)


async def test_redis_restarted_mid_burst(tmp_path, rasa_stack, graph):
    """Redis (append-only file) stopped and started again mid-burst: 503 meanwhile, then everything."""
    data = tmp_path / "redis"
    servers = [Stack({}, log_dir=tmp_path / "redis-log")]
    port = free_port()
    url = start_redis(servers[0], port, data, persistent=True)
    redis = Redis.from_url(url)
    fans = burst(70, multi_fans=6, per_multi=3)
    try:
        async with deployed(tmp_path, redis, url, rasa_stack, graph) as deployment:
            async with Poster(deployment.base_url) as poster:
                posting = asyncio.create_task(poster.post_all(fans, concurrency=30, fans_per_s=12))
                await wait_outcomes(redis, 15, timeout_s=60)
                server = servers[0].children[-1].proc
                server.send_signal(signal.SIGTERM)  # with appendonly, Redis fsyncs its file on the way out
                await asyncio.to_thread(server.wait, 20)
                await asyncio.sleep(1.5)
                servers.append(Stack({}, log_dir=tmp_path / "redis-log"))
                await asyncio.to_thread(start_redis, servers[-1], port, data, persistent=True)
                await posting
                waited = await settle(redis, fans, timeout_s=120)
                counts = await tally(redis, graph, fans)
            line = report("redis restart", counts, poster, f"settled {waited:.1f}s after the last POST; "
                          f"503 answered {poster.stats.statuses.get(503, 0)}")
            assert_clean(counts, poster, line, deployment)
    finally:
        await redis.aclose()
        for server in reversed(servers):
            await asyncio.to_thread(server.stop)


async def test_graph_api_errors_and_timeouts(tmp_path, redis, redis_url, rasa_stack, graph):
    """500s, 429 with Retry-After, timeouts after the send was accepted, resets: delivered once each."""
    k = 8
    graph.failures = [f for i in range(k) for f in [(500, 2), (429, 4), "timeout"] + (["reset"] if i % 2 else [])]
    graph.retry_after = "1"
    graph.hang_s = 3.0
    scripted = len(graph.failures)
    fans = burst(60, multi_fans=6, per_multi=3)
    async with deployed(tmp_path, redis, redis_url, rasa_stack, graph, MESSENGER_SEND_TIMEOUT_S="1") as deployment:
        async with Poster(deployment.base_url) as poster:
            await poster.post_all(fans, concurrency=30)
            waited = await settle(redis, fans, timeout_s=120)
            counts = await tally(redis, graph, fans)
    line = report("graph api 500/429/timeout/reset", counts, poster,
                  f"scripted {scripted}, refused {len(graph.refused)}, left {len(graph.failures)}; "
                  f"echoes {graph.echoes_posted}; settled {waited:.1f}s")
    assert not graph.failures, f"not every scripted failure was met\n{line}"
    assert counts.failed == 0, line
    assert "send_outcome_unknown" not in counts.reasons, f"an uncertain send was not reconciled by its echo\n{line}"
    assert_clean(counts, poster, line, deployment)


async def test_expired_token_keeps_messages_until_replaced(tmp_path, redis, redis_url, rasa_stack, graph):
    """190 (the page's token expired): sending stops, an alert is raised, nothing fails or is dropped;
    workers restarted with a new token deliver every message once."""
    graph.token = "renewed-page-token"  # the workers' token is refused with code 190
    fans = burst(40, multi_fans=4, per_multi=3)
    async with deployed(tmp_path, redis, redis_url, rasa_stack, graph) as deployment:
        async with Poster(deployment.base_url) as poster:
            await poster.post_all(fans, concurrency=30)

            async def parked() -> dict:
                current = await states(redis, fans)
                waiting = {m: s for m, s in current.items() if s.get("status") not in ("held", "escalated")}
                return current if all(s.get("status") == "retry" for s in waiting.values()) else {}

            deadline = asyncio.get_running_loop().time() + 90
            while not (current := await parked()) and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.25)
            blocked = await redis.get(keys.blocked("messenger", DEMO_PAGE_ID))
            alerts = [f for _, f in await redis.xrange(keys.ALERTS)]
            during = {s.get("status") for s in current.values()}
            assert current, f"messages did not all wait for the token: {await states(redis, fans)}"
            assert not graph.sent, f"{len(graph.sent)} message(s) delivered with a refused token"
            assert blocked is not None and alerts and alerts[0][b"kind"] == b"account_blocked", (blocked, alerts)
            assert "failed" not in during and "sent" not in during, during

            await asyncio.to_thread(deployment.stop_workers)
            renewed = [deployment.start_worker(MESSENGER_PAGE_ACCESS_TOKEN=graph.token) for _ in range(WORKERS)]
            await deployment.wait_ready(redis, renewed)
            waited = await settle(redis, fans, timeout_s=150)
            counts = await tally(redis, graph, fans)
    line = report("expired token (190) then renewed", counts, poster,
                  f"while blocked: {sorted(during)}; settled {waited:.1f}s after the new workers")
    assert counts.failed == 0, line
    assert_clean(counts, poster, line, deployment)


async def test_every_payload_redelivered(tmp_path, redis, redis_url, rasa_stack, graph):
    """Each delivery posted twice at the same instant, and again while and after it is handled."""
    fans = burst(60, multi_fans=6, per_multi=3)
    batched = burst(15)  # five deliveries of three events each (Meta batches)
    async with deployed(tmp_path, redis, redis_url, rasa_stack, graph) as deployment:
        async with Poster(deployment.base_url) as poster:
            sem = asyncio.Semaphore(30)

            async def twice(messages) -> None:
                raw = poster.body(messages)
                async with sem:
                    await asyncio.gather(poster.post(messages, raw), poster.post(messages, raw))
                await asyncio.sleep(0.3)
                async with sem:
                    await poster.post(messages, raw)

            async def fan(messages) -> None:
                for m in messages:
                    await twice([m])

            groups = [[fan[0] for fan in batched[i:i + 3]] for i in range(0, len(batched), 3)]
            await asyncio.gather(*(fan(f) for f in fans), *(twice(g) for g in groups))
            everyone = fans + batched
            waited = await settle(redis, everyone, timeout_s=90)
            for f in fans:  # Meta redelivers once more after the reply went out
                await poster.post(f)
            for g in groups:
                await poster.post(g)
            await asyncio.sleep(2.0)
            counts = await tally(redis, graph, everyone)
    line = report("every payload redelivered", counts, poster, f"settled {waited:.1f}s")
    posts = 3 * (sum(len(f) for f in fans) + len(groups)) + len(fans) + len(groups)
    assert len(poster.stats.acks) == posts, line
    assert_clean(counts, poster, line, deployment)


async def test_worker_dead_after_delivering_before_recording(tmp_path, redis, redis_url, rasa_stack, graph):
    """The moment a kill -9 can land on: the reply delivered and recorded in the ledger, the outcome not yet.
    The worker that takes the entry over records it as sent — it neither holds it nor sends it again."""
    fan = burst(1)[0]
    message = fan[0]
    async with deployed(tmp_path, redis, redis_url, rasa_stack, graph, workers=0) as deployment:
        async with Poster(deployment.base_url) as poster:
            assert await poster.post(fan) == 200
        # what the worker that died had done: taken the entry, sent the reply, recorded the part as delivered
        await redis.xreadgroup(keys.GROUP, "worker-gone", {keys.INBOUND: ">"}, count=1)
        text = "Hello,\n\nThank you for your message.\n\nThe Maison Brindille team"
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{graph.url}/v21.0/{DEMO_PAGE_ID}/messages", params={"access_token": graph.token},
                                    json={"recipient": {"id": message.sender}, "messaging_type": "RESPONSE",
                                          "message": {"text": text, "metadata": f"relais:{message.mid}:0"}}) as resp:
                platform_id = (await resp.json())["message_id"]
        inbound = InboundMessage("messenger", message.mid, DEMO_PAGE_ID, message.sender, message.text, 0)
        await Ledger(redis).set_state(inbound, status="sending", route="send", reasons=["intent:faq"], texts=[text],
                                      meta={}, language="en", sending_part=0, unconfirmed_since=0, runs=1,
                                      plan={"parts": [text], "kind": "reply", "sent_ids": [platform_id],
                                            "attempts": 0})
        await deployment.wait_ready(redis, [deployment.start_worker()])
        waited = await settle(redis, [fan], timeout_s=30)
        counts = await tally(redis, graph, [fan])
    line = f"[chaos] dead after delivering: {counts.line()} reasons={counts.reasons} settled {waited:.1f}s"
    print(line)
    assert counts.statuses == {"sent": 1} and counts.answered_once == 1, line
    assert not counts.problems(), line
