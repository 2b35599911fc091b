"""The CM queue on a real Redis: each case bounded as it is filed, the stream trimmed to its cap oldest first,
never past the last case the console indexed."""

from __future__ import annotations

import json
import time

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.pipeline.cm_queue import MAX_CASE_LIST, MAX_CASE_TEXT, CMQueue, entry_fields


def case(n: int, **extra) -> dict:
    return {"conversation": f"messenger:page:fan-{n}", "message_id": f"m_{n}", "text": f"message {n}",
            "draft": "Hello", **extra}


async def texts(redis: Redis) -> list[str]:
    return [json.loads(fields[b"case"])["text"] for _, fields in await redis.xrange(keys.CM_QUEUE)]


async def test_a_case_keeps_each_text_and_list_to_its_cap_and_names_what_was_cut(redis: Redis):
    queue = CMQueue(redis)
    await queue.add("held", case(1, text="é" * 20_000, draft="d" * (MAX_CASE_TEXT + 1),
                                 attachments=[f"https://cdn.example/{i}" for i in range(80)],
                                 evidence={"tone": "angry", "flag_words": {"anger": ["x" * 9_000]}}))
    await queue.add("held", case(2))
    [short, long] = await queue.cases()
    assert "truncated" not in short and short["text"] == "message 2"
    assert len(long["text"]) == MAX_CASE_TEXT and long["text"].endswith("…")
    assert len(long["draft"]) == MAX_CASE_TEXT
    assert len(long["attachments"]) == MAX_CASE_LIST and long["attachments"][0] == "https://cdn.example/0"
    assert len(long["evidence"]["flag_words"]["anger"][0]) == MAX_CASE_TEXT
    assert long["evidence"]["tone"] == "angry"
    assert long["truncated"] == ["text", "draft", "attachments", "evidence"]


async def test_the_stream_is_trimmed_oldest_first_but_never_past_the_consoles_cursor(redis: Redis):
    queue = CMQueue(redis, max_cases=20)
    ids = [await queue.add("held", case(n)) for n in range(10)]
    await redis.set(keys.CONSOLE_CURSOR, ids[4])  # the console indexed the first 5
    for n in range(10, 60):
        await queue.add("held", case(n))
    # Only what the console indexed may go: the 55 it has not indexed all stay, past the cap.
    assert await texts(redis) == [f"message {n}" for n in range(5, 60)]
    await redis.set(keys.CONSOLE_CURSOR, (await queue.cases(1))[0]["id"])  # now it has indexed them all
    assert await queue.trim() == 35
    assert await texts(redis) == [f"message {n}" for n in range(40, 60)]


async def test_without_a_cursor_the_cases_a_starting_console_would_index_stay(redis: Redis):
    old_ms = int((time.time() - keys.CONSOLE_CURSOR_TTL_S - 3600) * 1000)
    for n in range(5):  # filed 7 days and an hour ago: a console starting now would not index them
        await redis.xadd(keys.CM_QUEUE, entry_fields("held", case(n)), id=f"{old_ms}-{n}")
    queue = CMQueue(redis, max_cases=3)
    for n in range(5, 12):
        await queue.add("held", case(n))
    assert await texts(redis) == [f"message {n}" for n in range(5, 12)]
