"""Typed aiohttp application keys shared by the gateway, the worker and the webhooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from bot.brand import Brand
from bot.policy import PolicyConfig
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.queue import InboundQueue

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
QUEUE = web.AppKey("queue", "InboundQueue")
HTTP = web.AppKey("http", aiohttp.ClientSession)
POLICY = web.AppKey("policy", PolicyConfig)
BRAND = web.AppKey("brand", Brand)
