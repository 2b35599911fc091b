"""The Relais gateway: every channel's webhook, health, readiness and metrics — and nothing slow.

``create_app(settings)`` is the one factory. For each enabled channel it
serves ``GET`` (the platform's subscription check) and ``POST`` (events) on
the channel's path. A POST is read whole (413 above ``client_max_size``),
its signature checked on the raw bytes, parsed event by event, enqueued in
one atomic call (shared with the deliveries that arrive at the same moment:
``bot.pipeline.intake``) and answered 200 — within ``enqueue_budget_s``, or
503 with ``Retry-After`` when Redis cannot take it in time (the platform
redelivers).
The gateway never waits on NLU or on a platform's send API: workers
(``relais worker``) do that in their own processes.

A platform's subscription check (``GET``) is answered at most so often per
client address and in all (``bot.ratelimit``). How long a client may take to
send a request and how many connections one process keeps: ``bot.edge``.
``/metrics`` is served only with ``RELAIS_METRICS_TOKEN`` set, and answers
only ``Authorization: Bearer <that token>`` (401 otherwise): the figures are
for the operator's Prometheus, not for anyone on the webhook port.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from bot import edge, metrics, redis_keys as keys, sandbox
from bot.channels import Channel, load_channels
from bot.console import setup_console
from bot.errors import OverloadError, PayloadError, RelaisError
from bot.forwarded import client_address
from bot.keys import CHANNELS, CHECK_LIMIT, INTAKE, QUEUE, REDIS, SETTINGS
from bot.pipeline.delivery import record_echo
from bot.pipeline.flood import SenderLimit
from bot.pipeline.intake import Intake
from bot.pipeline.queue import InboundQueue
from bot.ratelimit import CheckLimit
from bot.settings import Settings

log = logging.getLogger("relais.gateway")

MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_S = 5


@web.middleware
async def errors_to_http(request: web.Request, handler) -> web.StreamResponse:
    """Translate RelaisError to its HTTP status with a JSON body; nothing else leaks."""
    try:
        return await handler(request)
    except RelaisError as exc:
        log.info("%s %s refused: %s %s", request.method, request.path, exc.status, exc.public)
        headers = {"Retry-After": str(exc.retry_after_s)} if getattr(exc, "retry_after_s", None) else None
        response = web.json_response({"error": exc.public}, status=exc.status, headers=headers)
        if getattr(exc, "close_connection", False):
            response.force_close()
        return response
    except web.HTTPRequestEntityTooLarge:
        return web.json_response({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)


class AccessLogger(AbstractAccessLogger):
    """Method, path (never the query string: it may carry tokens), status and time."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %d %.1fms", request.remote, request.method, request.path, response.status,
                         time * 1000)


def redis_client(settings: Settings) -> Redis:
    """A client whose pool waits (briefly) for a free connection instead of failing."""
    pool = BlockingConnectionPool.from_url(settings.redis_url, max_connections=settings.redis_max_connections,
                                           timeout=settings.enqueue_budget_s, socket_connect_timeout=2,
                                           socket_timeout=5, health_check_interval=30)
    return Redis(connection_pool=pool)


async def _redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    redis = redis_client(settings)
    app[REDIS] = redis
    app[QUEUE] = InboundQueue(redis, dedup_ttl_s=settings.dedup_ttl_s,
                              sender_limit=SenderLimit(settings.sender_limit, settings.sender_window_s))
    app[INTAKE] = Intake(app[QUEUE])
    app[CHECK_LIMIT] = CheckLimit(redis, settings.check_limit_client, settings.check_limit_total)
    try:
        await app[QUEUE].ensure_group()
    except RedisError as exc:  # readiness says so; the group is created when Redis is back
        log.error("Redis not reachable at start-up: %s", type(exc).__name__)
    yield
    await app[INTAKE].close()
    await redis.aclose()


def _decode(body: bytes) -> object:
    try:
        return json.loads(body)
    except RecursionError:
        raise PayloadError("JSON nested too deeply") from None
    except (UnicodeDecodeError, ValueError):
        raise PayloadError("body is not valid JSON") from None


def receive_handler(channel: Channel):
    async def receive(request: web.Request) -> web.Response:
        """``POST`` events: whole body → signature → parse → enqueue → 200."""
        platform = channel.platform
        settings = request.app[SETTINGS]
        try:
            body = await edge.read_body(request, settings.body_timeout_s)
        except web.HTTPRequestEntityTooLarge:
            metrics.DELIVERIES.labels(platform, "too_large").inc()
            raise
        try:
            channel.verify(request.headers, body)
            batch = channel.parse(_decode(body))
        except RelaisError as exc:
            metrics.DELIVERIES.labels(platform, f"refused_{exc.status}").inc()
            raise
        for reason, count in batch.skipped.items():
            metrics.SKIPPED_EVENTS.labels(platform, reason).inc(count)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(settings.enqueue_budget_s):
                fresh = await request.app[INTAKE].enqueue(batch.messages)
                for echo in batch.echoes:
                    await record_echo(request.app[REDIS], echo.platform, echo.tag, echo.platform_message_id)
                if channel.renews_dedupe and batch.messages:
                    await renew_dedupe(request.app[REDIS], batch.messages, settings.dedup_ttl_s)
        except (TimeoutError, RedisError) as exc:
            metrics.DELIVERIES.labels(platform, "overloaded").inc()
            log.warning("could not enqueue within %.1fs (%s); asking the platform to retry",
                        settings.enqueue_budget_s, type(exc).__name__)
            raise OverloadError("busy, retry later", retry_after_s=RETRY_AFTER_S) from None
        metrics.ENQUEUE_SECONDS.observe(time.perf_counter() - started)
        metrics.DELIVERIES.labels(platform, "accepted").inc()
        log.debug("webhook: %d message(s), %d new, %d echo(es), %d skipped", len(batch.messages), fresh,
                  len(batch.echoes), sum(batch.skipped.values()))
        return web.Response(text=channel.ack_body())
    return receive


async def renew_dedupe(redis: Redis, messages, ttl_s: int) -> None:
    """Keep the ids of a delivery "seen" ``ttl_s`` from now: a platform that redelivers again and again
    (``Channel.renews_dedupe``) never outlasts its dedupe (``bot.settings.DEDUP_TTL_S``)."""
    async with redis.pipeline(transaction=False) as pipe:
        for message in messages:
            pipe.expire(keys.seen(message.platform, message.message_id), ttl_s)
        await pipe.execute()


def check_handler(channel: Channel):
    async def check(request: web.Request) -> web.Response:
        """The platform's subscription check, at most so often per client and in all (``bot.ratelimit``)."""
        await request.app[CHECK_LIMIT].take(channel.platform,
                                            client_address(request, request.app[SETTINGS].trusted_proxies))
        body, content_type = channel.answer_check(request.query)
        return web.Response(text=body, content_type=content_type)
    return check


async def _workers_alive(redis: Redis) -> tuple[int, list[str]]:
    names = [n.decode() for n in await redis.zrangebyscore(keys.WORKERS, time.time() - 60, "+inf")]
    alive, degraded = 0, []
    for name in names:
        raw = await redis.get(keys.worker(name))
        if raw is None:
            continue
        alive += 1
        if json.loads(raw).get("status") == "degraded":
            degraded.append(name)
    return alive, degraded


async def health(request: web.Request) -> web.Response:
    """Liveness, always 200 while the process serves; ``status`` says ``degraded`` when Redis or the
    workers cannot do their part."""
    redis = request.app[REDIS]
    try:
        await redis.ping()
        alive, degraded = await _workers_alive(redis)
    except RedisError:
        return web.json_response({"status": "degraded", "redis": "unreachable"})
    status = "ok" if alive and not degraded else "degraded"
    return web.json_response({"status": status, "redis": "ok", "workers": alive, "workers_degraded": len(degraded)})


async def ready(request: web.Request) -> web.Response:
    """Readiness: 200 only when webhooks can be enqueued (Redis reachable, consumer group present)."""
    queue = request.app[QUEUE]
    try:
        groups = await request.app[REDIS].xinfo_groups(queue.stream)
        if not any((g["name"].decode() if isinstance(g["name"], bytes) else g["name"]) == queue.group
                   for g in groups):
            await queue.ensure_group()
    except RedisError as exc:
        return web.json_response({"ready": False, "reason": type(exc).__name__}, status=503)
    return web.json_response({"ready": True})


async def metrics_handler(request: web.Request) -> web.Response:
    """Prometheus figures, for the bearer of ``RELAIS_METRICS_TOKEN`` only."""
    token = request.app[SETTINGS].metrics_token
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not (token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())):
        return web.json_response({"error": "metrics need Authorization: Bearer <RELAIS_METRICS_TOKEN>"},
                                 status=401, headers={"WWW-Authenticate": "Bearer"})
    stats, alive = None, None
    try:
        stats = await request.app[QUEUE].stats()
        alive, _ = await _workers_alive(request.app[REDIS])
    except RedisError:
        pass
    return web.Response(body=metrics.render(stats, alive), content_type="text/plain", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def create_app(settings: Settings, channels: dict[str, Channel] | None = None) -> web.Application:
    app = web.Application(middlewares=[errors_to_http], client_max_size=MAX_BODY_BYTES,
                          handler_args=edge.server_options(settings))
    app[SETTINGS] = settings
    app[CHANNELS] = channels if channels is not None else load_channels_from_env(settings)
    app.cleanup_ctx.append(_redis_ctx)
    app.router.add_get("/healthz", health)
    app.router.add_get("/readyz", ready)
    if settings.metrics_token:
        app.router.add_get("/metrics", metrics_handler)
    for channel in app[CHANNELS].values():
        app.router.add_get(channel.webhook_path, check_handler(channel))
        app.router.add_post(channel.webhook_path, receive_handler(channel))
    if settings.sandbox_allowed:
        sandbox.add_routes(app)
    elif settings.sandbox:
        log.warning("sandbox routes are served only on a loopback address; not on %s", settings.host)
    setup_console(app, settings)  # the CM console at /console
    return app


def load_channels_from_env(settings: Settings) -> dict[str, Channel]:
    import os

    return load_channels(os.environ, list(settings.channels))
