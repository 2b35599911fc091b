"""Client for the Rasa server's NLU: one fan message in, intent, entities and tone out.

``POST /model/parse?token=…`` on one of the configured Rasa servers, taken
in turn; a server that fails is skipped for the next attempt. Rasa's own
dialogue is not on this path: ``bot.pipeline.dialogue`` runs the rules.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

import aiohttp

from bot.errors import RasaError
from bot.metrics import RASA_ERRORS, RASA_SECONDS

log = logging.getLogger("relais.rasa")


class RasaClient:
    def __init__(self, session: aiohttp.ClientSession, base_urls: str | tuple[str, ...] | list[str],
                 token: str = "", timeout_s: float = 10.0) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        self.session = session
        self.bases = [u.rstrip("/") for u in urls]
        self._next = itertools.cycle(range(len(self.bases)))
        self.params = {"token": token} if token else {}
        self.timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=2)

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only (intent, entities, tone), without touching any conversation."""
        base = self.bases[next(self._next)]
        started = time.perf_counter()
        try:
            async with self.session.post(f"{base}/model/parse", json={"text": text}, params=self.params,
                                         timeout=self.timeout) as resp:
                if resp.status != 200:
                    raise RasaError(f"Rasa answered HTTP {resp.status} on model/parse")
                data = await resp.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            RASA_ERRORS.inc()
            raise RasaError(f"Rasa unreachable: {type(exc).__name__}") from exc
        except RasaError:
            RASA_ERRORS.inc()
            raise
        finally:
            RASA_SECONDS.observe(time.perf_counter() - started)
        if not isinstance(data, dict):
            raise RasaError("Rasa answered something other than an object")
        return data
