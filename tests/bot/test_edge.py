"""The gateway's edge over raw sockets: slow clients are cut off, connections are capped, /metrics is private.

Timeouts are shortened through the settings; every wait is for something the
client can observe (the server closing the socket, an answer), never a fixed
sleep followed by "nothing happened".
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from bot import edge
from bot.app import create_app
from bot.settings import ROOT
from tests.helpers import (APP_SECRET, METRICS_TOKEN, STREAM, close_client, free_port, make_settings, messenger,
                           messenger_event, serve)
from webhooks.signature import sign


async def closed_by_server(reader: asyncio.StreamReader, timeout_s: float) -> bytes:
    """Everything the server sent until it closed the connection."""
    received = b""
    async with asyncio.timeout(timeout_s):
        while True:
            try:
                chunk = await reader.read(65536)
            except ConnectionResetError:
                return received
            if not chunk:
                return received
            received += chunk


def signed_post(body: bytes, path: str = "/webhooks/messenger") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: relais\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Hub-Signature-256: {sign(APP_SECRET, body)}\r\n\r\n").encode()


def delivery(mid: str) -> bytes:
    return json.dumps(messenger_event("Bonjour", "fan-edge", mid=mid)).encode()


# -- slow clients ------------------------------------------------------------------------------


async def test_a_client_sending_its_headers_a_byte_at_a_time_is_cut_off(redis, redis_url):
    idle_s = 2.0
    client = await serve(make_settings(redis_url, idle_timeout_s=idle_s))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
        started = time.monotonic()
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: relais\r\nX-Slow: ")

        async def trickle() -> None:
            while True:  # one byte a second, never the end of the headers
                await asyncio.sleep(1.0)
                writer.write(b"a")
                await writer.drain()

        sending = asyncio.create_task(trickle())
        try:
            await closed_by_server(reader, idle_s + 5)
        finally:
            sending.cancel()
            writer.close()
        held = time.monotonic() - started
        assert idle_s - 0.5 <= held < idle_s + 3, held
    finally:
        await close_client(client)


async def test_an_idle_connection_is_closed_and_a_prompt_client_is_served(redis, redis_url):
    client = await serve(make_settings(redis_url, idle_timeout_s=1.0))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: relais\r\n\r\n")
        answer = await closed_by_server(reader, 5)  # answered, kept alive, then closed once idle
        writer.close()
        assert answer.startswith(b"HTTP/1.1 200")
    finally:
        await close_client(client)


async def test_a_webhook_body_that_does_not_arrive_in_time_is_refused_408(redis, redis_url):
    client = await serve(make_settings(redis_url, body_timeout_s=1.0, idle_timeout_s=30.0))
    try:
        body = delivery("m_slow_body")
        reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
        writer.write(signed_post(body) + body[:10])
        started = time.monotonic()
        answer = await closed_by_server(reader, 6)
        writer.close()
        # Answered once the body is late, closed at most LINGER_S later.
        assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 1.0 + edge.LINGER_S + 1.5
        assert await redis.xlen(STREAM) == 0
    finally:
        await close_client(client)


# -- the connection cap ---------------------------------------------------------------------------


async def test_past_the_cap_new_connections_are_refused_at_once_while_open_ones_finish(redis, redis_url):
    settings = make_settings(redis_url, max_connections=3, port=free_port(), idle_timeout_s=30.0)
    runner, site = await edge.serve(create_app(settings, {"messenger": messenger()}), settings, reuse_port=False)
    try:
        # Three deliveries under way: heads and half of each body sent.
        open_ones = []
        for i in range(3):
            body = delivery(f"m_cap_{i}")
            reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
            writer.write(signed_post(body) + body[: len(body) // 2])
            await writer.drain()
            open_ones.append((reader, writer, body))

        # A fourth is told 503 and closed at once, without sending anything.
        started = time.monotonic()
        reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
        refused = await closed_by_server(reader, 5)
        writer.close()
        assert refused.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in refused
        assert time.monotonic() - started < 1.5

        # The three finish their bodies and are answered 200.
        for reader, writer, body in open_ones:
            writer.write(body[len(body) // 2:])
            await writer.drain()
        for reader, writer, _ in open_ones:
            status = await asyncio.wait_for(reader.readline(), 10)
            assert status.startswith(b"HTTP/1.1 200"), status
            writer.close()
        assert await redis.xlen(STREAM) == 3

        # Once they are gone, a new connection is served again.
        async def served() -> bool:
            reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: relais\r\nConnection: close\r\n\r\n")
            answer = await closed_by_server(reader, 5)
            writer.close()
            return answer.startswith(b"HTTP/1.1 200")

        deadline = time.monotonic() + 10
        while not await served():
            assert time.monotonic() < deadline, "the freed connections were never counted as closed"
            await asyncio.sleep(0.05)
    finally:
        await runner.cleanup()


def test_relais_gateway_serves_behind_the_cap_and_stops_on_sigterm(redis_url, tmp_path):
    """The entry point ``relais gateway`` runs (``bot.edge.run_gateway``), as a process of its own."""
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "RELAIS_PORT": str(port), "RELAIS_HOST": "127.0.0.1",
           "RELAIS_CHANNELS": "messenger", "MESSENGER_APP_SECRET": APP_SECRET, "MESSENGER_VERIFY_TOKEN": "v",
           "MESSENGER_PAGE_ACCESS_TOKEN": "p", "RELAIS_MAX_CONNECTIONS": "8", "RELAIS_IDLE_TIMEOUT_S": "30",
           "RELAIS_METRICS_TOKEN": METRICS_TOKEN, "PYTHONPATH": str(ROOT)}
    code = "from bot.edge import run_gateway; from bot.settings import load_settings; run_gateway(load_settings())"
    log = (tmp_path / "gateway.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    held: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                probe = socket.create_connection(("127.0.0.1", port), timeout=1)
                probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: relais\r\nConnection: close\r\n\r\n")
                if probe.recv(64).startswith(b"HTTP/1.1 200"):
                    probe.close()
                    break
                probe.close()
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "gateway.log").read_text()
            time.sleep(0.1)
        for _ in range(8):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        extra = socket.create_connection(("127.0.0.1", port), timeout=5)
        assert extra.recv(64).startswith(b"HTTP/1.1 503")
        extra.close()
        for sock in held:
            sock.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        for sock in held:
            sock.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


# -- /metrics ---------------------------------------------------------------------------------------


async def test_metrics_answer_only_the_bearer_of_the_metrics_token(redis, redis_url):
    client = await serve(make_settings(redis_url))
    try:
        assert (await client.get("/metrics")).status == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 401
        assert (await client.get("/metrics", headers={"Authorization": METRICS_TOKEN})).status == 401
        assert (await client.get("/metrics", params={"token": METRICS_TOKEN})).status == 401
        resp = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert resp.status == 200 and "relais_" in await resp.text()
    finally:
        await close_client(client)


async def test_without_a_metrics_token_the_gateway_serves_no_metrics(redis, redis_url):
    client = await serve(make_settings(redis_url, metrics_token=""))
    try:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {METRICS_TOKEN}"}):
            resp = await client.get("/metrics", headers=headers)
            assert resp.status == 404 and "relais_" not in await resp.text()
    finally:
        await close_client(client)


@pytest.mark.parametrize("key,value", [("RELAIS_MAX_CONNECTIONS", "2"), ("RELAIS_IDLE_TIMEOUT_S", "soon"),
                                       ("RELAIS_BODY_TIMEOUT_S", "0"), ("RELAIS_CHECK_LIMIT_CLIENT", "0")])
def test_edge_settings_are_validated_naming_the_key(key, value):
    from bot.errors import ConfigError
    from bot.settings import load_settings

    with pytest.raises(ConfigError, match=key):
        load_settings({"REDIS_URL": "redis://127.0.0.1:6379/0", key: value})
