"""When the team comes back: the digest of what happened while nobody was in.

The first time a CM opens the console after the team's last closing
(``StaffedHours.last_closing`` of ``brand.yml``'s ``staffing``), it opens on
``/console/away``: the messages by route since then, the escalations oldest
first and the drafts filed for approval (``bot.pipeline.digest``). Each CM
gets it once per closing: the moment they last read it is kept in their
account (the ``away_seen_at`` field of ``relais:console:account:<name>``).
The page stays at ``/console/away`` for later; for a brand without staffed
hours it covers the last 24 hours and never opens by itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot import redis_keys as keys
from bot.brand import current_brand
from bot.console import display
from bot.console.context import Console
from bot.errors import ConfigError
from bot.pipeline.digest import away_digest

log = logging.getLogger("relais.console.away")

SEEN_FIELD = "away_seen_at"
NO_STAFFING_S = 24 * 3600
ROUTES = ("sent", "held", "escalated", "failed")
MAX_LISTED = 200  # cases listed per section (the counts cover them all)


def last_closing(console: Console, now: float) -> float | None:
    """When the team last left before ``now``; None for a brand without staffed hours."""
    try:
        hours = current_brand(console.settings.brand_file).staffing
    except (ConfigError, OSError) as exc:
        log.warning("brand file unreadable for the away digest: %s", exc)
        return None
    if hours is None:
        return None
    closing = hours.last_closing(dt.datetime.fromtimestamp(now, dt.timezone.utc))
    return closing.timestamp() if closing is not None else None


async def due(console: Console, name: str) -> bool:
    """Should the console open on the digest for ``name`` (their first visit since the team left)?"""
    closing = last_closing(console, console.clock())
    if closing is None:
        return False
    seen = await console.redis.hget(keys.console_account(name), SEEN_FIELD)
    return not seen or float(seen) < closing


async def _item_ids(console: Console, cases: list[dict[str, Any]], kind: str) -> dict[str, dict[str, str]]:
    """Case id → the console item it belongs to (id, status), for the links of the digest."""
    out: dict[str, dict[str, str]] = {}
    async with console.redis.pipeline(transaction=False) as pipe:
        for case in cases:
            pipe.hmget(keys.console_item(f"{kind}-{case['id']}"), "id", "status")
            pipe.get(keys.console_escalation(str(case.get("conversation", ""))))
        found = await pipe.execute()
    for case, (own, current) in zip(cases, zip(found[::2], found[1::2])):
        item_id, status = (v.decode() if isinstance(v, bytes) else v for v in own)
        if not item_id and current:  # a follow-up joined the conversation's open escalation
            item_id = current.decode() if isinstance(current, bytes) else current
            status = "open"
        if item_id:
            out[case["id"]] = {"id": item_id, "status": status or "handled"}
    return out


def _row(case: dict[str, Any], item: dict[str, str] | None, now: float, language: str) -> dict[str, Any]:
    evidence = case.get("evidence") or {}
    return {"id": case["id"], "at": float(case.get("at") or 0), "tone": str(evidence.get("tone") or "neutral"),
            "language": str(evidence.get("language") or ""), "platform": str(case.get("platform", "")),
            "preview": display.masked(str(case.get("text", "")), case.get("mentions")),
            "reasons": list(case.get("reasons") or [])[:4], "item": item,
            "waited": display.duration(now - float(case.get("at") or now), language)}


async def digest_for(console: Console, name: str, language: str) -> dict[str, Any]:
    """The digest ``name`` reads now (and the moment they read it, so it does not open again)."""
    now = console.clock()
    closing = last_closing(console, now)
    since = closing if closing is not None else now - NO_STAFFING_S
    digest = await away_digest(console.redis, since, now)
    escalations, drafts = digest["escalations"][:MAX_LISTED], digest["drafts"][:MAX_LISTED]
    escalation_items = await _item_ids(console, escalations, "e")
    draft_items = await _item_ids(console, drafts, "d")
    await console.redis.hset(keys.console_account(name), SEEN_FIELD, f"{now:.3f}")
    routes = {route: digest["routes"].get(route, 0) for route in ROUTES}
    routes.update({k: v for k, v in digest["routes"].items() if k not in routes})
    return {
        "since": since, "until": now, "staffed": closing is not None, "routes": routes,
        "total": sum(routes.values()), "reasons": sorted(digest["reasons"].items(), key=lambda kv: -kv[1])[:10],
        "escalations": [_row(c, escalation_items.get(c["id"]), now, language) for c in escalations],
        "escalation_count": len(digest["escalations"]),
        "drafts": [_row(c, draft_items.get(c["id"]), now, language) | {"draft": str(c.get("draft") or "")}
                   for c in drafts],
        "draft_count": len(digest["drafts"]),
        "drafts_waiting": sum(1 for i in draft_items.values() if i["status"] == "open"),
        "elsewhere": len(digest["elsewhere"]),
    }
