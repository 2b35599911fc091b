"""Typed aiohttp application keys of the gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from redis.asyncio import Redis

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.pipeline.intake import Intake
    from bot.ratelimit import CheckLimit
    from bot.pipeline.queue import InboundQueue

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
QUEUE = web.AppKey("queue", "InboundQueue")
INTAKE = web.AppKey("intake", "Intake")
CHANNELS = web.AppKey("channels", dict)
CHECK_LIMIT = web.AppKey("check_limit", "CheckLimit")
