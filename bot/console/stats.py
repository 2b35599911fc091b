"""The team's numbers for today: what the bot did, how fast people answered, how good its drafts were.

* messages by route (``sent`` / ``held`` / ``escalated`` / ``failed``), from
  the outcomes stream the workers write (CM replies left out);
* the median time from a fan's message to the first human answer, from the
  audit log (each first answer records how long the fan had waited);
* the drafts CMs approved as they were, edited before sending, or rejected —
  the bot's real precision — by language, from the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.console.audit import AuditLog

DRAFT_VERDICTS = ("as_is", "edited", "rejected")


def start_of_today(now: dt.datetime | None = None) -> float:
    now = now or dt.datetime.now().astimezone()
    return now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def _verdict(entry: dict[str, Any]) -> str | None:
    if entry.get("kind") != "draft":
        return None
    if entry["action"] == "reject":
        return "rejected"
    if entry["action"] in ("approve", "send") and entry.get("status") in ("sent", "pending"):
        return "edited" if entry.get("diff") else "as_is"
    return None


async def routes_since(redis: Redis, since_ts: float) -> dict[str, int]:
    counts = {"sent": 0, "held": 0, "escalated": 0, "failed": 0}
    cursor = f"{int(since_ts * 1000)}-0"
    while True:
        rows = await redis.xrange(keys.OUTCOMES, cursor, "+", count=2000)
        for _, fields in rows:
            if b"cm_reply" in fields.get(b"reasons", b""):
                continue
            route = fields.get(b"route", b"").decode()
            counts[route] = counts.get(route, 0) + 1
        if len(rows) < 2000:
            return counts
        cursor = "(" + rows[-1][0].decode()


async def today(redis: Redis, since_ts: float | None = None) -> dict[str, Any]:
    since_ts = start_of_today() if since_ts is None else since_ts
    entries = await AuditLog(redis).since(since_ts)
    waits = [float(e["first_answer_s"]) for e in entries if e.get("first_answer_s") is not None]
    drafts: dict[str, dict[str, int]] = {}
    for entry in entries:
        verdict = _verdict(entry)
        if verdict:
            by_language = drafts.setdefault(entry.get("language") or "?", dict.fromkeys(DRAFT_VERDICTS, 0))
            by_language[verdict] += 1
    total = {v: sum(d[v] for d in drafts.values()) for v in DRAFT_VERDICTS}
    judged = sum(total.values())
    return {
        "since": since_ts,
        "messages": await routes_since(redis, since_ts),
        "first_human_answer_median_s": round(statistics.median(waits), 1) if waits else None,
        "first_human_answers": len(waits),
        "drafts": {"by_language": drafts, "total": total,
                   "approved_as_is_rate": round(total["as_is"] / judged, 3) if judged else None},
    }


def as_json(stats: dict[str, Any]) -> str:
    return json.dumps(stats, ensure_ascii=False)
