"""One fan's flood against everyone else: how long a second fan waits behind 1,000 and 10,000 messages.

Starts the whole stack in a temporary directory on free 127.0.0.1 ports, as
``benchmarks/load.py`` does — Redis, the Rasa server and the action server,
a gateway and N ``relais worker`` processes (default: one per core) — with a
Graph API stand-in in this process that records when each reply arrives.

For each flood size, one fan posts its messages as signed Messenger
deliveries of 100 messages each (ten at a time, as fast as the gateway
acknowledges them). Right after, other fans ask a routine question one
every half second ("Vous êtes ouverts dimanche ?" and the like), each
waiting for its answer: their wait, POST to reply, is the figure (p50, p95,
max). Then, once the stack is idle, every message of the flood is looked
for: handled (answered, held or escalated) or kept in the overflow list for
the CM — "recorded" must be all of them.

Each flood runs twice: with the per-sender limit at intake as shipped
(``RELAIS_SENDER_LIMIT``, 20 a minute), and without it (0), where only the
worker's parking keeps the other fans moving (the 10,000 flood without the
limit takes minutes to work off, so it runs only with ``--unlimited-10k``).

    .venv/app/bin/python -m benchmarks.fairness [--sizes 1000 10000] [--probes 20] [--workers N] [--unlimited-10k]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from redis.asyncio import Redis

from bot import redis_keys as keys
try:
    from bot.pipeline.flood import Overflow
except ImportError:  # a Relais without the per-sender limit: measured for comparison, nothing in overflow
    Overflow = None
from benchmarks.load import pct
from bot.tools.launcher import Stack, start_rasa, start_redis
from bot.tools.training import ensure_model, rasa_env
from tests.chaos_helpers import FINAL, Deployment, FanMessage, Poster, new_psid, relais_env
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import DEMO_PAGE_ID, PAGE_TOKEN, free_port

PROBES = ("Vous êtes ouverts dimanche ?", "Vous livrez en Belgique ?", "Combien coûte la livraison ?",
          "Do you ship to the UK?", "Comment retourner un article ?")


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


class Run:
    """One deployment (Redis, Rasa, gateway, workers) with a given per-sender limit."""

    def __init__(self, args: argparse.Namespace, workdir: Path, limit: int) -> None:
        self.args = args
        self.workdir = workdir
        self.limit = limit
        self.stack = Stack(dict(os.environ), log_dir=workdir / "logs")
        self.graph = FakeGraphAPI(token=PAGE_TOKEN)
        self.replied: dict[str, float] = {}  # mid → perf_counter of the first part of its reply
        self.graph.listeners.append(self._arrived)
        self.deployment: Deployment | None = None
        self.redis: Redis | None = None

    def _arrived(self, sent) -> None:
        tag = sent.metadata
        if tag.startswith("relais:"):
            self.replied.setdefault(tag[len("relais:"):].rpartition(":")[0], sent.received_at)

    async def start(self) -> None:
        redis_url = start_redis(self.stack, free_port(), self.workdir / "redis", persistent=True)
        self.redis = Redis.from_url(redis_url)
        actions_port, rasa_port, token = str(free_port()), str(free_port()), secrets.token_urlsafe(16)
        actions_url, actions_token = f"http://127.0.0.1:{actions_port}/webhook", secrets.token_urlsafe(16)
        await asyncio.to_thread(start_rasa, self.stack, ensure_model(), actions_port=actions_port,
                                rasa_port=rasa_port, env={**rasa_env(), "RELAIS_ACTION_URL": actions_url,
                                                          "RELAIS_ACTIONS_TOKEN": actions_token}, token=token)
        self.graph.url = await self.graph.start()
        env = relais_env(redis_url=redis_url, rasa_url=f"http://127.0.0.1:{rasa_port}", rasa_token=token,
                         actions_url=actions_url, graph_url=self.graph.url, port=free_port(),
                         RELAIS_ACTIONS_TOKEN=actions_token,
                         RELAIS_SENDER_LIMIT=str(self.limit))
        self.deployment = Deployment(env, self.workdir / "logs")
        await asyncio.to_thread(self.deployment.start_gateway)
        self.graph.webhook = self.deployment.base_url  # echoes, as Meta sends them
        names = [self.deployment.start_worker() for _ in range(self.args.workers)]
        await self.deployment.wait_ready(self.redis, names, timeout_s=300)

    async def stop(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.graph.close()
        if self.deployment is not None:
            await asyncio.to_thread(self.deployment.stack.stop)
        await asyncio.to_thread(self.stack.stop)

    async def idle(self, timeout_s: float) -> bool:
        """Until nothing is left to do: the stream empty, nothing pending or delayed."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            pending = (await self.redis.xpending(keys.INBOUND, keys.GROUP))["pending"]
            if not pending and await self.redis.xlen(keys.INBOUND) == 0 and not await self.redis.zcard(keys.DELAYED):
                return True
            await asyncio.sleep(0.25)
        return False

    async def probe(self, poster: Poster, i: int) -> float | None:
        """A calm fan's routine question; seconds from its POST to the reply (None: no reply in 120 s)."""
        m = FanMessage(new_psid(), f"m_probe_{secrets.token_hex(4)}_{i}", PROBES[i % len(PROBES)], 0)
        started = time.perf_counter()
        await poster.post([m])
        deadline = time.monotonic() + 120
        while m.mid not in self.replied:
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.01)
        return self.replied[m.mid] - started

    async def flood(self, size: int) -> dict:
        flooder = new_psid()
        run = secrets.token_hex(3)
        messages = [FanMessage(flooder, f"m_flood_{run}_{i}", f"Vous êtes là ? {i}", i) for i in range(size)]
        batches = [messages[i:i + 100] for i in range(0, size, 100)]
        async with Poster(self.deployment.base_url, give_up_s=300) as poster:
            sem = asyncio.Semaphore(10)

            async def deliver(batch: list[FanMessage]) -> None:
                async with sem:
                    await poster.post(batch)

            started = time.perf_counter()
            await asyncio.gather(*(deliver(b) for b in batches))
            posted_s = time.perf_counter() - started
            waits: list[float | None] = []
            for i in range(self.args.probes):
                waits.append(await self.probe(poster, i))
                await asyncio.sleep(0.5)
            statuses = dict(poster.stats.statuses)
        idle = await self.idle(self.args.idle_timeout)
        work_off_s = time.perf_counter() - started
        conv = f"messenger:{DEMO_PAGE_ID}:{flooder}"
        overflow = {m.message_id for m in await Overflow(self.redis).messages(conv, 0, size + 10)} if Overflow else set()
        handled: set[str] = set()
        for m in messages:
            status = await self.redis.hget(keys.message(conv, m.mid), "status")
            if status is not None and json.loads(status) in FINAL:
                handled.add(m.mid)
        recorded = {m.mid for m in messages} & (handled | overflow)
        answered = [w for w in waits if w is not None]
        return {"size": size, "limit": self.limit, "posted_s": posted_s, "probes": len(waits),
                "probe_unanswered": len(waits) - len(answered), "p50_s": pct(answered, 50),
                "p95_s": pct(answered, 95), "max_s": max(answered) if answered else None,
                "flood_handled": len(handled), "flood_in_overflow": len(overflow), "flood_recorded": len(recorded),
                "idle": idle, "work_off_s": work_off_s, "statuses": {str(k): v for k, v in statuses.items()},
                "server_errors": sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500 and k != 503)}


async def main_async(args: argparse.Namespace) -> list[dict]:
    figures = []
    plans = [(size, limit) for size in args.sizes for limit in (args.limit, 0)
             if limit or size <= 1000 or args.unlimited_10k]
    for size, limit in plans:
        with tempfile.TemporaryDirectory(prefix="relais-fairness-") as tmp:
            run = Run(args, Path(tmp), limit)
            print(f"flood of {size:,} with the per-sender limit {'at ' + str(limit) + '/min' if limit else 'off'} …",
                  flush=True)
            try:
                await run.start()
                figures.append(await run.flood(size))
                f = figures[-1]
                print(f"  second fans: p50 {seconds(f['p50_s'])}, p95 {seconds(f['p95_s'])}, max {seconds(f['max_s'])}"
                      f" ({f['probe_unanswered']} of {f['probes']} unanswered); flood recorded "
                      f"{f['flood_recorded']:,} of {size:,} ({f['flood_handled']:,} handled, "
                      f"{f['flood_in_overflow']:,} in the overflow list); 5xx {f['server_errors']}; "
                      f"worked off in {f['work_off_s']:.0f} s{'' if f['idle'] else ' (NOT idle)'}", flush=True)
            finally:
                await run.stop()
    print("\n| flood | limit | second fan p50 | p95 | max | flood recorded | 5xx |")
    print("|---|---|---|---|---|---|---|")
    for f in figures:
        print(f"| {f['size']:,} | {f['limit'] or 'off'} | {seconds(f['p50_s'])} | {seconds(f['p95_s'])} | "
              f"{seconds(f['max_s'])} | {f['flood_recorded']:,} / {f['size']:,} | {f['server_errors']} |")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--probes", type=int, default=20, help="second fans asked during each flood")
    parser.add_argument("--limit", type=int, default=20, help="the per-sender limit of the limited runs")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--unlimited-10k", action="store_true", help="also run floods over 1,000 without the limit")
    parser.add_argument("--idle-timeout", type=float, default=900)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    figures = asyncio.run(main_async(args))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
