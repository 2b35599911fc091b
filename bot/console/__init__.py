"""The CM console, served by the gateway at ``/console``: where community managers approve drafts,
take over conversations and hand them back.

``setup_console(app, settings)`` mounts it on the gateway as a sub-application
with its own guards: security headers, sign-in, CSRF. On an address other
than loopback the console refuses to start until a CM account exists
(``relais cm add NAME``); ``RELAIS_CONSOLE=off`` leaves it out.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from bot.settings import LOOPBACK_HOSTS, Settings

log = logging.getLogger("relais.console")

HERE = Path(__file__).resolve().parent


def _routes(console_app: web.Application) -> None:
    from bot.console import proofing, views

    r = console_app.router
    r.add_get("/", views.home)
    r.add_get("/login", views.login_form)
    r.add_post("/login", views.login)
    r.add_post("/logout", views.logout)
    r.add_post("/language", views.set_language)
    r.add_get("/inbox/{view}", views.inbox)
    r.add_get("/inbox/{view}/rows", views.inbox_rows)
    r.add_get("/item/{item}", views.item_page)
    r.add_get("/item/{item}/thread", views.thread_part)
    r.add_post("/item/{item}/{action}", views.item_action)
    r.add_post("/bulk", views.bulk)
    r.add_post("/api/item/{item}/viewing", views.viewing)
    r.add_post("/api/proofread", proofing.proofread_api)
    r.add_get("/api/stats", views.stats_api)
    r.add_get("/api/counts", views.counts_api)
    r.add_get("/stats", views.stats_page)
    r.add_get("/away", views.away_page)
    r.add_get("/audit", views.audit_page)
    r.add_get("/events", views.events)
    r.add_static("/static", HERE / "static", append_version=False)


async def _check_accounts(console) -> None:
    """Refuse to serve fans' data to the network without anyone able to sign in."""
    from redis.exceptions import RedisError

    from bot.errors import ConfigError

    if console.settings.host in LOOPBACK_HOSTS:
        return
    try:
        count = await console.accounts.count_active()
    except RedisError as exc:
        raise ConfigError(f"the CM console cannot check its accounts ({type(exc).__name__}); "
                          "set RELAIS_CONSOLE=off to run the gateway without it") from None
    if not count:
        raise ConfigError(f"the CM console will not start on {console.settings.host} without a CM account: "
                          "create one with `relais cm add NAME` (or set RELAIS_CONSOLE=off)")


def _console_ctx(parent: web.Application, settings: Settings):
    async def ctx(console_app: web.Application) -> AsyncIterator[None]:
        import aiohttp

        from bot.console import auth, events
        from bot.console.accounts import Accounts
        from bot.console.audit import AuditLog
        from bot.console.context import CLOCK, CONSOLE, PROOFREADER, Console
        from bot.console.inbox import Inbox
        from bot.console.passwords import PasswordChecker
        from bot.console.sending import ConsoleSender
        from bot.console.throttle import Throttle
        from bot.errors import ConfigError
        from bot.keys import CHANNELS, QUEUE, REDIS

        redis = parent[REDIS]
        channels = parent[CHANNELS]
        session = aiohttp.ClientSession(headers={"User-Agent": "relais-console/0.2"})
        for channel in channels.values():
            if getattr(channel, "session", None) is None:
                channel.open(session)
        inbox = Inbox(redis)
        audit = AuditLog(redis)
        passwords = PasswordChecker(settings.console_hash_concurrency, settings.console_hash_queue)
        console = Console(settings, redis, channels, accounts=Accounts(redis, passwords, audit),
                          sessions=auth.Sessions(redis, settings.console_session_idle_s,
                                                 settings.console_session_max_s),
                          throttle=Throttle(redis, settings.console_signin_account_slot_s,
                                            settings.console_signin_address_slot_s),
                          inbox=inbox, audit=audit, events=events.Broadcaster(redis, inbox),
                          sender=ConsoleSender(redis, parent[QUEUE], channels, sandbox=settings.sandbox,
                                               lock_ttl_ms=settings.lock_ttl_ms,
                                               send_attempts=settings.send_attempts,
                                               retry_base_s=settings.send_retry_base_s,
                                               echo_wait_s=settings.echo_wait_s))
        console.proofreader = console_app.get(PROOFREADER) or parent.get(PROOFREADER)
        console.clock = parent.get(CLOCK) or console.clock
        console_app[CONSOLE] = console
        try:
            await _check_accounts(console)
        except ConfigError:
            await session.close()
            raise
        async with events.listen(console.events):
            yield
        await session.close()
    return ctx


def setup_console(app: web.Application, settings: Settings, proofreader=None) -> web.Application | None:
    """Mount the console at ``/console`` (unless ``settings.console`` is off); the sub-application."""
    if not settings.console:
        return None
    import aiohttp_jinja2
    import jinja2

    from bot.console import auth, csrf, security
    from bot.console.context import CONSOLE, PROOFREADER

    console_app = web.Application(middlewares=[security.security_headers, auth.require_login, csrf.check_csrf])
    if proofreader is not None:
        console_app[PROOFREADER] = proofreader
    aiohttp_jinja2.setup(console_app, loader=jinja2.FileSystemLoader(HERE / "templates"),
                         autoescape=jinja2.select_autoescape(default=True, default_for_string=True))
    _routes(console_app)
    console_app.cleanup_ctx.append(_console_ctx(app, settings))

    async def stop_streams(_: web.Application) -> None:
        if CONSOLE in console_app:
            await console_app[CONSOLE].events.close()
    console_app.on_shutdown.append(stop_streams)
    app.add_subapp("/console", console_app)
    return console_app
