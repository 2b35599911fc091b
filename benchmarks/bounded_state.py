"""Bounded state under a flood: 100,000 held messages from 10,000 fans, and the Redis memory they take.

Starts a private Redis (a temporary directory, a free 127.0.0.1 port) and:

1. floods 100,000 held messages from 10,000 fans (ten each; one in a
   hundred a 20,000-character paste) into the CM queue along the worker's
   hold path: the responder's own case step (``Responder._case``: personal
   data masked, evidence, mentions) and the CM queue's filing (each text
   bounded, the stream trimmed past its cap), 1,000 cases per round trip,
   from two processes as two workers would;
2. the console indexes them (``Inbox.sync``, what every gateway runs; one
   process indexes at a time);
3. CMs handle half of them (``Inbox.close``, what approve / reject / resolve
   end with), 50 at a time in each of two processes, as two gateways would;
4. a week and a day later the handled items are pruned (``Inbox.prune``);
5. 20,000 more held messages arrive and are indexed: the CM queue is
   trimmed back to its cap, the oldest indexed entries first.

After each step it prints Redis's ``used_memory`` and what the CM queue and
the console hold; at the end it reads every open item back, as a fresh
console process would, and checks it still holds its fan's message and its
draft: ``open cases: N of N``.

spaCy's name finder (the ``names`` of a case's mentions, 7 ms a message) is
replaced by an empty list: the run measures what Redis keeps, and at
7 ms a message the flood alone would take 12 minutes. Dates and order
numbers are still found.

    .venv/app/bin/python benchmarks/bounded_state.py [--messages 100000] [--fans 10000] [--more 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository's packages come first
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.asyncio import Redis  # noqa: E402

from bot import nlp  # noqa: E402
from bot import redis_keys as keys  # noqa: E402
from bot.console.inbox import Inbox  # noqa: E402
from bot.messages import InboundMessage  # noqa: E402
from bot.nlp import mask_personal_data  # noqa: E402
from bot.pipeline import responder as responder_module  # noqa: E402
from bot.pipeline.analysis import Analysis  # noqa: E402
from bot.pipeline.cm_queue import CMQueue, bounded  # noqa: E402
from bot.pipeline.dialogue import Draft  # noqa: E402
from bot.pipeline.handoff import Handoff  # noqa: E402
from bot.pipeline.ledger import Ledger  # noqa: E402
from bot.pipeline.policy import HOLD, Decision  # noqa: E402
from bot.pipeline.responder import Responder  # noqa: E402
from bot.tools.launcher import Stack, start_redis  # noqa: E402
from tests.helpers import DEMO_PAGE_ID, free_port  # noqa: E402

FILE_BATCH = 1_000  # cases per round trip into the CM queue
CLOSE_BATCH = 50  # items handled at once (one connection each)
TONES = ("neutral", "negative", "neutral", "angry")
PASTE = "Je vous copie tout l'historique de ma commande, ligne par ligne. " * 320  # ~20,000 characters


def quick_entities(text: str, language: str) -> dict[str, list[str]]:
    """``bot.nlp.entities`` without spaCy's name finder."""
    return {"names": [], "dates": [m.group(0) for m in nlp.DATE.finditer(text)],
            "order_numbers": sorted({m.group(0).upper().replace(" ", "-") for m in nlp.ORDER_NUMBER.finditer(text)})}


def mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB"


def message(i: int, fans: int) -> tuple[InboundMessage, Analysis, Draft]:
    """Held message ``i``: fan ``i % fans``, one in a hundred a long paste."""
    fan = str(2 * 10**15 + i % fans)
    order = f"BR-{100000 + i % 900000}"
    text = (PASTE if i % 100 == 99 else "") + f"Bonjour, ma commande {order} n'est pas arrivée ({i}), merci !"
    message = InboundMessage("messenger", f"m_flood_{i}", DEMO_PAGE_ID, fan, text, int(time.time() * 1000))
    tone = TONES[i % 4]
    analysis = Analysis(text, "order_status", 0.55, "fr",
                        {"label": tone, "confidence": 0.8, "scores": {tone: 0.8}, "flags": {}, "evidence": {}})
    draft = Draft([f"Bonjour, votre commande {order} est en route. L'équipe Maison Brindille"], {"language": "fr"})
    return message, analysis, draft


def kept_text(i: int, fans: int) -> str:
    """What the CM queue keeps of message ``i``'s text (personal data masked, a paste cut at 5,000)."""
    return bounded({"text": mask_personal_data(message(i, fans)[0].text)})["text"]


async def file_held(url: str, numbers: range, fans: int) -> None:
    """Held messages, filed as the worker's hold step files them: ``Responder._case``, then the CM queue."""
    redis = Redis.from_url(url)
    responder_module.entities = quick_entities
    queue = CMQueue(redis)
    responder = Responder(ledger=Ledger(redis), outbox=None, rasa=None, dialogue=None, proofreader=None,
                          policy=None, profiles=None, handoff=Handoff(redis, queue), cm_queue=queue, recent=None,
                          max_text={"messenger": 2000})
    decision = Decision(HOLD, ["intent_uncertain"])
    for first in range(numbers.start, numbers.stop, FILE_BATCH):
        batch = [message(i, fans) for i in range(first, min(numbers.stop, first + FILE_BATCH))]
        cases = await asyncio.gather(*(responder._case(m, a, d, decision) for m, a, d in batch))
        await queue.add_many([("held", case) for case in cases])
    await redis.aclose()


async def close_items(url: str, item_ids: list[str]) -> None:
    """What a CM's approve ends with, for each item (``CLOSE_BATCH`` at a time)."""
    redis = Redis.from_url(url)
    inbox = Inbox(redis)
    for first in range(0, len(item_ids), CLOSE_BATCH):
        await asyncio.gather(*(inbox.close(item_id, "approved", "bench")
                               for item_id in item_ids[first:first + CLOSE_BATCH]))
    await redis.aclose()


def in_processes(job, url: str, parts: list) -> None:
    """``job(url, part, ...)`` for each part, each in its own process (a worker or a gateway of its own)."""
    with ProcessPoolExecutor(len(parts), mp_context=multiprocessing.get_context("fork")) as pool:
        for done in [pool.submit(_run_job, job, url, *part) for part in parts]:
            done.result()


def _run_job(job, url: str, *args) -> None:
    asyncio.run(job(url, *args))


async def figures(url: str) -> dict[str, int]:
    redis = Redis.from_url(url)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.info("memory")
        pipe.xlen(keys.CM_QUEUE)
        pipe.zcard(keys.CONSOLE_HANDLED)
        pipe.dbsize()
        memory, stream, handled, size = await pipe.execute()
    out = {"memory": int(memory["used_memory"]), "stream": stream, "open": await Inbox(redis).open_count(),
           "handled": handled, "keys": size}
    await redis.aclose()
    return out


async def index(url: str) -> int:
    """What a gateway's console does as cases arrive: index them, until none is left."""
    redis = Redis.from_url(url)
    inbox, indexed = Inbox(redis), 0
    while n := await inbox.sync():
        indexed += n
    await redis.aclose()
    return indexed


async def open_item_ids(url: str) -> list[str]:
    """Every open item, in inbox order (the order a console lists them)."""
    redis = Redis.from_url(url)
    ids = [i.decode() for view in ("drafts", "escalations") for i in await redis.zrange(keys.console_open(view), 0, -1)]
    await redis.aclose()
    return ids


async def prune_later(url: str) -> int:
    redis = Redis.from_url(url)
    pruned = await Inbox(redis).prune(time.time() + keys.CONSOLE_HANDLED_TTL_S + 86400)
    await redis.aclose()
    return pruned


async def read_back(url: str, fans: int, ids: list[str]) -> int:
    """Open items that still hold their fan's message and draft, read as a fresh console process reads an
    item (its hash and the case kept beside it), 5,000 per round trip."""
    redis = Redis.from_url(url)
    whole = 0
    for first in range(0, len(ids), 5_000):
        async with redis.pipeline(transaction=False) as pipe:
            for item_id in ids[first:first + 5_000]:
                pipe.hget(keys.console_item(item_id), "status")
                pipe.get(keys.console_case(item_id))
            found = await pipe.execute()
        for status, raw in zip(found[::2], found[1::2]):
            case = json.loads(raw) if raw else {}
            number = int(str(case.get("message_id", "m_flood_-1")).rsplit("_", 1)[1])
            if (status == b"open" and number >= 0 and case.get("text") == kept_text(number, fans)
                    and str(case.get("draft") or "").startswith("Bonjour, votre commande")):
                whole += 1
    await redis.aclose()
    return whole


def line(step: str, f: dict[str, int], seconds: float | None) -> str:
    took = f"{seconds:6.1f} s" if seconds is not None else ""
    return (f"{step:<34} {mb(f['memory']):>11} {f['stream']:>10,} {f['open']:>9,} {f['handled']:>9,} "
            f"{f['keys']:>9,}  {took:>8}")


def run(args: argparse.Namespace, url: str) -> None:
    version = asyncio.run(_server_version(url))
    print(f"bounded state: {args.messages:,} held messages from {args.fans:,} fans (Redis {version}; "
          f"CM queue cap {keys.CM_QUEUE_MAX:,}, handled cap {keys.CONSOLE_HANDLED_MAX:,})")
    print(f"{'':<34} {'used_memory':>11} {'CM queue':>10} {'open':>9} {'handled':>9} {'keys':>9}  {'took':>8}")
    begun = time.perf_counter()
    empty = asyncio.run(figures(url))
    print(line("empty", empty, None))

    started = time.perf_counter()
    half = args.messages // 2
    in_processes(file_held, url, [(range(0, half), args.fans), (range(half, args.messages), args.fans)])
    print(line("flooded (not indexed yet)", asyncio.run(figures(url)), time.perf_counter() - started))

    started = time.perf_counter()
    asyncio.run(index(url))
    flooded = asyncio.run(figures(url))
    print(line("indexed by the console", flooded, time.perf_counter() - started))

    started = time.perf_counter()
    handled = asyncio.run(open_item_ids(url))[::2]
    in_processes(close_items, url, [(handled[::2],), (handled[1::2],)])
    print(line("half handled", asyncio.run(figures(url)), time.perf_counter() - started))

    started = time.perf_counter()
    pruned = asyncio.run(prune_later(url))
    after = asyncio.run(figures(url))
    print(line("pruned, a week and a day later", after, time.perf_counter() - started))

    if args.more:
        started = time.perf_counter()
        in_processes(file_held, url, [(range(args.messages, args.messages + args.more), args.fans)])
        asyncio.run(index(url))
        print(line(f"{args.more:,} more, indexed", asyncio.run(figures(url)), time.perf_counter() - started))

    started = time.perf_counter()
    still_open = asyncio.run(open_item_ids(url))
    whole, expected = asyncio.run(read_back(url, args.fans, still_open)), len(still_open)
    print(f"every open item read back in {time.perf_counter() - started:.1f} s; the whole run took "
          f"{time.perf_counter() - begun:.0f} s")
    print(f"flood: {(flooded['memory'] - empty['memory']) / args.messages:,.0f} bytes a held message "
          f"(its CM-queue entry, item, case copy, inbox entry and log entry); pruning gave back "
          f"{mb(flooded['memory'] - after['memory'])} ({pruned:,} handled items)")
    print(f"open cases: {whole:,} of {expected:,}")
    if whole != expected or expected != args.messages + args.more - len(handled):
        raise SystemExit("an open case is missing")


async def _server_version(url: str) -> str:
    redis = Redis.from_url(url)
    version = (await redis.info("server"))["redis_version"]
    await redis.aclose()
    return version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--fans", type=int, default=10_000)
    parser.add_argument("--more", type=int, default=20_000, help="held messages after the pruning (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relais-bounded-") as tmp:
        stack = Stack(dict(os.environ), log_dir=Path(tmp))
        try:
            url = start_redis(stack, free_port(), Path(tmp) / "redis", persistent=False)
            run(args, url)
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
