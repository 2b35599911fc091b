"""A worker process (``relais worker``): its Redis pool, HTTP session, channels and pipeline, wired once.

Several worker processes, on one machine or many, share one Redis and one
or more Rasa servers; each runs ``RELAIS_WORKER_CONCURRENCY`` messages at
once. ``build_worker`` wires the pipeline around clients it is given, so the
tests run the very same worker inside their own event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Mapping

import aiohttp
from redis.asyncio import BlockingConnectionPool, Redis

from bot import nlp
from bot.channels import Channel, load_channels
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.delivery import Outbox, Sender
from bot.pipeline.dialogue import ActionServer, Dialogue, Rules, Slots
from bot.pipeline.handoff import Handoff
from bot.pipeline.ledger import Ledger
from bot.pipeline.policy import PolicyConfig
from bot.pipeline.profiles import Profiles
from bot.pipeline.queue import InboundQueue
from bot.pipeline.rasa_client import RasaClient
from bot.pipeline.recent import RecentMessages
from bot.pipeline.responder import Responder
from bot.pipeline.worker import Worker
from bot.settings import Settings

log = logging.getLogger("relais.worker")


def load_proofreader(brand_file: str | None = None):
    """The shipped proofreader; it re-reads the brand's own words whenever ``brand_file`` changes."""
    from bot.proofreading.service import Proofreader

    return Proofreader.from_env(brand_path=brand_file) if brand_file else Proofreader.from_env()


def build_worker(settings: Settings, redis: Redis, session: aiohttp.ClientSession, channels: dict[str, Channel],
                 proofreader) -> Worker:
    """The pipeline, wired: queue → responder (NLU, dialogue, proofreading, policy) → send engine."""
    for channel in channels.values():
        channel.open(session)
    queue = InboundQueue(redis, dedup_ttl_s=settings.dedup_ttl_s)
    ledger = Ledger(redis, lock_ttl_ms=settings.lock_ttl_ms)
    senders = {name: Sender(channel, redis, sandbox=settings.sandbox) for name, channel in channels.items()}
    outbox = Outbox(redis, ledger, queue, senders, send_attempts=settings.send_attempts,
                    retry_base_s=settings.send_retry_base_s, echo_wait_s=settings.echo_wait_s)
    cm_queue = CMQueue(redis)
    responder = Responder(
        ledger=ledger, outbox=outbox,
        rasa=RasaClient(session, settings.rasa_urls, settings.rasa_token, settings.rasa_timeout_s),
        dialogue=Dialogue(ActionServer(session, settings.actions_url, settings.domain_file,
                                       settings.actions_timeout_s, settings.actions_token),
                          Rules.load(settings.rules_file), Slots(redis)),
        proofreader=proofreader, policy=PolicyConfig.load(settings.policy_file),
        profiles=Profiles(redis, channels, enabled=not settings.sandbox),
        handoff=Handoff(redis, cm_queue), cm_queue=cm_queue, recent=RecentMessages(redis),
        max_text={name: channel.limits.max_text for name, channel in channels.items()},
        rasa_attempts=settings.rasa_attempts,
    )
    return Worker(redis, queue, ledger, responder, consumer=settings.consumer,
                  concurrency=settings.worker_concurrency, heartbeat_s=settings.heartbeat_s,
                  max_attempts=settings.max_attempts, order_wait_s=settings.order_wait_s)


async def serve_worker(settings: Settings, env: Mapping[str, str] | None = None) -> None:
    """Run one worker process until SIGTERM or SIGINT."""
    env = os.environ if env is None else env
    # Below the gateway's priority: a platform's delivery is acknowledged first, drafted next.
    os.nice(settings.worker_nice)
    channels = load_channels(env, list(settings.channels))
    pool = BlockingConnectionPool.from_url(settings.redis_url, max_connections=settings.worker_concurrency * 2 + 8,
                                           timeout=10, socket_connect_timeout=2, socket_timeout=30,
                                           health_check_interval=30)
    redis = Redis(connection_pool=pool)
    proofreader = await asyncio.to_thread(load_proofreader, settings.brand_file)
    await asyncio.to_thread(nlp.pipeline, "fr")  # spaCy loaded now, not on the first fan's message
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    connector = aiohttp.TCPConnector(limit=settings.worker_concurrency * 4)
    async with aiohttp.ClientSession(connector=connector, headers={"User-Agent": "relais/0.2"}) as session:
        worker = build_worker(settings, redis, session, channels, proofreader)
        task = asyncio.create_task(worker.run(), name="relais-worker")
        log.info("worker %s consuming, %d at a time", settings.consumer, settings.worker_concurrency)
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        worker.stopping = True
        task.cancel()
        waiter.cancel()
        await asyncio.gather(task, waiter, return_exceptions=True)
    await redis.aclose()
