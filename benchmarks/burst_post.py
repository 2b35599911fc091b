"""Post a burst of pre-built HTTP/1.1 requests at once, each on its own new connection, from this process.

The load benchmark runs this as a separate process, the way Meta's servers are
separate from the gateway: it reads a JSON list of base64 request bytes on
stdin, sends them all concurrently to ``HOST PORT``, and prints one JSON
object: ``{"results": [[status, seconds], …], "cpu_s": …}`` (status 0 when
no answer came). Each time runs from the moment its connection is opened to
the end of the response body. The client is as lean as asyncio allows (one
write, one read, uvloop) so that the figures are the gateway's, not the
poster's, on a machine whose cores both share.

    python -m benchmarks.burst_post HOST PORT < requests.json
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time

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


async def burst(host: str, port: int, requests: list[bytes]) -> dict:
    cpu = time.process_time()
    results = await asyncio.gather(*(post(host, port, r) for r in requests))
    return {"results": results, "cpu_s": time.process_time() - cpu}


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    requests = [base64.b64decode(r) for r in json.load(sys.stdin)]
    print(json.dumps(uvloop.run(burst(host, port, requests))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
