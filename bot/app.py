"""The Relais gateway: one aiohttp app serving the webhooks, running the workers in the background."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from bot import nlp, sandbox
from bot.brand import load_brand
from bot.errors import RelaisError
from bot.keys import BRAND, HTTP, POLICY, QUEUE, REDIS, SETTINGS
from bot.ledger import Ledger
from bot.policy import PolicyConfig
from bot.profiles import ProfileLookup
from bot.proofreading.service import Proofreader
from bot.queue import InboundQueue
from bot.rasa_client import RasaClient
from bot.send import MessengerSender
from bot.settings import Settings
from bot.worker import Worker
from webhooks import messenger

log = logging.getLogger("relais.gateway")


@web.middleware
async def errors_to_http(request: web.Request, handler) -> web.StreamResponse:
    """Translate RelaisError to its HTTP status with a JSON body; nothing else leaks."""
    try:
        return await handler(request)
    except RelaisError as exc:
        log.info("%s %s refused: %s %s", request.method, request.path, exc.status, exc.public)
        return web.json_response({"error": exc.public}, status=exc.status)


async def _redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    redis = Redis.from_url(settings.redis_url)
    await redis.ping()
    app[REDIS] = redis
    app[QUEUE] = InboundQueue(redis, settings.stream, settings.group, settings.dedup_ttl_s)
    await app[QUEUE].ensure_group()
    yield
    await redis.aclose()


async def _http_ctx(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession(headers={"User-Agent": "relais/0.1"})
    yield
    await app[HTTP].close()


async def _worker_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    if not settings.run_worker:
        yield
        return
    brand = app[BRAND]
    proofreader = await asyncio.to_thread(Proofreader.from_env, brand.proofreading_vocabulary, brand.english)
    await asyncio.to_thread(nlp.pipeline, "fr")  # load spaCy now, not on the first fan's message
    worker = Worker(
        app[QUEUE],
        Ledger(app[REDIS]),
        RasaClient(app[HTTP], settings.rasa_url, settings.rasa_timeout_s),
        MessengerSender(app[HTTP], settings.send_api_url, settings.messenger_page_access_token,
                        attempts=settings.send_attempts, timeout_s=settings.send_timeout_s),
        app[POLICY],
        proofreader,
        ProfileLookup(app[HTTP], settings.send_api_url, settings.messenger_page_access_token, app[REDIS]),
        consumer=settings.consumer,
        concurrency=settings.worker_concurrency,
        claim_idle_ms=settings.claim_idle_ms,
    )
    task = asyncio.create_task(worker.run(), name="relais-worker")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def health(request: web.Request) -> web.Response:
    await request.app[REDIS].ping()
    return web.json_response({"status": "ok"})


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[errors_to_http], client_max_size=2 * 1024 * 1024)
    app[SETTINGS] = settings
    app[POLICY] = PolicyConfig.load(settings.policy_file)  # fails fast, naming the bad key
    app[BRAND] = load_brand()
    app.cleanup_ctx.extend([_redis_ctx, _http_ctx, _worker_ctx])
    app.router.add_get("/healthz", health)
    messenger.add_routes(app)
    if settings.sandbox:
        sandbox.add_routes(app)
    return app
