"""Rasa alone, three ways to answer one fan message: NLU only, Rasa's REST channel, and the Relais path.

* ``/model/parse`` — NLU only (intent, entities, tone), what Relais asks Rasa;
* ``/webhooks/rest/webhook`` — Rasa's own channel: NLU, then the dialogue
  (tracker loaded from and saved to a Redis tracker store, policy
  predictions, the custom action on the action server);
* the Relais path — ``/model/parse``, then the rules and one call to the
  action server (``bot.pipeline.dialogue``), slots in one Redis hash.

Each is measured with 200 distinct FAQ questions at concurrency 1 and 8
(messages/s and p50 latency), on a private Redis, the trained model and one
action server; the REST channel runs on a second Rasa server whose endpoints
add the Redis tracker store, as a plain Rasa deployment would.

    .venv/app/bin/python -m benchmarks.rasa_paths [--messages 200] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import aiohttp
from redis.asyncio import Redis

from bot.language import detect_language
from bot.pipeline.dialogue import ActionServer, Dialogue, Rules, Slots
from bot.pipeline.rasa_client import RasaClient
from bot.settings import Settings
from bot.tools.launcher import RASA_BIN, Stack, start_rasa, start_redis, wait_http
from bot.tools.training import ensure_model, rasa_env
from tests.chaos_helpers import faq_questions, new_psid
from tests.helpers import free_port

WARMUP = 10


def rest_endpoints(redis_url: str, action_url: str, action_token: str) -> str:
    redis = urlparse(redis_url)
    return (f"action_endpoint:\n  url: {action_url}\n  headers:\n    Authorization: Bearer {action_token}\n"
            f"tracker_store:\n  type: redis\n  url: {redis.hostname}\n  port: {redis.port}\n  db: 0\n"
            f"  key_prefix: bench\n")


async def measure(name: str, call, texts: list[str], concurrency: int) -> dict:
    for text in texts[:WARMUP]:
        await call(text)
    latencies: list[float] = []
    errors = 0
    queue = list(texts[WARMUP:])
    sem = asyncio.Semaphore(concurrency)

    async def one(text: str) -> None:
        nonlocal errors
        async with sem:
            started = time.perf_counter()
            try:
                await call(text)
                latencies.append(time.perf_counter() - started)
            except Exception:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(t) for t in queue))
    elapsed = time.perf_counter() - started
    return {"path": name, "concurrency": concurrency, "messages": len(queue), "errors": errors,
            "msg_per_s": len(latencies) / elapsed if elapsed else None,
            "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
            "p95_ms": sorted(latencies)[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else None}


async def run(args: argparse.Namespace, workdir: Path) -> dict:
    stack = Stack(dict(os.environ), log_dir=workdir / "logs")
    results: dict = {"messages": args.messages, "rows": [], "errors": {}}
    try:
        redis_url = start_redis(stack, free_port(), workdir / "redis", persistent=False)
        model = ensure_model()
        actions_port, rasa_port, rest_port = str(free_port()), str(free_port()), str(free_port())
        token, action_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        action_url = f"http://127.0.0.1:{actions_port}/webhook"
        env = {**rasa_env(), "RELAIS_ACTION_URL": action_url, "RELAIS_ACTIONS_TOKEN": action_token}
        print("starting Redis, the action server and two Rasa servers …", flush=True)
        start_rasa(stack, model, actions_port=actions_port, rasa_port=rasa_port, env=env, token=token)
        endpoints, credentials = workdir / "endpoints.yml", workdir / "credentials.yml"
        endpoints.write_text(rest_endpoints(redis_url, action_url, action_token))
        credentials.write_text("rest:\n")
        stack.start("rasa-rest", [str(RASA_BIN / "rasa"), "run", "--enable-api", "--auth-token", token, "-i",
                                  "127.0.0.1", "--port", rest_port, "--model", str(model), "--endpoints",
                                  str(endpoints), "--credentials", str(credentials)], env)
        wait_http(stack, f"http://127.0.0.1:{rest_port}/status?token={token}", 300)

        texts = [t for _, _, t in faq_questions(args.messages + WARMUP, seed=303)]
        redis = Redis.from_url(redis_url)
        settings = Settings(redis_url=redis_url)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
            rasa = RasaClient(session, f"http://127.0.0.1:{rasa_port}", token)
            dialogue = Dialogue(ActionServer(session, action_url, settings.domain_file, token=action_token),
                                Rules.load(settings.rules_file), Slots(redis))

            async def parse(text: str) -> None:
                await rasa.parse(text)

            async def rest(text: str) -> None:
                async with session.post(f"http://127.0.0.1:{rest_port}/webhooks/rest/webhook",
                                        json={"sender": new_psid(), "message": text,
                                              "metadata": {"platform": "messenger"}}) as resp:
                    body = await resp.json(content_type=None)
                    if resp.status != 200 or not body:
                        raise RuntimeError(f"REST channel answered {resp.status} {str(body)[:100]}")

            async def relais(text: str) -> None:
                result = await rasa.parse(text)
                conversation = f"messenger:1:{new_psid()}"
                metadata = {"platform": "messenger", "language": detect_language(text)}
                draft = await dialogue.draft(conversation, result, metadata)
                if not draft.texts:
                    raise RuntimeError("no draft")

            for name, call in (("model/parse", parse), ("REST channel", rest), ("Relais (parse + rules + action)",
                                                                              relais)):
                for concurrency in (1, 8):
                    try:
                        row = await measure(name, call, texts, concurrency)
                    except Exception as exc:
                        results["errors"][f"{name}@{concurrency}"] = f"{type(exc).__name__}: {exc}"
                        print(f"!! {name} at concurrency {concurrency} failed: {exc}")
                        continue
                    results["rows"].append(row)
                    print(f"  {name:<34} c={concurrency}  {row['msg_per_s']:6.1f} msg/s  p50 {row['p50_ms']:6.1f} ms"
                          f"  p95 {row['p95_ms']:6.1f} ms  errors {row['errors']}", flush=True)
        await redis.aclose()
    except Exception as exc:
        results["errors"]["start"] = f"{type(exc).__name__}: {exc}"
        print(f"!! {exc}")
        for log in sorted((workdir / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}")
    finally:
        pids = stack.pids()
        stack.stop()
        left = [n for n, pid in pids.items() if Path(f"/proc/{pid}").exists()
                and Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"]
        results["leftover_processes"] = left
        print("leftover processes: " + (", ".join(left) if left else "none"))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    with tempfile.TemporaryDirectory(prefix="relais-rasa-paths-") as tmp:
        results = asyncio.run(run(args, Path(tmp)))
    if results["rows"]:
        print(f"\n{'path':<34}{'conc.':>6}{'msg/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
        for r in results["rows"]:
            print(f"{r['path']:<34}{r['concurrency']:>6}{r['msg_per_s']:>9.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
