"""What every part of the console shares in one process, stored on the console's aiohttp app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from redis.asyncio import Redis

from bot.settings import Settings


@dataclass
class Console:
    settings: Settings
    redis: Redis
    channels: dict[str, Any]
    accounts: Any = None  # bot.console.accounts.Accounts
    sessions: Any = None  # bot.console.auth.Sessions
    throttle: Any = None  # bot.console.auth.Throttle
    inbox: Any = None  # bot.console.inbox.Inbox
    sender: Any = None  # bot.console.sending.ConsoleSender
    audit: Any = None  # bot.console.audit.AuditLog
    events: Any = None  # bot.console.events.Broadcaster
    proofreader: Any = None  # bot.proofreading.service.Proofreader, loaded on first use
    extra: dict[str, Any] = field(default_factory=dict)


CONSOLE = web.AppKey("console", Console)
# A proofreader already loaded in this process, to use instead of loading the shipped one again
# (set on the gateway app, or passed to setup_console, before the app starts).
PROOFREADER = web.AppKey("console_proofreader", object)


def console_of(request: web.Request) -> Console:
    return request.config_dict[CONSOLE]
