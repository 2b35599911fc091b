"""The gateway's edge: how long a client may take to ask, and how many connections one process keeps.

A webhook port is open to the internet, and a client that opens connections
and then sends nothing — or a header a byte at a time (a slowloris) — must
not hold them for ever. Three bounds, each a setting:

* **Request head: ``RELAIS_IDLE_TIMEOUT_S`` (default 15 s).** aiohttp (3.14)
  has no timer of its own for reading a request's line and headers; its
  keep-alive timer (``keepalive_timeout``) is armed when a connection opens
  and again after each response, and when it fires while the connection is
  still waiting for a complete request head, the connection is closed —
  however many bytes trickled in meanwhile. So this one setting bounds both
  how long a connection may sit idle between requests and how long a client
  has to send a complete head. Behind a proxy that keeps connections to
  Relais open, set the proxy's upstream keep-alive below it. A request line
  or header longer than 8 KiB, or more than 100 headers, is refused (400).
* **Webhook body: ``RELAIS_BODY_TIMEOUT_S`` (default 10 s)** for a
  platform's POST to arrive whole once its head is in (``read_body``):
  408 after, and the connection is closed. Whenever an answer goes out
  before its request's body was read whole (408, 413), what still comes is
  read and dropped for at most 2 s (``LINGER_S``), then the connection is
  closed.
* **Connections: ``RELAIS_MAX_CONNECTIONS`` (default 1000) per gateway
  process.** One more is answered at once — ``503`` with ``Retry-After`` and
  ``Connection: close``, without reading anything from it — and closed, while
  the connections already open carry on; a platform retries the delivery. The
  process raises its own open-files limit to fit the cap when the system
  allows (``ulimit -n`` is often 1024).

``server_options`` is what ``create_app`` hands aiohttp for every server
that runs the app (``relais gateway``, the tests' servers); the connection
cap needs the listening socket, so it lives in ``GatewaySite``, which
``run_gateway`` — the body of ``relais gateway`` — listens with.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
import weakref
from typing import Any

from aiohttp import web

from bot.errors import SlowClientError
from bot.settings import Settings

log = logging.getLogger("relais.gateway")

# A platform's burst opens hundreds of connections at once; with aiohttp's default of 128 queued
# connections the kernel drops the rest of the SYNs and each is retried a second later. Linux caps it at
# net.core.somaxconn.
LISTEN_BACKLOG = 2048
MAX_LINE_BYTES = 8190
MAX_HEADERS = 100
LINGER_S = 2.0
RETRY_AFTER_S = 1
_FULL = (b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: %d\r\nConnection: close\r\n"
         b"Content-Type: text/plain\r\nContent-Length: 22\r\n\r\ntoo many connections\r\n" % RETRY_AFTER_S)
_REFUSAL_LOG_EVERY_S = 10.0


def server_options(settings: Settings) -> dict[str, Any]:
    """aiohttp's per-connection options (``web.Application(handler_args=…)``)."""
    return {"keepalive_timeout": settings.idle_timeout_s, "max_line_size": MAX_LINE_BYTES,
            "max_field_size": MAX_LINE_BYTES, "max_headers": MAX_HEADERS, "lingering_time": LINGER_S}


async def read_body(request: web.BaseRequest, timeout_s: float) -> bytes:
    """The whole body, which must arrive within ``timeout_s``; SlowClientError (408, closes) after."""
    try:
        async with asyncio.timeout(timeout_s):
            return await request.read()
    except TimeoutError:
        raise SlowClientError(f"body not received within {timeout_s:g}s") from None


class _Counted(asyncio.Protocol):
    """An accepted connection's protocol, counted as open until the connection is lost."""

    def __init__(self, inner: asyncio.Protocol, cap: "ConnectionCap") -> None:
        self.inner = inner
        self.cap = cap
        self.data_received = inner.data_received  # the hot path, handed over without a hop

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.inner.connection_made(transport)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self.cap.open.discard(self)
        self.inner.connection_lost(exc)


class _Refused(asyncio.Protocol):
    """A connection over the cap: told 503 at once and closed, nothing read (a client that had already
    sent its request may see the connection reset instead)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(_FULL)  # type: ignore[attr-defined]
        transport.close()


class ConnectionCap:
    """The protocol factory of the listening socket: aiohttp's own, up to ``limit`` open connections."""

    def __init__(self, factory, limit: int) -> None:
        self.factory = factory
        self.limit = limit
        self.open: weakref.WeakSet[_Counted] = weakref.WeakSet()
        self.refused = 0
        self._logged_at = 0.0

    def __call__(self) -> asyncio.Protocol:
        if len(self.open) >= self.limit:
            self.refused += 1
            now = time.monotonic()
            if now - self._logged_at >= _REFUSAL_LOG_EVERY_S:
                self._logged_at = now
                log.warning("connection refused: %d open, the cap (RELAIS_MAX_CONNECTIONS) is %d; %d refused so far",
                            len(self.open), self.limit, self.refused)
            return _Refused()
        counted = _Counted(self.factory(), self)
        self.open.add(counted)
        return counted


class GatewaySite(web.BaseSite):
    """A TCP site (``web.TCPSite``'s options) whose connections go through a ``ConnectionCap``."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, *, max_connections: int,
                 backlog: int = LISTEN_BACKLOG, reuse_port: bool = False) -> None:
        super().__init__(runner, backlog=backlog)
        self._host, self._port, self._reuse_port = host, port, reuse_port
        self.cap: ConnectionCap | None = None
        self.max_connections = max_connections

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def port(self) -> int:
        if self._server is not None and self._server.sockets:
            return self._server.sockets[0].getsockname()[1]
        return self._port

    async def start(self) -> None:
        await super().start()
        assert self._runner.server is not None
        self.cap = ConnectionCap(self._runner.server, self.max_connections)
        self._server = await asyncio.get_running_loop().create_server(
            self.cap, self._host, self._port, backlog=self._backlog, reuse_address=True,
            reuse_port=self._reuse_port or None)


def fit_open_files(max_connections: int) -> None:
    """Raise this process's soft open-files limit to hold ``max_connections`` and some more, when allowed."""
    want = max_connections + 256  # Redis connections, logs, the listening socket
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        if target > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < want:
            log.warning("open-files limit %d is below RELAIS_MAX_CONNECTIONS (%d) and the gateway's own files",
                        target, max_connections)


async def serve(app: web.Application, settings: Settings, *, reuse_port: bool = True,
                backlog: int = LISTEN_BACKLOG, handle_signals: bool = False,
                **runner_options: Any) -> tuple[web.AppRunner, GatewaySite]:
    """Start serving ``app`` on ``settings.host:port`` behind the connection cap; ``runner.cleanup()`` stops."""
    runner = web.AppRunner(app, handle_signals=handle_signals, **runner_options)
    await runner.setup()
    site = GatewaySite(runner, settings.host, settings.port, max_connections=settings.max_connections,
                       backlog=backlog, reuse_port=reuse_port)
    await site.start()
    return runner, site


def run_gateway(settings: Settings, app: web.Application | None = None) -> None:
    """``relais gateway``: serve until SIGINT or SIGTERM, then finish the requests under way.

    ``reuse_port``: several gateway processes share the port, and the kernel spreads connections over
    them. uvloop: the same asyncio, with a quicker event loop for the sockets the gateway lives on."""
    import uvloop

    from bot.app import AccessLogger, create_app

    fit_open_files(settings.max_connections)
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)

    async def main() -> None:
        runner, _ = await serve(app if app is not None else create_app(settings), settings, handle_signals=True,
                                access_log_class=AccessLogger)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    task = loop.create_task(main())
    try:
        loop.run_until_complete(task)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        task.cancel()
        loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
