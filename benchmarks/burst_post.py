"""Post a burst of pre-built HTTP/1.1 requests at once, each on its own new connection, from this process.

The load benchmark runs this as a separate process, the way Meta's servers are
separate from the gateway: it reads a JSON list of base64 request bytes on
stdin, sends them all concurrently to ``HOST PORT``, and prints one JSON
object: ``{"results": [[status, seconds], …], "cpu_s": …}`` (status 0 when
no answer came); with ``--one-by-one`` each request waits for the previous
answer (the sequential figures); with ``--aiohttp`` the requests are sent
by aiohttp's client instead, for comparison. Each time runs from the moment its connection is opened to
the end of the response body. The client is as lean as asyncio allows (one
write, one read, uvloop) so that the figures are the gateway's, not the
poster's, on a machine whose cores both share.

    python -m benchmarks.burst_post HOST PORT [--one-by-one] [--aiohttp] < requests.json
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time

import aiohttp
import uvloop


async def post(host: str, port: int, request: bytes, timeout_s: float = 30.0) -> tuple[int, float]:
    """One request on a new connection: the response status and its time (0 and the time spent on failure)."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                await reader.readexactly(length)
                return status, time.perf_counter() - started
            finally:
                writer.close()
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
        return 0, time.perf_counter() - started


async def post_with_aiohttp(session: aiohttp.ClientSession, host: str, port: int, request: bytes) -> tuple[int, float]:
    """The same request sent by aiohttp's client (a heavier poster, for comparison)."""
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    path = lines[0].split(" ")[1]
    headers = dict(line.split(": ", 1) for line in lines[1:]
                   if not line.lower().startswith(("host:", "content-length:", "connection:")))
    started = time.perf_counter()
    try:
        async with session.post(f"http://{host}:{port}{path}", data=body, headers=headers,
                                timeout=aiohttp.ClientTimeout(total=30)) as resp:
            await resp.read()
            return resp.status, time.perf_counter() - started
    except (aiohttp.ClientError, TimeoutError):
        return 0, time.perf_counter() - started


async def burst(host: str, port: int, requests: list[bytes], *, one_by_one: bool = False,
                with_aiohttp: bool = False) -> dict:
    """All the requests at once (or each after the previous one's answer); results and CPU seconds."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True)) as session:
        def send(r: bytes):
            return post_with_aiohttp(session, host, port, r) if with_aiohttp else post(host, port, r)
        cpu = time.process_time()
        if one_by_one:
            results = [await send(r) for r in requests]
        else:
            results = await asyncio.gather(*(send(r) for r in requests))
        return {"results": results, "cpu_s": time.process_time() - cpu}


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    one_by_one, with_aiohttp = "--one-by-one" in sys.argv[3:], "--aiohttp" in sys.argv[3:]
    requests = [base64.b64decode(r) for r in json.load(sys.stdin)]
    print(json.dumps(uvloop.run(burst(host, port, requests, one_by_one=one_by_one, with_aiohttp=with_aiohttp))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
