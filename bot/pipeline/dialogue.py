"""The dialogue a message needs, and nothing more: Rasa NLU, the rules, one custom action.

Relais's rules (``nlu_data/rules.yml``) are single-turn: each maps an intent
to the custom action that drafts the answer. Running them here, instead of
through Rasa's REST channel, spares every message a dialogue round trip
(tracker load and save, a policy prediction after each action, a second
action call for the slot mapping); that round trip capped Rasa at about 22
messages/s on two cores whatever the concurrency, against about 100 for the
parse alone (``benchmarks/rasa_paths.py`` measures both). A rule file with
anything else than ``intent`` → ``action`` steps is refused at start-up, so
the rules Rasa is trained on and the rules run here cannot drift apart.

What a conversation remembers between messages (its slots: language, order
number…) is one small Redis hash, so a message costs the same at turn 150 as
at turn 1. The action server is called with rasa-sdk's own protocol
(``POST /webhook``); the domain is sent only when the action server asks for
it (HTTP 449), as Rasa does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.errors import ConfigError, RasaError
from bot.metrics import ACTION_ERRORS, ACTION_SECONDS

log = logging.getLogger("relais.dialogue")

FALLBACK_ACTION = "action_draft_reply"  # config.yml's core_fallback_action_name
RASA_SDK_PROTOCOL_VERSION = "3.6.21"


@dataclass(slots=True)
class Draft:
    """What the custom action made of one fan message.

    ``texts`` are the bot utterances in order; ``meta`` merges the ``relais``
    blocks the actions attach (intent, confidence, language, holding message…).
    """

    texts: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(t for t in self.texts if t.strip())


class Rules:
    """Intent → action, from the rules Rasa is trained on."""

    def __init__(self, actions: dict[str, str], fallback: str = FALLBACK_ACTION) -> None:
        self.actions = actions
        self.fallback = fallback

    @classmethod
    def load(cls, path: str | Path) -> "Rules":
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        actions: dict[str, str] = {}
        for rule in doc.get("rules") or []:
            steps = rule.get("steps") or []
            name = rule.get("rule", "?")
            shape = [next(iter(step)) for step in steps if isinstance(step, dict) and step]
            if shape != ["intent", "action"] or set(rule) - {"rule", "steps"}:
                raise ConfigError(f"{path}: rule {name!r} is not a single 'intent → action' rule")
            actions[str(steps[0]["intent"])] = str(steps[1]["action"])
        return cls(actions)

    def next_action(self, intent: str) -> str:
        return self.actions.get(intent, self.fallback)


class ActionServer:
    """rasa-sdk's action server, called the way the Rasa server calls it, with its token
    (``Authorization: Bearer``, ``RELAIS_ACTIONS_TOKEN``; see ``actions/server.py``) when there is one."""

    def __init__(self, session: aiohttp.ClientSession, url: str, domain_file: str | Path,
                 timeout_s: float = 10.0, token: str = "") -> None:
        self.session = session
        self.url = url
        self.domain = yaml.safe_load(Path(domain_file).read_text(encoding="utf-8"))
        self.timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=2)
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __repr__(self) -> str:  # never the token
        return f"ActionServer(url={self.url!r})"

    async def _post(self, body: dict[str, Any]) -> tuple[int, Any]:
        async with self.session.post(self.url, json=body, timeout=self.timeout, headers=self._headers) as resp:
            return resp.status, await resp.json(content_type=None)

    async def run(self, action: str, sender_id: str, tracker: dict[str, Any]) -> dict[str, Any]:
        body = {"next_action": action, "sender_id": sender_id, "tracker": tracker, "version": RASA_SDK_PROTOCOL_VERSION}
        started = time.perf_counter()
        try:
            status, data = await self._post(body)
            if status == 449:  # the action server has no domain yet
                status, data = await self._post({**body, "domain": self.domain})
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            ACTION_ERRORS.inc()
            raise RasaError(f"action server unreachable: {type(exc).__name__}") from exc
        finally:
            ACTION_SECONDS.observe(time.perf_counter() - started)
        if status != 200 or not isinstance(data, dict):
            ACTION_ERRORS.inc()
            raise RasaError(f"action server answered HTTP {status} for {action}")
        return data


class Slots:
    """A conversation's slots, one Redis hash (30 days)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def get(self, conversation_id: str) -> dict[str, Any]:
        raw = await self.redis.hgetall(keys.conversation(conversation_id, "slots"))
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    async def language(self, conversation_id: str) -> str | None:
        """The language the conversation has so far (the ``language`` slot), None for a new one."""
        raw = await self.redis.hget(keys.conversation(conversation_id, "slots"), "language")
        return json.loads(raw) if raw else None

    async def update(self, conversation_id: str, values: dict[str, Any]) -> None:
        if not values:
            return
        key = keys.conversation(conversation_id, "slots")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={k: json.dumps(v, ensure_ascii=False) for k, v in values.items()})
            pipe.expire(key, keys.CONVERSATION_TTL_S)
            await pipe.execute()


def tracker_state(sender_id: str, parse: dict[str, Any], metadata: dict[str, Any],
                  slots: dict[str, Any]) -> dict[str, Any]:
    """The tracker rasa-sdk's ``Tracker.from_dict`` reads, for one fan message."""
    latest = {k: parse.get(k) for k in ("text", "intent", "entities", "intent_ranking", "tone", "scope", "questions")
              if k in parse}
    latest["metadata"] = metadata
    return {
        "sender_id": sender_id,
        "slots": slots,
        "latest_message": latest,
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        "latest_event_time": time.time(),
    }


def draft_from(result: dict[str, Any]) -> tuple[Draft, dict[str, Any]]:
    """The action server's answer → the draft, and the slots it set."""
    draft = Draft()
    for response in result.get("responses") or []:
        if not isinstance(response, dict):
            continue
        if isinstance(response.get("text"), str):
            draft.texts.append(response["text"])
        custom = response.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("relais"), dict):
            draft.meta.update(custom["relais"])
    slots = {e["name"]: e.get("value") for e in result.get("events") or []
             if isinstance(e, dict) and e.get("event") == "slot" and isinstance(e.get("name"), str)}
    return draft, slots


class Dialogue:
    def __init__(self, actions: ActionServer, rules: Rules, slots: Slots) -> None:
        self.actions = actions
        self.rules = rules
        self.slots = slots

    async def draft(self, conversation_id: str, parse: dict[str, Any], metadata: dict[str, Any]) -> Draft:
        intent = str((parse.get("intent") or {}).get("name") or "")
        stored = await self.slots.get(conversation_id)
        slots = dict(stored)
        if metadata.get("language"):
            slots["language"] = metadata["language"]
        result = await self.actions.run(self.rules.next_action(intent), conversation_id,
                                        tracker_state(conversation_id, parse, metadata, slots))
        draft, changed = draft_from(result)
        if metadata.get("language"):
            changed.setdefault("language", metadata["language"])
        before = {k: v for k, v in stored.items() if k in changed}
        if changed != before:  # most messages change nothing the conversation remembers
            await self.slots.update(conversation_id, changed)
        return draft
