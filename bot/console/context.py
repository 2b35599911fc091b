"""What every part of the console shares in one process, stored on the console's aiohttp app."""

from __future__ import annotations

import time
from collections.abc import Callable
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
    throttle: Any = None  # bot.console.throttle.Throttle
    inbox: Any = None  # bot.console.inbox.Inbox
    sender: Any = None  # bot.console.sending.ConsoleSender
    audit: Any = None  # bot.console.audit.AuditLog
    events: Any = None  # bot.console.events.Broadcaster
    proofreader: Any = None  # bot.proofreading.service.Proofreader, loaded on first use
    clock: Callable[[], float] = time.time  # "now" for staffed hours and the messaging window
    extra: dict[str, Any] = field(default_factory=dict)


CONSOLE = web.AppKey("console", Console)
# A proofreader already loaded in this process, to use instead of loading the shipped one again
# (set on the gateway app, or passed to setup_console, before the app starts).
PROOFREADER = web.AppKey("console_proofreader", object)
# The console's clock, when set on the gateway app before it starts (a fixed moment: a Tuesday morning
# after a weekend, a conversation eight days old) instead of the system's.
CLOCK = web.AppKey("console_clock", object)


def console_of(request: web.Request) -> Console:
    return request.config_dict[CONSOLE]
