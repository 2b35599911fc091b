"""Client for the Rasa server's REST channel: one fan message in, the drafted reply out."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.errors import RasaError

log = logging.getLogger("relais.rasa")


@dataclass(slots=True)
class Draft:
    """What Rasa and its custom actions made of one fan message.

    ``texts`` are the bot utterances in order; ``meta`` merges the ``relais``
    blocks the custom actions attach (intent, confidence, language, …).
    """

    texts: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(t for t in self.texts if t.strip())


class RasaClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, timeout_s: float = 30.0) -> None:
        self.session = session
        self.base = base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        try:
            async with self.session.post(self.base + path, json=body, timeout=self.timeout) as resp:
                if resp.status != 200:
                    raise RasaError(f"Rasa answered HTTP {resp.status} on {path.split('/')[1]}")
                return await resp.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise RasaError(f"Rasa unreachable: {type(exc).__name__}") from exc

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only (intent, entities, tone), without touching any conversation."""
        return await self._post("/model/parse", {"text": text})

    async def _tracker_event(self, conversation_id: str, event: str) -> None:
        await self._post(f"/conversations/{quote(conversation_id, safe='')}/tracker/events", {"event": event})

    async def pause(self, conversation_id: str) -> None:
        """Append ``ConversationPaused``: Rasa keeps logging the fan's messages but stops answering."""
        await self._tracker_event(conversation_id, "pause")

    async def resume(self, conversation_id: str) -> None:
        await self._tracker_event(conversation_id, "resume")

    async def draft(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> Draft:
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        messages = await self._post("/webhooks/rest/webhook", body)
        if not isinstance(messages, list):
            raise RasaError("Rasa answered something other than a list")
        draft = Draft()
        for message in messages:
            if not isinstance(message, dict):
                continue
            if isinstance(message.get("text"), str):
                draft.texts.append(message["text"])
            custom = message.get("custom")
            if isinstance(custom, dict) and isinstance(custom.get("relais"), dict):
                draft.meta.update(custom["relais"])
        return draft
