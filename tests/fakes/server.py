"""What every stand-in platform server shares: serving its routes on 127.0.0.1, and stopping."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestServer


class LocalServer:
    """Subclasses list their routes in ``routes()``; ``start()`` returns the base URL."""

    _server: TestServer | None = None

    def routes(self) -> list[web.RouteDef]:
        raise NotImplementedError

    async def start(self) -> str:
        app = web.Application()
        app.add_routes(self.routes())
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        return str(self._server.make_url("")).rstrip("/")

    async def close(self) -> None:
        if self._server:
            await self._server.close()
