"""What happened while the CM team was away: the digest a CM reads when they come back.

From the outcomes stream and the CM queue, since a moment (the team's last
closing, ``StaffedHours.last_closing``, or a CM's last visit):
the messages by route (sent, held, escalated, failed), the escalations
oldest first, the drafts filed for approval and where conversations were
answered outside Relais. The CM console renders it; this module only reads.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.pipeline.cm_queue import CMQueue

MAX_ENTRIES = 100_000  # the outcomes stream's own length cap


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def away_digest(redis: Redis, since: float, until: float | None = None) -> dict[str, Any]:
    """``{"since", "until", "routes": {route: n}, "reasons": {kind: n}, "escalations": [...], "drafts": [...],
    "elsewhere": [...]}`` — cases as the CM queue holds them, oldest first."""
    until = time.time() if until is None else until
    since_ms = round(since * 1000)
    low, high = f"{since_ms}-0", f"{round(until * 1000)}-99999999"
    routes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for _, fields in await redis.xrange(keys.OUTCOMES, low, high, count=MAX_ENTRIES):
        routes[_s(fields.get(b"route", b"?"))] += 1
        for reason in json.loads(fields.get(b"reasons", b"[]")):
            reasons[reason.split(":", 1)[0]] += 1
    escalations, drafts, elsewhere = [], [], []
    cases = CMQueue(redis)
    after = f"{since_ms - 1}-99999999" if since_ms > 0 else "0-0"
    while True:
        batch = await cases.since(after, count=500)
        for case in batch:
            if int(case["id"].split("-")[0]) > round(until * 1000):
                batch = []
                break
            by_kind = {"escalated": escalations, "held": drafts, "handled_elsewhere": elsewhere}
            by_kind.get(case["kind"], []).append(case)
        if len(batch) < 500:
            break
        after = batch[-1]["id"]
    return {"since": since, "until": until, "routes": dict(routes), "reasons": dict(reasons),
            "escalations": escalations, "drafts": drafts, "elsewhere": elsewhere}
