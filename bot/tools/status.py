"""``relais status``: the running stack at a glance, read from Redis.

The same figures as the gateway's ``/metrics``: queue depth, pending entries
and lag, messages waiting for a retry or an echo, dead letters, live and
degraded workers, blocked accounts, recent alerts and the routes of the
latest outcomes.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.pipeline.queue import InboundQueue


async def gather(redis: Redis) -> dict[str, Any]:
    stats = await InboundQueue(redis).stats()
    workers = []
    for name in await redis.zrangebyscore(keys.WORKERS, time.time() - 3600, "+inf"):
        raw = await redis.get(keys.worker(name.decode()))
        info = json.loads(raw) if raw else {"status": "stopped"}
        workers.append({"name": name.decode(), **info})
    blocked = []
    async for key in redis.scan_iter(match="relais:blocked:*", count=100):
        raw = await redis.get(key)
        if raw:
            info = json.loads(raw)
            blocked.append({"account": key.decode().removeprefix("relais:blocked:"), "reason": info.get("reason"),
                            "since": info.get("since")})
    alerts = [{k.decode(): v.decode() for k, v in fields.items()}
              for _, fields in await redis.xrevrange(keys.ALERTS, count=5)]
    routes = Counter(fields[b"route"].decode() for _, fields in await redis.xrevrange(keys.OUTCOMES, count=1000))
    return {
        "queue": {"depth": stats.depth, "pending": stats.pending, "lag_s": round(stats.oldest_age_s, 1),
                  "waiting_retry_or_echo": stats.delayed, "dead_letters": stats.dead},
        "workers": workers,
        "blocked_accounts": blocked,
        "alerts": alerts,
        "last_1000_outcomes": dict(routes),
    }


def format_text(report: dict[str, Any]) -> str:
    q = report["queue"]
    lines = [f"queue      {q['depth']} in stream, {q['pending']} being handled, oldest {q['lag_s']} s",
             f"waiting    {q['waiting_retry_or_echo']} for a retry or an echo",
             f"dead       {q['dead_letters']} dead letter(s)  (relais dead)"]
    live = [w for w in report["workers"] if w.get("status") in ("ok", "starting")]
    lines.append(f"workers    {len(live)} live of {len(report['workers'])} seen in the last hour")
    for w in report["workers"]:
        if w.get("status") not in ("ok", "starting"):
            lines.append(f"           {w['name']}: {w.get('status')} {w.get('error', '')}".rstrip())
    for b in report["blocked_accounts"]:
        lines.append(f"BLOCKED    {b['account']}: {b['reason']}")
    for a in report["alerts"]:
        lines.append(f"alert      {a.get('kind')}: {a.get('reason', '')}")
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report["last_1000_outcomes"].items())) or "none yet"
    lines.append(f"outcomes   {outcomes}")
    return "\n".join(lines)
