"""Relais under load on this machine: webhook acks, end-to-end throughput, memory, long conversations.

Starts the whole stack in a temporary directory on free 127.0.0.1 ports —
Redis (append-only file), the Rasa server and the action server (trained
model), ``relais gateway`` and N ``relais worker`` processes (default: one
per core, as ``relais up`` runs them) — with a Graph API stand-in in this
process that records when each reply arrives and echoes it to the gateway as
Meta does. Fans' messages are real signed Messenger deliveries posted from
this process. Prints:

* ack latency (POST → 200) p50/p99 for 200 sequential deliveries and for
  bursts of 200 and 1,000 concurrent ones, each on a new connection, with
  the count of 5xx (503 apart). Meta posts from its own servers; here the
  poster shares this machine's two cores with the stack, so the bursts are
  sent from a separate, lean poster process (``benchmarks.burst_post``:
  pre-signed bodies, one write, one read) whose CPU per request is printed
  beside the figures — and the 1,000 burst once more by aiohttp's client in
  that process, which costs about as much CPU per request as the gateway;
* end to end, 1,000 distinct FAQ questions from 1,000 fans posted as fast as
  the gateway acks: messages/s from the first POST to the last reply, the
  fan's p50/p95 wait (POST → reply), and how many were answered, held,
  escalated, answered twice or lost;
* the resident memory (VmRSS) of every process;
* the per-message time at the start and the end of one 150-message
  conversation (each message waits for its reply).

    .venv/app/bin/python -m benchmarks.load [--quick] [--workers N] [--send-latency-ms MS] [--json out.json]

A step that fails is reported and the others still run; every process is
stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.tools.launcher import Stack, start_rasa, start_redis
from bot.tools.training import ensure_model, rasa_env
from tests.chaos_helpers import (FINAL, Deployment, FanMessage, Poster, burst, faq_questions, new_psid, relais_env,
                                 rss_kb, states, tally)
from tests.fakes.graph_api import FakeGraphAPI
from tests.helpers import PAGE_TOKEN, free_port


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.1f} ms"


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.figures: dict = {"workers": args.workers, "quick": args.quick, "cpu_count": os.cpu_count(),
                              "send_latency_ms": args.send_latency_ms, "errors": {}}
        self.stack = Stack(dict(os.environ), log_dir=workdir / "logs")
        self.deployment: Deployment | None = None
        self.graph = FakeGraphAPI(token=PAGE_TOKEN, latency_s=args.send_latency_ms / 1000)
        self.first_reply: dict[str, float] = {}  # mid → perf_counter of its first part at the fake
        self.graph.listeners.append(self._arrived)
        self.redis: Redis | None = None
        self.pids: dict[str, int] = {}

    def _arrived(self, sent) -> None:
        tag = sent.metadata
        if tag.startswith("relais:"):
            mid = tag[len("relais:"):].rpartition(":")[0]
            self.first_reply.setdefault(mid, sent.received_at)

    # -- the stack ---------------------------------------------------------------------------------
    async def start(self) -> None:
        redis_url = start_redis(self.stack, free_port(), self.workdir / "redis", persistent=True)
        self.redis = Redis.from_url(redis_url)
        actions_port, rasa_port, token = str(free_port()), str(free_port()), secrets.token_urlsafe(16)
        actions_url, actions_token = f"http://127.0.0.1:{actions_port}/webhook", secrets.token_urlsafe(16)
        model = ensure_model()
        await asyncio.to_thread(start_rasa, self.stack, model, actions_port=actions_port, rasa_port=rasa_port,
                                env={**rasa_env(), "RELAIS_ACTION_URL": actions_url,
                                     "RELAIS_ACTIONS_TOKEN": actions_token}, token=token)
        self.graph.url = await self.graph.start()
        env = relais_env(redis_url=redis_url, rasa_url=f"http://127.0.0.1:{rasa_port}", rasa_token=token,
                         actions_url=actions_url, actions_token=actions_token, graph_url=self.graph.url,
                         port=free_port())
        self.deployment = Deployment(env, self.workdir / "logs")
        await asyncio.to_thread(self.deployment.start_gateway)
        for i in range(2, self.args.gateways + 1):
            await asyncio.to_thread(self.deployment.start_gateway, name=f"gateway-{i}")
        if self.args.echoes:
            self.graph.webhook = self.deployment.base_url
        extra = {"RELAIS_WORKER_CONCURRENCY": str(self.args.concurrency)} if self.args.concurrency else {}
        names = [self.deployment.start_worker(**extra) for _ in range(self.args.workers)]
        await self.deployment.wait_ready(self.redis, names, timeout_s=300)

    async def stop(self) -> None:
        self.pids = {**self.stack.pids(), **(self.deployment.alive() if self.deployment else {})}
        if self.redis is not None:
            await self.redis.aclose()
        await self.graph.close()
        if self.deployment is not None:
            await asyncio.to_thread(self.deployment.stack.stop)
        await asyncio.to_thread(self.stack.stop)
        left = [f"{name} ({pid})" for name, pid in self.pids.items() if _running(pid)]
        self.figures["leftover_processes"] = left
        print("\nleftover processes: " + (", ".join(left) if left else "none"))

    async def step(self, name: str, coro) -> None:
        started = time.monotonic()
        try:
            await coro
        except Exception as exc:  # a failed step is reported; the others still run
            self.figures["errors"][name] = f"{type(exc).__name__}: {exc}"
            print(f"\n!! step {name!r} failed: {type(exc).__name__}: {exc}")
            traceback.print_exc(limit=3)
        print(f"   ({name}: {time.monotonic() - started:.1f}s)", flush=True)

    # -- acks ---------------------------------------------------------------------------------------
    @staticmethod
    def _ack_figures(results: list[tuple[int, float]]) -> dict:
        latencies = [t for s, t in results if s == 200]
        return {"count": len(results), "ok": len(latencies), "p50_s": pct(latencies, 50), "p99_s": pct(latencies, 99),
                "max_s": max(latencies) if latencies else None,
                "status_503": sum(1 for s, _ in results if s == 503),
                "status_5xx_other": sum(1 for s, _ in results if s >= 500 and s != 503),
                "no_answer": sum(1 for s, _ in results if s == 0),
                "other": sum(1 for s, _ in results if s not in (0, 200) and s < 500)}

    async def _raw_burst(self, poster: Poster, messages: list[FanMessage], *, one_by_one: bool = False,
                         with_aiohttp: bool = False) -> dict:
        """Every delivery at once (or one after the other), each on its own connection, from a separate
        poster process (``benchmarks.burst_post``); the ack figures and the poster's and gateways' CPU."""
        url = urlsplit(poster.url)
        requests = []
        for m in messages:
            data, headers = poster.body([m])
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            raw = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Length: {len(data)}\r\n"
                   f"{head}Connection: close\r\n\r\n").encode() + data
            requests.append(base64.b64encode(raw).decode())
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.burst_post", url.hostname, str(url.port),
            *(["--one-by-one"] if one_by_one else []), *(["--aiohttp"] if with_aiohttp else []),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)
        before = self._cpu_s()
        out, _ = await proc.communicate(json.dumps(requests).encode())
        after = self._cpu_s()
        if proc.returncode != 0:
            raise RuntimeError(f"the poster process exited with {proc.returncode}")
        answer = json.loads(out)
        gateways = sum(after[n] - before[n] for n in after if n.startswith("gateway") and n in before)
        return {**self._ack_figures([tuple(r) for r in answer["results"]]),
                "poster_cpu_ms_per_request": answer["cpu_s"] * 1000 / len(messages),
                "gateway_cpu_ms_per_request": gateways * 1000 / len(messages)}

    async def acks(self) -> None:
        n_seq, n_small, n_big = (50, 50, 100) if self.args.quick else (200, 200, 1000)
        poster = Poster(self.deployment.base_url)
        out = {}
        fans = [f[0] for f in burst(n_seq + n_small + 2 * n_big, seed=3)]
        seq, small = fans[:n_seq], fans[n_seq:n_seq + n_small]
        big, big_aiohttp = fans[n_seq + n_small:n_seq + n_small + n_big], fans[n_seq + n_small + n_big:]
        out["sequential"] = await self._raw_burst(poster, seq, one_by_one=True)
        await self.drain(60)
        out[f"burst_{n_small}"] = await self._raw_burst(poster, small)
        await self.drain(60)
        out[f"burst_{n_big}"] = await self._raw_burst(poster, big)
        await self.drain(120)
        out[f"burst_{n_big}_aiohttp_client"] = await self._raw_burst(poster, big_aiohttp, with_aiohttp=True)
        self.figures["acks"] = out
        print("\nack latency (POST -> 200)")
        print(f"  {'run':<26}{'n':>6}{'p50':>11}{'p99':>11}{'max':>11}{'5xx':>6}{'503':>6}{'no ans':>8}"
              f"{'poster CPU/req':>16}{'gateways CPU/req':>18}")
        for run, f in out.items():
            poster_cpu = f.get("poster_cpu_ms_per_request")
            print(f"  {run:<26}{f['count']:>6}{ms(f['p50_s']):>11}{ms(f['p99_s']):>11}{ms(f['max_s']):>11}"
                  f"{f['status_5xx_other']:>6}{f['status_503']:>6}{f['no_answer']:>8}"
                  + (f"{poster_cpu:>13.2f} ms" if poster_cpu is not None else "")
                  + (f"{f['gateway_cpu_ms_per_request']:>15.2f} ms" if "gateway_cpu_ms_per_request" in f else ""))
        started = time.monotonic()
        drained = await self.drain(600 if not self.args.quick else 120)
        print(f"  (the {len(fans)} acked messages were then handled; queue "
              f"{'empty' if drained else 'NOT empty'} after {time.monotonic() - started:.0f}s)")

    async def drain(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if await self.redis.xlen(keys.INBOUND) == 0 and await self.redis.zcard(keys.DELAYED) == 0:
                return True
            await asyncio.sleep(0.25)
        return False

    # -- end to end ---------------------------------------------------------------------------------
    def _cpu_s(self) -> dict[str, float]:
        """CPU time (user + system) each process used so far, from /proc/<pid>/stat."""
        out = {}
        for name, pid in {**self.stack.pids(), **self.deployment.alive()}.items():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                out[name] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                pass
        return out

    async def end_to_end(self) -> None:
        n = 50 if self.args.quick else 1000
        questions = faq_questions(n, seed=101)
        fans = [[FanMessage(new_psid(), f"m_e2e_{secrets.token_hex(4)}_{i}", text, 0)]
                for i, (_, _, text) in enumerate(questions)]
        cpu_before = self._cpu_s()
        bench_before = time.process_time()
        async with Poster(self.deployment.base_url, give_up_s=120) as poster:
            first_post = time.perf_counter()
            await poster.post_all(fans, concurrency=64)
            last_ack = time.perf_counter()
            deadline = time.monotonic() + (120 if self.args.quick else 600)
            while time.monotonic() < deadline:
                current = await states(self.redis, fans)
                if all(s.get("status") in FINAL for s in current.values()):
                    break
                await asyncio.sleep(0.25)
        cpu_after = self._cpu_s()
        cpu_ms = {name: 1000 * (cpu_after[name] - cpu_before[name]) / n for name in cpu_after if name in cpu_before}
        cpu_ms["benchmark (poster + Graph API stand-in)"] = 1000 * (time.process_time() - bench_before) / n
        counts = await tally(self.redis, self.graph, fans)
        waits = [self.first_reply[m.mid] - poster.posted_at[m.mid] for f in fans for m in f
                 if m.mid in self.first_reply and m.mid in poster.posted_at]
        replies_at = [self.first_reply[f[0].mid] for f in fans if f[0].mid in self.first_reply]
        span = (max(replies_at) - first_post) if replies_at else None
        self.answered_texts = [f[0].text for f in fans if current.get(f[0].mid, {}).get("status") == "sent"]
        fig = {"messages": n, "posted_in_s": last_ack - first_post, "first_post_to_last_reply_s": span,
               "messages_per_s": (len(replies_at) / span) if span else None,
               "fan_wait_p50_s": pct(waits, 50), "fan_wait_p95_s": pct(waits, 95), "fan_wait_max_s": max(waits, default=None),
               "answered": counts.answered_once, "held": counts.held, "escalated": counts.escalated,
               "failed": counts.failed, "answered_twice": counts.answered_twice, "lost": counts.lost,
               "other_problems": counts.problems(), "post_5xx_other": poster.stats.server_errors,
               "post_503": poster.stats.statuses.get(503, 0), "hold_and_escalation_reasons": counts.reasons}
        self.figures["end_to_end"] = fig
        print(f"\nend to end: {n} distinct FAQ questions from {n} fans, posted as fast as the gateway acks")
        print(f"  posted in {fig['posted_in_s']:.1f} s (503: {fig['post_503']}, other 5xx: {fig['post_5xx_other']})")
        if span:
            print(f"  {fig['messages_per_s']:.1f} messages/s (first POST -> last reply, {span:.1f} s, "
                  f"{len(replies_at)} replies)")
        print(f"  fan's wait POST -> reply: p50 {ms(fig['fan_wait_p50_s'])}, p95 {ms(fig['fan_wait_p95_s'])}, "
              f"max {ms(fig['fan_wait_max_s'])}")
        print(f"  answered {counts.answered_once}, held {counts.held}, escalated {counts.escalated}, "
              f"failed {counts.failed}, answered twice {counts.answered_twice}, lost {counts.lost}"
              + (f", other problems {counts.problems()}" if counts.problems() else ""))
        self.figures["end_to_end"]["cpu_ms_per_message"] = cpu_ms
        print("  CPU per message: " + ", ".join(f"{name} {v:.1f} ms" for name, v in cpu_ms.items())
              + f" (total {sum(cpu_ms.values()):.1f} ms)")

    # -- memory --------------------------------------------------------------------------------------
    async def memory(self) -> None:
        pids = {**self.stack.pids(), **self.deployment.alive()}
        rss = {name: rss_kb(pid) for name, pid in pids.items()}
        self.figures["rss_kb"] = rss
        print("\nresident memory (VmRSS)")
        for name, kb in rss.items():
            print(f"  {name:<12}{(kb or 0) / 1024:>9.1f} MB  (pid {pids[name]})")
        print(f"  {'total':<12}{sum(v or 0 for v in rss.values()) / 1024:>9.1f} MB")

    # -- one long conversation -------------------------------------------------------------------------
    async def long_conversation(self) -> None:
        turns = 30 if self.args.quick else 150
        texts = list(dict.fromkeys(getattr(self, "answered_texts", [])))
        if len(texts) < turns:
            texts += [t for _, _, t in faq_questions(turns * 3, seed=202) if t not in texts]
        texts = texts[:turns]
        sender = new_psid()
        times, outcomes = [], []
        async with Poster(self.deployment.base_url) as poster:
            for i, text in enumerate(texts):
                m = FanMessage(sender, f"m_long_{secrets.token_hex(4)}_{i}", text, i)
                started = time.perf_counter()
                await poster.post([m])
                status = await self._answered(m, timeout_s=30)
                times.append((self.first_reply.get(m.mid) or time.perf_counter()) - started)
                outcomes.append(status)
        head, tail = times[:10], times[-10:]
        fig = {"turns": turns, "first_10_p50_s": statistics.median(head), "last_10_p50_s": statistics.median(tail),
               "turn_1_s": times[0], f"turn_{turns}_s": times[-1], "outcomes": {s: outcomes.count(s) for s in set(outcomes)}}
        fig["change_pct"] = 100 * (fig["last_10_p50_s"] - fig["first_10_p50_s"]) / fig["first_10_p50_s"]
        self.figures["long_conversation"] = fig
        print(f"\none fan, {turns} messages in a row (each waits for its reply)")
        print(f"  p50 turns 1-10: {ms(fig['first_10_p50_s'])}   p50 turns {turns - 9}-{turns}: "
              f"{ms(fig['last_10_p50_s'])}   ({fig['change_pct']:+.0f} %)")
        print(f"  outcomes: {fig['outcomes']}")

    async def _answered(self, m: FanMessage, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        checks = 0
        while time.monotonic() < deadline:
            if m.mid in self.first_reply:
                return "sent"
            checks += 1
            if checks % 10 == 0:
                status = (await states(self.redis, [[m]]))[m.mid].get("status")
                if status in FINAL and status != "sent":
                    return status
            await asyncio.sleep(0.002)
        return "timeout"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


async def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="relais-load-") as tmp:
        bench = Bench(args, Path(tmp))
        print(f"starting Redis, Rasa, the action server, the gateway and {args.workers} worker(s) in {tmp} …",
              flush=True)
        try:
            started = time.monotonic()
            await bench.start()
            print(f"   (stack up in {time.monotonic() - started:.0f}s)", flush=True)
            steps = {"acks": bench.acks, "end_to_end": bench.end_to_end, "memory": bench.memory,
                     "long_conversation": bench.long_conversation}
            for name, step in steps.items():
                if not args.only or name in args.only:
                    await bench.step(name, step())
        except Exception as exc:
            bench.figures["errors"]["start"] = f"{type(exc).__name__}: {exc}"
            print(f"!! the stack did not start: {exc}")
            for log in sorted((Path(tmp) / "logs").glob("*.log")):
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}")
        finally:
            await bench.stop()
        return bench.figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--gateways", type=int, default=min(2, os.cpu_count() or 1),
                        help="gateway processes sharing the port (default as relais up)")
    parser.add_argument("--concurrency", type=int, help="messages each worker handles at once (default: the setting's)")
    parser.add_argument("--send-latency-ms", type=float, default=0.0, help="the fake Graph API answers this late")
    parser.add_argument("--no-echoes", dest="echoes", action="store_false",
                        help="do not echo sends back to the gateway (Meta does when subscribed to message_echoes)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--only", nargs="+", choices=["acks", "end_to_end", "memory", "long_conversation"],
                        help="run only these steps")
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    figures = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
        print(f"figures written to {args.json}")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
